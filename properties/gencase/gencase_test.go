package gencase_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties/choice"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

func marshalCases(t *testing.T, cases []*model.Case) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, c := range cases {
		line, err := json.Marshal(c, json.Deterministic(true))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestGenerateReproducible: a run is reproducible from its seed alone.
func TestGenerateReproducible(t *testing.T) {
	a := marshalCases(t, gencase.Generate(42, 300))
	b := marshalCases(t, gencase.Generate(42, 300))
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different cases")
	}
	if bytes.Equal(a, marshalCases(t, gencase.Generate(43, 300))) {
		t.Fatal("different seeds gave the same cases")
	}
	// A longer run starts with the shorter one: --n does not change the cases.
	if long := marshalCases(t, gencase.Generate(42, 400)); !bytes.HasPrefix(long, a) {
		t.Fatal("the first cases depend on the number of cases")
	}
}

// TestGeneratedCasesAreWellFormed: every generated line parses back as an eval case,
// its request is valid, and its resource is one the action is authorized against
// (AWS never evaluates any other pair, and the peer rejects them).
func TestGeneratedCasesAreWellFormed(t *testing.T) {
	cat := catalog.MustLoad()
	cases := gencase.Generate(7, 5000)
	for i, line := range bytes.Split(bytes.TrimSpace(marshalCases(t, cases)), []byte("\n")) {
		c, err := model.ParseCase(line)
		if err != nil {
			t.Fatalf("case %d does not parse: %v\n%s", i, err, line)
		}
		if _, err := c.BuildRequest(); err != nil {
			t.Fatalf("case %s: invalid request: %v", c.ID, err)
		}
		fits, known := cat.ResourceFits(c.Request.Action, c.Request.Resource)
		if !known || !fits {
			t.Fatalf("case %s: %s on %s: the resource is not one of the action's (%s)", c.ID, c.Request.Action, c.Request.Resource, cat.ResourceTypesOf(c.Request.Action))
		}
	}
}

// TestGeneratorSurvivesAnySource: the generator decodes any choice sequence, as the
// fuzzing engines require; the all-zero sequence gives the simplest case.
func TestGeneratorSurvivesAnySource(t *testing.T) {
	for _, data := range [][]byte{nil, {0xff}, bytes.Repeat([]byte{0xff}, 500), []byte("some arbitrary fuzzer input 0123456789")} {
		c := gencase.Case(choice.NewBytesSource(data), "b")
		line, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := model.ParseCase(line); err != nil {
			t.Fatalf("%q: %v", data, err)
		}
	}
}

// features collects what a set of cases exercises.
type features map[string]int

func (f features) add(name string) { f[name]++ }

