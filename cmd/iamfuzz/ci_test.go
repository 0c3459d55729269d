package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"go.yaml.in/yaml/v3"
)

// The pre-commit hook's entry, run as pre-commit runs it: the changed files that
// match its patterns, on the built binary.
func TestPreCommitHook(t *testing.T) {
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	must(t, err)
	var hooks []struct {
		ID, Entry, Language, Files, Exclude string
	}
	must(t, yaml.Unmarshal(data, &hooks))
	if len(hooks) != 1 || hooks[0].ID != "iamfuzz-check" || hooks[0].Language != "golang" {
		t.Fatalf("hooks: %+v", hooks)
	}
	h := hooks[0]
	entry := strings.Fields(h.Entry)
	if entry[0] != "iamfuzz" {
		t.Fatalf("entry %q does not run iamfuzz", h.Entry)
	}
	iamfuzzBinary(t) // builds once; runBinary runs it
	files, exclude := regexp.MustCompile(h.Files), regexp.MustCompile(h.Exclude)

	dir := t.TempDir()
	pkg := filepath.Join(dir, "package.json")
	must(t, os.WriteFile(pkg, []byte(`{"name":"x","version":"1.0.0"}`), 0o644))
	tsconfig := filepath.Join(dir, "tsconfig.json")
	must(t, os.WriteFile(tsconfig, []byte("{\n  // comments are not JSON\n  \"compilerOptions\": {}\n}\n"), 0o644))
	spec := filepath.Join(dir, "x.spec.yaml")
	must(t, os.WriteFile(spec, []byte("version: 1\n"), 0o644))
	brokenPolicy := filepath.Join(dir, "broken.json")
	must(t, os.WriteFile(brokenPolicy, []byte(`{"Version": "2012-10-17", "Statement": [`), 0o644))
	hook := func(changed ...string) (int, string, string) {
		args := append([]string(nil), entry[1:]...)
		for _, f := range changed {
			if files.MatchString(f) && !exclude.MatchString(f) {
				args = append(args, f)
			}
		}
		return runBinary(t, "", args...)
	}
	for _, tc := range []struct {
		name    string
		changed []string
		want    int
		out     string
	}{
		{"broken template among other files", []string{srcTemplate, pkg, tsconfig, spec, "README.md"}, exitFailures, "FAIL " + srcTemplate + "#Developers.Policies[0]"},
		{"clean policy and other files", []string{policy("000-aws-mfa-self-manage.json"), pkg, tsconfig}, exitOK, "PROVED"},
		{"no policy at all", []string{pkg, spec, "README.md"}, exitOK, "nothing to check"},
		{"a malformed policy still fails", []string{brokenPolicy, pkg}, exitUsage, "ERROR " + brokenPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := hook(tc.changed...)
			if code != tc.want || !strings.Contains(out, tc.out) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s\n%s", code, tc.want, tc.out, out, errs)
			}
		})
	}
}

// The Action's steps: action.yml installs iamfuzz, runs scripts/action-check and
// uploads its SARIF log; the script itself runs here on the built binary.
func TestActionCheck(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	must(t, err)
	var action struct {
		Runs struct {
			Using string
			Steps []struct {
				Uses, Run string
				With      map[string]string
			}
		}
	}
	must(t, yaml.Unmarshal(data, &action))
	var install, script, upload bool
	for _, s := range action.Runs.Steps {
		install = install || strings.Contains(s.Run, "go install \"github.com/iamfuzz/iamfuzz/cmd/iamfuzz@")
		script = script || strings.Contains(s.Run, "scripts/action-check")
		upload = upload || strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@")
	}
	if action.Runs.Using != "composite" || !install || !script || !upload {
		t.Fatalf("action.yml: composite %q, installs %v, runs scripts/action-check %v, uploads SARIF %v", action.Runs.Using, install, script, upload)
	}

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("scripts/action-check needs bash")
	}
	bin := iamfuzzBinary(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "github-output")
	sarifFile := filepath.Join(dir, "iamfuzz.sarif")
	cmd := exec.Command(bash, "../../scripts/action-check")
	cmd.Env = append(os.Environ(), "IAMFUZZ="+bin, "INPUT_PATHS="+srcTemplate+" "+srcPlan,
		"INPUT_ARGS=--exclude nothing", "INPUT_SARIF_FILE="+sarifFile, "GITHUB_OUTPUT="+out)
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("action-check: %v\n%s", err, log)
	}
	outputs, err := os.ReadFile(out)
	must(t, err)
	if !strings.Contains(string(outputs), "exit-code=1\n") || !strings.Contains(string(outputs), "sarif-file="+sarifFile) {
		t.Errorf("outputs %q: want exit-code=1 (findings) and the SARIF file", outputs)
	}
	if !strings.Contains(string(log), "FAIL "+srcTemplate+"#Developers.Policies[0]") {
		t.Errorf("the log lacks the human report:\n%s", log)
	}
	rep, err := sarif.Open(sarifFile)
	must(t, err)
	if err := rep.Validate(); err != nil || len(rep.Runs[0].Results) == 0 {
		t.Errorf("SARIF log: %v, %d results", err, len(rep.Runs[0].Results))
	}
}
