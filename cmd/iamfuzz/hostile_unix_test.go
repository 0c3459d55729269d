//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCheckHostileFiles: a policy folder holding a *.json symlink to /dev/zero, a
// FIFO and a 3 GB sparse file is refused file by file, without reading them (before
// the fix: out of memory, a hang, a 3 GB read).
func TestCheckHostileFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "sparse.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, errs := runCmd(t, nil, "check", "--checks", "10", "--format", "json", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitUsage, out, errs)
	}
	if n := strings.Count(out, `"verdict": "error"`); n != 3 {
		t.Errorf("%d files refused, want 3:\n%s", n, out)
	}
}

// TestFullDiskStdout: output written to a full disk (/dev/full) was lost and the
// command still exited 0.
func TestFullDiskStdout(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full on this system")
	}
	defer full.Close()
	for _, args := range [][]string{
		{"eval", "../../corpus/cases/seed-000.jsonl"},
		{"check", "--checks", "20", "../../corpus/policies/000-aws-mfa-self-manage.json"},
	} {
		var errb strings.Builder
		code := run(args, nil, full, &errb)
		if code == exitOK || code == exitFailures || !strings.Contains(errb.String(), "writing") {
			t.Errorf("%s to /dev/full: exit %d, stderr %q", args[0], code, errb.String())
		}
	}
}
