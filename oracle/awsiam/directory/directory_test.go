package directory

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil { // a $ref reads only under allowed trees
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "users.json")
	content := `{"principals":{
	  "arn:aws:iam::111122223333:user/dev/alice":{
	    "policies":[{"name":"Self","type":"user-managed","document":{"$ref":"p.json"}},{"name":"Inline","document":` + doc + `}],
	    "boundary":{"name":"B","document":"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"*\"}}"},
	    "scp":[[{"name":"Full","document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]]},
	  "arn:aws:iam::111122223333:role/ops":{"policies":[]}}}`
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 {
		t.Fatalf("Len = %d", d.Len())
	}
	p, ok := d.Lookup("arn:aws:iam::111122223333:user/dev/alice")
	if !ok {
		t.Fatal("alice not found")
	}
	if len(p.Policies) != 2 || string(p.Policies[0].Text) != doc || p.Policies[0].Type != "user-managed" || p.Policies[1].Type != "user" {
		t.Fatalf("policies = %+v", p.Policies)
	}
	if p.Boundary == nil || p.Boundary.Name != "B" || len(p.SCP) != 1 || p.SCP[0][0].Name != "Full" {
		t.Fatalf("boundary/scp = %+v %+v", p.Boundary, p.SCP)
	}
	if _, ok := d.Lookup("arn:aws:iam::111122223333:user/alice"); ok {
		t.Fatal("ARNs must match exactly, path included")
	}
	if r, _ := d.Lookup("arn:aws:iam::111122223333:role/ops"); r == nil {
		t.Fatal("role missing")
	}
}

func TestParseErrors(t *testing.T) {
	for name, content := range map[string]string{
		"unknown field":  `{"principals":{},"groups":{}}`,
		"root principal": `{"principals":{"arn:aws:iam::111122223333:root":{"policies":[]}}}`,
		"no name":        `{"principals":{"arn:aws:iam::111122223333:user/a":{"policies":[{"document":{"Version":"2012-10-17","Statement":[]}}]}}}`,
		"duplicate name": `{"principals":{"arn:aws:iam::111122223333:user/a":{"policies":[{"name":"x","document":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"},{"name":"x","document":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}]}}}`,
		"bad type":       `{"principals":{"arn:aws:iam::111122223333:user/a":{"policies":[{"name":"x","type":"resource","document":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}]}}}`,
		"bad policy":     `{"principals":{"arn:aws:iam::111122223333:user/a":{"policies":[{"name":"x","document":{"Statement":[{"Effect":"Allow"}]}}]}}}`,
		"not json":       `{`,
	} {
		if _, err := Parse([]byte(content), "."); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestFriendlyName(t *testing.T) {
	if got := FriendlyName("arn:aws:iam::1:user/dev/alice"); got != "alice" {
		t.Fatal(got)
	}
}
