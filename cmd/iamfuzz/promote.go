package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/fuzz"
	"github.com/iamfuzz/iamfuzz/model"
)

func init() {
	commands["promote"] = command{
		summary: "turn a fuzz crasher or a failure's eval line into a readable corpus case",
		run:     runPromote,
	}
}

// errPromote marks inputs promote cannot turn into a case.
var errPromote = errors.New("promote")

func runPromote(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("promote", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fuzzFile := fs.String("fuzz", "", "a go test -fuzz corpus file (fuzz/testdata/fuzz/FuzzDecide/… or fuzz/parse/testdata/fuzz/FuzzParse/…)")
	line := fs.String("line", "", "an eval case line, as printed by a failing check, rapid run or diff (\"-\": stdin)")
	id := fs.String("id", "", "the new case's id (required)")
	expect := fs.String("expect", "", "the correct answer: allowed, explicitDeny, implicitDeny or error (required: decide it from the rule book, not from the evaluator)")
	expectError := fs.String("expect-error", "", "with --expect error: the error kind")
	source := fs.String("source", "", "where the expectation comes from, e.g. \"docs/semantics.md §5.2 [DOC]; FuzzDecide crasher 1a2b\" (required)")
	out := fs.String("out", "", "append the case to this corpus file (e.g. corpus/cases/fuzz-findings.jsonl); default: stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: iamfuzz promote (--fuzz FILE | --line JSON) --id ID --expect DECISION --source SOURCE [--out corpus/cases/FILE.jsonl]")
		fmt.Fprintln(stderr, "Writes a readable case with every policy inline, so the finding outlives generator changes.")
		fmt.Fprintln(stderr, "Check it fails without the fix: go test ./model/ -run TestCorpusCases")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if (*fuzzFile == "") == (*line == "") || *id == "" || *expect == "" || *source == "" {
		fs.Usage()
		return exitUsage
	}
	var c *model.Case
	var err error
	if *fuzzFile != "" {
		c, err = caseFromFuzzFile(*fuzzFile)
	} else {
		text := []byte(*line)
		if *line == "-" {
			text, err = io.ReadAll(stdin)
		}
		if err == nil {
			c, err = model.ParseCase(bytes.TrimSpace(text))
			if c != nil {
				c.Dir = "."
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz promote: %v\n", err)
		return exitUsage
	}
	c.ID, c.Expect, c.ExpectError, c.Source = *id, *expect, *expectError, *source
	if _, ok := model.ParseDecision(*expect); !ok && *expect != "error" {
		fmt.Fprintf(stderr, "iamfuzz promote: --expect %q is not allowed, explicitDeny, implicitDeny or error\n", *expect)
		return exitUsage
	}
	if err := inlinePolicies(c); err != nil {
		fmt.Fprintf(stderr, "iamfuzz promote: %v\n", err)
		return exitUsage
	}
	b, err := json.Marshal(c, json.Deterministic(true))
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz promote: %v\n", err)
		return exitUsage
	}
	b = append(b, '\n')
	if *out == "" {
		stdout.Write(b)
		return exitOK
	}
	if err := appendLine(*out, b, *id); err != nil {
		fmt.Fprintf(stderr, "iamfuzz promote: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "appended case %s to %s\n", *id, *out)
	return exitOK
}

// caseFromFuzzFile decodes a go test fuzz corpus file ("go test fuzz v1" followed
// by one []byte literal) the way the fuzz target does.
func caseFromFuzzFile(path string) (*model.Case, error) {
	data, err := model.ReadFile(path, model.MaxPolicySize)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitN(strings.TrimSpace(string(data)), "\n", 3)
	if len(lines) != 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
		return nil, fmt.Errorf("%w: %s is not a one-argument go test fuzz v1 file", errPromote, path)
	}
	lit := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
	raw, err := strconv.Unquote(lit)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errPromote, path, err)
	}
	switch filepath.Base(filepath.Dir(path)) {
	case "FuzzDecide":
		c := fuzz.DecideCase([]byte(raw))
		c.ID = "promoted"
		return c, nil
	case "FuzzParse":
		q, _ := jsontext.AppendQuote(nil, raw)
		return &model.Case{Dir: ".", Policies: model.CasePolicies{Identity: []jsontext.Value{q}},
			Request: model.CaseRequest{Principal: "arn:aws:iam::111122223333:user/alice", Action: "s3:GetObject", Resource: "*"}}, nil
	}
	return nil, fmt.Errorf("%w: %s: only FuzzDecide and FuzzParse crashers can be promoted", errPromote, path)
}

// inlinePolicies replaces {"$ref"} policies by their text, so the case stands alone.
func inlinePolicies(c *model.Case) error {
	inlined, err := c.Policies.Map(func(_ model.PolicyRef, v jsontext.Value) (jsontext.Value, error) {
		if v.Kind() != '{' || !bytes.Contains(v, []byte(`"$ref"`)) {
			return v, nil
		}
		text, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return nil, err
		}
		q, _ := jsontext.AppendQuote(nil, string(text))
		return q, nil
	})
	if err != nil {
		return err
	}
	c.Policies = inlined
	return nil
}

// appendLine appends a case to a corpus file, refusing an id that is already there:
// nothing the user wrote is overwritten, and a file without a final newline gets
// one before the case.
func appendLine(path string, line []byte, id string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return err
	} else if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", errPromote, path)
	}
	lr := model.NewLineReader(f)
	for {
		l, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %s:%d: %w", errPromote, path, lr.Line(), err)
		}
		if c, err := model.ParseCase(l); err == nil && c.ID == id {
			return fmt.Errorf("%w: %s already has a case with id %q", errPromote, path, id)
		}
	}
	if err := appendWholeLine(f, line); err != nil {
		return err
	}
	return f.Close()
}
