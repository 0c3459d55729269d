package main

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// typoWarning matches eval's warning about a misspelt field: file, line, JSON
// path and the field it probably meant.
var typoWarning = regexp.MustCompile(`(?m)^iamfuzz eval: warning: (.*):(\d+): (\S+): unknown field ignored; did you mean "([^"]*)"\?`)

type typoSeen struct {
	file        string
	line        int
	path, meant string
}

func typoWarnings(t *testing.T, stderr string) []typoSeen {
	t.Helper()
	var out []typoSeen
	for _, m := range typoWarning.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[2])
		out = append(out, typoSeen{m[1], n, m[3], m[4]})
	}
	return out
}

const typoAllow = `{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]}`
const typoRequest = `"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"}`

// typoLines are cases with misspelt fields: "policy" decides with no policies
// and "expectd" drops the assertion, so each line would fail if the field were
// spelt right. Line 4 repeats line 1's typo, which is warned about once.
var typoLines = strings.Join([]string{
	`{"id":"a","policy":` + typoAllow + `,` + typoRequest + `,"expectd":"allowed"}`,
	`{"id":"b","policies":` + typoAllow + `,` + typoRequest + `,"expected":"explicitDeny"}`,
	`{"id":"c","policies":` + typoAllow + `,"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*","Context":{"aws:SecureTransport":"false"}},"expect":"allowed"}`,
	`{"id":"d","policy":` + typoAllow + `,` + typoRequest + `}`,
}, "\n") + "\n"

func TestEvalWarnsAboutFieldTypos(t *testing.T) {
	f := filepath.Join(t.TempDir(), "typos.jsonl")
	if err := os.WriteFile(f, []byte(typoLines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, nil, "eval", f)
	if code != 0 {
		t.Errorf("exit %d, want 0: a typo warning must not change the exit status\n%s", code, errs)
	}
	if strings.Count(out, `"decision":"implicitDeny"`) != 2 || strings.Count(out, `"decision":"allowed"`) != 2 {
		t.Errorf("decisions changed:\n%s", out)
	}
	want := []typoSeen{{f, 1, "policy", "policies"}, {f, 1, "expectd", "expect"}, {f, 2, "expected", "expect"}, {f, 3, "request.Context", "context"}}
	if got := typoWarnings(t, errs); !reflect.DeepEqual(got, want) {
		t.Errorf("typo warnings %+v, want %+v\nstderr:\n%s", got, want, errs)
	}
}

// TestCorpusHasNoFieldTypos: no case and no recorded answer of the corpus is
// taken for a typo, by the model and by eval.
func TestCorpusHasNoFieldTypos(t *testing.T) {
	cases, _ := filepath.Glob("../../corpus/cases/*.jsonl")
	recorded, _ := filepath.Glob("../../corpus/recorded/*.jsonl")
	if len(cases) < 10 || len(recorded) == 0 {
		t.Fatalf("%d case files, %d recorded files", len(cases), len(recorded))
	}
	files := append(cases, recorded...)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 64<<20)
		for n := 1; sc.Scan(); n++ {
			if ty := model.CaseFieldTypos(sc.Bytes()); ty != nil {
				t.Errorf("%s:%d: %+v", f, n, ty)
			}
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	_, _, errs := runCmd(t, nil, append([]string{"eval"}, files...)...)
	if got := typoWarnings(t, errs); got != nil || strings.Contains(errs, "unknown field") {
		t.Errorf("eval warned about corpus fields: %+v\n%.2000s", got, errs)
	}
}
