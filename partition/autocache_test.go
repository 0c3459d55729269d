package partition

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// forgetShared empties what the process keeps across enumerations: meets,
// automata and walks.
func forgetShared() {
	sharedMeets.Lock()
	sharedMeets.m = nil
	sharedMeets.Unlock()
	autoPool.Lock()
	autoPool.m, autoPool.words = nil, 0
	autoPool.Unlock()
	sharedWalks.Lock()
	sharedWalks.m, sharedWalks.bytes = nil, 0
	sharedWalks.Unlock()
}

// sharedByName runs two problems that give one caller predicate's name
// ("owned") to different languages, each first with nothing kept, then one
// after the other with what the process keeps, and returns how the kept runs
// differ from the fresh ones.
func sharedByName(t *testing.T) (diffs []string) {
	t.Helper()
	run := ownedClasses(t, "") // the predicate without a service
	forgetShared()
	userFresh := run("user")
	forgetShared()
	mfaFresh := run("mfa")
	if slices.Equal(userFresh, mfaFresh) {
		t.Fatal("the two predicates give the same classes: the test tells nothing")
	}
	forgetShared()
	for i, kind := range []string{"user", "mfa", "user", "mfa"} {
		want := userFresh
		if kind == "mfa" {
			want = mfaFresh
		}
		if got := run(kind); !slices.Equal(got, want) {
			diffs = append(diffs, fmt.Sprintf("run %d (%s): %d classes, %d with nothing kept", i, kind, len(got), len(want)))
		}
	}
	autoPool.Lock()
	pooled := len(autoPool.m)
	autoPool.Unlock()
	sharedWalks.Lock()
	walks := len(sharedWalks.m)
	sharedWalks.Unlock()
	if pooled == 0 || walks == 0 {
		t.Fatalf("nothing kept: %d automata, %d walks", pooled, walks)
	}
	return diffs
}

// A kept walk is used only under a budget it fits, and charged its states:
// under every per-walk and total budget, an enumeration after a full one gives
// the classes and unknowns of one with nothing kept.
func TestSharedWalksKeepTheBudgets(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":["arn:aws:s3:::a*b*c*/x*","arn:aws:s3:::*d*e/*f*"]}]}`
	cat := catalog.MustLoad()
	run := func(budget, total int) string {
		out, c := sortedClasses(&Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, Budget: budget, TotalBudget: total})
		return fmt.Sprintf("%d classes, unknown %q\n%s", c.Classes, c.Unknown, strings.Join(out, "\n"))
	}
	budgets := [][2]int{{0, 0}, {50, 0}, {0, 50}, {400, 0}, {0, 400}, {0, 2000}, {200, 700}}
	fresh := make([]string, len(budgets))
	stopped := 0
	for i, b := range budgets {
		forgetShared()
		fresh[i] = run(b[0], b[1])
		if strings.Contains(fresh[i], "budget") {
			stopped++
		}
	}
	if stopped < 3 {
		t.Fatalf("only %d of the budgets stop a walk: the test tells little", stopped)
	}
	forgetShared()
	run(0, 0)
	for i, b := range budgets {
		if got := run(b[0], b[1]); got != fresh[i] {
			t.Errorf("budget %d, total %d: after a full enumeration\n%.300s\nwith nothing kept\n%.300s", b[0], b[1], got, fresh[i])
		}
	}
}

// Enumerations running at once share the kept meets, automata and walks (an
// automaton is taken by one at a time) and each gets the classes of one run
// alone; go test -race checks the sharing too.
func TestSharedCachesConcurrently(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","s3:GetObject"],
		"Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:s3:::a*b*/x*"]}]}`
	cat := catalog.MustLoad()
	run := func() []string {
		out, _ := sortedClasses(&Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat})
		return out
	}
	forgetShared()
	want := run()
	forgetShared()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				if got := run(); !slices.Equal(got, want) {
					t.Errorf("goroutine %d, run %d: %d classes, %d alone", g, i, len(got), len(want))
				}
			}
		}()
	}
	wg.Wait()
}
