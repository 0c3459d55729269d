package peer

import (
	"strings"
)

// emulateNotResourceUnresolved: in a NotResource entry whose variable has no value
// (and no default), the model follows the rule book: the entry matches no resource,
// so it excludes nothing (docs/semantics.md §4.2, §6). The peer instead treats the
// entry as unknown and the whole NotResource as not matching, so the statement does
// not apply — once the entry's partition, service, region, account and resource
// type ("user/", "function:") match the request's resource, since the peer compares
// those before it substitutes. Such statements are removed.
func emulateNotResourceUnresolved(rc *rewriteCase) bool {
	if rc.req.Resource == "*" {
		return false // the peer decides "*" requests before it substitutes variables
	}
	r, err := rc.request()
	if err != nil {
		return false
	}
	resParts := strings.SplitN(rc.req.Resource, ":", 6)
	if len(resParts) != 6 {
		return false
	}
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		if v, _ := p.tree.get("Version").str(); v != "2012-10-17" {
			continue
		}
		if p.filterStatements(func(st *node) bool {
			for _, entry := range st.get("NotResource").strings() {
				parts := strings.SplitN(entry, ":", 6)
				if len(parts) != 6 || !unresolved(parts[5], r) {
					continue
				}
				same := strings.HasPrefix(resParts[5], peerResourceType(parts))
				for i := 0; i < 5; i++ {
					if !globSegment(strings.ToLower(parts[i]), strings.ToLower(resParts[i])) {
						same = false
					}
				}
				if same {
					return false
				}
			}
			return true
		}) {
			changed = true
		}
	}
	return changed
}

// peerResourceType is the leading resource type of a policy ARN's resource part as
// the peer splits it (getResourceSegments in its util.js): up to and including the
// first '/' or ':', nothing for S3 ARNs without region and account.
func peerResourceType(parts []string) string {
	if parts[2] == "s3" && parts[3] == "" && parts[4] == "" {
		return ""
	}
	res := parts[5]
	i := strings.IndexAny(res, "/:")
	if i < 0 {
		return ""
	}
	return res[:i+1]
}

// globSegment matches one ARN segment against a pattern segment with * and ?.
func globSegment(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := 0; i <= len(s); i++ {
				if globSegment(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return s == ""
}
