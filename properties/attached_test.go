package properties_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// Managed policies attached beside a template's or plan's policy are checked
// with it (corpus/examples/managed/README.md): AdministratorAccess beside AWS's
// MFA self-manage policy fails, a harmless one keeps the verdict, an unknown
// one makes it unknown with a reason naming the ARN and where it is attached.
func TestManagedAttachmentExamples(t *testing.T) {
	dir := filepath.Join("..", "corpus", "examples", "managed")
	checkExamples(t, dir, map[string][]string{"unknown.template.yaml#Developer.Policies[0]": {
		"arn:aws:iam::111122223333:policy/team-baseline attached at " + filepath.Join(dir, "unknown.template.yaml") + ":",
		"(Resources.Developer.Properties.ManagedPolicyArns[0])",
	}})
}

// checkExamples checks each identity policy of dir against dir/expect.yaml:
// its verdict, the invariant a failing one breaks, and for an unknown one, in
// reasons, the words one of its reasons must hold.
func checkExamples(t *testing.T, dir string, reasons map[string][]string) {
	t.Helper()
	want := readExpect(t, dir)
	targets, err := properties.LoadTargets([]string{dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != len(want) {
		t.Errorf("%d identity policies, %d expectations", len(targets), len(want))
	}
	for _, tg := range targets {
		name := strings.TrimPrefix(filepath.ToSlash(tg.Path), filepath.ToSlash(dir)+"/")
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		rep := tg.Check(context.Background(), properties.Options{Seed: 1})
		var got []string
		for _, f := range rep.BySeverity(properties.SeverityError) {
			got = append(got, f.Invariant)
		}
		if rep.Verdict != w.Verdict {
			t.Errorf("%s: verdict %s, want %s (fails %v; not exact: %v)", name, rep.Verdict, w.Verdict, got, rep.Coverage.Unknown)
		}
		if w.Invariant != "" && !slices.Contains(got, w.Invariant) {
			t.Errorf("%s: fails %v, want %s", name, got, w.Invariant)
		}
		if words := reasons[name]; w.Verdict == properties.VerdictUnknown && !slices.ContainsFunc(rep.Coverage.Unknown, func(u string) bool {
			return !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(u, w) })
		}) {
			t.Errorf("%s: not exact %q, want a reason holding %q", name, rep.Coverage.Unknown, words)
		}
	}
}

// A principal's other policies written in the file are checked with each of
// its policies (corpus/examples/inline/README.md): an Allow beside the MFA
// self-manage policy is gated by its Deny (proved, a false failure alone), a
// Deny beside it breaks its liveness (a missed failure alone), a principal with
// one policy keeps its verdict, and a policy of two users whose other policies
// differ is unknown with a reason naming both.
func TestInlinePolicyExamples(t *testing.T) {
	dir := filepath.Join("..", "corpus", "examples", "inline")
	checkExamples(t, dir, map[string][]string{"shared.template.yaml#NoAccessKeys": {
		"belongs to user Developer and user Other, whose other policies (managed or in the file) differ",
	}})
}

// A user's groups' policies are checked with the user's policies, and a
// group's policy with its members' (corpus/examples/groups/README.md): a group
// denying iam:CreateAccessKey breaks the MFA policy's liveness however the
// membership is written, a harmless group keeps the verdict, and a group the
// file does not define makes it unknown with a reason naming the group and
// where the file names it.
func TestGroupPolicyExamples(t *testing.T) {
	dir := filepath.Join("..", "corpus", "examples", "groups")
	checkExamples(t, dir, map[string][]string{"unknown.template.yaml#Developer.Policies[0]": {
		"user Developer is in group ops-admins, which the file does not define: its policies are not known",
		filepath.Join(dir, "unknown.template.yaml") + ":10:11 (Resources.Developer.Properties.Groups[0])",
	}, "shared.template.yaml#Developers.Policies[0]": {
		"belongs to user Developer and user Other, whose other policies (managed or in the file) differ",
	}})
}

// A principal's links written with intrinsic functions are followed
// (corpus/examples/intrinsics/README.md): an Fn::If the template decides picks
// its branch (AWS::NoValue attaches nothing), a Ref in it still names the
// template's own managed policy, user or group, an AWS::IAM::Policy's literal
// user name names the template's user, and CDK's Fn::Join ARN of an AWS
// managed policy is that policy. A role named by Fn::ImportValue may be any
// of the template's roles: their policies are unknown, naming the link.
func TestIntrinsicBundleExamples(t *testing.T) {
	checkExamples(t, filepath.Join("..", "corpus", "examples", "intrinsics"), map[string][]string{
		"import-roles.template.yaml#App.Policies[0]": {"Resources.Admin.Properties.Roles[0] links a policy to a role that cannot be told offline"},
		"open-name.template.yaml#App.Policies[0]":    {`the name "ci-deployer" matches none of the template's, but role App has a name known only at deployment`}})
}

// A plan's references inside a module called with count or for_each are to
// the module instance's own resources (corpus/examples/plan-instances/README.md):
// each instance's MFA policy is checked with its own role's AdministratorAccess.
// A reference to a resource with count, recorded without the instance, cannot
// tell which role holds a policy: unknown, naming the roles. An attachment
// whose role cannot be traced (each.value) makes every role's policy unknown,
// naming it; a user's leaves a role's policy alone.
func TestPlanInstanceExamples(t *testing.T) {
	why := []string{"is the policy of one of role aws_iam_role.r[0], role aws_iam_role.r[1], which the plan does not tell apart"}
	checkExamples(t, filepath.Join("..", "corpus", "examples", "plan-instances"), map[string][]string{
		"count.plan.json#aws_iam_role_policy.mfa[0]": why, "count.plan.json#aws_iam_role_policy.mfa[1]": why,
		"module-output.plan.json#aws_iam_role_policy.self_manage": {"is the policy of a role known only after apply, which the plan's references do not name"},
		"open-name.plan.json#aws_iam_role_policy.app":             {`the name "ci-deployer" matches none of the plan's, but role aws_iam_role.app gets a name only after apply`},
		"count-sibling.plan.json#aws_iam_role_policy.mfa":         {"aws_iam_role_policy.admin[0] may be a policy of role aws_iam_role.r[0]"},
		"each-value.plan.json#aws_iam_role_policy.self_manage":    {`module.admin["app"].aws_iam_role_policy_attachment.this.role links a policy to a role that cannot be told offline`, "through each.value"}})
}
