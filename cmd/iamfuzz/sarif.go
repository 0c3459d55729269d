package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/source"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// sarifRule describes an invariant for code-scanning UIs: GitHub shows the help
// markdown beside each alert and ranks alerts by security-severity (0.0-10.0;
// 7.0 and above is "high", 9.0 and above "critical").
type sarifRule struct {
	id, name, short, full string
	fix                   string  // how to fix it, for the help text
	severity              float64 // security-severity
	tags                  []string
}

var sarifRules = []sarifRule{
	{properties.InvMFAGate, "MFAGate", "An action outside the MFA allow-list is allowed without MFA",
		"Every request without MFA (aws:MultiFactorAuthPresent absent, as with a long-term access key, or \"false\") that the policy allows must be for an action of the spec's mfa-gate allow-list.",
		"Deny every action outside the allow-list when MFA is missing: a Deny statement with `NotAction` (the allow-list) and `\"Condition\": {\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}}`. `Bool` instead of `BoolIfExists` never fires for long-term access keys, which carry no MFA key.",
		8.1, []string{"security", "iam", "mfa", "authentication"}},
	{properties.InvOwnerOnly, "OwnerOnly", "A caller is allowed to use another user's credentials",
		"No caller may be allowed to act on a resource the spec declares as owned by another user (user/{path}{username}, mfa/{path}{username}), in any account, unless a documented exception covers it.",
		"Scope credential actions to the caller's own resources with the exact policy variable: `arn:aws:iam::*:user/${aws:username}`, never `user/${aws:username}*` or `user/*`.",
		8.8, []string{"security", "iam", "authorization", "credentials"}},
	{properties.InvLiveness, "Liveness", "A request the spec requires to work (or to be denied) is decided otherwise",
		"What the spec's liveness rules require (e.g. managing your own credentials with MFA; setting up MFA without it) is allowed, or at least not explicitly denied; a rule with expect: denied requires a denial.",
		"Allow what the rule names, and keep the actions needed to set up MFA (e.g. `iam:GetUser`, `iam:CreateVirtualMFADevice`, `iam:EnableMFADevice`) out of the MFA deny.",
		4.3, []string{"iam", "availability"}},
	{properties.InvNever, "Never", "A request the spec forbids is allowed",
		"No request that a never rule names (actions, resource patterns, MFA state, fixed context keys) may be allowed by the whole bundle of policies.",
		"Remove the grant, or add a Deny for the forbidden requests.",
		7.5, []string{"security", "iam", "authorization"}},
	{properties.InvOnly, "Only", "An allowed request is outside the spec's envelope",
		"Every request the whole bundle of policies allows fits one of the only rule's action and resource patterns.",
		"Narrow the policy's actions and resources to the envelope, or widen the spec's only rule if the access is intended.",
		6.5, []string{"security", "iam", "least-privilege"}},
	{properties.InvNoEscalation, "NoEscalation", "The policies allow a documented privilege escalation method",
		"The whole bundle of policies allows no privilege escalation method of properties/escalation.yaml (Rhino Security Labs' list and AWS documentation, each entry sourced), e.g. iam:CreatePolicyVersion, iam:AttachUserPolicy, or iam:PassRole with compute that runs as the role.",
		"Remove the escalation actions, or restrict them to resources that cannot grant more (e.g. `iam:PassRole` only on roles no stronger than the caller, with an `iam:PassedToService` condition).",
		8.8, []string{"security", "iam", "privilege-escalation"}},
	{properties.InvNoFullAccess, "NoFullAccess", "The policies allow every action on every resource",
		"The whole bundle of policies does not allow one action of every AWS service: the effect of Allow \"*\" on \"*\".",
		"Replace `\"Action\": \"*\"` with the actions the principal needs.",
		9.1, []string{"security", "iam", "least-privilege"}},
	{properties.InvNoNewAccess, "NoNewAccess", "The change allows a request the baseline did not",
		"Every request the new policies allow was allowed by the baseline policies (iamfuzz check --baseline).",
		"Review the new access; if it is intended, update the baseline.",
		6.5, []string{"security", "iam", "change-review"}},
	{ruleInvalidPolicy, "InvalidPolicy", "A policy cannot be read, parsed or extracted, so it was not checked",
		"IAM rejects the document (a syntax error, an unknown element, a wrong type), or iamfuzz could not extract it from its template or plan (an intrinsic function it cannot resolve offline, a policy known only after apply). Nothing was checked for it.",
		"Fix the defect at the reported line; the message names the JSON path and the reason.",
		5.0, []string{"iam", "correctness"}},
	{rulePolicyWarning, "PolicyWarning", "The policy names something that does not exist or cannot mean what it seems to",
		"IAM stores the policy, but part of it has no effect or another effect than it seems: an action or a service that is not in the AWS action catalogue (often a typo, which makes an Allow grant nothing and a Deny's NotAction deny what it meant to exempt), a policy variable without Version 2012-10-17 (literal text), a value of the wrong type for its operator (it never matches). The verdict does not depend on it.",
		"Correct the element at the reported JSON path; the message suggests the closest existing action.",
		3.0, []string{"iam", "correctness"}},
}

