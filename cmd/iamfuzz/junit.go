package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/iamfuzz/iamfuzz/properties"
)

// JUnit XML, as GitLab (artifacts:reports:junit) and Jenkins (the junit step) read
// it: one test suite per run, one test case per policy, a <failure> per violation,
// an <error> for a policy that cannot be checked, <skipped> for policies the
// invariants do not concern. Warnings and notes go to system-out: they do not fail.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failures  []junitResult `xml:"failure"`
	Error     *junitResult  `xml:"error"`
	Skipped   *junitResult  `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func writeCheckJUnit(w io.Writer, results []checkResult, cfg checkConfig) error {
	s := junitSuite{Name: "iamfuzz check", Time: "0", Properties: []junitProperty{{"engine", cfg.engine}}}
	if cfg.sampled {
		// As in the JSON report: only a run that drew random requests has a seed.
		s.Properties = append(s.Properties, junitProperty{"seed", fmt.Sprint(cfg.seed)}, junitProperty{"checks", fmt.Sprint(cfg.checks)})
	}
	s.Properties = append(s.Properties, junitProperty{"reproduce", reproduceLine(cfg)})
	var total float64
	for _, r := range results {
		c := junitCase{Name: r.path, Classname: "iamfuzz.check", Time: "0"}
		if r.src != nil {
			c.File = r.src.File
		}
		s.Tests++
		switch {
		case r.err != nil:
			s.Errors++
			c.Error = &junitResult{Message: "cannot be checked", Type: "input", Text: r.err.Error()}
		case r.skipped != "":
			s.Skipped++
			c.Skipped = &junitResult{Message: r.skipped}
		default:
			secs := r.report.Elapsed.Seconds()
			total += secs
			c.Time = fmt.Sprintf("%.3f", secs)
			var out strings.Builder
			fmt.Fprintf(&out, "spec: %s; checks %s; %d requests decided\n", r.target.Spec.Name(), strings.Join(r.target.Spec.Invariants(), ", "), r.report.Checks)
			for _, n := range r.src.Notes {
				fmt.Fprintf(&out, "source note: %s\n", n)
			}
			for _, pw := range r.target.Warnings() {
				fmt.Fprintf(&out, "policy warning: %s\n", pw)
			}
			for _, f := range r.report.Findings {
				var b strings.Builder
				writeFindingText(&b, r.target, f)
				if f.Severity != properties.SeverityError {
					out.WriteString(b.String())
					continue
				}
				if s := f.Statement; s != nil && s.Line > 0 && c.Line == 0 {
					c.Line = s.Line
				}
				c.Failures = append(c.Failures, junitResult{Message: fmt.Sprintf("[%s] %s", f.Invariant, f.Rule), Type: f.Invariant, Text: b.String()})
			}
			if len(c.Failures) > 0 {
				s.Failures++
			}
			c.SystemOut = out.String()
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = fmt.Sprintf("%.3f", total)
	doc := junitSuites{Name: "iamfuzz", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
