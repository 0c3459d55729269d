package replay

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

const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`

func testCase(id string) *model.Case {
	q, _ := jsontext.AppendQuote(nil, text)
	return &model.Case{ID: id,
		Policies: model.CasePolicies{Identity: []jsontext.Value{q}},
		Request: model.CaseRequest{Principal: "arn:aws:iam::111122223333:user/alice", Action: "iam:GetUser", Resource: "*",
			Context: map[string]jsontext.Value{"aws:MultiFactorAuthPresent": jsontext.Value(`"true"`)}}}
}

func mustKey(t *testing.T, c *model.Case, op string) string {
	t.Helper()
	k, err := Key(c, op)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKey(t *testing.T) {
	base := mustKey(t, testCase("a"), OpCustom)
	same := []func(c *model.Case){
		func(c *model.Case) { c.ID = "other id" },
		func(c *model.Case) { c.Expect, c.Source = "allowed", "somewhere" },
		func(c *model.Case) { c.Policies.Identity[0] = jsontext.Value(text) }, // object form, same text
		func(c *model.Case) {
			c.Request.Context = map[string]jsontext.Value{"AWS:multifactorauthpresent": jsontext.Value(`true`)} // case of key, JSON bool
		},
	}
	for i, edit := range same {
		c := testCase("a")
		edit(c)
		if k := mustKey(t, c, OpCustom); k != base {
			t.Errorf("edit %d changed the key", i)
		}
	}
	differ := []func(c *model.Case){
		func(c *model.Case) { c.Policies.Identity[0] = jsontext.Value(strings.Replace(text, ",", ", ", 1)) }, // whitespace moves positions
		func(c *model.Case) { c.Request.Action = "iam:ListUsers" },
		func(c *model.Case) { c.Request.Context["aws:MultiFactorAuthPresent"] = jsontext.Value(`["true"]`) }, // multi-valued
		func(c *model.Case) { c.Request.ResourceAccount = "444455556666" },
		func(c *model.Case) { c.Policies.Boundary = c.Policies.Identity },
		func(c *model.Case) { c.Policies.SCP = [][]jsontext.Value{c.Policies.Identity} },
	}
	for i, edit := range differ {
		c := testCase("a")
		edit(c)
		if k := mustKey(t, c, OpCustom); k == base {
			t.Errorf("edit %d kept the key", i)
		}
	}
	if mustKey(t, testCase("a"), OpPrincipal) == base {
		t.Error("the operation must be part of the key")
	}
	bad := testCase("a")
	bad.Policies.Identity[0] = jsontext.Value(`{"$ref":"does/not/exist.json"}`)
	if _, err := Key(bad, OpCustom); !errors.Is(err, ErrNotKeyable) {
		t.Errorf("err = %v, want ErrNotKeyable", err)
	}
}

func TestNewRecordInlinesRefs(t *testing.T) {
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := testCase("a")
	c.Dir = dir
	c.Policies.Identity = []jsontext.Value{jsontext.Value(`{"$ref":"p.json"}`)}
	rec, err := NewRecord(c, OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Policies.Identity[0].Kind() != '"' || rec.Key != mustKey(t, c, OpCustom) {
		t.Fatalf("identity %s key %s", rec.Policies.Identity[0], rec.Key)
	}
}

func record(id, decision, from string) *Record {
	r, err := NewRecord(testCase(id), OpCustom)
	if err != nil {
		panic(err)
	}
	r.RecordedFrom, r.AskedAt, r.SDK, r.Decision = from, "2026-01-02T03:04:05Z", "test", decision
	return r
}

func TestRecorderAndOpen(t *testing.T) {
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec.now = func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) }
	if err := rec.Write(record("a", "allowed", "AWS SimulateCustomPolicy")); err != nil {
		t.Fatal(err)
	}
	if err := rec.Write(&Record{ID: "x"}); err == nil {
		t.Fatal("an incomplete record was written")
	}
	both := record("b", "allowed", "test")
	both.Error = "also an error"
	if err := rec.Write(both); err == nil {
		t.Fatal("a record with a decision and an error was written")
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "aws-2026-01-02.jsonl")); err != nil {
		t.Fatalf("an answer from AWS goes to aws-DATE.jsonl: %v", err)
	}
	o, err := Open(dir, OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.Decide(context.Background(), []*model.Case{testCase("new id"), {ID: "unknown", Request: model.CaseRequest{Action: "x:Y"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].ID != "new id" || res[0].Decision != "allowed" || res[0].Extra["recordedFrom"] != "AWS SimulateCustomPolicy" {
		t.Errorf("replayed %+v", res[0])
	}
	if res[1].ErrKind != KindNotRecorded || res[1].Decision != "" {
		t.Errorf("an unrecorded case: %+v", res[1])
	}
	if _, err := Open(dir, OpPrincipal); !errors.Is(err, oracle.ErrUnavailable) {
		t.Errorf("no records for the operation: err = %v, want ErrUnavailable", err)
	}
	if _, err := Open(t.TempDir(), OpCustom); !errors.Is(err, oracle.ErrUnavailable) {
		t.Errorf("an empty directory: err = %v", err)
	}
}

func writeLines(t *testing.T, dir, name string, recs ...*Record) {
	t.Helper()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := rec.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	for _, f := range files {
		if err := os.Rename(f, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConflictingRecords(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, dir, "one.jsonl", record("a", "allowed", "AWS SimulateCustomPolicy"), record("a", "implicitDeny", "AWS SimulateCustomPolicy"))
	o, err := Open(dir, OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := o.Decide(context.Background(), []*model.Case{testCase("a")})
	if res[0].ErrKind != KindConflict || !strings.Contains(res[0].Err, "one.jsonl:1") {
		t.Fatalf("%+v", res[0])
	}
	// Agreeing duplicates are fine: the latest answer is used.
	dir2 := t.TempDir()
	late := record("a", "allowed", "AWS SimulateCustomPolicy")
	late.AskedAt = "2027-01-01T00:00:00Z"
	writeLines(t, dir2, "two.jsonl", record("a", "allowed", "AWS SimulateCustomPolicy"), late)
	o2, _ := Open(dir2, OpCustom)
	res, _ = o2.Decide(context.Background(), []*model.Case{testCase("a")})
	if res[0].Decision != "allowed" || res[0].Extra["askedAt"] != "2027-01-01T00:00:00Z" {
		t.Fatalf("%+v", res[0])
	}
}

// A record whose case was edited after recording answers a question nobody asked:
// it is refused, never replayed.
func TestEditedRecordIsRefused(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, dir, "r.jsonl", record("a", "allowed", "AWS SimulateCustomPolicy"))
	path := filepath.Join(dir, "r.jsonl")
	data, _ := os.ReadFile(path)
	edited := strings.Replace(string(data), `"action":"iam:GetUser"`, `"action":"iam:DeleteUser"`, 1)
	if edited == string(data) {
		t.Fatal("test setup: the action was not found in the record")
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, OpCustom); !errors.Is(err, ErrBadRecord) || !strings.Contains(err.Error(), "edited") {
		t.Fatalf("err = %v, want ErrBadRecord", err)
	}
	if err := os.WriteFile(path, []byte("{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, OpCustom); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("err = %v, want ErrBadRecord", err)
	}
}

// TestKeyIncludesRCP: two cases that differ only in their RCPs are different
// questions and must not share a recorded answer.
func TestKeyIncludesRCP(t *testing.T) {
	c := &model.Case{Policies: model.CasePolicies{Identity: []jsontext.Value{jsontext.Value(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}},
		Request: model.CaseRequest{Principal: "arn:aws:iam::111122223333:user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}}
	without := mustKey(t, c, OpCustom)
	c.Policies.RCP = [][]jsontext.Value{{jsontext.Value(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}`)}}
	if mustKey(t, c, OpCustom) == without {
		t.Error("an RCP does not change the replay key")
	}
}

// TestKeyCoversEveryPolicyType: for every policy type a case holds, the policy's
// text is part of the key, and a record keeps it.
func TestKeyCoversEveryPolicyType(t *testing.T) {
	for _, typ := range model.CaseTypes() {
		c := testCase("a")
		ref := model.PolicyRef{Type: typ}
		if err := c.Policies.Add(ref, jsontext.Value(text)); err != nil {
			t.Fatal(err)
		}
		k := mustKey(t, c, OpCustom)
		other := testCase("a")
		if err := other.Policies.Add(ref, jsontext.Value(strings.Replace(text, "GetUser", "ListUsers", 1))); err != nil {
			t.Fatal(err)
		}
		if mustKey(t, other, OpCustom) == k {
			t.Errorf("%s: the policy's text is not part of the key", typ)
		}
		rec, err := NewRecord(c, OpCustom)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for r := range rec.Case().Policies.All() {
			found = found || r == ref
		}
		if !found {
			t.Errorf("%s: the record lost the policy", typ)
		}
	}
}
