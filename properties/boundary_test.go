package properties_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// A template's or plan's user's permissions boundary is part of the bundle its
// policies are checked in (corpus/examples/boundary/README.md): a boundary
// denying iam:CreateAccessKey fails liveness, AdministratorAccess keeps the
// verdict, one beside AdministratorAccess blocks its owner-only findings, and
// an unknown one makes the verdict unknown with a reason naming the ARN and
// where it is set.
func TestPermissionsBoundaryExamples(t *testing.T) {
	dir := filepath.Join("..", "corpus", "examples", "boundary")
	reason := []string{
		"arn:aws:iam::111122223333:policy/team-boundary set as permissions boundary at ",
		"(Resources.Developer.Properties.PermissionsBoundary)",
	}
	checkExamples(t, dir, map[string][]string{
		"unknown.template.yaml#Developer.Policies[0]":       append([]string{filepath.Join(dir, "unknown.template.yaml") + ":"}, reason...),
		"unknown-admin.template.yaml#Developer.Policies[0]": append([]string{filepath.Join(dir, "unknown-admin.template.yaml") + ":"}, reason...),
	})
}

// Beside an unknown permissions boundary, a finding the boundary could block
// is a warning that says so, and the verdict is not a fail.
func TestUnknownBoundaryFindingsAreWarnings(t *testing.T) {
	path := filepath.Join("..", "corpus", "examples", "boundary", "unknown-admin.template.yaml")
	targets, err := properties.LoadTargets([]string{path}, "")
	if err != nil || len(targets) != 1 {
		t.Fatalf("%d targets, %v", len(targets), err)
	}
	rep := targets[0].Check(context.Background(), properties.Options{Seed: 1})
	if !slices.ContainsFunc(rep.BySeverity(properties.SeverityWarning), func(v *properties.Violation) bool {
		return v.Invariant == properties.InvOwnerOnly && strings.Contains(v.Reason, "permissions boundary, which may deny it")
	}) {
		t.Errorf("no owner-only warning naming the boundary; errors %v", rep.BySeverity(properties.SeverityError))
	}
	if rep.Failed() {
		t.Errorf("failed: %v", rep.BySeverity(properties.SeverityError))
	}
}
