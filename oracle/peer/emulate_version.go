package peer

import "strings"

// emulateVersion: the peer substitutes policy variables whatever the Version; the
// model does so only under 2012-10-17 (docs/semantics.md §1.2). Policies without it
// that hold "${" get it.
func emulateVersion(rc *rewriteCase) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil || !strings.Contains(string(p.tree.encode(nil)), "${") {
			continue
		}
		v, ok := p.tree.get("Version").str()
		if ok && v == "2012-10-17" {
			continue
		}
		p.tree.set("Version", stringNode("2012-10-17"))
		changed = true
	}
	return changed
}
