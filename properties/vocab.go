package properties

import (
	"regexp"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// The fixed vocabulary. Index 0 of each list is the simplest choice: shrinking
// moves towards it. Names are prefixes, suffixes and case variants of each other
// (a policy that matches user/${aws:username}* lets alice reach alice2), and one
// uses every character IAM allows in names besides letters and digits.
var (
	drawAccounts = []string{"111122223333", "444455556666"}
	drawNames    = []string{"alice", "alice2", "Alice", "al", "malice", "bob", "a+b=c,d.e@f_g-h"}
	drawPaths    = []string{"dev/", "division_abc/subdivision_xyz/"}
	drawRoles    = []string{"dev", "admin"}
	drawSessions = []string{"s1", "alice"}
	// nameAlphabet is every character IAM allows in user names.
	nameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-"
	// drawBogusActions do not exist; requests for them are decided, never judged.
	drawBogusActions = []string{"iam:ChangePasswords", "iam:GetUsers", "iam:Get", "sts:GetSessionTokens", "foo:Bar", "iam:CreateAccessKeyX"}
	// drawOddResources are resources of any shape, to exercise matching beyond
	// what an action takes.
	drawOddResources = []string{"*", "arn:aws:s3:::bucket/key", "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
		"arn:aws:iam::111122223333:role/dev", "arn:aws:iam::111122223333:group/devs", "arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:mfa/alice", "arn:aws:iam::111122223333:sms-mfa/alice", "arn:aws:iam::444455556666:user/division_abc/alice"}
	// drawOddMFA are aws:MultiFactorAuthPresent values AWS never sends.
	drawOddMFA = []model.ContextValue{model.Single("TRUE"), model.Single("False"), model.Single("1"), model.Single(""),
		model.Single("yes"), model.Multi("true"), model.Multi("true", "false"), model.Multi()}
	// drawAges[0] is FreshMFAAge, the age the defaults' with-MFA liveness judges.
	drawAges = []string{"120", "0", "3600", "86400", "100000000"}
	// drawExtraKeys are context keys unrelated to the invariants.
	drawExtraKeys = []extraKey{
		{"aws:SourceIp", []string{"203.0.113.9", "198.51.100.7", "2001:db8::1"}},
		{"aws:RequestedRegion", []string{"us-east-1", "eu-west-1"}},
		{"aws:SecureTransport", []string{"true", "false"}},
		{"aws:CurrentTime", []string{"2025-06-01T00:00:00Z", "2031-01-01T00:00:00Z"}},
		{"aws:PrincipalTag/team", []string{"blue", "red"}},
	}
)

type extraKey struct {
	key    string
	values []string
}

// vocab is what a target's generators draw from: the fixed vocabulary plus what
// the policy and the spec mention (their actions, literal accounts, user names
// and paths, condition keys and values).
type vocab struct {
	accounts []string
	// homeCallers draws every caller from accounts[0]: the policy is known to be
	// attached in that account (a CloudFormation stack's, see TargetFor), so a
	// caller elsewhere cannot hold it. Resources still come from every account.
	homeCallers bool
	// homeWhy names the home account's callers and why only they can hold the
	// policy (Report.Scope).
	homeWhy       string
	names         []string
	paths         []string
	policyActions []string // as written when unknown, else canonical
	specActions   []string // canonical
	extraKeys     []extraKey
	liveness      []livenessDraw
	// ownedActions are the policy's and the spec's actions that take an IAM user
	// or MFA device: the ones owner-only is about.
	ownedActions []string
	// resources are the resource patterns the policies and the spec name, as
	// written; the whole-bundle checks instantiate them for a caller.
	resources []string
	// policyKeys counts the extraKeys that come from the policy's conditions and
	// the spec's fixed contexts (they come first).
	policyKeys int
}

type livenessDraw struct {
	rule    *LivenessRule
	actions []string
}

var (
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	varRe     = regexp.MustCompile(`\$\{[^}]*\}`)
)

// maxExpansion bounds how many catalogue actions one policy pattern contributes
// to the policy's own actions; a broader pattern ("*", "s3:*") is covered by the
// draws from the whole catalogue.
const maxExpansion = 400

func buildVocab(pol *model.Policy, spec *Spec) *vocab {
	v := &vocab{
		accounts: append([]string(nil), drawAccounts...),
		names:    append([]string(nil), drawNames...),
		paths:    append([]string(nil), drawPaths...),
	}
	seen := map[string]bool{}
	addAction := func(list *[]string, a string) {
		if k := strings.ToLower(a); !seen[k] {
			seen[k] = true
			*list = append(*list, a)
		}
	}
	addEntry := func(list *[]string, e string) {
		exp := expandAction(e)
		switch {
		case len(exp) == 0 && !isPattern(e):
			addAction(list, e) // unknown: decided, never judged
		case len(exp) <= maxExpansion:
			for _, a := range exp {
				addAction(list, a)
			}
		}
	}
	keySeen := map[string]int{}
	for i := range pol.Statements {
		st := &pol.Statements[i]
		for _, l := range []*model.StringList{st.Action, st.NotAction} {
			if l != nil {
				for _, a := range l.Values {
					addEntry(&v.policyActions, a)
				}
			}
		}
		for _, l := range []*model.StringList{st.Resource, st.NotResource} {
			if l != nil {
				for _, r := range l.Values {
					v.harvestARN(r)
					if l == st.Resource && !contains(v.resources, r) {
						v.resources = append(v.resources, r)
					}
				}
			}
		}
		for _, op := range st.Condition {
			for _, k := range op.Keys {
				if strings.EqualFold(k.Key, keyMFAPresent) || strings.EqualFold(k.Key, keyMFAAge) || isPrincipalKey(k.Key) || !strings.Contains(k.Key, ":") {
					continue
				}
				idx, ok := keySeen[strings.ToLower(k.Key)]
				if !ok {
					idx = len(v.extraKeys)
					keySeen[strings.ToLower(k.Key)] = idx
					v.extraKeys = append(v.extraKeys, extraKey{key: k.Key})
				}
				for _, val := range k.Values {
					if !strings.Contains(val.Text, "${") && !contains(v.extraKeys[idx].values, val.Text) {
						v.extraKeys[idx].values = append(v.extraKeys[idx].values, val.Text)
					}
				}
			}
		}
	}
	// The spec's fixed contexts: their keys and values are drawn like the policy's.
	var fixed []FixedContext
	for _, r := range spec.Never {
		fixed = append(fixed, r.Context)
		v.resources = appendNew(v.resources, r.Resources...)
	}
	for _, r := range spec.Liveness {
		fixed = append(fixed, r.Context)
	}
	for _, fc := range fixed {
		for _, e := range fc {
			idx, ok := keySeen[strings.ToLower(e.Key)]
			if !ok {
				idx = len(v.extraKeys)
				keySeen[strings.ToLower(e.Key)] = idx
				v.extraKeys = append(v.extraKeys, extraKey{key: e.Key})
			}
			for _, val := range e.Value.Values {
				if !contains(v.extraKeys[idx].values, val) {
					v.extraKeys[idx].values = append(v.extraKeys[idx].values, val)
				}
			}
		}
	}
	v.policyKeys = len(v.extraKeys)
	for _, ek := range drawExtraKeys {
		if _, dup := keySeen[strings.ToLower(ek.key)]; !dup {
			v.extraKeys = append(v.extraKeys, ek)
		}
	}
	// A key whose only policy values were variables still gets a plain value.
	for i := range v.extraKeys {
		if len(v.extraKeys[i].values) == 0 {
			v.extraKeys[i].values = []string{"example"}
		}
	}
	if g := spec.MFAGate; g != nil {
		for _, a := range g.AllowWithoutMFA {
			addEntry(&v.specActions, a)
		}
	}
	if o := spec.OwnerOnly; o != nil {
		for _, e := range o.Exceptions {
			for _, a := range e.Actions {
				addEntry(&v.specActions, a)
			}
		}
	}
	for _, r := range spec.Never {
		for _, a := range r.Actions {
			addEntry(&v.specActions, a)
		}
	}
	if o := spec.Only; o != nil {
		for _, e := range o.Allow {
			for _, a := range e.Actions {
				addEntry(&v.specActions, a)
			}
			v.resources = appendNew(v.resources, e.Resources...)
		}
	}
	for _, r := range spec.Liveness {
		ld := livenessDraw{rule: r}
		for _, a := range r.Actions {
			ld.actions = append(ld.actions, expandAction(a)...)
			addEntry(&v.specActions, a)
		}
		if len(ld.actions) > 0 {
			v.liveness = append(v.liveness, ld)
		}
	}
	for _, list := range [][]string{v.policyActions, v.specActions} {
		for _, a := range list {
			act, ok := lookupAction(a)
			if !ok {
				continue
			}
			for _, rt := range act.ResourceTypes {
				if act.Service == "iam" && (rt.Name == "user" || rt.Name == "mfa") && !contains(v.ownedActions, act.FullName()) {
					v.ownedActions = append(v.ownedActions, act.FullName())
					break
				}
			}
		}
	}
	if len(v.policyActions) == 0 {
		v.policyActions = v.specActions
	}
	if len(v.specActions) == 0 {
		v.specActions = v.policyActions
	}
	if len(v.policyActions) == 0 {
		v.policyActions = []string{"iam:GetUser"}
		v.specActions = v.policyActions
	}
	return v
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if it != "*" && !contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

func isPrincipalKey(k string) bool {
	for _, p := range principalKeys {
		if strings.EqualFold(p, k) {
			return true
		}
	}
	return false
}

// harvestARN adds a policy resource's literal account, user name and path.
func (v *vocab) harvestARN(r string) {
	parts := strings.SplitN(r, ":", 6)
	if len(parts) != 6 {
		return
	}
	if accountRe.MatchString(parts[4]) && !contains(v.accounts, parts[4]) {
		v.accounts = append(v.accounts, parts[4])
	}
	if parts[2] != "iam" || strings.ContainsAny(parts[5], "*?$") {
		return
	}
	for _, typ := range []string{"user/", "mfa/"} {
		if rest, ok := strings.CutPrefix(parts[5], typ); ok {
			i := strings.LastIndexByte(rest, '/')
			path, name := rest[:i+1], rest[i+1:]
			if validName(name) && !contains(v.names, name) {
				v.names = append(v.names, name)
			}
			if path != "" && !contains(v.paths, path) {
				v.paths = append(v.paths, path)
			}
		}
	}
}

var nameRe = regexp.MustCompile("^" + namePattern + "$")

func validName(n string) bool { return n != "" && len(n) <= 64 && nameRe.MatchString(n) }
