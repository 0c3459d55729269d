package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scripts/diff-aws --local, the documented way to try the live run, asks the
// model (iamfuzz serve), so its answers are no evidence about AWS: they go to a
// temporary folder, never into the clone's corpus/recorded or reports, and the
// summary never says to commit them (the live run's does).
func TestDiffAWSLocalWritesOutsideTheClone(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("scripts/diff-aws needs bash")
	}
	entries := func(dir string) []string {
		var names []string
		des, _ := os.ReadDir(dir)
		for _, d := range des {
			names = append(names, d.Name())
		}
		return names
	}
	recorded, reports := entries("../../corpus/recorded"), entries("../../reports")
	tmp := t.TempDir()
	cmd := exec.Command(bash, "../../scripts/diff-aws", "--local", "--cases", "corpus/cases/seed-004.jsonl")
	env := []string{"TMPDIR=" + tmp}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("diff-aws --local: %v\n%s", err, log)
	}
	if got := entries("../../corpus/recorded"); !slices.Equal(got, recorded) {
		t.Errorf("corpus/recorded: %v, was %v: --local wrote the model's answers into the clone", got, recorded)
	}
	if got := entries("../../reports"); !slices.Equal(got, reports) {
		t.Errorf("reports: %v, was %v: --local wrote into the clone", got, reports)
	}
	rec, _ := filepath.Glob(filepath.Join(tmp, "*", "recorded", "not-aws-*.jsonl"))
	if len(rec) != 1 {
		t.Errorf("want the model's answers in one not-aws-DATE.jsonl under TMPDIR, got %v\n%s", rec, log)
	}
	if strings.Contains(string(log), "commit them") {
		t.Errorf("diff-aws --local suggests committing answers that are not AWS's:\n%s", log)
	}
	if !strings.Contains(string(log), "not AWS's answers") {
		t.Errorf("the summary does not say the answers are not AWS's:\n%s", log)
	}
}
