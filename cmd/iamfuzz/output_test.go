package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckInterrupted: a Ctrl-C'd check printed PASS for policies it never
// finished and exited 0. Now every unfinished policy has no verdict and the run
// exits 130 and says so.
func TestCheckInterrupted(t *testing.T) {
	defer func(f func() (context.Context, context.CancelFunc)) { interruptContext = f }(interruptContext)
	interruptContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	code, out, errs := runCmd(t, nil, "check", "--checks", "50", "../../corpus/policies/000-aws-mfa-self-manage.json", "../../corpus/policies/001-self-manage-no-mfa.json")
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if strings.Contains(out, "PASS") || !strings.Contains(errs, "interrupted") {
		t.Errorf("an interrupted run reads as a pass:\n%s\n%s", out, errs)
	}
}

// TestDiffNothingCompared: a diff in which no case was answered by both oracles
// (here: none was recorded) compared nothing and must not exit 0.
func TestDiffNothingCompared(t *testing.T) {
	empty := t.TempDir()
	// One record of an unrelated case, so the replay oracle opens.
	recorded := "../../corpus/recorded"
	files, _ := filepath.Glob(filepath.Join(recorded, "*.jsonl"))
	if len(files) == 0 {
		t.Fatal("no committed records in corpus/recorded")
	}
	cases := filepath.Join(empty, "cases.jsonl")
	line := `{"id":"n%d","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::never-recorded-%d/*"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}` + "\n"
	if err := os.WriteFile(cases, []byte(fmt.Sprintf(line, 1, 1)+fmt.Sprintf(line, 2, 2)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, nil, "diff", "--a", "model", "--b", "replay", "--replay", recorded, "--cases", cases)
	if code != exitFailures {
		t.Errorf("exit %d, want %d\n%s\n%s", code, exitFailures, out, errs)
	}
}

// TestPromoteAfterUnterminatedLine: promote glued the case onto the last line of a
// file without a final newline, corrupting both.
func TestPromoteAfterUnterminatedLine(t *testing.T) {
	out := filepath.Join(t.TempDir(), "findings.jsonl")
	first := `{"id":"first","policies":{"identity":[]},"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"},"expect":"implicitDeny","source":"test"}`
	if err := os.WriteFile(out, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	crasher := "../../fuzz/parse/testdata/fuzz/FuzzParse/ebc0a643bdea5bfd"
	if code, _, errs := runCmd(t, nil, "promote", "--fuzz", crasher, "--id", "p1", "--expect", "error", "--source", "test", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs := runCmd(t, nil, "eval", out)
	if code != exitOK || !strings.Contains(errs, "2 passed") {
		t.Fatalf("the file is corrupt after promote: exit %d: %s", code, errs)
	}
}

// TestWriteFileAtomic: a report is replaced whole or not at all; a failed write
// leaves the old one (before: truncated first, then written).
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	if err := writeFileAtomic(p, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(p, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new\n" {
		t.Errorf("content %q", b)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if err := writeFileAtomic(p, []byte("lost\n")); err == nil && os.Geteuid() != 0 {
		t.Error("writing into a read-only folder succeeded")
	}
	if b, _ := os.ReadFile(p); string(b) != "new\n" && os.Geteuid() != 0 {
		t.Errorf("a failed write changed the report: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".report.json.tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}
