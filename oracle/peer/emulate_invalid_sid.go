package peer

import "github.com/iamfuzz/iamfuzz/model"

// emulateInvalidSid: IAM accepts only A-Z, a-z and 0-9 in the Sid of an IAM policy,
// and each Sid once (the model's error invalid-sid); the peer accepts any Sid,
// which has no effect on a decision.
func emulateInvalidSid(rc *rewriteCase) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		seen := map[string]bool{}
		for _, st := range p.tree.statements() {
			sid, ok := st.get("Sid").str()
			if st.get("Sid") != nil && (!ok || !model.ValidSid(p.ref.Type, sid) || seen[sid] && model.UniqueSids(p.ref.Type)) {
				st.del("Sid")
				changed = true
				continue
			}
			seen[sid] = true
		}
	}
	return changed
}
