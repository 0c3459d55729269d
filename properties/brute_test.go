package properties

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// runSize returns n and seed, or the values of the environment's prefix_N (a
// whole number at least least) and prefix_SEED where set: the nightly run
// (scripts/nightly) draws more variants from a fresh seed than go test does.
func runSize(t *testing.T, prefix string, n, least int, seed int64) (int, int64) {
	t.Helper()
	if s := os.Getenv(prefix + "_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < least {
			t.Fatalf("%s_N=%q: want a whole number, at least %d", prefix, s, least)
		}
		n = v
	}
	if s := os.Getenv(prefix + "_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s_SEED=%q: want a number", prefix, s)
		}
		seed = v
	}
	return n, seed
}

// bruteContradictions is the property behind TestProofAgreesWithBruteForce
// (brute_plant_off_test.go): random variants of AWS's self-manage example
// (corpus/examples/heldout/aws-current.json) with one or two extra Allow/Deny
// statements over account patterns (literal, prefix, *, ${aws:PrincipalAccount})
// and user/mfa resource patterns that mix ${aws:username} with wildcards and
// literals, with username/MFA/PrincipalArn/PrincipalAccount conditions and a
// NotResource on the MFA deny. Whenever the proof engine says proved, every
// request over a vocabulary of accounts x paths x names (users, role sessions
// of roles with and without paths, federated users) x credential actions x
// user/mfa resources x MFA states is
// decided and judged: an error-severity violation is a wrong "proved". This is
// the harness that found the name/account split bugs (BUG 1, 2, 6, 7 in
// partition/namesplit.go's history); the name and account dimensions are what
// it covers; variants 1, 5, 9, … start from a policy that grants every path and
// are judged by a spec whose pathed-user liveness rule is an error, for the
// paths "" and ops/ against patterns such as user/ops/* (partition/pathsplit.go);
// variants 3, 7, 11, … exempt callers from a Deny by aws:PrincipalArn patterns
// that tell roles with paths apart (roleBase, partition/rolepath.go).
//
// n variants from seed; the environment overrides both (the nightly run,
// scripts/nightly, raises n):
//
//	IAMFUZZ_BRUTE_N=1000 IAMFUZZ_BRUTE_SEED=20261206 go test -count=1 -run TestProofAgreesWithBruteForce ./properties
//
// Each contradiction names the policy and the breaking request as an eval line
// with the policy inline: it replays with "iamfuzz eval --explain"; minimize it
// into a corpus case (corpus/examples/heldout) before fixing. Stops at the first.
func bruteContradictions(t *testing.T, n int, seed int64) (bad []string, proved int) {
	t.Helper()
	bb := loadBruteBases(t)
	bf := newBruteVocab()
	return bruteRun(t, "IAMFUZZ_BRUTE", "brute", n, seed, 0, func(i int, rng *rand.Rand) bruteDrawn {
		text, mp, spec := bb.variant(t, i, rng)
		return bruteDrawn{text: text, policy: mp, spec: spec}
	}, bf.search)
}

// bruteDrawn is one variant of a brute-force property: the identity policy's
// text (shown, and inline in replay lines) and parsed form (nil if the model
// rejects it), the spec that judges it, and the policies around it with their
// texts, one a line (a replay line names them by file, and these have none).
type bruteDrawn struct {
	text       []byte
	policy     *model.Policy
	spec       *Spec
	around     *Surroundings
	aroundText string
}

