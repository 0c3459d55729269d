package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamfuzz/iamfuzz/model"
)

// nonASCIIPolicy has three two-byte characters before its second statement, which
// grants everything: a byte column and a character column of that statement differ
// by three.
const nonASCIIPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::ÄÖÜ/*"}, {"Effect":"Allow","Action":"*","Resource":"*"}]}`

// TestStatementPositionsAgree: the check report and SARIF name the statement after
// a non-ASCII character at the column the parser recorded, counted in characters
// (oracle/awsiam/internal/policypos's test holds the AWS mapping to the same).
func TestStatementPositionsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(path, []byte(nonASCIIPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	open := strings.Index(nonASCIIPolicy, `{"Effect":"Allow","Action":"*"`)
	want := 1 + utf8.RuneCountInString(nonASCIIPolicy[:open])
	if want == 1+open {
		t.Fatal("the fixture has no multi-byte character before the statement")
	}
	pol, err := model.Parse([]byte(nonASCIIPolicy), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if got := pol.Statements[1].Span.Start; got.Line != 1 || got.Column != want || got.Offset != int64(open) {
		t.Fatalf("parser recorded %+v, want line 1 column %d offset %d", got, want, open)
	}

	_, out, errs := runCmd(t, nil, "check", "--checks", "200", "--format", "json", path)
	var report struct {
		Policies []struct {
			Violations []struct {
				Statement *struct{ Index, Line, Column int }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || len(report.Policies) != 1 || len(report.Policies[0].Violations) == 0 {
		t.Fatalf("report: %v\n%s\n%s", err, out, errs)
	}
	for _, v := range report.Policies[0].Violations {
		if s := v.Statement; s != nil && s.Index == 1 && (s.Line != 1 || s.Column != want) {
			t.Errorf("report names statement 1 at %d:%d, want 1:%d", s.Line, s.Column, want)
		}
	}

	_, out, errs = runCmd(t, nil, "check", "--checks", "200", "--format", "sarif", path)
	var sarif struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) == 0 {
		t.Fatalf("sarif: %v\n%s\n%s", err, out, errs)
	}
	for _, r := range sarif.Runs[0].Results {
		if reg := r.Locations[0].PhysicalLocation.Region; reg.StartLine != 1 || reg.StartColumn != want {
			t.Errorf("SARIF region %d:%d, want 1:%d", reg.StartLine, reg.StartColumn, want)
		}
	}
}
