package properties

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// Verdicts of a check.
const (
	// VerdictProved: every class of requests was decided and no invariant broke,
	// so none breaks for any request (within the model's semantics and the
	// catalogue's actions).
	VerdictProved = "proved"
	// VerdictFail: a request breaks an invariant with severity error.
	VerdictFail = "fail"
	// VerdictUnknown: nothing broke, but the requests decided do not cover every
	// class (random sampling, a budget, or something the partition cannot divide
	// exactly); Coverage.Unknown says what.
	VerdictUnknown = "unknown"
)

// Engines that check a target.
const (
	EngineProof  = "proof"  // the partition: one witness per class of requests
	EngineSample = "sample" // random probes
)

// provedInvariants are the invariants whose predicates the proof engine hands
// to the partition. A spec with another invariant can only be unknown.
var provedInvariants = map[string]bool{InvMFAGate: true, InvOwnerOnly: true, InvLiveness: true,
	InvNever: true, InvOnly: true, InvNoEscalation: true, InvNoFullAccess: true}

// Prove checks the target by the partition of the request space
// (package partition): one witness per class, each decided and judged by every
// invariant. With no error found and every class covered the verdict is
// VerdictProved. o.Checks does not apply; o.Time and ctx bound the run (a run
// they stop is VerdictUnknown unless it failed). With o.StopAtFirst (and not
// o.EnumerateOnly) the requests the spec names and a batch of random ones
// seeded by o.Seed are decided first, and one that breaks an invariant ends
// the run as its fail (prove_quick.go).
func (t *Target) Prove(ctx context.Context, o Options) *Report {
	start := time.Now()
	rep := &Report{Target: t, Engine: EngineProof}
	if o.Time > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Time)
		defer cancel()
	}
	// A spec with an invariant the engine has no predicates for can never be
	// proved: do not spend the enumeration on it (Check then samples).
	var missing []string
	for _, name := range t.Spec.Invariants() {
		if !provedInvariants[name] {
			missing = append(missing, "invariant "+name+": the proof engine does not know its predicates")
		}
	}
	if len(missing) > 0 {
		rep.Coverage = &partition.Coverage{Keys: map[string]int{}, Unknown: missing}
		rep.finish(start, 0, o)
		rep.Verdict = VerdictUnknown
		return rep
	}
	groups := map[string]*Violation{}
	pending := 0
	// Checks of the whole bundle (escalation methods of several actions, full
	// access) decide their own requests; their findings come first.
	for _, v := range t.WholeChecks() {
		if _, dup := groups[v.Key()]; !dup {
			t.Explain(v)
			groups[v.Key()] = v
			rep.Findings = append(rep.Findings, v)
		}
	}
	// Stopping at the first error, a whole-bundle error is that error: the
	// enumeration could only add findings (it would otherwise run in full, as
	// its classes never set failed; AWSPCSServiceRolePolicy decided 125 k
	// classes after its passrole-ec2 finding).
	if o.StopAtFirst && !o.EnumerateOnly && rep.Failed() {
		rep.FirstErrorAfter = time.Since(start)
		rep.Coverage = &partition.Coverage{Keys: map[string]int{}, Stopped: true}
		rep.finish(start, 0, o)
		return rep
	}
	// Stopping at the first error, decide the likeliest requests before
	// enumerating (prove_quick.go): one that breaks an invariant is the fail.
	if o.StopAtFirst && !o.EnumerateOnly && t.quickFail(ctx, o, start, rep, groups) {
		rep.finish(start, 0, o)
		return rep
	}
	prob := t.problem()
	// Stopping at the first error, look first where the policy and the spec
	// point (partition.Problem.NamedFirst); collecting every finding, keep the
	// catalogue order so that each group's reported request stays the same.
	prob.NamedFirst = o.StopAtFirst
	sets := t.newSetProof()
	failed := false
	// Classes are decided and judged in reused storage, as check's random probes
	// are (prober.go), on o.Workers goroutines (prove_workers.go), and
	// accounted here one after the other in the enumeration's order.
	decided := 0 // classes accounted, up to where the enumeration stopped
	account := func(c *partition.Class, out *classOutcome) bool {
		decided++
		rep.Checks++
		pending++
		if o.Progress != nil && pending == 256 {
			o.Progress(pending)
			pending = 0
		}
		po := &out.po
		if po.Err != nil {
			return true
		}
		sets.observe(c, out.allowed)
		if po.Judged {
			rep.Judged++
		}
		for _, v := range po.Violations {
			if v.Severity == SeverityError && !failed {
				failed = true
				rep.FirstError, rep.FirstErrorAfter = rep.Checks, time.Since(start)
			}
			k := v.Key()
			if g, ok := groups[k]; ok {
				g.addAlso(v.Request.Action)
				continue
			}
			if !o.NoMinimize {
				_, v = t.Minimize(out.p, v)
			}
			t.Explain(v)
			groups[k] = v
			alsoInGroup(v, c.Group)
			rep.Findings = append(rep.Findings, v)
		}
		return !(failed && o.StopAtFirst)
	}
	cc := t.newClassChecker(o, account)
	defer cc.release()
	cov := partition.Enumerate(ctx, prob, func(c *partition.Class) bool {
		if t.voc.homeCallers && c.Principal.Account != t.voc.accounts[0] {
			// The policy is attached in its stack's account (TargetWith): callers
			// elsewhere cannot hold it. The home account is one of the problem's
			// accounts, so its callers form classes of their own.
			return true
		}
		return cc.visit(c)
	})
	cc.finish(cov)
	// Managed policies attached beside the policy whose documents are not known:
	// the principal's permissions are not known, and nothing is proved.
	cov.Unknown = append(cov.Unknown, t.unknownAttached...)
	if t.unknownBoundary != "" {
		cov.Unknown = append(cov.Unknown, t.unknownBoundary)
	}
	rep.Coverage = cov
	if t.voc.homeCallers {
		rep.OutOfScope, rep.Scope = max(cov.Classes-decided, 0), t.voc.homeWhy
	}
	if ctx.Err() != nil {
		rep.TimedOut = true
	}
	if cov.Exact() {
		failedInv := map[string]bool{}
		for _, f := range rep.BySeverity(SeverityError) {
			failedInv[f.Invariant] = true
		}
		sets.settle(cov, failedInv)
	}
	rep.finish(start, pending, o)
	switch {
	case rep.Failed():
		rep.Verdict = VerdictFail
	case cov.Exact():
		rep.Verdict = VerdictProved
	default:
		rep.Verdict = VerdictUnknown
	}
	return rep
}