// ruleInvalidPolicy is the rule of results for inputs that could not be checked,
// rulePolicyWarning that of the model's warnings about a checked policy.
const (
	ruleInvalidPolicy = "invalid-policy"
	rulePolicyWarning = "policy-warning"
)

func (r sarifRule) markdown() string {
	return fmt.Sprintf("## %s\n\n%s\n\n**How to fix.** %s\n\nReplay any finding with the `replay` command in its properties (`iamfuzz eval --explain` shows how each statement matched). See the [README](https://github.com/iamfuzz/iamfuzz#checking-policies-iamfuzz-check).",
		r.short, r.full, r.fix)
}

var sarifLevel = map[properties.Severity]string{
	properties.SeverityError:   "error",
	properties.SeverityWarning: "warning",
	properties.SeverityNote:    "note",
}

// srcRoot is the uriBaseId of every artifact: code scanning resolves URIs relative
// to the repository's root.
const srcRoot = "%SRCROOT%"

// sarifRoot is the repository root the URIs are relative to: $GITHUB_WORKSPACE in
// GitHub Actions, else the git work tree holding the working directory, else the
// working directory.
func sarifRoot() string {
	if ws := os.Getenv("GITHUB_WORKSPACE"); ws != "" {
		if abs, err := filepath.Abs(ws); err == nil {
			return abs
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return wd
		}
		d = up
	}
}

// sarifLog builds the run: artifacts relative to the root, results located.
type sarifLog struct {
	run  *sarif.Run
	root string
}

// artifact returns a location for a file: relative to %SRCROOT% when the file is
// below the root, else an absolute file URI.
func (l *sarifLog) artifact(file string) *sarif.ArtifactLocation {
	if file == "-" {
		return sarif.NewSimpleArtifactLocation("stdin")
	}
	abs, err := filepath.Abs(file)
	if err == nil {
		if rel, err := filepath.Rel(l.root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			uri := filepath.ToSlash(rel)
			l.run.AddDistinctArtifact(uri).Location.WithURIBaseID(srcRoot)
			return sarif.NewSimpleArtifactLocation(uri).WithURIBaseID(srcRoot)
		}
		file = abs
	}
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()
	l.run.AddDistinctArtifact(uri)
	return sarif.NewSimpleArtifactLocation(uri)
}

func (l *sarifLog) location(file string, line, col int) *sarif.Location {
	region := sarif.NewRegion().WithStartLine(max(line, 1))
	if line > 0 && col > 0 {
		region.WithStartColumn(col)
	}
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(l.artifact(file)).WithRegion(region))
}

// policyLocation places a result in the checked policy's file: its own line when
// known; for a policy of a Terraform plan, the policy's string in the plan, with
// the resource address as the logical location.
func (l *sarifLog) policyLocation(r checkResult, line, col int) *sarif.Location {
	if r.src == nil {
		return l.location(r.path, line, col)
	}
	if line == 0 {
		line, col = r.src.Pos.Line, r.src.Pos.Column
	}
	loc := l.location(r.src.File, line, col)
	if r.src.ID != "" {
		kind := "resource"
		if r.src.Format == source.TerraformPlan {
			kind = "module"
		}
		loc.AddLogicalLocation(sarif.NewLogicalLocation().WithFullyQualifiedName(r.src.ID).WithKind(kind))
	}
	return loc
}