// TestGeneratedCoverage checks that a differential run of the size CI uses
// exercises everything issue 3 lists: every condition operator of docs/semantics.md
// §5.3 with IfExists and the set qualifiers, several values under negated
// operators, policy variables with defaults and ${*} ${?} ${$} under each Version,
// NotAction/NotResource, the MFA states, pathed users and look-alike names,
// boundaries, SCP levels, resource-based policies with Principal and NotPrincipal,
// and cross-account resources.
func TestGeneratedCoverage(t *testing.T) {
	f := features{}
	invalid := 0
	cases := gencase.Generate(20260101, 20000)
	for _, c := range cases {
		r, err := c.BuildRequest()
		if err != nil {
			t.Fatal(err)
		}
		caseFeatures(t, f, c, r)
		var pc model.PolicyCache
		if _, err := c.Bundle(&pc); err != nil {
			invalid++
			f.add("invalid:" + model.KindOf(err))
		}
	}
	var want []string
	for _, op := range model.OperatorNames() {
		want = append(want, "op:"+op)
	}
	want = append(want,
		"IfExists", "ForAllValues:", "ForAnyValue:", "ForAnyValue:IfExists", "negated op with several values",
		"JSON boolean condition value", "JSON number condition value",
		"Version:2012-10-17", "Version:2008-10-17", "Version:none",
		"variable", "variable with default", "variable in condition", "${*}", "${?}", "${$}",
		"NotAction", "NotResource", "Principal", "NotPrincipal", "Principal *", "Principal account",
		"MFA absent", `MFA "false"`, `MFA "true"`, "MFA age", "MFA JSON boolean",
		"user", "user with path", "name alice", "name alice2", "name Alice", "name al",
		"assumed-role", "role", "federated-user", "root",
		"boundary", "scp", "scp levels ≥ 2", "resource policy", "resource policy without identity policy",
		"cross-account resource", "cross-account S3 (resourceAccount)", "resource *",
		"multi-valued context key", "empty multi-valued context key",
		"invalid:unknown-operator", "invalid:null-with-ifexists", "invalid:invalid-sid",
		"trust policy", "role without trust policy", "key policy", "key without key policy",
		"AWS-owned resource", "ForAllValues:Null or ForAnyValue:Null",
	)
	for _, w := range want {
		if f[w] == 0 {
			t.Errorf("no generated case has %s", w)
		}
	}
	// Invalid policies are there to exercise the peer's handling of them; they
	// are not compared, so they must stay rare.
	if invalid > len(cases)/20 {
		t.Errorf("%d of %d cases have an invalid policy", invalid, len(cases))
	}
	if testing.Verbose() {
		for _, w := range want {
			t.Logf("%6d %s", f[w], w)
		}
	}
}

func caseFeatures(t *testing.T, f features, c *model.Case, r *model.Request) {
	p := c.Request.Principal
	switch {
	case strings.Contains(p, ":user/"):
		f.add("user")
		if strings.Count(p, "/") > 1 {
			f.add("user with path")
		}
		f.add("name " + r.Username())
	case strings.Contains(p, ":assumed-role/"):
		f.add("assumed-role")
	case strings.Contains(p, ":role/"):
		f.add("role")
	case strings.Contains(p, ":federated-user/"):
		f.add("federated-user")
	case strings.HasSuffix(p, ":root"):
		f.add("root")
	}
	if c.Request.Resource == "*" {
		f.add("resource *")
	}
	if r.ResourceAccountID() != r.Account() {
		f.add("cross-account resource")
		if c.Request.ResourceAccount != "" {
			f.add("cross-account S3 (resourceAccount)")
		}
	}
	mfa, ok := c.Request.Context["aws:MultiFactorAuthPresent"]
	switch {
	case !ok:
		f.add("MFA absent")
	case mfa.Kind() != '"':
		f.add("MFA JSON boolean")
	default:
		f.add("MFA " + string(mfa))
	}
	if _, ok := c.Request.Context["aws:MultiFactorAuthAge"]; ok {
		f.add("MFA age")
	}
	for _, v := range c.Request.Context {
		if v.Kind() == '[' {
			f.add("multi-valued context key")
			if string(v) == "[]" {
				f.add("empty multi-valued context key")
			}
		}
	}
	if len(c.Policies.Boundary) > 0 {
		f.add("boundary")
	}
	if len(c.Policies.SCP) > 0 {
		f.add("scp")
	}
	if len(c.Policies.SCP) >= 2 {
		f.add("scp levels ≥ 2")
	}
	switch rtyp := model.ResourcePolicyType(c.Request.Resource); {
	case rtyp == model.TrustPolicy && strings.HasPrefix(c.Request.Action, "sts:"):
		if len(c.Policies.Resource) > 0 {
			f.add("trust policy")
		} else {
			f.add("role without trust policy")
		}
	case strings.Contains(c.Request.Resource, ":kms:"):
		if len(c.Policies.Resource) > 0 {
			f.add("key policy")
		} else {
			f.add("key without key policy")
		}
	case strings.HasPrefix(c.Request.Resource, "arn:aws:iam::aws:"):
		f.add("AWS-owned resource")
	}
	if len(c.Policies.Resource) > 0 {
		f.add("resource policy")
		if len(c.Policies.Identity) == 0 {
			f.add("resource policy without identity policy")
		}
	}
	all := append(append(append([]jsontext.Value{}, c.Policies.Identity...), c.Policies.Boundary...), c.Policies.Resource...)
	for _, level := range c.Policies.SCP {
		all = append(all, level...)
	}
	for _, v := range all {
		text, err := model.PolicyText(v, c.Dir)
		if err != nil {
			t.Fatal(err)
		}
		policyFeatures(t, f, text)
	}
}