// alsoInGroup lists the other actions of the violation's action group that
// can be authorized against the same resource: the same answer holds for them.
func alsoInGroup(v *Violation, g *partition.Group) {
	for _, a := range g.Actions {
		if len(v.Also) >= maxAlso {
			v.AlsoMore++
			continue
		}
		act, ok := lookupAction(a)
		if ok && act.AcceptsResource(v.Request.Resource) {
			v.addAlso(a)
		}
	}
}

// callerOf is the caller of a class's principal.
func callerOf(pr partition.Principal) Caller {
	c := Caller{Account: pr.Account, Path: pr.Path, Name: pr.Name, Session: pr.Session}
	switch pr.Kind {
	case partition.RoleSessionPrincipal:
		c.Kind = RoleSessionCaller
	case partition.FederatedPrincipal:
		c.Kind = FederatedCaller
	}
	return c
}

// The class contexts' lower-cased spelling of the MFA keys.
var lowerMFAPresent, lowerMFAAge = strings.ToLower(keyMFAPresent), strings.ToLower(keyMFAAge)

// lowerPrincipalARN is the spelling of aws:PrincipalArn in the contexts of
// sessions of roles with paths (partition's rolepath.go).
const lowerPrincipalARN = "aws:principalarn"

// probeOf turns a class witness into a probe.
func probeOf(c *partition.Class) Probe {
	p := Probe{Caller: callerOf(c.Principal), Action: c.Action, Resource: c.Resource}
	keys := make([]string, 0, len(c.Context))
	for k := range c.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		switch k {
		case lowerMFAPresent:
			name = keyMFAPresent
		case lowerMFAAge:
			name = keyMFAAge
		case lowerPrincipalARN:
			name = "aws:PrincipalArn"
		}
		p.Context = append(p.Context, ContextEntry{Key: name, Value: c.Context[k]})
	}
	return p
}

