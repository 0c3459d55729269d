package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeExample is a README code block that shows an iamfuzz check command and
// what it prints.
type readmeExample struct {
	line int      // the block's first line in README.md
	args []string // the command's arguments after "iamfuzz"
	want []string // the lines shown
}

// readmeCheckExamples returns the README's plain code blocks whose first line is
// an "iamfuzz check" command ("$ " in front or not).
func readmeCheckExamples(t *testing.T, readme string) []readmeExample {
	t.Helper()
	var out []readmeExample
	lines := strings.Split(readme, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```" || i+1 >= len(lines) {
			continue
		}
		cmd := strings.TrimPrefix(lines[i+1], "$ ")
		start := i + 1
		i++
		for i < len(lines) && lines[i] != "```" {
			i++
		}
		if !strings.HasPrefix(cmd, "iamfuzz check ") {
			continue
		}
		out = append(out, readmeExample{line: start + 1, args: strings.Fields(cmd)[1:], want: lines[start+1 : i]})
	}
	return out
}

var (
	// A duration and the counts of classes and requests change with the machine
	// and with the partition; what a reader checks (verdicts, statements, lines,
	// reasons, findings counted) must stay as shown.
	readmeDuration = regexp.MustCompile(`in [0-9.]+(ms|µs|s)\b`)
	readmeCount    = regexp.MustCompile(`[0-9]+( catalogue actions| groups| principals| resource classes| context classes| classes| requests decided| judged)\b`)
)

func readmeNormalize(l string) string {
	return readmeCount.ReplaceAllString(readmeDuration.ReplaceAllString(l, "in D"), "N$1")
}

// readmeMatch reports whether want (a line shown, "…" standing for any text) is
// out (a line printed).
func readmeMatch(want, out string) bool {
	parts := strings.Split(readmeNormalize(want), "…")
	out = readmeNormalize(out)
	if !strings.HasPrefix(out, parts[0]) || !strings.HasSuffix(out, parts[len(parts)-1]) {
		return false
	}
	rest := out[len(parts[0]):]
	for _, p := range parts[1:] {
		k := strings.Index(rest, p)
		if k < 0 {
			return false
		}
		rest = rest[k+len(p):]
	}
	return true
}

// The README's check examples are what check prints: run from the repository
// root, every line shown is printed, in the order shown ("…" stands for lines
// or text left out).
func TestReadmeCheckExamples(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	must(t, err)
	examples := readmeCheckExamples(t, string(data))
	if len(examples) < 3 {
		t.Fatalf("found %d iamfuzz check examples in README.md, want the boundary, seed corpus and baseline ones", len(examples))
	}
	t.Chdir("../..")
	for _, ex := range examples {
		_, out, _ := checkCmd(t, "", ex.args...)
		got := strings.Split(out, "\n")
		k := 0
		for _, w := range ex.want {
			if w == "" || w == "…" {
				continue
			}
			for k < len(got) && !readmeMatch(w, got[k]) {
				k++
			}
			if k == len(got) {
				t.Errorf("README.md:%d: iamfuzz %s: this line is not printed (or not in this order):\n%s\n--- printed:\n%s", ex.line, strings.Join(ex.args, " "), w, out)
				break
			}
			k++
		}
	}
}

func TestReadmeMatch(t *testing.T) {
	for _, c := range []struct {
		want, out string
		ok        bool
	}{
		{"PROVED a.json", "PROVED a.json", true},
		{"PROVED a.json", "PROVED a.json and more", false},
		{"  replay:    echo '{…}' | iamfuzz eval --explain", `  replay:    echo '{"id":1}' | iamfuzz eval --explain`, true},
		{"  statement: S (Deny, statement 6) at f.json:66:5", "  statement: S (Deny, statement 6) at f.json:67:5", false},
		{"  9 requests decided, 4 judged, in 474ms; 2 violations", "  17 requests decided, 8 judged, in 1.2s; 2 violations", true},
		{"  9 requests decided, 4 judged, in 474ms; 2 violations", "  17 requests decided, 8 judged, in 1.2s; 3 violations", false},
		{"  proved over 5238 classes: 22091 catalogue actions in 15 groups × 10 principals", "  proved over 5000 classes: 22100 catalogue actions in 14 groups × 9 principals", true},
		{"1 policy file: 1 proved, 0 fail", "1 policy file: 0 proved, 1 fail", false},
	} {
		if got := readmeMatch(c.want, c.out); got != c.ok {
			t.Errorf("readmeMatch(%q, %q) = %v, want %v", c.want, c.out, got, c.ok)
		}
	}
}

// Every flag of check is in its usage synopsis and in the README, which a
// newcomer reads instead of -h.
func TestCheckFlagsDocumented(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", "-h")
	if code != exitOK {
		t.Fatalf("check -h: exit %d", code)
	}
	synopsis, _, _ := strings.Cut(out, "\nInputs:")
	readme, err := os.ReadFile("../../README.md")
	must(t, err)
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(out, -1)
	if len(flags) < 15 {
		t.Fatalf("found %d flags in check -h:\n%s", len(flags), out)
	}
	for _, f := range flags {
		if !strings.Contains(synopsis, "[--"+f[1]) {
			t.Errorf("check -h: the synopsis lacks --%s:\n%s", f[1], synopsis)
		}
		if !strings.Contains(string(readme), "`--"+f[1]) {
			t.Errorf("README.md does not mention --%s", f[1])
		}
	}
}
