package peer

import "github.com/iamfuzz/iamfuzz/model"

// emulateInvalidSid: IAM accepts only A-Z, a-z and 0-9 in the Sid of an IAM policy
// (the model's error invalid-sid); the peer accepts any Sid, which has no effect on
// a decision.
func emulateInvalidSid(rc *rewriteCase) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		for _, st := range p.tree.statements() {
			sid, ok := st.get("Sid").str()
			if st.get("Sid") != nil && (!ok || !model.ValidSid(p.ref.Type, sid)) {
				st.del("Sid")
				changed = true
			}
		}
	}
	return changed
}
