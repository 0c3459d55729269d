package source

import (
	"slices"
	"testing"
)

// Addresses split at the dots outside keys: a for_each key is any string.
func TestPlanAddressParts(t *testing.T) {
	for _, c := range []struct{ addr, config, module string }{
		{"aws_iam_role.r", "aws_iam_role.r", ""},
		{"aws_iam_role.r[0]", "aws_iam_role.r", ""},
		{`module.m["a.b"].aws_iam_user.u["x].y"]`, "module.m.aws_iam_user.u", `module.m["a.b"]`},
		{`module.m[0].module.n["k\"]."].aws_iam_role.r`, "module.m.module.n.aws_iam_role.r", `module.m[0].module.n["k\"]."]`},
		{"module.m.aws_iam_policy.p", "module.m.aws_iam_policy.p", "module.m"},
	} {
		if got := configAddr(c.addr); got != c.config {
			t.Errorf("configAddr(%s) = %s, want %s", c.addr, got, c.config)
		}
		if got := moduleInstance(c.addr); got != c.module {
			t.Errorf("moduleInstance(%s) = %s, want %s", c.addr, got, c.module)
		}
	}
}

// An attachment whose role is a reference to a role with count, recorded
// without the instance, may be any of them: each one's policies are checked
// beside an attachment whose document is not known (unknown), not alone.
func TestPlanAmbiguousAttachment(t *testing.T) {
	const plan = `{"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_iam_role.r[0]", "mode": "managed", "type": "aws_iam_role", "values": {}},
  {"address": "aws_iam_role.r[1]", "mode": "managed", "type": "aws_iam_role", "values": {}},
  {"address": "aws_iam_role_policy.p", "mode": "managed", "type": "aws_iam_role_policy",
   "values": {"policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}"}},
  {"address": "aws_iam_role_policy_attachment.a[0]", "mode": "managed", "type": "aws_iam_role_policy_attachment",
   "values": {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}]}},
 "configuration": {"root_module": {"resources": [
  {"address": "aws_iam_role_policy.p", "expressions": {"role": {"references": ["aws_iam_role.r[0].name", "aws_iam_role.r[0]", "aws_iam_role.r"]}}},
  {"address": "aws_iam_role_policy_attachment.a", "expressions": {"role": {"references": ["aws_iam_role.r"]}}}]}}}`
	ps, err := Read("plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.ID != "aws_iam_role_policy.p" {
			continue
		}
		bundle, why := p.AttachedBundle()
		if why != "" || len(bundle) != 1 || bundle[0].ARN != "" || bundle[0].Own != nil ||
			bundle[0].Why != "aws_iam_role_policy_attachment.a[0] attaches it to one of role aws_iam_role.r[0], role aws_iam_role.r[1], which the plan does not tell apart (a reference without the instance)" {
			t.Errorf("checked beside %s: %+v %q", p.ID, bundle, why)
		}
		return
	}
	t.Fatal("no aws_iam_role_policy.p")
}

// References through module variables and outputs are followed (module.a's
// output is its variable, set to module.b's output, which is aws_iam_role.r),
// and a plan whose modules' variables and outputs refer to each other in a
// cycle (Terraform rejects it; a plan is input) ends.
func TestPlanRefsThroughModules(t *testing.T) {
	const cfg = `{"resources": [
   {"address": "aws_iam_role_policy.p", "expressions": {"role": {"references": ["module.a.name", "module.a"]}}},
   {"address": "aws_iam_role.r", "expressions": {}}],
  "module_calls": {
   "a": {"expressions": {"x": {"references": ["module.b.name"]}, "y": {"references": ["module.b.loop"]}},
         "module": {"outputs": {"name": {"expression": {"references": ["var.x"]}}, "loop": {"expression": {"references": ["var.y", "var.y", "var.y"]}}}}},
   "b": {"expressions": {"x": {"references": ["aws_iam_role.r.name", "aws_iam_role.r"]}, "y": {"references": ["module.a.loop", "module.a.loop"]}},
         "module": {"outputs": {"name": {"expression": {"references": ["var.x"]}}, "loop": {"expression": {"references": ["var.y", "var.y"]}}}}}}}`
	root, err := parseJSON("plan.json", []byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	refs := planRefs(root)
	if got := refs["aws_iam_role_policy.p"]["role"]; !slices.Contains(got, "aws_iam_role.r") {
		t.Errorf("aws_iam_role_policy.p's role refers to %q, want aws_iam_role.r among them", got)
	}
}