// policyFeatures reads a policy as plain JSON (invalid ones included).
func policyFeatures(t *testing.T, f features, text []byte) {
	var doc struct {
		Version   *string
		Statement []map[string]jsontext.Value
	}
	if err := json.Unmarshal(text, &doc); err != nil {
		t.Fatalf("generated policy is not JSON: %v\n%s", err, text)
	}
	if doc.Version == nil {
		f.add("Version:none")
	} else {
		f.add("Version:" + *doc.Version)
	}
	s := string(text)
	for _, special := range []string{"${*}", "${?}", "${$}"} {
		if strings.Contains(s, special) {
			f.add(special)
		}
	}
	if strings.Contains(s, "${aws:") {
		f.add("variable")
	}
	if strings.Contains(s, `"ForAllValues:Null"`) || strings.Contains(s, `"ForAnyValue:Null"`) {
		f.add("ForAllValues:Null or ForAnyValue:Null")
	}
	if strings.Contains(s, ", '") {
		f.add("variable with default")
	}
	for _, st := range doc.Statement {
		for _, k := range []string{"NotAction", "NotResource", "Principal", "NotPrincipal"} {
			if _, ok := st[k]; ok {
				f.add(k)
			}
		}
		if p, ok := st["Principal"]; ok {
			if string(p) == `"*"` || string(p) == `{"AWS":"*"}` {
				f.add("Principal *")
			}
			if bytes.Contains(p, []byte(`:root"`)) || bytes.Count(p, []byte(`"`)) == 4 && !bytes.Contains(p, []byte("arn:")) && !bytes.Contains(p, []byte(`"*"`)) {
				f.add("Principal account")
			}
		}
		cond, ok := st["Condition"]
		if !ok {
			continue
		}
		var ops map[string]map[string]jsontext.Value
		if err := json.Unmarshal(cond, &ops); err != nil {
			t.Fatalf("condition: %v\n%s", err, cond)
		}
		for name, keys := range ops {
			base := name
			for _, q := range []string{"ForAllValues:", "ForAnyValue:"} {
				if b, ok := strings.CutPrefix(base, q); ok {
					f.add(q)
					base = b
					if strings.HasSuffix(b, "IfExists") && q == "ForAnyValue:" {
						f.add("ForAnyValue:IfExists")
					}
				}
			}
			if b, ok := strings.CutSuffix(base, "IfExists"); ok {
				f.add("IfExists")
				base = b
			}
			f.add("op:" + base)
			negated := strings.Contains(base, "Not")
			for _, v := range keys {
				if negated && v.Kind() == '[' && len(bytes.Split(v, []byte(","))) >= 2 {
					f.add("negated op with several values")
				}
				if bytes.Contains(v, []byte("${")) {
					f.add("variable in condition")
				}
				for _, item := range bytes.Split(bytes.Trim(v, "[]"), []byte(",")) {
					switch jsontext.Value(item).Kind() {
					case 't', 'f':
						f.add("JSON boolean condition value")
					case '0':
						f.add("JSON number condition value")
					}
				}
			}
		}
	}
}

func ExampleGenerate() {
	cases := gencase.Generate(1, 2)
	for _, c := range cases {
		fmt.Println(c.ID, c.Request.Action)
	}
	// Output:
	// gen-1-0 s3:ListAllMyBuckets
	// gen-1-1 s3:GetObject
}
