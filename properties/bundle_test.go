package properties

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A resource policy takes part only in requests for the resources it is attached
// to; its grant counts for the never invariant like an identity grant.
func TestResourcePolicyAttachment(t *testing.T) {
	dir := t.TempDir()
	rp := writeFile(t, dir, "bucket.json", `{"Version":"2012-10-17","Statement":[{"Sid":"AliceDeletes","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`)
	s := &Surroundings{}
	if err := s.AddResourcePolicy(rp, "arn:aws:s3:::b/*"); err != nil {
		t.Fatal(err)
	}
	spec := mustSpec(t, "version: 1\nnever:\n  - name: no deletes\n    actions: [s3:DeleteObject]\n")
	pol, _ := model.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), model.IdentityPolicy)
	tg := NewTargetIn("id.json", pol, spec, s)
	_, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k"})
	if len(vs) != 1 || !errors.Is(vs[0], ErrNever) {
		t.Fatalf("attached bucket: %v", vs)
	}
	tg.Explain(vs[0])
	if st := vs[0].Statement; st == nil || st.File != rp || st.Sid != "AliceDeletes" || st.Policy != "resource" {
		t.Errorf("statement: %+v", vs[0].Statement)
	}
	if _, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "s3:DeleteObject", Resource: "arn:aws:s3:::other/k"}); len(vs) != 0 {
		t.Errorf("another bucket: %v", vs)
	}
	if _, _, err := ParseResourcePolicyArg("bucket.json"); !errors.Is(err, ErrBadAttachment) || !errors.Is(err, ErrBadInput) {
		t.Errorf("no resource: %v", err)
	}
	if f, r, err := ParseResourcePolicyArg("a=b.json=arn:aws:s3:::b"); err != nil || f != "a=b.json" || r != "arn:aws:s3:::b" {
		t.Errorf("split: %q %q %v", f, r, err)
	}
}

// A session policy limits role sessions, and a spec can name it with the other
// policies around the checked one.
func TestSpecPolicies(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "session.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	writeFile(t, dir, "id.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	spec := writeFile(t, dir, "id.spec.yaml", "version: 1\npolicies:\n  session: session.json\nnever:\n  - name: no deletes\n    actions: [s3:DeleteObject]\n")
	tg, err := LoadTarget(filepath.Join(dir, "id.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tg.Spec.File != spec || tg.Around == nil || tg.Around.Session == nil {
		t.Fatalf("spec %s, around %+v", tg.Spec.File, tg.Around)
	}
	role := Caller{Kind: RoleSessionCaller, Account: acct, Name: "dev", Session: "s1"}
	if _, vs := judge(t, tg, Probe{Caller: role, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k"}); len(vs) != 0 {
		t.Errorf("role session under the session policy: %v", vs)
	}
	// An IAM user has no session policy: the identity grant stands.
	if _, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k"}); len(vs) != 1 {
		t.Errorf("user: %v", vs)
	}
	// A missing file named by the spec is an input error naming it.
	writeFile(t, dir, "id.spec.yaml", "version: 1\npolicies:\n  boundary: nope.json\nno-escalation: true\n")
	if _, err := LoadTarget(filepath.Join(dir, "id.json")); !errors.Is(err, ErrBadInput) {
		t.Errorf("missing boundary: %v", err)
	}
}
