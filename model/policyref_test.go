package model

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

func TestPolicyRefStringParse(t *testing.T) {
	for _, tc := range []struct {
		ref  PolicyRef
		text string
	}{
		{PolicyRef{Type: IdentityPolicy}, "identity[0]"},
		{PolicyRef{Type: IdentityPolicy, Index: 12}, "identity[12]"},
		{PolicyRef{Type: BoundaryPolicy}, "boundary[0]"},
		{PolicyRef{Type: SCPPolicy, Level: 1}, "scp[1][0]"},
		{PolicyRef{Type: ResourcePolicy, Index: 2}, "resource[2]"},
		{PolicyRef{Type: RCPPolicy, Level: 0, Index: 3}, "rcp[0][3]"},
		{PolicyRef{Type: SessionPolicy}, "session[0]"},
	} {
		if got := tc.ref.String(); got != tc.text {
			t.Errorf("%+v.String() = %q, want %q", tc.ref, got, tc.text)
		}
		got, err := ParsePolicyRef(tc.text)
		if err != nil || got != tc.ref {
			t.Errorf("ParsePolicyRef(%q) = %+v, %v; want %+v", tc.text, got, err, tc.ref)
		}
	}
	for _, bad := range []string{"", "identity", "identity[]", "identity[-1]", "identity[01]", "identity[0][0]",
		"scp[0]", "scp[0][1][2]", "rcp[x][0]", "iam[0]", "identity[0]x", "identity[0", "Identity[0]", "scp[0]x[1]"} {
		if r, err := ParsePolicyRef(bad); !errors.Is(err, ErrPolicyRef) {
			t.Errorf("ParsePolicyRef(%q) = %+v, %v; want ErrPolicyRef", bad, r, err)
		}
	}
}

// allCasePolicies holds one policy of every type a case holds, with an empty SCP
// level 0 before the SCP at level 1; each value names its reference.
func allCasePolicies(t *testing.T) CasePolicies {
	t.Helper()
	var p CasePolicies
	p.SCP = [][]jsontext.Value{{}}
	for _, typ := range CaseTypes() {
		ref := PolicyRef{Type: typ}
		if typ.Leveled() {
			ref.Level = 1
		}
		if err := p.Add(ref, jsontext.Value(fmt.Sprintf("%q", ref))); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestCasePoliciesAll: All yields every type a case can hold, each at the reference
// the value was added under, and a case field not reached by All would fail here.
func TestCasePoliciesAll(t *testing.T) {
	p := allCasePolicies(t)
	var seen []PolicyType
	for ref, v := range p.All() {
		if string(v) != fmt.Sprintf("%q", ref) {
			t.Errorf("All yielded %s at %s", v, ref)
		}
		seen = append(seen, ref.Type)
	}
	if !slices.Equal(seen, CaseTypes()) {
		t.Errorf("All yielded types %v, want %v", seen, CaseTypes())
	}
	if err := p.Add(PolicyRef{Type: SessionPolicy}, jsontext.Value(`{}`)); !errors.Is(err, ErrPolicyRef) {
		t.Errorf("Add of a session policy to a case: %v, want ErrPolicyRef", err)
	}
	// Every field of CasePolicies is reached: a policy added to each field by hand
	// shows up in All.
	n := 0
	for range (&CasePolicies{Identity: []jsontext.Value{nil}, Boundary: []jsontext.Value{nil},
		SCP: [][]jsontext.Value{{nil}}, Resource: []jsontext.Value{nil}, RCP: [][]jsontext.Value{{nil}}}).All() {
		n++
	}
	if n != 5 {
		t.Errorf("All reached %d of the 5 fields of CasePolicies", n)
	}
}

func TestCasePoliciesMap(t *testing.T) {
	p := allCasePolicies(t)
	var refs []string
	out, err := p.Map(func(ref PolicyRef, v jsontext.Value) (jsontext.Value, error) {
		refs = append(refs, ref.String())
		return jsontext.Value(`"` + ref.String() + `!"`), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"identity[0]", "boundary[0]", "scp[1][0]", "resource[0]", "rcp[1][0]"}; !slices.Equal(refs, want) {
		t.Errorf("Map visited %v, want %v", refs, want)
	}
	if len(out.SCP) != 2 || out.SCP[0] == nil || len(out.SCP[0]) != 0 || len(out.RCP) != 2 {
		t.Errorf("Map changed the shape of the levels: scp %v, rcp %v", out.SCP, out.RCP)
	}
	if string(out.RCP[1][0]) != `"rcp[1][0]!"` || string(p.RCP[1][0]) != `"rcp[1][0]"` {
		t.Errorf("Map result %s, source %s: the source must not change", out.RCP[1][0], p.RCP[1][0])
	}
	if empty, _ := (&CasePolicies{}).Map(nil); empty.Identity != nil || empty.SCP != nil {
		t.Errorf("Map of nothing made lists: %+v", empty)
	}
	stop := errors.New("stop")
	if _, err := p.Map(func(PolicyRef, jsontext.Value) (jsontext.Value, error) { return nil, stop }); !errors.Is(err, stop) {
		t.Errorf("Map error = %v", err)
	}
}

// TestBundleAll: All yields every policy of a bundle, session and boundary included,
// with its reference; Case.Bundle keeps empty SCP levels.
func TestBundleAll(t *testing.T) {
	compile := func(typ PolicyType) *Compiled {
		text := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"x:Y","Resource":"*"}]}`
		if typ == ResourcePolicy || typ == RCPPolicy {
			text = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"x:Y","Resource":"*"}]}`
		}
		c, err := CompileText([]byte(text), typ)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	b := &Bundle{}
	b.reset(2, 1)
	want := []PolicyRef{{Type: IdentityPolicy}, {Type: BoundaryPolicy}, {Type: SCPPolicy, Level: 1},
		{Type: ResourcePolicy}, {Type: RCPPolicy}, {Type: SessionPolicy}}
	for _, ref := range want {
		b.add(ref, compile(ref.Type))
	}
	var got []PolicyRef
	for ref, c := range b.All() {
		if c.Policy.Type != ref.Type {
			t.Errorf("%s holds a %s policy", ref, c.Policy.Type)
		}
		got = append(got, ref)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Bundle.All = %v, want %v", got, want)
	}
	for _, typ := range policyTypes {
		if !slices.ContainsFunc(got, func(r PolicyRef) bool { return r.Type == typ }) {
			t.Errorf("Bundle.All never yields %s", typ)
		}
	}
}
