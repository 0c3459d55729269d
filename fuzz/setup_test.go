package fuzz

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// TestSeedsAreSmall: the target has seeds, none longer than it reads
// (minimizing a new input costs about n² executions of the target).
func TestSeedsAreSmall(t *testing.T) {
	seeds, err := DecideSeeds()
	if err != nil || len(seeds) == 0 {
		t.Fatalf("%d seeds: %v", len(seeds), err)
	}
	for _, s := range seeds {
		if len(s) > maxDecideInput {
			t.Errorf("a seed of %d bytes, over %d: %q", len(s), maxDecideInput, s)
		}
	}
}

// TestCorpusFromAnotherDirectory: the seeds do not depend on the working
// directory (libFuzzer binaries run elsewhere, without the source tree).
func TestCorpusFromAnotherDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	sc, err := seedcorpus.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Cases) < 100 {
		t.Fatalf("%d cases", len(sc.Cases))
	}
	for _, c := range sc.Cases {
		if strings.Contains(caseLine(c), `"$ref"`) {
			t.Fatalf("case %s still has a $ref", c.ID)
		}
	}
}

// recordingF is a fataler like go-118-fuzz-build's F, whose Fatalf returns.
type recordingF struct{ msg string }

func (f *recordingF) Helper()                           {}
func (f *recordingF) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

// TestNoSeedsFailsLoudly: a target without seeds stops even where Fatalf
// returns, instead of fuzzing nothing.
func TestNoSeedsFailsLoudly(t *testing.T) {
	for _, seeds := range []func() ([][]byte, error){
		func() ([][]byte, error) { return nil, nil },
		func() ([][]byte, error) { return nil, fmt.Errorf("reading: %w", os.ErrNotExist) },
	} {
		f := &recordingF{}
		func() {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, ErrNoSeeds) && !errors.Is(err, os.ErrNotExist) {
					t.Errorf("mustSeeds returned or panicked with %v", err)
				}
			}()
			mustSeeds(f, seeds)
		}()
		if f.msg == "" {
			t.Error("mustSeeds did not report through Fatalf")
		}
	}
}

// TestOneFilePerTarget: ClusterFuzzLite's compile_native_go_fuzzer finds a
// target's file with grep -r -l NAME in the package directory and rewrites that
// one file, so each target's name must occur in exactly one file, which holds
// nothing else the build needs (the other _test.go files are not compiled).
func TestOneFilePerTarget(t *testing.T) {
	contents := map[string]string{}
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		contents[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	outside := 0
	for p, c := range contents {
		if strings.HasSuffix(p, ".go") {
			for _, name := range targetDecls(c) {
				names = append(names, name)
				// TestMain points at the package of a target that is not here.
				short := strings.TrimPrefix(name, "Fuzz")
				if dir := filepath.Dir(p); dir == "." {
					if short != here {
						t.Errorf("%s is in package fuzz, but here is %q", name, here)
					}
				} else {
					outside++
					if want := "./fuzz/" + filepath.ToSlash(dir); elsewhere[short] != want {
						t.Errorf("%s is in %s, but elsewhere says %q", name, want, elsewhere[short])
					}
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no fuzz targets found")
	}
	if len(elsewhere) != outside {
		t.Errorf("elsewhere names %d targets, but %d are in other packages", len(elsewhere), outside)
	}
	for _, n := range names {
		var in []string
		for p, c := range contents {
			if strings.Contains(c, n) {
				in = append(in, p)
			}
		}
		if len(in) != 1 {
			t.Errorf("%s occurs in %d files %v, not one", n, len(in), in)
		}
	}
}

// targetDecls returns the names of the fuzz targets a Go file declares (lines
// "func FuzzX(f *testing.F) {"), read without package regexp: see notHere.
func targetDecls(src string) []string {
	var out []string
	for _, line := range strings.Split(src, "\n") {
		rest, ok := strings.CutPrefix(line, "func Fuzz")
		name, _, found := strings.Cut(rest, "(f *testing.F)")
		if ok && found && name != "" && isName(name) {
			out = append(out, "Fuzz"+name)
		}
	}
	return out
}

// TestMemoIsBounded: the memos of the decide property start over instead of
// growing with every generated policy of a long run.
func TestMemoIsBounded(t *testing.T) {
	var m memo[int, int]
	builds := 0
	build := func() (int, error) { builds++; return builds, nil }
	for i := range 3 * maxMemo {
		if _, err := m.get(i, build); err != nil {
			t.Fatal(err)
		}
		if len(m.m) > maxMemo {
			t.Fatalf("%d entries after %d keys", len(m.m), i+1)
		}
	}
	last := 3*maxMemo - 1
	v, _ := m.get(last, build)
	if w, _ := m.get(last, build); w != v || builds != 3*maxMemo {
		t.Fatalf("a memoized key was rebuilt: %d then %d, %d builds", v, w, builds)
	}
}
