package peer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// The process handling is tested against fake adapters: small shell scripts that
// speak (or break) the adapter's protocol, run with /bin/sh in the place of node.
// They need neither node nor the npm package.

const fakeReady = `echo "iamfuzz-peer: ready (fake-simulator 0.0.0, timeout 1 ms)" >&2
`

// fakeEcho answers every case "allowed", echoing its id.
const fakeEcho = fakeReady + `while IFS= read -r line; do
  id=${line#\{\"id\":\"}; id=${id%%\"*}
  printf '{"id":"%s","decision":"allowed","matched":[],"missing":[]}\n' "$id"
done
`

func fakeOracle(t *testing.T, script string, opts Options) (*Oracle, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "fake.sh")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Node, opts.Script, opts.SkipInstallCheck = "/bin/sh", path, true
	return New(opts)
}

func someCases(n int) []*model.Case {
	out := make([]*model.Case, n)
	for i := range out {
		c, err := model.ParseCase([]byte(`{"id":"c` + string(rune('a'+i)) + `","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}`))
		if err != nil {
			panic(err)
		}
		out[i] = c
	}
	return out
}

func TestFakeEcho(t *testing.T) {
	o, err := fakeOracle(t, fakeEcho, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if !strings.HasPrefix(o.Version(), "fake-simulator 0.0.0") {
		t.Errorf("version %q", o.Version())
	}
	cases := someCases(5)
	for range 3 { // several batches through the same process
		res, err := o.Decide(context.Background(), cases)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r.ID != cases[i].ID || r.Decision != "allowed" || r.Err != "" {
				t.Errorf("result %d: %+v", i, r)
			}
		}
	}
	if err := o.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := o.Decide(context.Background(), cases); err == nil {
		t.Error("Decide after Close should fail")
	}
}

