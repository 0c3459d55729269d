package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const baselineExamples = "../../corpus/examples/baseline/"

func TestCheckBaselineFolders(t *testing.T) {
	code, out, errOut := checkCmd(t, "", "check", "--seed", "1", "--checks", "500", "--format", "json", baselineExamples+"new", "--baseline", baselineExamples+"old")
	if code != exitFailures {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Policies []struct {
			Path, Verdict string
			Baseline      struct {
				Proved    bool
				NewAccess int
				Method    string
			}
			Violations []struct{ Invariant, Rule string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"log-writer.json": 2, "metrics-reader.json": 1, "reports-reader.json": 0}
	for _, p := range rep.Policies {
		n, ok := want[filepath.Base(p.Path)]
		if !ok || p.Baseline.NewAccess != n || !p.Baseline.Proved || !strings.Contains(p.Baseline.Method, "proved") {
			t.Errorf("%s: %+v", p.Path, p.Baseline)
		}
		for _, v := range p.Violations {
			if v.Invariant != "no-new-access" {
				t.Errorf("%s: %+v", p.Path, v)
			}
		}
	}
}

// git:REV:PATH reads the old version from git.
func TestCheckBaselineGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	t.Chdir(gitRepoChanged(t, "policies/logs.json", baselineExamples+"old/log-writer.json", baselineExamples+"new/log-writer.json"))
	code, out, errOut := checkCmd(t, "", "check", "--seed", "1", "--checks", "300", "policies", "--baseline", "git:HEAD:policies")
	if code != exitFailures || !strings.Contains(out, "no-new-access against git:HEAD:policies/logs.json: 2 new access findings") || !strings.Contains(out, "[no-new-access] logs:DeleteLogGroup") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = checkCmd(t, "", "check", "policies", "--baseline", "git:no-such-rev:policies")
	if code != exitUsage || !strings.Contains(errOut, "git ls-tree") {
		t.Fatalf("bad revision: exit %d %s", code, errOut)
	}
}

// A template's policies are compared with the old template's policies of the same
// logical id (corpus/examples/baseline-template/README.md), given as folders,
// files or git:REV:PATH; they were left uncompared without a word.
func TestCheckBaselineTemplate(t *testing.T) {
	const ex = "../../corpus/examples/baseline-template/"
	want := map[string]int{"ReportsReader": 1, "LogWriter": 0, "MetricsReader": 1}
	verify := func(t *testing.T, args ...string) {
		t.Helper()
		code, out, errOut := checkCmd(t, "", append([]string{"check", "--format", "json"}, args...)...)
		if code != exitFailures {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep struct {
			Policies []struct {
				Path     string
				Baseline *struct {
					Path      string
					Proved    bool
					NewAccess int
				}
			}
		}
		must(t, json.Unmarshal([]byte(out), &rep))
		seen := 0
		for _, p := range rep.Policies {
			_, id, _ := strings.Cut(p.Path, "#")
			n, ok := want[id]
			if !ok || p.Baseline == nil || p.Baseline.NewAccess != n || !p.Baseline.Proved || !strings.HasSuffix(p.Baseline.Path, "stack.yaml#"+id) && !strings.Contains(p.Baseline.Path, "is new") {
				t.Errorf("%s: baseline %+v, want %d new access findings", p.Path, p.Baseline, n)
				continue
			}
			seen++
		}
		if seen != len(want) {
			t.Errorf("%d policies compared, want %d\n%s", seen, len(want), out)
		}
	}
	t.Run("folders", func(t *testing.T) { verify(t, ex+"new", "--baseline", ex+"old") })
	t.Run("files", func(t *testing.T) { verify(t, ex+"new/stack.yaml", "--baseline", ex+"old/stack.yaml") })
	t.Run("git", func(t *testing.T) {
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("git is not installed")
		}
		t.Chdir(gitRepoChanged(t, "infra/stack.yaml", ex+"old/stack.yaml", ex+"new/stack.yaml"))
		verify(t, "infra", "--baseline", "git:HEAD:infra")
	})
}

// gitRepoChanged makes a git repository in a new folder whose commit holds the
// file old at path and whose working tree holds newer there instead, as a pull
// request's checkout does, and returns the folder.
func gitRepoChanged(t *testing.T, path, old, newer string) string {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	copyTo := func(from string) {
		data, err := os.ReadFile(from)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, path), data, 0o644))
	}
	must(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755))
	copyTo(old)
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "old")
	copyTo(newer)
	return dir
}