// bruteRun is the loop every brute-force property shares: n variants from seed
// (runSize: the environment's prefix_N and prefix_SEED override both), drawn
// by draw; each that the proof engine calls proved is searched, and
// the first error-severity violation found ends the run as a contradiction
// naming the policies and the breaking request as an eval line. budget, when
// positive, replaces the proof's total walk budget (Target.proofBudget).
func bruteRun(t *testing.T, prefix, name string, n int, seed int64, budget int, draw func(i int, rng *rand.Rand) bruteDrawn, search func(*Target) (*Violation, int)) (bad []string, proved int) {
	t.Helper()
	n, seed = runSize(t, prefix, n, 1, seed)
	rng := rand.New(rand.NewSource(seed))
	checked := 0
	defer func() {
		t.Logf("seed %d: %d variants, %d proved, %d requests decided by brute force", seed, n, proved, checked)
	}()
	for i := range n {
		d := draw(i, rng)
		if d.policy == nil {
			continue
		}
		id := fmt.Sprintf("%s-%d-%d", name, seed, i)
		tg := NewTargetIn(id, d.policy, d.spec, d.around)
		tg.replayDoc = d.text
		tg.proofBudget = budget
		if tg.Prove(context.Background(), Options{NoMinimize: true, StopAtFirst: true}).Verdict != VerdictProved {
			continue
		}
		proved++
		v, probes := search(tg)
		checked += probes
		if v != nil {
			return append(bad, fmt.Sprintf("seed %d variant %d: proved, but %s breaks %s (rule %s)\npolicy:\n%s\n%seval line (policy inline):\n%s",
				seed, i, RequestJSON(v), v.Invariant, v.Rule, d.text, d.aroundText, tg.ReplayCase(v, id))), proved
		}
	}
	return nil, proved
}

// firstError decides and judges probes against tg and returns the first
// error-severity violation, if any; out is reused storage.
func firstError(tg *Target, probes []Probe, out []ProbeOutcome) (*Violation, []ProbeOutcome) {
	out = tg.CheckProbes(probes, out)
	for i := range out {
		for _, v := range out[i].Violations {
			if v.Severity == SeverityError {
				return v, out
			}
		}
	}
	return nil, out
}

