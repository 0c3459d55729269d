package model_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

func stmt(body string) string {
	return `{"Version":"2012-10-17","Statement":[` + body + `]}`
}

// TestParseErrorKinds asserts on the kind of each error (never on its text) and on
// the JSON path it names.
func TestParseErrorKinds(t *testing.T) {
	tests := []struct {
		name, doc string
		typ       model.PolicyType
		kind      *model.Kind
		path      string
	}{
		{"both Action and NotAction", stmt(`{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}`), 0, model.ErrUnsupportedCombination, "Statement[0]"},
		{"missing Effect", stmt(`{"Action":"s3:*","Resource":"*"}`), 0, model.ErrMissingEffect, "Statement[0]"},
		{"lower-case allow", stmt(`{"Effect":"allow","Action":"s3:*","Resource":"*"}`), 0, model.ErrInvalidEffect, "Statement[0].Effect"},
		{"Effect not a string", stmt(`{"Effect":true,"Action":"s3:*","Resource":"*"}`), 0, model.ErrInvalidType, "Statement[0].Effect"},
		{"unknown operator", stmt(`{"Effect":"Deny","NotAction":"iam:GetUser","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"BoolIfExist":{"aws:MultiFactorAuthPresent":"false"}}}`), 0, model.ErrUnknownOperator, "Statement[2].Condition"},
		{"variable in Action", stmt(`{"Effect":"Allow","Action":"iam:${aws:username}","Resource":"*"}`), 0, model.ErrVariableInElement, "Statement[0].Action"},
		{"two colons in an action", stmt(`{"Effect":"Allow","Action":"arn:aws:s3:::b","Resource":"*"}`), 0, model.ErrInvalidAction, "Statement[0].Action"},
		{"Principal in an identity policy", stmt(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}`), 0, model.ErrPrincipalInIdentity, "Statement[0]"},
		{"resource policy without Principal", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), model.ResourcePolicy, model.ErrMissingPrincipal, "Statement[0]"},
		{"duplicate key", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}`, 0, model.ErrDuplicateKey, "Statement.Effect"},
		{"invalid version", `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, 0, model.ErrInvalidVersion, "Version"},
		{"no Statement", `{"Version":"2012-10-17"}`, 0, model.ErrMissingStatement, ""},
		{"empty Statement list", `{"Version":"2012-10-17","Statement":[]}`, 0, model.ErrMissingStatement, "Statement"},
		{"no Resource", stmt(`{"Effect":"Allow","Action":"s3:*"}`), 0, model.ErrMissingResource, "Statement[0]"},
		{"unknown element", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Conditions":{}}`), 0, model.ErrInvalidElement, "Statement[0].Conditions"},
		{"Null with IfExists", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:TokenIssueTime":"true"}}}`), 0, model.ErrNullWithIfExists, "Statement[0].Condition.NullIfExists"},
		{"empty variable", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${}"}`), 0, model.ErrInvalidVariable, "Statement[0].Resource"},
		{"missing brace", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username"}`), 0, model.ErrInvalidVariable, "Statement[0].Resource"},
		{"space in variable", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${ aws:username}"}`), 0, model.ErrInvalidVariable, "Statement[0].Resource"},
		{"condition keys differ by case", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}}`), 0, model.ErrDuplicateConditionKey, "Statement[0].Condition.StringEquals.AWS:UserName"},
		{"Sid with a hyphen", stmt(`{"Sid":"a-b","Effect":"Allow","Action":"s3:*","Resource":"*"}`), 0, model.ErrInvalidSid, "Statement[0].Sid"},
		{"upper-case service in an ARN", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:S3:::b"}`), 0, model.ErrInvalidARN, "Statement[0].Resource"},
		{"resource not an ARN", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}`), 0, model.ErrInvalidARN, "Statement[0].Resource"},
		{"condition key without prefix", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"MultiFactorAuthPresent":"true"}}}`), 0, model.ErrInvalidConditionKey, "Statement[0].Condition.Bool.MultiFactorAuthPresent"},
		{"character outside Latin-1", stmt(`{"Sid":"x","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/\u4e2d"}`), 0, model.ErrInvalidCharacter, "Statement[0].Resource"},
		{"not an object", `[1,2]`, 0, model.ErrInvalidType, ""},
		{"truncated", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"`, 0, model.ErrSyntax, ""},
		{"trailing data", stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`) + `{}`, 0, model.ErrSyntax, ""},
		{"invalid UTF-8", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"\xff\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", 0, model.ErrSyntax, ""},
		{"null condition value", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}`), 0, model.ErrInvalidType, "Statement[0].Condition.StringEquals.aws:username"},
		// Condition value paths are built only for an error (parser.strAt):
		// empty names still add a dot each, as in the other paths.
		{"null condition value in a list", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":["a",null]}}}`), 0, model.ErrInvalidType, "Statement[0].Condition.StringEquals.aws:username[1]"},
		{"object under empty names", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"":{"":[{}]}}}`), 0, model.ErrInvalidType, "Statement[0].Condition..[0]"},
		{"operator block not an object", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"":[1]}}`), 0, model.ErrInvalidType, "Statement[0].Condition."},
		{"condition value outside Latin-1", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":["a","\u4e2d"]}}}`), 0, model.ErrInvalidCharacter, "Statement[0].Condition.StringEquals.aws:username[1]"},
		{"condition value outside Latin-1, unescaped", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":["a","中"]}}}`), 0, model.ErrInvalidCharacter, "Statement[0].Condition.StringEquals.aws:username[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := model.Parse([]byte(tc.doc), tc.typ)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want kind %s", err, tc.kind.Name())
			}
			var list model.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is not an ErrorList: %T", err)
			}
			for _, e := range list {
				if e.Kind == tc.kind {
					if tc.path != "" && e.Path != tc.path {
						t.Errorf("path %q, want %q", e.Path, tc.path)
					}
					return
				}
			}
		})
	}
}

