package planted

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNightlyRunsEveryPlantedBug: a planted bug proves its harness can fail
// only if something runs it, and its test is built only under its tag, so
// neither go test ./... nor CI sees it. scripts/nightly must run each test
// built under an iamfuzz_plant_* tag with that tag (the bare iamfuzz_plant tag
// is run by this package's own tests).
func TestNightlyRunsEveryPlantedBug(t *testing.T) {
	nightly, err := os.ReadFile("../../scripts/nightly")
	if err != nil {
		t.Fatal(err)
	}
	tagRe := regexp.MustCompile(`(?m)^//go:build (iamfuzz_plant_[a-z]+)$`)
	testRe := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	found := 0
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		tag := tagRe.FindSubmatch(src)
		if tag == nil {
			return nil
		}
		for _, m := range testRe.FindAllSubmatch(src, -1) {
			found++
			run := regexp.MustCompile(`-tags ` + string(tag[1]) + ` -run '[^']*\b` + string(m[1]) + `\b`)
			if !run.Match(nightly) {
				t.Errorf("%s: scripts/nightly does not run %s with -tags %s", path, m[1], tag[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatal("no test built under an iamfuzz_plant_* tag: the check tells nothing")
	}
}
