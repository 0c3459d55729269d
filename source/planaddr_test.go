package source

import "testing"

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
