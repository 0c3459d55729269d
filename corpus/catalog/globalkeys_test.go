package catalog

import "testing"

func TestGlobalKey(t *testing.T) {
	c := MustLoad()
	for _, k := range []struct{ key, canon string }{
		{"aws:sourceip", "aws:SourceIp"},
		{"AWS:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent"},
		{"aws:principaltag/Team", "aws:PrincipalTag/Team"},
		{"aws:RequestTag/cost-center", "aws:RequestTag/cost-center"},
	} {
		if got, ok := c.GlobalKey(k.key); !ok || got != k.canon {
			t.Errorf("GlobalKey(%q) = %q, %v; want %q", k.key, got, ok, k.canon)
		}
	}
	for _, k := range []string{"aws:MultiFactorAuthPresnt", "aws:PrincipalTag", "aws:SourceIp/x", "s3:prefix", "aws:"} {
		if got, ok := c.GlobalKey(k); ok {
			t.Errorf("GlobalKey(%q) = %q, true; want not a global key", k, got)
		}
	}
	for _, k := range []struct{ key, want string }{
		{"aws:MultiFactorAuthPresnt", "aws:MultiFactorAuthPresent"},
		{"aws:MultifactorAuthAg", "aws:MultiFactorAuthAge"},
		{"aws:PrincipleTag/team", "aws:PrincipalTag/team"},
	} {
		if got, ok := c.SuggestGlobalKey(k.key); !ok || got != k.want {
			t.Errorf("SuggestGlobalKey(%q) = %q, %v; want %q", k.key, got, ok, k.want)
		}
	}
	if got, ok := c.SuggestGlobalKey("aws:NothingLikeAnyKeyAtAll"); ok {
		t.Errorf("SuggestGlobalKey of a far name = %q", got)
	}
}

// A key spelt as AWS spells it is found without allocating (eval compiles
// every distinct policy with the catalogue).
func TestGlobalKeyCanonicalNoAlloc(t *testing.T) {
	c := MustLoad()
	c.GlobalKey("aws:SourceIp")
	if n := testing.AllocsPerRun(100, func() {
		c.GlobalKey("aws:SourceIp")
		c.GlobalKey("aws:PrincipalTag/team")
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
