package properties

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// The bundle brute force's vocabulary: each action with resources on either
// side of the patterns below (prefixes, one-character wildcards, other
// accounts and regions, path segments, colons and empty segments).
var (
	bundleActions = []string{"s3:GetObject", "ec2:StartInstances", "dynamodb:GetItem", "sns:Publish", "iam:GetUser", "sts:GetCallerIdentity"}
	bundleTargets = map[string][]string{
		"s3:GetObject":          {"arn:aws:s3:::b/k", "arn:aws:s3:::b/", "arn:aws:s3:::bb/k", "arn:aws:s3:::b/a/b", "arn:aws:s3:::c/k", "arn:aws:s3:::b/k:x", "arn:aws:s3:::b//k"},
		"ec2:StartInstances":    {"arn:aws:ec2:us-east-1:111122223333:instance/i-1", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "arn:aws:ec2:us-east-1:444455556666:instance/i-1", "arn:aws:ec2:us-west-2:111122223333:instance/i-22"},
		"dynamodb:GetItem":      {"arn:aws:dynamodb:us-east-1:111122223333:table/t1", "arn:aws:dynamodb:us-east-1:111122223333:table/t12", "arn:aws:dynamodb:us-east-1:444455556666:table/t1", "arn:aws:dynamodb:us-east-1:111122223333:table/u"},
		"sns:Publish":           {"arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:t", "arn:aws:sns:eu-west-1:444455556666:t"},
		"iam:GetUser":           {"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/a/b", "arn:aws:iam::444455556666:user/alice", "arn:aws:iam::111122223333:user/bob"},
		"sts:GetCallerIdentity": {"*"},
	}
	// The first three action patterns are those an RCP may name (no "*").
	bundleActionPats = []string{"s3:*", "s3:Get*", "ec2:Start*", "*", "dynamodb:?etItem", "sns:*", "iam:Get*", "*:Get*", "sts:*", "iam:*User"}
	// The first 15 resource patterns have no variable: those never rules and
	// RCPs draw.
	bundleResourcePats = []string{"*", "arn:aws:s3:::b*", "arn:aws:s3:::b/?", "arn:aws:*:*:111122223333:*", "arn:aws:ec2:us-*:*:instance/*",
		"arn:aws:dynamodb:*:*:table/t?", "arn:aws:sns:*:*:*", "arn:aws:iam::*:user/a*", "arn:aws:s3:::*/k", "arn:aws:ec2:*:444455556666:*",
		"arn:aws:*:us-east-1:*:*", "arn:aws:s3:::b/*/*", "arn:aws:iam::111122223333:user/*", "arn:aws:sns:us-east-1:111122223333:t*", "arn:aws:*:*:*:table/*",
		"arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/*", "arn:aws:s3:::b/${aws:username}*", "arn:aws:iam::*:user/${aws:username}"}
	// Users of two accounts, one with a path, a role session and a federated
	// user: the session policy applies to the last two only.
	bundleCallers = []Caller{{Kind: UserCaller, Account: "111122223333", Name: "alice"}, {Kind: UserCaller, Account: "444455556666", Name: "bob"},
		{Kind: RoleSessionCaller, Account: "111122223333", Name: "dev", Session: "s"}, {Kind: UserCaller, Account: "111122223333", Path: "a/", Name: "b"},
		{Kind: FederatedCaller, Account: "444455556666", Name: "alice"}}
)

// bundleBudget is the proofs' total walk budget in the bundle brute force: a
// tenth of the default. Variants with Action "*" or NotAction walk the whole
// catalogue, and over their resource patterns most spend any budget and end
// unknown (not compared), at 0.5 to 1 s each with the default; with this one
// seeds 1-3 x 60 variants lost 3 of 63 proved variants and ran 2-3x faster.
const bundleBudget = 100000