// problem describes the target for the partition: the policy, and the spec's
// predicates (its action lists, owned and exception resources, liveness
// requests, and the MFA state).
func (t *Target) problem() *partition.Problem {
	loadCatalog()
	s := t.Spec
	// The policies around the identity policy decide too (t.policies lists
	// them): their statements split the classes as well. A resource-based
	// policy's Principal element is one the partition does not divide, so with
	// one the verdict is unknown.
	p := &partition.Problem{Policies: t.policies(), Catalog: catData,
		Accounts: drawAccounts, TotalBudget: t.proofBudget}
	// AWS does not enforce policies for these; findings on them are notes.
	p.ActionLists = append(p.ActionLists, partition.ActionList{Name: "not-enforced", Patterns: []string{"sts:GetSessionToken", "sts:GetCallerIdentity"}})
	if t.Around != nil && len(t.Around.RCP) > 0 {
		// AWS applies RCPs to the actions of some services only, and not to
		// kms:RetireGrant (docs/semantics.md §3.3 rule 3): one RCP statement on
		// "s*:*" matches sqs:, which RCPs govern, and sns:, which they do not, so
		// a class must not speak for both.
		services, exempt := model.RCPScope()
		p.ActionLists = append(p.ActionLists,
			partition.ActionList{Name: "rcp-applies", Patterns: services},
			partition.ActionList{Name: "rcp-exempt", Patterns: exempt})
	}
	if s.MFAGate != nil {
		p.ActionLists = append(p.ActionLists, partition.ActionList{Name: "allow-without-mfa", Patterns: s.MFAGate.AllowWithoutMFA})
	}
	if s.OwnerOnly != nil {
		for _, e := range s.OwnerOnly.Exceptions {
			p.ActionLists = append(p.ActionLists, partition.ActionList{Name: "exception", Patterns: e.Actions})
		}
	}
	for _, r := range s.Liveness {
		p.ActionLists = append(p.ActionLists, partition.ActionList{Name: "liveness " + r.Name, Patterns: r.Actions})
	}
	mfaFalse, mfaTrue := model.Single("false"), model.Single("true")
	age := model.Single(drawAges[0])
	p.Keys = []partition.KeyDomain{
		{Key: keyMFAPresent, Values: []*model.ContextValue{nil, &mfaFalse, &mfaTrue}},
		{Key: keyMFAAge, Values: []*model.ContextValue{nil, &age}},
	}
	// Only the MFA states AWS sends are judged; other values need no deciding.
	p.KeepValue = func(key string, v *model.ContextValue) bool {
		switch key {
		case lowerMFAPresent:
			return v == nil || (!v.Multi && len(v.Values) == 1 && (v.Values[0] == "true" || v.Values[0] == "false"))
		case lowerMFAAge:
			return v == nil || validAge(*v)
		}
		return true
	}
	// The resources a user's own name is written into: callers are divided
	// by what their names do there against the policy's patterns.
	if o := s.OwnerOnly; o != nil {
		for _, tpl := range o.Owned {
			p.NameContexts = append(p.NameContexts, partition.NameContext{Key: "owned:" + tpl.Text, Lang: tpl.langWith(partition.AccountMarker(), partition.NameMarker()), Fold: true})
			p.StaticResources = append(p.StaticResources, partition.ResourcePred{Key: "owned:" + tpl.Text, Lang: tpl.lang(nil), Service: tpl.service()})
		}
		for _, e := range o.Exceptions {
			for _, tpl := range e.Resources {
				p.StaticResources = append(p.StaticResources, partition.ResourcePred{Key: "exc:" + tpl.Text, Lang: tpl.lang(nil), Service: tpl.service()})
			}
		}
	}
	for _, r := range s.Liveness {
		if (r.Principal == ShapeUser || r.Principal == ShapePathedUser) && r.Resource.HasUser() {
			p.NameContexts = append(p.NameContexts, partition.NameContext{Key: "live:" + r.Resource.Text, Lang: r.Resource.langWith(partition.AccountMarker(), partition.NameMarker())})
		}
		// A rule that fails the check on the caller's own path: users are
		// divided by path too (partition/pathsplit.go). Warnings do not
		// decide the verdict, so the default spec's pathed-user rule leaves
		// the walk as it was.
		if r.Principal == ShapePathedUser && r.Severity == SeverityError && strings.Contains(r.Resource.Text, phPath) {
			p.PathWritten = true
			if r.Resource.Text != ownUser.Text {
				p.PathElsewhere = append(p.PathElsewhere, r.Resource.Text)
			}
		}
	}
	p.Resources = func(pr partition.Principal) []partition.ResourcePred {
		var out []partition.ResourcePred
		if o := s.OwnerOnly; o != nil {
			for _, tpl := range o.Owned {
				out = append(out, partition.ResourcePred{Key: "owned:" + tpl.Text, Lang: tpl.lang(nil), Service: tpl.service()})
				if pr.Kind == partition.UserPrincipal {
					c := Caller{Kind: UserCaller, Account: pr.Account, Name: pr.Name}
					out = append(out, partition.ResourcePred{Key: "self:" + pr.Account + ":" + pr.Name + ":" + tpl.Text, Lang: tpl.lang(&c), Service: tpl.service()})
				}
			}
			for _, e := range o.Exceptions {
				for _, tpl := range e.Resources {
					out = append(out, partition.ResourcePred{Key: "exc:" + tpl.Text, Lang: tpl.lang(nil), Service: tpl.service()})
				}
			}
		}
		c := callerOf(pr)
		for _, r := range s.Liveness {
			if r.Principal.Fits(c) {
				res := r.Resource.Instantiate(c)
				out = append(out, partition.ResourcePred{Key: "live:" + res, Lang: partition.Lit(res), Service: serviceOf(res)})
			}
		}
		return out
	}
	t.addGeneralProblem(p)
	return p
}

