package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The exit statuses are a contract with CI scripts, and "go run" turns every
// non-zero status into 1: these tests build the binary and run it as users do.

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// iamfuzzBinary builds cmd/iamfuzz once per test process.
func iamfuzzBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; not in -short mode")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "iamfuzz-bin-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "iamfuzz")
		if runtime.GOOS == "windows" {
			builtBin += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// runBinary runs the built binary and returns its exit status and output.
func runBinary(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(iamfuzzBinary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("running iamfuzz %q: %v", args, err)
	return -1, "", ""
}

func TestBinaryExitStatus(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"*","Resource":"*"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"clean policy", []string{"check", "--seed", "1", "--checks", "300", policy("000-aws-mfa-self-manage.json")}, exitOK},
		{"broken policy", []string{"check", "--seed", "1", "--checks", "300", policy("001-self-manage-no-mfa.json")}, exitFailures},
		{"malformed policy", []string{"check", "--checks", "300", bad}, exitUsage},
		{"missing file", []string{"check", filepath.Join(t.TempDir(), "nothing.json")}, exitUsage},
		{"bad flag value", []string{"check", "--format", "yaml", policy("000-aws-mfa-self-manage.json")}, exitUsage},
		{"unknown flag", []string{"check", "--no-such-flag", policy("000-aws-mfa-self-manage.json")}, exitUsage},
		{"unknown command", []string{"no-such-command"}, exitUsage},
		{"no command", nil, exitUsage},
		{"help", []string{"--help"}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runBinary(t, "", tc.args...)
			if code != tc.want {
				t.Errorf("iamfuzz %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, out, errs)
			}
		})
	}
}

// Asking for help is not an error: every command prints its usage on stdout and
// exits 0, whatever else is on the line.
func TestBinaryHelpEveryCommand(t *testing.T) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, h := range []string{"-h", "--help", "-help"} {
			code, out, errs := runBinary(t, "", n, "--format", "json", h)
			if code != exitOK {
				t.Errorf("iamfuzz %s %s: exit %d, want 0\n%s", n, h, code, errs)
			}
			if !strings.Contains(strings.ToLower(out), "usage: iamfuzz "+n) {
				t.Errorf("iamfuzz %s %s: stdout lacks the usage line:\n%s", n, h, out)
			}
		}
	}
}

func TestBinaryVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		code, out, _ := runBinary(t, "", arg)
		if code != exitOK || !strings.HasPrefix(out, "iamfuzz ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("iamfuzz %s: exit %d, output %q; want 0 and \"iamfuzz VERSION … %s\"", arg, code, out, runtime.Version())
		}
	}
}
