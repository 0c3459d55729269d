package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// hostileLines builds the adversarial eval lines that are too large to be
// readable corpus files: each shape of issue 14 at a size where a quadratic cost
// or a wrapped counter shows, with the answer it must still get.
func hostileLines(t *testing.T) []string {
	t.Helper()
	const alice = "arn:aws:iam::111122223333:user/alice"
	type m = map[string]any
	line := func(id string, stmts []m, action, resource string, ctx m, expect, kind string) string {
		c := m{"id": id, "source": "issue 14 adversarial suite",
			"policies": m{"identity": []any{m{"Version": "2012-10-17", "Statement": stmts}}},
			"request":  m{"principal": alice, "action": action, "resource": resource, "context": ctx},
			"expect":   expect}
		if kind != "" {
			c["expectError"] = kind
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	allow := m{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
	long := strings.Repeat("a", 16<<10)
	glob := "*" + strings.Repeat("a", 1<<10) + "b"
	vars := func(n int) string { return strings.Repeat("${aws:username}", n) }
	keys := m{}
	for i := range 20000 {
		keys[fmt.Sprintf("aws:PrincipalTag/k%d", i)] = "v"
	}
	var pol, req []string
	for i := range 20000 {
		pol, req = append(pol, fmt.Sprintf("p%d", i)), append(req, fmt.Sprintf("r%d", i))
	}
	req = append(req, "p19999")
	var unknown []string
	for i := range 20000 {
		unknown = append(unknown, fmt.Sprintf("s3:NoSuchAction%d", i))
	}
	return []string{
		line("gen-glob-stringlike", []m{allow, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": m{"StringLike": m{"s3:prefix": glob}}}},
			"s3:GetObject", "*", m{"s3:prefix": long}, "allowed", ""),
		line("gen-glob-resource", []m{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + glob}},
			"s3:GetObject", "arn:aws:s3:::"+long, nil, "implicitDeny", ""),
		line("gen-glob-action", []m{{"Effect": "Allow", "Action": "s3:" + glob, "Resource": "*"}},
			"s3:"+long, "*", nil, "implicitDeny", ""),
		line("gen-vars-over-cap", []m{allow, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/" + vars(65025)}},
			"s3:GetObject", "arn:aws:s3:::b/x", nil, "error", "too-large"),
		line("gen-vars-at-cap", []m{allow, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/" + vars(4096)}},
			"s3:GetObject", "arn:aws:s3:::b/"+strings.Repeat("alice", 4096), nil, "explicitDeny", ""),
		line("gen-many-keys", []m{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": m{"StringEquals": keys}}},
			"s3:GetObject", "*", nil, "implicitDeny", ""),
		line("gen-forany-values", []m{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": m{"ForAnyValue:StringEquals": m{"aws:TagKeys": pol}}}},
			"s3:GetObject", "*", m{"aws:TagKeys": req}, "allowed", ""),
		line("gen-unknown-actions", []m{{"Effect": "Allow", "Action": unknown, "Resource": "*"}, allow},
			"s3:GetObject", "*", nil, "allowed", ""),
	}
}

// TestHostileGenerated runs the generated adversarial lines through eval: each
// is answered as expected, and no result line carries more than the capped
// warnings.
func TestHostileGenerated(t *testing.T) {
	lines := hostileLines(t)
	code, out, errs := runCmd(t, strings.NewReader(strings.Join(lines, "\n")+"\n"), "eval", "-")
	if code != exitOK || !strings.Contains(errs, " 0 failed") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			ID       string
			Warnings []string
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Warnings) > maxResultWarnings+1 {
			t.Errorf("%s: %d warnings", r.ID, len(r.Warnings))
		}
	}
}
