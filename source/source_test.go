package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const (
	corpusTemplate = "../corpus/sources/self-manage.template.yaml"
	corpusPlan     = "../corpus/sources/self-manage.plan.json"
)

func read(t *testing.T, path string) []*Policy {
	t.Helper()
	ps, err := ReadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func readString(t *testing.T, name, text string) []*Policy {
	t.Helper()
	ps, err := Read(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func byID(t *testing.T, ps []*Policy, id string) *Policy {
	t.Helper()
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no policy %q among %s", id, names(ps))
	return nil
}

// posOf finds the 1-based line and column of the first occurrence of s in file.
func posOf(t *testing.T, file, s string) Pos {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if c := strings.Index(line, s); c >= 0 {
			return Pos{i + 1, len([]rune(line[:c])) + 1}
		}
	}
	t.Fatalf("%s lacks %q", file, s)
	return Pos{}
}

func parse(t *testing.T, p *Policy) *model.Policy {
	t.Helper()
	if p.Err != nil {
		t.Fatalf("%s: %v", p.Name, p.Err)
	}
	pol, err := model.Parse(p.Doc, model.IdentityPolicy)
	if err != nil {
		t.Fatalf("%s: %v\n%s", p.Name, err, p.Doc)
	}
	return pol
}

// The corpus template: every policy found with its kind, names built from the
// logical ids, statements located at the template's own lines.
func TestCorpusTemplate(t *testing.T) {
	ps := read(t, corpusTemplate)
	want := map[string]Kind{"SelfManageWithMFA": Identity, "Developers.Policies[0]": Identity, "DeployRole.AssumeRolePolicyDocument": Trust}
	if len(ps) != len(want) {
		t.Fatalf("found %s, want %d policies", names(ps), len(want))
	}
	for id, k := range want {
		p := byID(t, ps, id)
		if p.Kind != k || p.Format != CloudFormation || p.Name != corpusTemplate+"#"+id || p.File != corpusTemplate {
			t.Errorf("%s: kind %s format %s name %q file %q", id, p.Kind, p.Format, p.Name, p.File)
		}
	}
	dev := byID(t, ps, "Developers.Policies[0]")
	pol := parse(t, dev)
	for i, sid := range []string{"AllowAllUsersToListAccounts", "AllowIndividualUserToSeeAndManageTheirOwnAccountInformation", "AllowIndividualUserToListTheirOwnMFA", "AllowIndividualUserToManageTheirOwnMFA"} {
		if got, want := dev.Locate(pol.Statements[i].Offset()), posOf(t, corpusTemplate, "Sid: "+sid); got != want {
			t.Errorf("statement %d (%s) at %v, want %v", i, sid, got, want)
		}
	}
	// !Sub with ${AWS::AccountId} and the escaped ${!aws:username}; !Join keeps a
	// plain ${aws:username} as it is.
	for _, want := range []string{
		`"Resource":"arn:aws:iam::111122223333:user/${aws:username}"`,
		`"arn:aws:iam::111122223333:mfa/${aws:username}"`,
	} {
		if !strings.Contains(string(dev.Doc), want) {
			t.Errorf("document lacks %s:\n%s", want, dev.Doc)
		}
	}
	if len(dev.Notes) != 1 || !strings.Contains(dev.Notes[0], "AWS::AccountId is 111122223333") {
		t.Errorf("notes %q: want the AWS::AccountId stand-in stated", dev.Notes)
	}
}

func TestCorpusPlan(t *testing.T) {
	ps := read(t, corpusPlan)
	want := map[string]Kind{
		"aws_iam_role.app.assume_role_policy":                Trust,
		"aws_s3_bucket_policy.logs":                          Resource,
		"module.iam.module.users.aws_iam_policy.self_manage": Identity,
	}
	if len(ps) != len(want) {
		t.Fatalf("found %s, want %d policies (the data source is skipped)", names(ps), len(want))
	}
	for id, k := range want {
		p := byID(t, ps, id)
		if p.Kind != k || p.Format != TerraformPlan || p.Precise() {
			t.Errorf("%s: kind %s format %s precise %v", id, p.Kind, p.Format, p.Precise())
		}
	}
	p := byID(t, ps, "module.iam.module.users.aws_iam_policy.self_manage")
	pol := parse(t, p)
	if got := p.Where(pol.Statements[6].Offset()); got != p.Name {
		t.Errorf("a plan's statement is named by the address, got %q", got)
	}
	want003, _ := os.ReadFile("../corpus/policies/003-blog-self-manage-mfa.json")
	p003, err := model.Parse(want003, model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if len(p003.Statements) != len(pol.Statements) {
		t.Errorf("the plan's policy has %d statements, corpus 003 has %d", len(pol.Statements), len(p003.Statements))
	}
}

func TestIntrinsics(t *testing.T) {
	const head = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {Type: String, Default: prod}\n  Bucket: {Type: String}\n  Names: {Type: CommaDelimitedList, Default: 'a, b'}\nMappings:\n  Acct: {prod: {Id: '123456789012'}}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  HasBucket: !Not [!Equals [!Ref Bucket, '']]\nResources:\n  R: {Type: AWS::S3::Bucket}\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: "
	for _, tc := range []struct {
		name, resource string
		want           string // the resolved Resource, as JSON
		note           string // a note that must be there
		err            error
	}{
		{"sub escape", `!Sub 'arn:aws:s3:::b/${!aws:username}/*'`, `"arn:aws:s3:::b/${aws:username}/*"`, "", nil},
		{"sub variable map", `!Sub ['arn:aws:s3:::${B}/${Env}', {B: !FindInMap [Acct, !Ref Env, Id]}]`, `"arn:aws:s3:::123456789012/prod"`, "parameter Env takes its default", nil},
		{"long form sub", `{"Fn::Sub": "arn:${AWS::Partition}:s3:::x"}`, `"arn:aws:s3:::x"`, "", nil},
		{"ref without default", `!Sub 'arn:aws:s3:::${Bucket}/*'`, `"arn:aws:s3:::UNRESOLVED-Ref-Bucket/*"`, "parameter Bucket has no default", nil},
		{"ref to a resource", `!Sub 'arn:aws:s3:::${R}'`, `"arn:aws:s3:::UNRESOLVED-Ref-R"`, "known only after deployment", nil},
		{"getatt arn", `!GetAtt R.Arn`, `"arn:aws:unresolved:::UNRESOLVED-GetAtt-R.Arn"`, "matches no real resource", nil},
		{"getatt in sub", `!Sub '${R.Arn}/*'`, `"arn:aws:unresolved:::UNRESOLVED-GetAtt-R.Arn/*"`, "", nil},
		{"join", `!Join ['', ['arn:aws:s3:::', !Ref Env, '/*']]`, `"arn:aws:s3:::prod/*"`, "", nil},
		{"select split", `!Select [1, !Split [',', 'x,arn:aws:s3:::y']]`, `"arn:aws:s3:::y"`, "", nil},
		{"list parameter", `!Ref Names`, `["a","b"]`, "", nil},
		{"if known", `!If [IsProd, 'arn:aws:s3:::p', 'arn:aws:s3:::d']`, `"arn:aws:s3:::p"`, "", nil},
		{"novalue in a list", `['arn:aws:s3:::a', !If [IsProd, !Ref 'AWS::NoValue', 'arn:aws:s3:::b']]`, `["arn:aws:s3:::a"]`, "", nil},
		{"if unknown", `!If [HasBucket, 'arn:aws:s3:::p', 'arn:aws:s3:::d']`, "", "", ErrUnresolved},
		{"import", `!ImportValue shared-bucket`, `"UNRESOLVED-ImportValue-shared-bucket"`, "another stack's export", nil},
		{"unescaped policy variable in sub", `!Sub 'arn:aws:s3:::b/${aws:username}'`, "", "", ErrTemplate},
		{"ref to nothing", `!Ref Nothing`, "", "", ErrTemplate},
		{"getatt of nothing", `!GetAtt Nothing.Arn`, "", "", ErrTemplate},
		{"unknown function", `{"Fn::Frobnicate": x}`, "", "", ErrTemplate},
		{"macro", `{"Fn::Transform": {Name: x}}`, "", "", ErrUnresolved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := readString(t, "t.yaml", head+tc.resource+"\n")
			p := byID(t, ps, "P")
			if tc.err != nil {
				if !errors.Is(p.Err, tc.err) || !errors.Is(p.Err, ErrInput) {
					t.Fatalf("err %v, want %v", p.Err, tc.err)
				}
				return
			}
			if p.Err != nil {
				t.Fatal(p.Err)
			}
			if want := `"Resource":` + tc.want + `}`; !strings.Contains(string(p.Doc), want) {
				t.Errorf("document %s lacks %s", p.Doc, want)
			}
			if tc.note != "" && !strings.Contains(strings.Join(p.Notes, "\n"), tc.note) {
				t.Errorf("notes %q lack %q", p.Notes, tc.note)
			}
		})
	}
}

// A value named several times is noted once: the notes of a policy that names
// its bucket's ARN in two statements were listed twice.
func TestNotesOnce(t *testing.T) {
	const tmpl = "Parameters:\n  Env: {Type: String}\nResources:\n  R: {Type: AWS::S3::Bucket}\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n" +
		"          - {Effect: Allow, Action: s3:ListBucket, Resource: !GetAtt R.Arn}\n" +
		"          - {Effect: Allow, Action: s3:GetObject, Resource: [!Sub '${R.Arn}/*', !Sub 'arn:aws:s3:::${Env}', !GetAtt R.Arn]}\n"
	p := byID(t, readString(t, "t.yaml", tmpl), "P")
	if p.Err != nil {
		t.Fatal(p.Err)
	}
	if len(p.Notes) != 2 || !strings.Contains(p.Notes[0], "GetAtt-R.Arn") || !strings.Contains(p.Notes[1], "Ref-Env") {
		t.Errorf("notes %q: want the bucket's ARN and Env, once each", p.Notes)
	}
}

// A YAML tag that is not an intrinsic, a duplicate key, a JSON syntax error: each
// names the file and its own line.
func TestTemplateErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		kind       error
		line       int
	}{
		{"unknown tag", "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument: !Frob x\n", ErrTemplate, 5},
		{"duplicate key", "Resources:\n  P:\n    Type: AWS::IAM::Policy\n  P:\n    Type: AWS::IAM::Policy\n", ErrSyntax, 4},
		{"json duplicate", "{\"Resources\": {\n \"P\": {},\n \"P\": {}}}", ErrSyntax, 3},
		{"json truncated", "{\"Resources\": {\n \"P\": {", ErrSyntax, 0},
		{"yaml syntax", "Resources:\n  P: [\n", ErrSyntax, 0},
		{"neither", "{\"name\": \"my-package\", \"version\": \"1.0.0\"}", ErrUnknownFormat, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read("t", []byte(tc.text))
			var se *Error
			if !errors.Is(err, tc.kind) || !errors.As(err, &se) {
				t.Fatalf("err %v, want %v", err, tc.kind)
			}
			if tc.line > 0 && se.Pos.Line != tc.line {
				t.Errorf("error at line %d, want %d: %v", se.Pos.Line, tc.line, err)
			}
			if !strings.HasPrefix(err.Error(), "t") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

// A defect the model finds in an extracted document is placed at the template's
// line of the offending value, in JSON as in YAML.
func TestModelErrorsLocated(t *testing.T) {
	for _, tc := range []struct{ name, text, at string }{
		{"yaml", "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Alow\n            Action: '*'\n            Resource: '*'\n", "- Effect: Alow"},
		{"json", "{\"Resources\": {\"P\": {\"Type\": \"AWS::IAM::ManagedPolicy\",\n  \"Properties\": {\"PolicyDocument\": {\"Version\": \"2012-10-17\",\n    \"Statement\": [{\n      \"Effect\": \"Alow\", \"Action\": \"*\", \"Resource\": \"*\"}]}}}}}", `[{`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(dir, "t."+tc.name)
			if err := os.WriteFile(f, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			p := byID(t, read(t, f), "P")
			_, err := model.Parse(p.Doc, model.IdentityPolicy)
			var list model.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("parse: %v", err)
			}
			// The model places an Effect defect at its statement.
			want := posOf(t, f, tc.at)
			if tc.name == "yaml" {
				want.Column += len("- ")
			} else {
				want.Column += len("[")
			}
			if got := p.Locate(list[0].Offset); got != want {
				t.Errorf("%v located at %v, want %v (the statement's place)", list[0], got, want)
			}
		})
	}
}

func TestPlanUnknownPolicy(t *testing.T) {
	plan := `{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{"resources":[
	{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","name":"p","values":{"name":"p"}},
	{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{"assume_role_policy":"{}","inline_policy":[{"name":"inline","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}]}}]}}}`
	ps := readString(t, "plan.json", plan)
	if p := byID(t, ps, "aws_iam_policy.p"); !errors.Is(p.Err, ErrUnresolved) {
		t.Errorf("a policy known only after apply: err %v, want ErrUnresolved", p.Err)
	}
	if p := byID(t, ps, `aws_iam_role.r.inline_policy["inline"]`); p.Kind != Identity || p.Err != nil {
		t.Errorf("inline policy: %+v", p)
	}
}

// Folder mode takes only files that hold policies: a package.json, a spec, a
// workflow, node_modules and excluded paths are left out.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tmpl, _ := os.ReadFile(corpusTemplate)
	plan, _ := os.ReadFile(corpusPlan)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	write("package.json", `{"name":"x","version":"1.0.0"}`)
	write("policy.json", policy)
	write("policy.spec.yml", "version: 1\n")
	write("broken.json", `{"Version":"2012-10-17","Statement":[`)
	write("infra/stack.yaml", string(tmpl))
	write("infra/plan.json", string(plan))
	write("infra/no-iam.template", "Resources:\n  B: {Type: AWS::S3::Bucket}\n")
	write(".github/workflows/ci.yml", "on: push\n")
	write("node_modules/x/policy.json", policy)
	write("vendor/policy.json", policy)
	got, err := Files([]string{dir}, []string{"vendor"})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range got {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	if want := "broken.json infra/plan.json infra/stack.yaml policy.json"; strings.Join(rel, " ") != want {
		t.Errorf("Files = %q, want %q", rel, want)
	}
	if _, err := Files([]string{filepath.Join(dir, ".github")}, nil); !errors.Is(err, ErrNoPolicies) {
		t.Errorf("a folder without policies: %v, want ErrNoPolicies", err)
	}
	if _, err := Files([]string{dir}, []string{"["}); !errors.Is(err, ErrInput) {
		t.Errorf("a bad glob: %v", err)
	}
}

func TestCollectStdin(t *testing.T) {
	tmpl, _ := os.ReadFile(corpusTemplate)
	ps, err := Collect([]string{"-"}, nil, strings.NewReader(string(tmpl)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 || ps[0].Name != "-#SelfManageWithMFA" {
		t.Errorf("stdin: %s", names(ps))
	}
	ps, err = Collect([]string{"-"}, nil, strings.NewReader(`{"name":"x"}`))
	if err != nil || len(ps) != 1 || !errors.Is(ps[0].Err, ErrUnknownFormat) {
		t.Errorf("stdin that holds no policy: %v %v", ps, err)
	}
}

// {"$ref": "template.yaml#Id"} in an eval case reads through source.
func TestRef(t *testing.T) {
	p := byID(t, read(t, corpusTemplate), "Developers.Policies[0]")
	got, err := model.PolicyText([]byte(`{"$ref":"self-manage.template.yaml#Developers.Policies[0]"}`), "../corpus/sources")
	if err != nil || string(got) != string(p.Doc) {
		t.Errorf("$ref: %v\n%s", err, got)
	}
	if _, err := ReadFragment(corpusTemplate, "Nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := model.PolicyText([]byte(`{"$ref":"self-manage.template.yaml#Nope"}`), "../corpus/sources"); err == nil {
		t.Errorf("$ref to an unknown id: no error")
	}
}

// A bare policy file's positions are the file's, counted in characters.
func TestBareLocate(t *testing.T) {
	p := Bare("p.json", []byte("{\n \"Sid\": \"é\", \"x\": 1}"))
	if got := p.Locate(int64(strings.Index(string(p.Doc), `"x"`))); got != (Pos{2, 14}) {
		t.Errorf("Locate = %v, want 2:14 (characters, not bytes: 2:15)", got)
	}
}

// Billion laughs: aliases expand within a bound, and the error says so.
func TestYAMLAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("Resources: {}\n")
	if _, err := Read("bomb.yaml", []byte(b.String())); !errors.Is(err, ErrTooLarge) {
		t.Errorf("alias bomb: %v, want ErrTooLarge", err)
	}
}

// CDK's cdk.out holds templates beside manifests, trees and asset folders; only
// the templates hold policies.
func TestFilesCDKOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cdk.out")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "asset.abc123"), 0o755))
	tmpl := `{"Resources":{"SelfManage1A2B3C":{"Type":"AWS::IAM::ManagedPolicy","Properties":{"PolicyDocument":{"Statement":[{"Action":"iam:ChangePassword","Effect":"Allow","Resource":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::",{"Ref":"AWS::AccountId"},":user/${aws:username}"]]}}],"Version":"2012-10-17"}},"Metadata":{"aws:cdk:path":"Stack/SelfManage/Resource"}}}}`
	must(os.WriteFile(filepath.Join(dir, "Stack.template.json"), []byte(tmpl), 0o644))
	must(os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"version":"36.0.0","artifacts":{}}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "tree.json"), []byte(`{"version":"tree-0.1","tree":{}}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "Stack.assets.json"), []byte(`{"version":"36.0.0","files":{}}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "asset.abc123", "package.json"), []byte(`{"name":"fn"}`), 0o644))
	got, err := Files([]string{dir}, nil)
	if err != nil || len(got) != 1 || filepath.Base(got[0]) != "Stack.template.json" {
		t.Fatalf("Files = %q, %v; want only the template", got, err)
	}
	p := byID(t, read(t, got[0]), "SelfManage1A2B3C")
	if !strings.Contains(string(p.Doc), `"arn:aws:iam::111122223333:user/${aws:username}"`) {
		t.Errorf("document %s", p.Doc)
	}
}

// Read never panics and always answers policies or an error of its own kinds.
func FuzzRead(f *testing.F) {
	for _, file := range []string{corpusTemplate, corpusPlan, "../corpus/policies/000-aws-mfa-self-manage.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument: !Sub ['${A}', {A: !If [C, !Ref X, !GetAtt Y.Arn]}]\n"))
	f.Add([]byte(`{"planned_values":{"root_module":{"child_modules":[{"resources":[{"type":"aws_iam_role","address":"a","values":{"inline_policy":[{}]}}]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := Read("f", data)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error outside ErrInput: %v", err)
			}
			return
		}
		for _, p := range ps {
			if p.Err == nil && p.Doc == nil {
				t.Fatalf("%s: neither a document nor an error", p.Name)
			}
			if p.Err != nil && !errors.Is(p.Err, ErrInput) {
				t.Fatalf("%s: error outside ErrInput: %v", p.Name, p.Err)
			}
			for off := int64(-1); off <= int64(len(p.Doc)); off += 7 {
				p.Locate(off)
			}
		}
	})
}