// bundleContradictions is the property behind TestProofAgreesWithBundleBruteForce
// (brute_bundle_plant_off_test.go): random identity policies of two or three
// Allow/Deny statements over Action or NotAction and Resource or NotResource
// patterns (wildcards, accounts, regions, ${aws:username} and
// ${aws:PrincipalAccount}), each among random policies around it — one or two
// attached identity policies (a third of the variants, drawAttached), a
// permissions boundary (half), zero to two SCP levels, an RCP (a third), a
// session policy (a third) — judged by a never rule on one action
// and one resource pattern. Whenever the proof engine says proved, every
// request of bundleCallers x bundleActions x bundleTargets is decided by the
// whole bundle: an error-severity violation is a wrong "proved". Resource-based
// policies are not drawn: their Principal element makes a proof unknown
// (Target.problem), so there would be nothing to compare. An RCP's must be
// "*", which divides nothing (partition/policy.go dividesPrincipals).
//
//	IAMFUZZ_BBRUTE_N=3000 IAMFUZZ_BBRUTE_SEED=7 go test -count=1 -run TestProofAgreesWithBundleBruteForce ./properties
func bundleContradictions(t *testing.T, n int, seed int64) (bad []string, proved int) {
	t.Helper()
	var probes []Probe
	for _, c := range bundleCallers {
		for _, a := range bundleActions {
			for _, r := range bundleTargets[a] {
				probes = append(probes, Probe{Caller: c, Action: a, Resource: r})
			}
		}
	}
	var out []ProbeOutcome
	return bruteRun(t, "IAMFUZZ_BBRUTE", "bbrute", n, seed, bundleBudget, func(i int, rng *rand.Rand) bruteDrawn {
		d := drawBundle(t, rng)
		// Managed policies attached beside the identity policy (a template's or
		// plan's, properties/attached.go), drawn from a source of their own so
		// that the other draws of every seed stay as they were.
		if d.policy != nil {
			drawAttached(t, rand.New(rand.NewSource(seed*1_000_003+int64(i))), &d)
		}
		return d
	}, func(tg *Target) (*Violation, int) {
		var v *Violation
		v, out = firstError(tg, probes, out)
		return v, len(probes)
	})
}

