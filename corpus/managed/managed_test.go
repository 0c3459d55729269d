package managed

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 1000 {
		t.Fatalf("only %d policies", len(ps))
	}

	md, err := os.ReadFile("SOURCE.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\| policies \| (\d+) \|$`).FindSubmatch(md)
	if m == nil {
		t.Fatal("SOURCE.md has no policies row")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(ps) {
		t.Errorf("SOURCE.md says %d policies, file holds %d", n, len(ps))
	}

	versionRE := regexp.MustCompile(`^v[1-9][0-9]*$`)
	seen := map[string]bool{}
	for i, p := range ps {
		if seen[p.Name] {
			t.Errorf("duplicate policy name %q", p.Name)
		}
		seen[p.Name] = true
		if i > 0 && ps[i-1].Name >= p.Name {
			t.Errorf("not sorted at %q", p.Name)
		}
		if !strings.HasPrefix(p.ARN, "arn:aws:iam::aws:policy/") || !strings.HasSuffix(p.ARN, "/"+p.Name) {
			t.Errorf("%s: odd ARN %q", p.Name, p.ARN)
		}
		if !versionRE.MatchString(p.Version) {
			t.Errorf("%s: odd version %q", p.Name, p.Version)
		}
		if strings.TrimSpace(p.Document) == "" || !json.Valid([]byte(p.Document)) {
			t.Errorf("%s: document is empty or not valid JSON", p.Name)
			continue
		}
		var doc struct {
			Version   string
			Statement json.RawMessage
		}
		if err := json.Unmarshal([]byte(p.Document), &doc); err != nil || doc.Statement == nil {
			t.Errorf("%s: document has no Statement (%v)", p.Name, err)
		}
	}

	for _, name := range []string{"AdministratorAccess", "IAMUserChangePassword", "ReadOnlyAccess"} {
		if !seen[name] {
			t.Errorf("%s missing", name)
		}
	}
}

func TestAdministratorAccess(t *testing.T) {
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name != "AdministratorAccess" {
			continue
		}
		want := "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": \"*\",\n            \"Resource\": \"*\"\n        }\n    ]\n}"
		if p.Document != want || p.ARN != "arn:aws:iam::aws:policy/AdministratorAccess" || p.Version != "v1" {
			t.Errorf("AdministratorAccess = %+v", p)
		}
		return
	}
	t.Error("AdministratorAccess missing")
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