// TestParseReportsAllErrors: a user fixes every defect in one pass.
func TestParseReportsAllErrors(t *testing.T) {
	doc := stmt(`{"Effect":"allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Boolean":{"aws:SecureTransport":"false"}}}`)
	_, err := model.Parse([]byte(doc), model.IdentityPolicy)
	for _, k := range []*model.Kind{model.ErrInvalidEffect, model.ErrMissingAction, model.ErrUnknownOperator} {
		if !errors.Is(err, k) {
			t.Errorf("missing %s in %v", k.Name(), err)
		}
	}
}

// TestParseWarnings: documents IAM stores but a person should look at.
func TestParseWarnings(t *testing.T) {
	p, err := model.Parse([]byte(`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}","Condition":{"StringEquals":{"aws:username":"a*"},"NumericLessThan":{"s3:max-keys":"ten"}}}}`), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, w := range p.Warnings {
		got[w.Code] = true
	}
	for _, c := range []string{"missing-version", "variable-literal", "wildcard-without-like", "type-mismatch"} {
		if !got[c] {
			t.Errorf("no %s warning in %v", c, p.Warnings)
		}
	}
}

// TestPrivateSourceIPWarning: aws:SourceIp blocks that are all private never
// match in AWS (Access Analyzer's error "Private IP address"); one public block,
// or a block wider than the private ranges, keeps the condition meaningful.
func TestPrivateSourceIPWarning(t *testing.T) {
	for vals, want := range map[string]bool{
		`["10.0.0.0/8","192.168.1.0/24","172.16.5.4"]`: true,
		`"fd00:ec2::/32"`:                 true,
		`["10.0.0.0/8","203.0.113.0/24"]`: false,
		`"10.0.0.0/7"`:                    false,
		`"not-an-ip"`:                     false,
	} {
		p, err := model.Parse([]byte(stmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":`+vals+`}}}`)), model.IdentityPolicy)
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, w := range p.Warnings {
			got = got || w.Code == "private-source-ip"
		}
		if got != want {
			t.Errorf("%s: private-source-ip warning %v, want %v", vals, got, want)
		}
	}
}

// TestRoundTripForms keeps a bare string bare, a list a list, and unquoted
// booleans and numbers unquoted.
func TestRoundTripForms(t *testing.T) {
	doc := `{"Statement":{"Sid":"A","Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":[10,"20"]}}},"Version":"2012-10-17","Id":"x"}`
	p, err := model.Parse([]byte(doc), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.Marshal()); got != doc {
		t.Errorf("marshal changed the document:\n got %s\nwant %s", got, doc)
	}
	assertRoundTrip(t, "forms", p)
}

// TestHostileInput: clear errors or correct answers, never a panic, linear time.
func TestHostileInput(t *testing.T) {
	big := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + strings.Repeat("x", 200) + `"}`
	var many strings.Builder
	many.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := range 100000 {
		if i > 0 {
			many.WriteByte(',')
		}
		many.WriteString(big)
	}
	many.WriteString(`]}`)
	t.Run("100,000 statements, 25 MB", func(t *testing.T) {
		c, err := model.CompileText([]byte(many.String()), model.IdentityPolicy)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := model.NewRequest("arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:s3:::b/"+strings.Repeat("x", 200), nil)
		if d := model.Decide(&model.Bundle{Identity: []*model.Compiled{c}}, r); d.Decision != model.Allowed {
			t.Errorf("got %s", d.Decision)
		}
	})
	t.Run("over the size limit", func(t *testing.T) {
		_, err := model.Parse(make([]byte, model.MaxPolicySize+1), model.IdentityPolicy)
		if !errors.Is(err, model.ErrTooLarge) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("100,000 identical errors are capped", func(t *testing.T) {
		doc := strings.ReplaceAll(many.String(), `"Effect":"Allow"`, `"Effect":"allow"`)
		_, err := model.Parse([]byte(doc), model.IdentityPolicy)
		var list model.ErrorList
		if !errors.As(err, &list) || len(list) > 101 {
			t.Errorf("got %d errors", len(list))
		}
	})
	for _, depth := range []int{100, 10000, 20000} {
		t.Run(fmt.Sprintf("nested %d deep", depth), func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a:b":` +
				strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}}}}`
			if _, err := model.Parse([]byte(doc), model.IdentityPolicy); err == nil {
				t.Error("nested lists are not condition values")
			}
		})
	}
	t.Run("pathological wildcard", func(t *testing.T) {
		pat := "arn:aws:s3:::" + strings.Repeat("*a", 200) + "b"
		c, err := model.CompileText([]byte(stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"`+pat+`"}`)), model.IdentityPolicy)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := model.NewRequest("arn:aws:iam::1:user/a", "s3:GetObject", "arn:aws:s3:::"+strings.Repeat("a", 5000), nil)
		if d := model.Decide(&model.Bundle{Identity: []*model.Compiled{c}}, r); d.Decision != model.ImplicitDeny {
			t.Errorf("got %s", d.Decision)
		}
	})
}