func TestBatchLargerThanPipes(t *testing.T) {
	// Far more bytes than a pipe buffer holds in each direction: writing and
	// reading must overlap.
	o, err := fakeOracle(t, fakeEcho, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	big := strings.Repeat("x", 4000)
	var cases []*model.Case
	for i := range 300 {
		c := someCases(1)[0]
		c.ID = big + string(rune('A'+i%26))
		cases = append(cases, c)
	}
	res, err := o.Decide(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(cases) || res[299].ID != cases[299].ID {
		t.Fatalf("got %d results", len(res))
	}
}

func TestAdapterDiesMidBatch(t *testing.T) {
	// Dies after two cases, every time: the batch fails (after one restart) with
	// ErrExited and the adapter's last words, and no result is made up.
	script := fakeReady + `n=0
while IFS= read -r line; do
  n=$((n+1))
  if [ $n -gt 2 ]; then echo "fake: crashed on purpose" >&2; exit 3; fi
  id=${line#\{\"id\":\"}; id=${id%%\"*}
  printf '{"id":"%s","decision":"allowed"}\n' "$id"
done
`
	o, err := fakeOracle(t, script, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	res, err := o.Decide(context.Background(), someCases(5))
	if !errors.Is(err, ErrExited) || res != nil {
		t.Fatalf("want ErrExited and no results, got %v, %v", res, err)
	}
	if !strings.Contains(err.Error(), "crashed on purpose") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("error should carry the adapter's stderr and exit status: %v", err)
	}
}

func TestAdapterRestartsAfterACrash(t *testing.T) {
	// The first process dies on its first case; the batch is retried on a fresh one.
	marker := filepath.Join(t.TempDir(), "crashed-once")
	script := fakeReady + `if [ ! -f '` + marker + `' ]; then
  : > '` + marker + `'
  IFS= read -r line
  exit 9
fi
` + strings.TrimPrefix(fakeEcho, fakeReady)
	o, err := fakeOracle(t, script, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	res, err := o.Decide(context.Background(), someCases(3))
	if err != nil || len(res) != 3 || res[2].Decision != "allowed" {
		t.Fatalf("after a restart: %v, %v", res, err)
	}

	// Without restarts the same crash fails the batch.
	_ = os.Remove(marker)
	o2, err := fakeOracle(t, script, Options{Restarts: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer o2.Close()
	if _, err := o2.Decide(context.Background(), someCases(3)); !errors.Is(err, ErrExited) {
		t.Fatalf("want ErrExited without restarts, got %v", err)
	}
}

func TestAdapterHangs(t *testing.T) {
	script := fakeReady + `IFS= read -r line
exec sleep 60
`
	o, err := fakeOracle(t, script, Options{IdleTimeout: 300 * time.Millisecond, Restarts: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	start := time.Now()
	_, err = o.Decide(context.Background(), someCases(2))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("want ErrTimeout, got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s to notice a hung adapter", d)
	}
}

func TestContextCancelled(t *testing.T) {
	script := fakeReady + `exec sleep 60
`
	o, err := fakeOracle(t, script, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := o.Decide(ctx, someCases(2)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the context's error, got %v", err)
	}
}

func TestProtocolErrors(t *testing.T) {
	for name, answer := range map[string]string{
		"not JSON":    `printf 'hello\n'`,
		"wrong id":    `printf '{"id":"zzz","decision":"allowed"}\n'`,
		"no id":       `printf '{"decision":"allowed"}\n'`,
		"no decision": `printf '{"id":"%s","decision":"maybe"}\n' "$id"`,
	} {
		t.Run(name, func(t *testing.T) {
			script := fakeReady + `while IFS= read -r line; do
  id=${line#\{\"id\":\"}; id=${id%%\"*}
  ` + answer + `
done
`
			o, err := fakeOracle(t, script, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			if _, err := o.Decide(context.Background(), someCases(1)); !errors.Is(err, ErrProtocol) {
				t.Fatalf("want ErrProtocol, got %v", err)
			}
		})
	}
}

func TestSlowStart(t *testing.T) {
	script := `sleep 1
` + fakeEcho
	o, err := fakeOracle(t, script, Options{})
	if err != nil {
		t.Fatalf("a slow start is not a failure: %v", err)
	}
	o.Close()

	never := `exec sleep 60
`
	start := time.Now()
	_, err = fakeOracle(t, never, Options{StartTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrStart) || errors.Is(err, oracle.ErrUnavailable) {
		t.Fatalf("want ErrStart, got %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("start timeout not honoured")
	}
}

func TestUnavailable(t *testing.T) {
	t.Run("node not found", func(t *testing.T) {
		_, err := New(Options{Node: filepath.Join(t.TempDir(), "no-such-node")})
		if !errors.Is(err, ErrNodeNotFound) || !errors.Is(err, oracle.ErrUnavailable) {
			t.Fatalf("want ErrNodeNotFound wrapping oracle.ErrUnavailable, got %v", err)
		}
		if !strings.Contains(err.Error(), "node not found") {
			t.Errorf("message: %v", err)
		}
	})
	t.Run("package not installed", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "adapter.mjs"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{Node: "/bin/sh", Dir: dir})
		if !errors.Is(err, ErrNotInstalled) || !errors.Is(err, oracle.ErrUnavailable) {
			t.Fatalf("want ErrNotInstalled wrapping oracle.ErrUnavailable, got %v", err)
		}
		if !strings.Contains(err.Error(), "run `npm ci` in "+dir) {
			t.Errorf("message should say where to run npm ci: %v", err)
		}
	})
	t.Run("adapter says not installed", func(t *testing.T) {
		// The adapter's own words when the library cannot be loaded.
		script := "echo 'iamfuzz-peer: cannot load @cloud-copilot/iam-simulate (Cannot find package).' >&2\n" +
			"echo 'iamfuzz-peer: run \x60npm ci\x60 in /somewhere first.' >&2\n" +
			"exit 1\n"
		_, err := fakeOracle(t, script, Options{})
		if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "npm ci") {
			t.Fatalf("want ErrNotInstalled, got %v", err)
		}
	})
	t.Run("no adapter", func(t *testing.T) {
		_, err := New(Options{Node: "/bin/sh", Dir: t.TempDir()})
		if !errors.Is(err, ErrNoAdapter) || !errors.Is(err, oracle.ErrUnavailable) {
			t.Fatalf("want ErrNoAdapter, got %v", err)
		}
	})
}

func TestModuleRoot(t *testing.T) {
	wd, _ := os.Getwd()
	root, err := ModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "peer", "adapter.mjs")); err != nil {
		t.Errorf("module root %s has no scripts/peer/adapter.mjs", root)
	}
	if _, err := ModuleRoot(string(filepath.Separator)); err == nil {
		t.Error("no go.mod above / should be an error")
	}
}

func TestRefsAreInlined(t *testing.T) {
	// The adapter's working directory is not the case file's: {"$ref"} policies
	// are sent as the referenced text.
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil { // a $ref reads only under allowed trees
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	received := filepath.Join(dir, "received.jsonl")
	script := fakeReady + `while IFS= read -r line; do
  printf '%s\n' "$line" >> '` + received + `'
  id=${line#\{\"id\":\"}; id=${id%%\"*}
  printf '{"id":"%s","decision":"allowed"}\n' "$id"
done
`
	o, err := fakeOracle(t, script, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	c, err := model.ParseCase([]byte(`{"id":"r1","policies":{"identity":[{"$ref":"p.json"}],"scp":[[{"$ref":"p.json"}]]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}`))
	if err != nil {
		t.Fatal(err)
	}
	c.Dir = dir
	missing, _ := model.ParseCase([]byte(`{"id":"r2","policies":{"identity":[{"$ref":"nope.json"}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}`))
	missing.Dir = dir
	res, err := o.Decide(context.Background(), []*model.Case{c, missing})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Decision != "allowed" || res[0].ID != "r1" {
		t.Errorf("r1: %+v", res[0])
	}
	// An unreadable reference is the case's own error, answered without the peer.
	if res[1].ErrKind != "invalid-request" || res[1].ID != "r2" {
		t.Errorf("r2: %+v", res[1])
	}
	data, err := os.ReadFile(received)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 1 {
		t.Fatalf("the adapter got %d lines, want 1 (r2 never leaves the oracle)", len(lines))
	}
	q, _ := jsontext.AppendQuote(nil, policy)
	if strings.Contains(lines[0], "$ref") || strings.Count(lines[0], string(q)) != 2 {
		t.Errorf("policies not inlined as strings: %s", lines[0])
	}
}