// writeCheckSARIF writes a SARIF 2.1.0 log for code scanning: one result per
// finding, located at the deciding (or nearest) statement in the file the policy
// lives in (a template's own line), one invalid-policy result per defect of an
// input that could not be checked, at the defect's line, and tool execution
// notifications for inputs not checked.
func writeCheckSARIF(w io.Writer, results []checkResult, cfg checkConfig) error {
	run := sarif.NewRunWithInformationURI("iamfuzz", "https://github.com/iamfuzz/iamfuzz")
	run.Tool.Driver.WithVersion(toolVersion())
	l := &sarifLog{run: run, root: sarifRoot()}
	rootURI := (&url.URL{Scheme: "file", Path: filepath.ToSlash(l.root) + "/"}).String()
	// go-sarif's AddOriginalUriBaseId writes to a nil map; set the map.
	run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{srcRoot: *sarif.NewSimpleArtifactLocation(rootURI)})
	for _, r := range sarifRules {
		help := r.full + " How to fix: " + r.fix
		md := r.markdown()
		run.AddRule(r.id).WithName(r.name).
			WithShortDescription(&sarif.MultiformatMessageString{Text: &r.short}).
			WithFullDescription(&sarif.MultiformatMessageString{Text: &r.full}).
			WithHelp(&sarif.MultiformatMessageString{Text: &help, Markdown: &md}).
			WithHelpURI("https://github.com/iamfuzz/iamfuzz#checking-policies-iamfuzz-check").
			WithProperties(sarif.NewPropertyBag().Add("security-severity", fmt.Sprintf("%.1f", r.severity)).
				Add("precision", "very-high").WithTags(r.tags))
	}
	props := sarif.NewPropertyBag().Add("engine", cfg.engine)
	if cfg.sampled {
		// As in the JSON report: only a run that drew random requests has a seed.
		props.Add("seed", cfg.seed).Add("checks", cfg.checks)
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(true).
		WithProperties(props.Add("reproduce", reproduceLine(cfg)).Add("verdicts", sarifVerdicts(results)))
	for _, r := range results {
		if r.skipped != "" {
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("note").
				WithMessage(sarif.NewTextMessage(r.path + ": " + r.skipped)).AddLocation(l.policyLocation(r, 0, 0)))
			continue
		}
		if r.err != nil {
			inv.WithExecutionSuccessful(false)
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("error").
				WithMessage(sarif.NewTextMessage(r.err.Error())).AddLocation(l.policyLocation(r, 0, 0)))
			if errors.Is(r.err, errInterrupted) {
				continue
			}
			for _, d := range defectsOf(r) {
				loc := l.location(d.File, d.Line, d.Column)
				if r.src != nil && r.src.ID != "" {
					loc.AddLogicalLocation(sarif.NewLogicalLocation().WithFullyQualifiedName(r.src.ID))
				}
				sum := sha256.Sum256([]byte(r.path + "\x00invalid\x00" + d.Message))
				run.CreateResultForRule(ruleInvalidPolicy).WithLevel("error").
					WithMessage(sarif.NewTextMessage(r.path + " cannot be checked: " + d.Message)).
					AddLocation(loc).
					WithPartialFingerprints(map[string]string{"iamfuzzFinding/v1": hex.EncodeToString(sum[:16])})
			}
			continue
		}
		for _, pw := range r.target.Warnings() {
			sum := sha256.Sum256([]byte(filepath.ToSlash(r.path) + "\x00warning\x00" + pw.Path + "\x00" + pw.Message))
			run.CreateResultForRule(rulePolicyWarning).WithLevel("warning").
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: %s: %s (%s)", r.path, pw.Path, pw.Message, pw.Code))).
				AddLocation(l.policyLocation(r, pw.Line, pw.Column)).
				WithPartialFingerprints(map[string]string{"iamfuzzFinding/v1": hex.EncodeToString(sum[:16])})
		}
		for _, f := range r.report.Findings {
			var loc *sarif.Location
			switch s := f.Statement; {
			case s != nil && s.File != "":
				// The deciding statement is in a policy around the checked one.
				loc = l.location(s.File, s.Line, s.Column)
			case s != nil:
				loc = l.policyLocation(r, s.Line, s.Column)
			default:
				loc = l.policyLocation(r, 0, 0)
			}
			text := fmt.Sprintf("%s\nPolicy: %s\nRequest: %s\nDecision: %s\nReplay: %s", f.Reason, r.path, properties.RequestJSON(f), f.Decision, r.target.ReplayCommand(f))
			sum := sha256.Sum256([]byte(filepath.ToSlash(r.path) + "\x00" + f.Key()))
			props := sarif.NewPropertyBag().Add("policy", r.path).Add("rule", f.Rule).Add("decision", f.Decision.String()).
				Add("request", string(properties.RequestJSON(f))).Add("replay", r.target.ReplayCommand(f))
			if len(f.Also) > 0 {
				props.Add("also", f.Also)
			}
			run.CreateResultForRule(f.Invariant).
				WithLevel(sarifLevel[f.Severity]).
				WithMessage(sarif.NewTextMessage(text)).
				AddLocation(loc).
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

// defectsOf lists the defects of an input that could not be checked, each at its
// own line (a spec error or an I/O error has one, at the file).
func defectsOf(r checkResult) []properties.Defect {
	var fe *properties.PolicyFileError
	if errors.As(r.err, &fe) {
		return fe.Defects()
	}
	var se *source.Error
	if errors.As(r.err, &se) {
		return []properties.Defect{{File: se.File, Line: se.Pos.Line, Column: se.Pos.Column, Message: se.Error()}}
	}
	var spec properties.SpecErrors
	if errors.As(r.err, &spec) {
		out := make([]properties.Defect, len(spec))
		for i, e := range spec {
			out[i] = properties.Defect{File: e.File, Line: e.Line, Column: e.Column, Message: e.Error()}
		}
		return out
	}
	file := r.path
	if r.src != nil {
		file = r.src.File
	}
	return []properties.Defect{{File: file, Message: r.err.Error()}}
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
