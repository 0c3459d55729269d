package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// sarifRules describe the invariants for code-scanning UIs.
var sarifRules = []struct {
	id, name, short, full string
}{
	{properties.InvMFAGate, "MFAGate", "An action outside the MFA allow-list is allowed without MFA",
		"Every request without MFA (aws:MultiFactorAuthPresent absent, as with a long-term access key, or \"false\") that the policy allows must be for an action of the spec's mfa-gate allow-list."},
	{properties.InvOwnerOnly, "OwnerOnly", "A caller is allowed to use another user's credentials",
		"No caller may be allowed to act on a resource the spec declares as owned by another user (user/{path}{username}, mfa/{path}{username}), in any account, unless a documented exception covers it."},
	{properties.InvLiveness, "Liveness", "A request the spec requires to work (or to be denied) is decided otherwise",
		"What the spec's liveness rules require (e.g. managing your own credentials with MFA; setting up MFA without it) is allowed, or at least not explicitly denied; a rule with expect: denied requires a denial."},
	{properties.InvNever, "Never", "A request the spec forbids is allowed",
		"No request that a never rule names (actions, resource patterns, MFA state, fixed context keys) may be allowed by the whole bundle of policies."},
	{properties.InvOnly, "Only", "An allowed request is outside the spec's envelope",
		"Every request the whole bundle of policies allows fits one of the only rule's action and resource patterns."},
	{properties.InvNoEscalation, "NoEscalation", "The policies allow a documented privilege escalation method",
		"The whole bundle of policies allows no privilege escalation method of properties/escalation.yaml (Rhino Security Labs' list and AWS documentation, each entry sourced), e.g. iam:CreatePolicyVersion, iam:AttachUserPolicy, or iam:PassRole with compute that runs as the role."},
	{properties.InvNoFullAccess, "NoFullAccess", "The policies allow every action on every resource",
		"The whole bundle of policies does not allow one action of every AWS service: the effect of Allow \"*\" on \"*\"."},
	{properties.InvNoNewAccess, "NoNewAccess", "The change allows a request the baseline did not",
		"Every request the new policies allow was allowed by the baseline policies (iamfuzz check --baseline)."},
}

var sarifLevel = map[properties.Severity]string{
	properties.SeverityError:   "error",
	properties.SeverityWarning: "warning",
	properties.SeverityNote:    "note",
}

// writeCheckSARIF writes a SARIF 2.1.0 log: one result per finding, located at
// the deciding (or nearest) statement of the policy file, and a tool execution
// notification per file that could not be checked.
func writeCheckSARIF(w io.Writer, results []checkResult, cfg checkConfig) error {
	run := sarif.NewRunWithInformationURI("iamfuzz", "https://github.com/iamfuzz/iamfuzz")
	run.Tool.Driver.WithVersion(toolVersion())
	for _, r := range sarifRules {
		run.AddRule(r.id).WithName(r.name).
			WithShortDescription(&sarif.MultiformatMessageString{Text: &r.short}).
			WithFullDescription(&sarif.MultiformatMessageString{Text: &r.full}).
			WithHelp(&sarif.MultiformatMessageString{Text: &r.full})
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(true).
		WithProperties(sarif.NewPropertyBag().Add("engine", cfg.engine).Add("seed", cfg.seed).Add("checks", cfg.checks).Add("reproduce", reproduceLine(cfg)).Add("verdicts", sarifVerdicts(results)))
	for _, r := range results {
		uri := filepath.ToSlash(r.path)
		run.AddDistinctArtifact(uri)
		loc := func(line, col int) *sarif.Location {
			return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
				WithRegion(sarif.NewRegion().WithStartLine(line).WithStartColumn(col)))
		}
		if r.skipped != "" {
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("note").
				WithMessage(sarif.NewTextMessage(r.skipped)).AddLocation(loc(1, 1)))
			continue
		}
		if r.err != nil {
			inv.WithExecutionSuccessful(false)
			msg := r.err.Error()
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("error").
				WithMessage(sarif.NewTextMessage(msg)).AddLocation(loc(1, 1)))
			continue
		}
		for _, f := range r.report.Findings {
			line, col := 1, 1
			at := loc
			if s := f.Statement; s != nil && s.Line > 0 {
				line, col = s.Line, s.Column
				if s.File != "" {
					// The deciding statement is in a policy around the checked one.
					file := filepath.ToSlash(s.File)
					run.AddDistinctArtifact(file)
					at = func(line, col int) *sarif.Location {
						return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
							WithArtifactLocation(sarif.NewSimpleArtifactLocation(file)).
							WithRegion(sarif.NewRegion().WithStartLine(line).WithStartColumn(col)))
					}
				}
			}
			text := fmt.Sprintf("%s\nRequest: %s\nDecision: %s\nReplay: %s", f.Reason, properties.RequestJSON(f), f.Decision, r.target.ReplayCommand(f))
			sum := sha256.Sum256([]byte(uri + "\x00" + f.Key()))
			props := sarif.NewPropertyBag().Add("rule", f.Rule).Add("decision", f.Decision.String()).
				Add("request", string(properties.RequestJSON(f))).Add("replay", r.target.ReplayCommand(f))
			if len(f.Also) > 0 {
				props.Add("also", f.Also)
			}
			run.CreateResultForRule(f.Invariant).
				WithLevel(sarifLevel[f.Severity]).
				WithMessage(sarif.NewTextMessage(text)).
				AddLocation(at(line, col)).
				// go-sarif's AddPartialFingerprint writes to a nil map; set the map.
				WithPartialFingerprints(map[string]string{"iamfuzzFinding/v1": hex.EncodeToString(sum[:16])}).
				WithProperties(props)
		}
	}
	run.AddInvocation(inv)
	rep := sarif.NewReport()
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sarifVerdicts maps each policy checked to its verdict (proved, fail, unknown
// error or skipped) and, for the proof engine, its coverage.
func sarifVerdicts(results []checkResult) map[string]any {
	out := map[string]any{}
	for _, r := range results {
		switch {
		case r.err != nil:
			out[r.path] = map[string]any{"verdict": "error"}
			continue
		case r.report == nil:
			out[r.path] = map[string]any{"verdict": "skipped"}
			continue
		}
		out[r.path] = map[string]any{"verdict": r.report.Verdict, "coverage": coverageOf(r.report)}
	}
	return out
}
