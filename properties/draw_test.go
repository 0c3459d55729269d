package properties

import (
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/source"
)

// The generators produce every kind of value the issue lists; a category that
// never shows up would be a blind spot no test notices.
func TestDrawCoverage(t *testing.T) {
	tg := seedTarget(t, "000-aws-mfa-self-manage.json", nil)
	seen := map[string]int{}
	src := NewRandSource(99)
	names := map[string]bool{}
	for range 30000 {
		p := tg.Draw(src)
		c := p.Caller
		switch c.Kind {
		case UserCaller:
			seen["user"]++
			if c.Path != "" {
				seen["pathed user"]++
			}
			names[c.Name] = true
			if strings.ContainsAny(c.Name, "+=,.@_-") {
				seen["name with +=,.@_-"]++
			}
		case RoleSessionCaller:
			seen["role session"]++
		case FederatedCaller:
			seen["federated user"]++
		case RootCaller:
			seen["root"]++
		}
		if c.Account != acct {
			seen["caller in another account"]++
		}
		act, known := lookupAction(p.Action)
		switch {
		case !known:
			seen["action that does not exist"]++
		case act.FullName() != p.Action:
			seen["action in another case"]++
		case act.Service != "iam" && act.Service != "sts":
			seen["other service's action"]++
		}
		if tg.voc.hasPolicyAction(p.Action) {
			seen["policy's own action"]++
		}
		owner, name, _, owned := DefaultSpec().OwnerOnly.Owner(p.Resource)
		switch {
		case p.Resource == "*":
			seen["resource *"]++
		case owned && c.SameUser(owner, name) && strings.Contains(p.Resource, ":user/"):
			seen["own user"]++
		case owned && c.SameUser(owner, name):
			seen["own MFA device"]++
		case owned && owner != c.Account:
			seen["another account's"]++
		case owned:
			seen["another user's"]++
		case !strings.HasPrefix(p.Resource, "arn:aws:iam:"):
			seen["other service's resource"]++
		}
		if owned && strings.Count(p.Resource[strings.LastIndex(p.Resource, ":"):], "/") > 1 {
			seen["pathed resource"]++
		}
		r, err := p.Request()
		if err != nil {
			t.Fatalf("probe %+v does not make a request: %v", p, err)
		}
		switch mfaState(r.Context) {
		case MFAKeyAbsent:
			seen["MFA absent"]++
		case MFAKeyFalse:
			seen[`MFA "false"`]++
		case MFATrue:
			seen[`MFA "true"`]++
		default:
			seen["MFA odd"]++
		}
		if _, ok := r.Value(keyMFAAge); ok {
			seen["MFA age"]++
		}
		for k := range r.Context {
			if !strings.EqualFold(k, keyMFAPresent) && !strings.EqualFold(k, keyMFAAge) {
				seen["unrelated key"]++
				break
			}
		}
		if _, _, why := Judgeable(r); why == "" {
			seen["judged"]++
		}
	}
	for _, want := range []string{"user", "pathed user", "name with +=,.@_-", "role session", "federated user", "root",
		"caller in another account", "action that does not exist", "action in another case", "other service's action",
		"policy's own action", "resource *", "own user", "own MFA device", "another account's", "another user's",
		"other service's resource", "pathed resource", "MFA absent", `MFA "false"`, `MFA "true"`, "MFA odd", "MFA age",
		"unrelated key", "judged"} {
		if seen[want] < 30 {
			t.Errorf("%q drawn %d times in 30000", want, seen[want])
		}
	}
	for _, n := range []string{"alice", "alice2", "Alice", "al", "malice"} {
		if !names[n] {
			t.Errorf("user name %q never drawn", n)
		}
	}
	t.Logf("%v", seen)
}

func (v *vocab) hasPolicyAction(a string) bool {
	for _, x := range v.policyActions {
		if strings.EqualFold(x, a) {
			return true
		}
	}
	return false
}

// Every probe of the sweep and of Directed makes a valid, judged request.
func TestSweepAndDirected(t *testing.T) {
	tg := seedTarget(t, "000-aws-mfa-self-manage.json", nil)
	n := 0
	tg.Sweep(func(p Probe) bool {
		n++
		r, err := p.Request()
		if err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		if _, _, why := Judgeable(r); why != "" {
			t.Fatalf("%+v is not judged: %s", p, why)
		}
		return true
	})
	if n < 5000 {
		t.Fatalf("sweep has only %d probes", n)
	}
	d := tg.Directed()
	want := 0
	for _, r := range tg.Spec.Liveness {
		want += len(r.Actions) * len(r.MFA.States())
	}
	if len(d) != want {
		t.Fatalf("%d directed probes, want %d", len(d), want)
	}
	for _, p := range d {
		r, err := p.Request()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, why := Judgeable(r); why != "" {
			t.Fatalf("%+v is not judged: %s", p, why)
		}
	}
}

// A template's AWS::AccountId stands for the account callers are drawn from (see
// TargetFor): the two constants must agree, or every stack policy would fail
// liveness for users of an account it names nowhere.
func TestDeployAccountIsHome(t *testing.T) {
	if drawAccounts[0] != source.DeployAccount {
		t.Fatalf("callers' home account %s, source.DeployAccount %s", drawAccounts[0], source.DeployAccount)
	}
}