// drawBundle draws one variant: the policies around the identity policy first,
// then the identity policy, then the never rule.
func drawBundle(t *testing.T, rng *rand.Rand) bruteDrawn {
	t.Helper()
	d := bruteDrawn{around: &Surroundings{}}
	var shown strings.Builder
	around := func(role string, typ model.PolicyType) *PolicyFile {
		text := bundlePolicy(t, rng, typ, 1+rng.Intn(2))
		p, err := model.Parse(text, typ)
		if err != nil {
			return nil // an RCP of a service RCPs do not cover, say
		}
		fmt.Fprintf(&shown, "%s: %s\n", role, text)
		return &PolicyFile{Path: role + ".json", Type: typ, Policy: p, compiled: model.Compile(p)}
	}
	if rng.Intn(2) == 0 {
		d.around.Boundary = around("boundary", model.BoundaryPolicy)
	}
	for i := range rng.Intn(3) {
		if f := around(fmt.Sprintf("scp%d", i), model.SCPPolicy); f != nil {
			d.around.SCP = append(d.around.SCP, f)
		}
	}
	if rng.Intn(3) == 0 {
		if f := around("rcp", model.RCPPolicy); f != nil {
			d.around.RCP = append(d.around.RCP, f)
		}
	}
	if rng.Intn(3) == 0 {
		d.around.Session = around("session", model.SessionPolicy)
	}
	d.aroundText = shown.String()
	d.text = bundlePolicy(t, rng, model.IdentityPolicy, 2+rng.Intn(2))
	mp, err := model.Parse(d.text, model.IdentityPolicy)
	if err != nil {
		return bruteDrawn{}
	}
	d.policy = mp
	action := bundleActions[rng.Intn(len(bundleActions))]
	resource := bundleResourceFor(rng, action, 15)
	d.spec, err = ParseSpec(fmt.Appendf(nil, "version: 1\ndescription: bundle brute force\nnever:\n  - name: never\n    actions: [%q]\n    resources: [%q]\n", action, resource), "bbrute.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// drawAttached gives a third of the variants one or two more identity
// policies of the principal, as a template's managed policies are. Half of
// their statements name one action and one resource of the brute force's
// requests literally: a managed policy granting one object is what a partition
// that ignored it would miss (iamfuzz_plant_attached), and the wildcard
// patterns of bundlePolicy mostly match the proof's witnesses anyway.
func drawAttached(t *testing.T, rng *rand.Rand, d *bruteDrawn) {
	t.Helper()
	if rng.Intn(3) != 0 {
		return
	}
	for i := range 1 + rng.Intn(2) {
		text := bundlePolicy(t, rng, model.IdentityPolicy, 1+rng.Intn(2))
		if rng.Intn(2) == 0 {
			// Mostly a request the never rule names.
			a, rs := bundleActions[rng.Intn(len(bundleActions))], []string(nil)
			if never := d.spec.Never[0]; rng.Intn(4) != 0 {
				a = never.Actions[0]
				for _, r := range bundleTargets[a] {
					if globARN(never.Resources[0], r) {
						rs = append(rs, r)
					}
				}
			}
			if len(rs) == 0 {
				rs = bundleTargets[a]
			}
			r := rs[rng.Intn(len(rs))]
			effect := []string{"Allow", "Allow", "Deny"}[rng.Intn(3)]
			text = fmt.Appendf(nil, `{"Version":"2012-10-17","Statement":[{"Effect":%q,"Action":%q,"Resource":%q}]}`, effect, a, r)
		}
		p, err := model.Parse(text, model.IdentityPolicy)
		if err != nil {
			continue
		}
		role := fmt.Sprintf("attached%d", i)
		d.aroundText += fmt.Sprintf("%s: %s\n", role, text)
		d.around.Identity = append(d.around.Identity, &PolicyFile{Path: role + ".json", Type: model.IdentityPolicy, Policy: p, compiled: model.Compile(p)})
	}
}

// bundlePolicy draws a policy of k statements for its type: an RCP's are
// Denies to Principal "*" of one action and resource pattern, as AWS's RCP
// syntax wants; an identity policy's name one or two patterns each; others
// one.
func bundlePolicy(t *testing.T, rng *rand.Rand, typ model.PolicyType, k int) []byte {
	t.Helper()
	pick := func(l []string) string { return l[rng.Intn(len(l))] }
	pats := func(l []string) []string {
		out := []string{pick(l)}
		if typ == model.IdentityPolicy && rng.Intn(2) == 0 {
			out = append(out, pick(l))
		}
		return out
	}
	resources := func(actions []string) []string {
		if rng.Intn(2) == 0 {
			return pats(bundleResourcePats)
		}
		return []string{bundleResourceFor(rng, actions[0], len(bundleResourcePats))}
	}
	var stmts []any
	for range k {
		st := map[string]any{"Effect": pick([]string{"Allow", "Allow", "Deny"})}
		if typ == model.RCPPolicy {
			st["Effect"], st["Principal"] = "Deny", "*"
			a := pick(bundleActionPats[:3])
			st["Action"], st["Resource"] = []string{a}, []string{bundleResourceFor(rng, a, 15)}
			stmts = append(stmts, st)
			continue
		}
		as := pats(bundleActionPats)
		if rng.Intn(5) == 0 {
			st["NotAction"] = as
		} else {
			st["Action"] = as
		}
		if rs := resources(as); rng.Intn(4) == 0 {
			st["NotResource"] = rs
		} else {
			st["Resource"] = rs
		}
		stmts = append(stmts, st)
	}
	text, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// bundleResourceFor draws one of the first n resource patterns, half the time
// among those of the action pattern's service (when it names one and they
// exist), so that the policies' grants and denials meet the never rule's
// requests often enough (a grant of sns:* on tables decides nothing).
func bundleResourceFor(rng *rand.Rand, action string, n int) string {
	if svc, _, _ := strings.Cut(action, ":"); rng.Intn(2) == 0 && svc != "*" {
		var own []string
		for _, r := range bundleResourcePats[:n] {
			if strings.HasPrefix(r, "arn:aws:"+svc+":") {
				own = append(own, r)
			}
		}
		if len(own) > 0 {
			return own[rng.Intn(len(own))]
		}
	}
	return bundleResourcePats[rng.Intn(n)]
}