// lang is the template's language: any account, path and name; with c, only
// c's own account and (case-insensitively) name, as Caller.SameUser reads them.
func (t Template) lang(c *Caller) *partition.Lang {
	if c == nil {
		return t.langWith(nil, nil)
	}
	return t.langWith(partition.Lit(c.Account), partition.LitFold(c.Name))
}

// langWith is the template's language with {account} and {username} as given
// (nil: any account, any name) and {path} any path.
func (t Template) langWith(account, username *partition.Lang) *partition.Lang {
	if t.Text == "*" {
		return partition.Lit("*")
	}
	var parts []*partition.Lang
	rest := t.Text
	for rest != "" {
		i := strings.IndexAny(rest, "{*")
		if i < 0 {
			parts = append(parts, partition.Lit(rest))
			break
		}
		parts = append(parts, partition.Lit(rest[:i]))
		rest = rest[i:]
		if rest[0] == '*' {
			// regexp's ".": anything but a newline.
			parts = append(parts, partition.Any(partition.AnyByte))
			rest = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '}')
		ph := rest[:j+1]
		rest = rest[j+1:]
		switch ph {
		case phAccount:
			if account != nil {
				parts = append(parts, account)
			} else {
				parts = append(parts, partition.Between(partition.Byte(partition.Digits), 12, 12))
			}
		case phPath:
			parts = append(parts, partition.Star(partition.Seq(partition.Plus(partition.Byte(partition.NotSlash)), partition.Lit("/"))))
		case phUsername:
			if username != nil {
				parts = append(parts, username)
			} else {
				parts = append(parts, partition.Plus(partition.Byte(templateNameChars)))
			}
		}
	}
	return partition.Seq(parts...)
}

// templateNameChars is namePattern's class: [\w+=,.@-].
var templateNameChars = partition.Range('a', 'z').Union(partition.Range('A', 'Z')).Union(partition.Digits).Union(partition.Set("_+=,.@-"))

// service is the template's literal service segment, or "".
func (t Template) service() string { return serviceOf(t.Text) }

func serviceOf(arn string) string {
	if arn == "*" {
		return "*" // the resource of actions that take none: no ARN's service
	}
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 || strings.ContainsAny(parts[0]+parts[1]+parts[2], "{*?$") {
		return ""
	}
	return parts[2]
}

// Check is what iamfuzz check runs by default: Prove, and when the proof is
// unknown (something the partition does not cover exactly), the random probes
// of Run as well, so that a violation sampling would find is never lost. The
// verdict is VerdictFail if either found an error, else Prove's.
func (t *Target) Check(ctx context.Context, o Options) *Report {
	rep := t.Prove(ctx, o)
	if rep.Verdict != VerdictUnknown || ctx.Err() != nil {
		return rep
	}
	s := t.Run(ctx, o)
	rep.Coverage.Unknown = append(rep.Coverage.Unknown, fmt.Sprintf("then %d random requests were sampled (seed %d)", s.Checks, s.Seed))
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		seen[f.Key()] = true
	}
	for _, f := range s.Findings {
		if !seen[f.Key()] {
			rep.Findings = append(rep.Findings, f)
		}
	}
	rep.Checks += s.Checks
	rep.Judged += s.Judged
	rep.Seed = s.Seed
	if rep.FirstError == 0 && s.FirstError != 0 {
		rep.FirstError, rep.FirstErrorAfter = rep.Checks-s.Checks+s.FirstError, rep.Elapsed+s.FirstErrorAfter
	}
	rep.Elapsed += s.Elapsed
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Severity < rep.Findings[j].Severity })
	if rep.Failed() {
		rep.Verdict = VerdictFail
	}
	return rep
}