// TestMarshalAfterEdit: mutators edit parsed policies; the edits must be written
// back, removed elements dropped and added ones emitted.
func TestMarshalAfterEdit(t *testing.T) {
	p, err := model.Parse([]byte(stmt(`{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Clone()
	st := &c.Statements[0]
	st.Condition, st.HasCondition = nil, false
	st.Action, st.NotAction = nil, &model.StringList{Values: []string{"iam:*"}}
	got := string(c.Marshal())
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Resource":"*","NotAction":["iam:*"]}]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if string(p.Marshal()) == got {
		t.Error("Clone shares state with the original")
	}
}

// TestCompiledKeepsNoInput: a compiled policy holds nothing of the text it was
// compiled from, so that eval may reuse a line's bytes once its result is
// written (PolicyCache.Compile does not copy the text). Every seed policy is
// compiled through a cache from a buffer that is then overwritten; its
// document, warnings and decisions must not change.
func TestCompiledKeepsNoInput(t *testing.T) {
	files, _ := filepath.Glob("../corpus/policies/*.json")
	if len(files) < 5 {
		t.Fatalf("want the seed policies, found %d", len(files))
	}
	r, err := model.NewRequest("arn:aws:iam::111122223333:user/alice", "iam:ChangePassword", "arn:aws:iam::111122223333:user/alice",
		map[string]model.ContextValue{"aws:MultiFactorAuthPresent": {Values: []string{"true"}}})
	if err != nil {
		t.Fatal(err)
	}
	var e model.Evaluator
	var res model.Result
	decide := func(c *model.Compiled) model.Decision {
		e.Decide(&model.Bundle{Identity: []*model.Compiled{c}}, r, &res)
		return res.Decision
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var pc model.PolicyCache
		for range 2 { // the second time, the text is cached
			buf := bytes.Clone(data)
			c, err := pc.Compile(buf, model.IdentityPolicy)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			doc, warns := c.Policy.Marshal(), fmt.Sprint(c.Policy.Warnings)
			before := decide(c)
			for i := range buf {
				buf[i] = 'x'
			}
			if !bytes.Equal(doc, c.Policy.Marshal()) || warns != fmt.Sprint(c.Policy.Warnings) {
				t.Errorf("%s: the policy changed when its text was overwritten", f)
			}
			if after := decide(c); after != before {
				t.Errorf("%s: decision %v, %v before the text was overwritten", f, after, before)
			}
		}
	}
}

// An account segment or AWS principal that is not an account id is warned
// about (placeholder-account); AWS's example ids, patterns, variables, what AWS
// owns and IAM unique ids are not.
func TestPlaceholderAccountWarning(t *testing.T) {
	for _, c := range []struct {
		doc  string
		typ  model.PolicyType
		warn bool
	}{
		{`{"Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::xxxxxxxxxxxx:user/a"}}`, model.IdentityPolicy, true},
		{`{"Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::<account>:user/a"}}`, model.IdentityPolicy, true},
		{`{"Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::12345678901:user/a"}}`, model.IdentityPolicy, true},
		{`{"Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/a"}}`, model.IdentityPolicy, false},
		{`{"Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::1111*:user/a"}}`, model.IdentityPolicy, false},
		{`{"Statement":{"Effect":"Allow","Action":"iam:GetPolicy","Resource":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}`, model.IdentityPolicy, false},
		{`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, model.IdentityPolicy, false},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT-ID:root"},"Action":"sts:AssumeRole"}}`, model.TrustPolicy, true},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"ACCOUNT_ID"},"Action":"sts:AssumeRole"}}`, model.TrustPolicy, true},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","AROAEXAMPLEID1234567"]},"Action":"sts:AssumeRole"}}`, model.TrustPolicy, false},
	} {
		p, err := model.Parse([]byte(c.doc), c.typ)
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		found := false
		for _, w := range p.Warnings {
			found = found || w.Code == "placeholder-account"
		}
		if found != c.warn {
			t.Errorf("%s: placeholder-account warning %v, want %v (%v)", c.doc, found, c.warn, p.Warnings)
		}
	}
}