// roleBase is the role family's base: AWS's example, plus access keys of every
// user allowed, and those of others denied to all but the callers whose
// aws:PrincipalArn matches a pattern, most of which tell role sessions apart by
// their roles' paths (partition/rolepath.go). An exempted caller breaks owner-only.
func roleBase(t *testing.T, base []byte, rng *rand.Rand) []byte {
	pats := []string{"arn:aws:iam::*:role/ops/*", "arn:aws:iam::*:role/*/svc-*", "arn:aws:iam::*:role/o*/V?",
		"arn:aws:iam::*:role/aws-reserved/*", "arn:aws:iam::9*:role/ops/*", "arn:aws:iam::*:user/ops/*"}
	var pol map[string]any
	if err := json.Unmarshal(base, &pol); err != nil {
		t.Fatal(err)
	}
	keys := []string{"iam:CreateAccessKey"}
	users := "arn:aws:iam::*:user/*"
	pol["Statement"] = append(pol["Statement"].([]any),
		map[string]any{"Effect": "Allow", "Action": keys, "Resource": users},
		map[string]any{"Effect": "Deny", "Action": keys, "NotResource": "arn:aws:iam::*:user/${aws:username}", "Condition": map[string]any{
			"ArnNotLike": map[string]any{"aws:PrincipalArn": pats[rng.Intn(len(pats))]}}})
	text, err := json.Marshal(pol)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// bruteBases are what the brute-force property's variants start from: AWS's
// example; for the path family, a policy that lets every user, on any path,
// change passwords, judged by a spec whose pathed-user liveness rule is an
// error (the path dimension, partition/pathsplit.go); for the role family,
// roleBase's.
type bruteBases struct {
	base, pathBase []byte
	pathSpec       *Spec
}

func loadBruteBases(t *testing.T) bruteBases {
	t.Helper()
	base, err := os.ReadFile("../corpus/examples/heldout/aws-current.json")
	if err != nil {
		t.Fatal(err)
	}
	pathSpec, err := LoadSpec("../corpus/examples/namesplit/brk-deny-locks-out-ops-path.spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pathBase := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowPasswordsOfEveryUser","Effect":"Allow","Action":["iam:ChangePassword","iam:GetUser"],"Resource":"arn:aws:iam::*:user/*"}]}`)
	return bruteBases{base: base, pathBase: pathBase, pathSpec: pathSpec}
}

// variant draws variant i: its text, policy (nil if the model rejects it) and
// spec. Variants 4k+1 are of the path family, 4k+3 of the role family.
func (bb bruteBases) variant(t *testing.T, i int, rng *rand.Rand) ([]byte, *model.Policy, *Spec) {
	t.Helper()
	b := bb.base
	switch {
	case i%4 == 3:
		b = roleBase(t, bb.base, rng)
	case i%2 == 1:
		b = bb.pathBase
	}
	text := bruteVariant(t, b, i%4 == 1, rng)
	mp, err := model.Parse(text, model.IdentityPolicy)
	if err != nil {
		return text, nil, nil
	}
	spec, _ := ChooseDefault(mp)
	if i%4 == 1 {
		spec = bb.pathSpec
	}
	return text, mp, spec
}

// bruteVariant adds one or two random statements to the base policy, or moves
// the MFA deny to a NotResource; with paths, over resource patterns that tell
// user paths apart.
func bruteVariant(t *testing.T, base []byte, paths bool, rng *rand.Rand) []byte {
	acctPats := []string{"*", "111122223333", "9*", "1111*", "${aws:PrincipalAccount}"}
	resPats := []string{"${aws:username}/*", "svc-?", "*-x", "ALICE", "alice", "${aws:username, 'admin'}", "${aws:username}",
		"svc-*", "*admin*", "${aws:username}*", "a*", "*", "${aws:username}-x", "V?", "*${aws:username}",
		"team-${aws:username}", "x-${aws:username}", "ops/*", "*/${aws:username}"}
	if paths {
		// Patterns that tell paths apart, for the path family.
		resPats = []string{"ops/*", "ops/${aws:username}", "*/*", "o*", "*/${aws:username}", "${aws:username}",
			"*${aws:username}", "op?/*", "*", "ops/a*", "*/a*", "*s/*"}
	}
	acts := [][]string{{"iam:CreateAccessKey"}, {"iam:*"}, {"iam:ChangePassword", "iam:GetUser"}, {"iam:*AccessKey*"},
		{"iam:EnableMFADevice"}, {"iam:CreateVirtualMFADevice"}}
	pick := func(l []string) string { return l[rng.Intn(len(l))] }
	var pol map[string]any
	if err := json.Unmarshal(base, &pol); err != nil {
		t.Fatal(err)
	}
	stmts := pol["Statement"].([]any)
	for range 1 + rng.Intn(2) {
		res := "arn:aws:iam::" + pick(acctPats) + ":" + []string{"user/", "user/", "user/", "mfa/"}[rng.Intn(4)] + pick(resPats)
		st := map[string]any{"Effect": pick([]string{"Allow", "Deny"}), "Action": acts[rng.Intn(len(acts))]}
		if rng.Intn(4) == 0 {
			st["NotResource"] = res
		} else {
			st["Resource"] = res
		}
		switch rng.Intn(9) {
		case 0:
			st["Condition"] = map[string]any{"BoolIfExists": map[string]any{"aws:MultiFactorAuthPresent": "false"}}
		case 1:
			st["Condition"] = map[string]any{"StringLike": map[string]any{"aws:username": pick([]string{"svc-*", "*admin*", "V*"})}}
		case 4:
			st["Condition"] = map[string]any{"StringNotEqualsIgnoreCase": map[string]any{"aws:username": pick([]string{"ADMIN", "Svc-A", "v"})}}
		case 5:
			st["Condition"] = map[string]any{"ArnNotLike": map[string]any{"aws:PrincipalArn": pick([]string{"arn:aws:iam::*:user/ops/*", "arn:aws:iam::9*:*", "arn:aws:iam::*:role/svc-*", "arn:aws:iam::*:role/ops/*", "arn:aws:iam::*:role/*svc-*"})}}
		case 6:
			st["Condition"] = map[string]any{"StringLike": map[string]any{"aws:PrincipalAccount": pick([]string{"9*", "1111*"})}}
		case 7:
			// A free context key compared with the caller's name or account
			// (corpus/examples/namesplit/unknown-account-breakglass-identity).
			st["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:SourceIdentity": pick([]string{"${aws:username}", "${aws:username}-x", "svc-a"})}}
		case 8:
			st["Condition"] = map[string]any{"StringNotLike": map[string]any{"aws:SourceIdentity": pick([]string{"${aws:PrincipalAccount}-*", "svc-*", "*-x"})}}
		}
		if rng.Intn(3) == 0 {
			// The MFA deny's exemption becomes this resource instead.
			for _, s := range stmts {
				if m := s.(map[string]any); m["Effect"] == "Deny" {
					delete(m, "Resource")
					m["NotResource"] = res
				}
			}
			continue
		}
		stmts = append(stmts, st)
	}
	pol["Statement"] = stmts
	text, err := json.Marshal(pol)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// bruteVocab is the vocabulary the brute force walks: names chosen to sit on
// either side of the variants' patterns (svc-*, *admin*, *-x, V?, case folds).
type bruteVocab struct {
	callers   []Caller
	actions   []string
	resources []string
	mfa       [][]ContextEntry
}

func newBruteVocab() *bruteVocab {
	accts := []string{"111122223333", "900000000000", "111100000000"}
	names := []string{"alice", "svc-a", "svc-", "admin", "xadminx", "Va", "V", "a", "ALICE", "bob-x", "x-bob", "team-ab", "111122223333-x"}
	paths := []string{"", "ops/"}
	b := &bruteVocab{
		actions: []string{"iam:CreateAccessKey", "iam:ChangePassword", "iam:GetUser", "iam:EnableMFADevice",
			"iam:CreateVirtualMFADevice", "iam:DeactivateMFADevice", "iam:ListMFADevices", "iam:DeleteAccessKey"},
		mfa: [][]ContextEntry{nil, {{Key: keyMFAPresent, Value: model.Single("false")}},
			{{Key: keyMFAPresent, Value: model.Single("true")}, {Key: keyMFAAge, Value: model.Single("120")}}},
	}
	for _, ac := range accts {
		for _, p := range paths {
			for ni, nm := range names {
				c := Caller{Kind: UserCaller, Account: ac, Path: p, Name: nm}
				// With a path, every fourth name is a role session and another a
				// federated user instead, so those kinds meet the same names.
				// Every other of those role sessions is of a role with the
				// path: its requests give the role's ARN as aws:PrincipalArn.
				if p != "" && ni%4 == 1 {
					c = Caller{Kind: RoleSessionCaller, Account: ac, Name: nm, Session: "s1"}
					if ni%8 == 1 {
						c.Path = p
					}
				}
				if p != "" && ni%4 == 3 {
					c = Caller{Kind: FederatedCaller, Account: ac, Name: nm}
				}
				b.callers = append(b.callers, c)
			}
			for _, nm := range names {
				for _, kind := range []string{"user/", "mfa/"} {
					b.resources = append(b.resources, "arn:aws:iam::"+ac+":"+kind+p+nm)
				}
			}
		}
	}
	return b
}

// search decides every request of the vocabulary against tg and returns the
// first error-severity violation, and how many requests it decided.
func (b *bruteVocab) search(tg *Target) (*Violation, int) {
	var probes []Probe
	var out []ProbeOutcome
	n := 0
	for _, c := range b.callers {
		probes = probes[:0]
		// With MFA, aws:SourceIdentity is also the caller's name and that
		// name with -x (the variants' SourceIdentity conditions).
		ctxs := b.mfa
		for _, si := range []string{c.Name, c.Name + "-x"} {
			ctxs = append(ctxs, append(slices.Clone(b.mfa[len(b.mfa)-1]), ContextEntry{Key: "aws:SourceIdentity", Value: model.Single(si)}))
		}
		if c.Kind == RoleSessionCaller && c.Path != "" {
			arn := ContextEntry{Key: "aws:PrincipalArn", Value: model.Single("arn:aws:iam::" + c.Account + ":role/" + c.Path + c.Name)}
			withARN := make([][]ContextEntry, len(ctxs))
			for i, ctx := range ctxs {
				withARN[i] = append(slices.Clone(ctx), arn)
			}
			ctxs = withARN
		}
		for _, act := range b.actions {
			for _, res := range b.resources {
				for _, ctx := range ctxs {
					probes = append(probes, Probe{Caller: c, Action: act, Resource: res, Context: ctx})
				}
			}
		}
		var v *Violation
		v, out = firstError(tg, probes, out)
		n += len(probes)
		if v != nil {
			return v, n
		}
	}
	return nil, n
}
