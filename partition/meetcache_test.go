package partition

import (
	"slices"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// ownedClasses returns the sorted classes (sortedClasses) of a self-manage
// policy over iam users and MFA devices, whose caller predicate "owned" is
// the language of kind's ARNs ("user" or "mfa"): the same name for two
// languages, which what the process keeps must tell apart. service is the
// predicate's Service ("" for none).
func ownedClasses(t *testing.T, service string) func(kind string) []string {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:GetUser","iam:ListMFADevices","iam:CreateVirtualMFADevice"],"Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/${aws:username}"]}]}`
	cat := catalog.MustLoad()
	return func(kind string) []string {
		owned := func(Principal) []ResourcePred {
			l := Seq(Lit("arn:aws:iam::"), Star(Byte(Digits)), Lit(":"+kind+"/"), Plus(Byte(NameChars)))
			return []ResourcePred{{Key: "owned", Lang: l, Service: service}}
		}
		out, _ := sortedClasses(&Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, Resources: owned})
		return out
	}
}

// The process-wide answers of meet (meetcache.go) are keyed by the languages'
// shapes, not by the names a problem gives them: two problems that give one
// predicate name to different languages each get their own classes, the same
// as with nothing kept, and a problem checked again gets the same classes
// from the kept answers.
func TestSharedMeetsFollowTheLanguage(t *testing.T) {
	run := ownedClasses(t, "iam")
	forget := func() {
		sharedMeets.Lock()
		sharedMeets.m = nil
		sharedMeets.Unlock()
	}
	forget()
	userFresh := run("user")
	forget()
	mfaFresh := run("mfa")
	if slices.Equal(userFresh, mfaFresh) {
		t.Fatal("the two predicates give the same classes: the test tells nothing")
	}
	// Kept answers from the user problem, then the mfa problem, and again.
	forget()
	if got := run("user"); !slices.Equal(got, userFresh) {
		t.Fatal("user: classes differ from a first run's")
	}
	if got := run("mfa"); !slices.Equal(got, mfaFresh) {
		t.Errorf("mfa after user: %d classes, %d with nothing kept", len(got), len(mfaFresh))
	}
	if got := run("user"); !slices.Equal(got, userFresh) {
		t.Errorf("user again: %d classes, %d with nothing kept", len(got), len(userFresh))
	}
	sharedMeets.Lock()
	n := len(sharedMeets.m)
	sharedMeets.Unlock()
	if n == 0 {
		t.Error("no answer was kept")
	}
}

// langKey: the same key only for the same expression.
func TestLangKeyTellsExpressionsApart(t *testing.T) {
	langs := []*Lang{Lit("ab"), Seq(Lit("a"), Lit("b")), LitFold("ab"), Alt(Lit("a"), Lit("b")), Star(Lit("a")),
		Between(Lit("a"), 0, 2), Between(Lit("a"), 0, 3), Seq(), Alt(), Byte(Digits), Byte(Set("0")), Lit("0"),
		// Raw automata: the same edges with another start, accepting state
		// or target, and one edge more.
		Raw(&rawNFA{edges: [][]nedge{{{Set("a"), 1}}, nil}, start: []int32{0}, accept: []int32{1}}),
		Raw(&rawNFA{edges: [][]nedge{{{Set("a"), 1}}, nil}, start: []int32{1}, accept: []int32{1}}),
		Raw(&rawNFA{edges: [][]nedge{{{Set("a"), 1}}, nil}, start: []int32{0}, accept: []int32{0}}),
		Raw(&rawNFA{edges: [][]nedge{{{Set("a"), 0}}, nil}, start: []int32{0}, accept: []int32{1}}),
		Raw(&rawNFA{edges: [][]nedge{{{Set("a"), 1}, {Set("b"), 1}}, nil}, start: []int32{0}, accept: []int32{1}}),
		Raw(&rawNFA{edges: [][]nedge{{{Set("ab"), 1}}, nil}, start: []int32{0}, accept: []int32{1}})}
	seen := map[string]int{}
	for i, l := range langs {
		k, ok := l.appendKey(nil)
		if !ok {
			t.Fatalf("expression %d has no key", i)
		}
		if j, dup := seen[string(k)]; dup {
			t.Errorf("expressions %d and %d share the key %q", j, i, k)
		}
		seen[string(k)] = i
	}
}
