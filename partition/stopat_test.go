package partition

import (
	"context"
	"reflect"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// Coverage.StopAt on a class of a finished enumeration gives the coverage of
// the same enumeration stopped at that class by its visitor: the counters,
// the key counts and the unknowns noted after it (a coupled variable's, the
// class budget's) are undone. The stops tried are every class where
// something besides the class count changed, the classes around them, and
// sixteen more spread over the rest.
func TestStopAtIsStoppingThere(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::a*/x*","Condition":{"StringEquals":{"s3:prefix":["p","q"]}}},
		{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:PrincipalTag/team}"},
		{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	cat := catalog.MustLoad()
	mfa := model.Single("true")
	problem := func(maxClasses int) *Problem {
		return &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, Accounts: []string{"111122223333"},
			Keys: []KeyDomain{{Key: "aws:MultiFactorAuthPresent", Values: []*model.ContextValue{nil, &mfa}}}, MaxClasses: maxClasses}
	}
	for _, budget := range []int{0, 200} {
		var classes []*Class
		whole := Enumerate(context.Background(), problem(budget), func(c *Class) bool { classes = append(classes, c); return true })
		if len(classes) < 20 {
			t.Fatalf("budget %d: only %d classes, too few to stop in", budget, len(classes))
		}
		var stops []int
		for i := range classes {
			at, prev := classes[i].at, coverMark{}
			if i > 0 {
				prev = classes[i-1].at
			}
			if i%(len(classes)/16) == 0 || i == len(classes)-1 || at.unknown != prev.unknown || at.keys != prev.keys {
				stops = append(stops, max(i-1, 0), i, min(i+1, len(classes)-1))
			}
		}
		t.Logf("budget %d: %d classes, %d stops", budget, len(classes), len(stops))
		changed := 0
		for _, k := range stops {
			n := 0
			want := Enumerate(context.Background(), problem(budget), func(*Class) bool { n++; return n <= k })
			got := *whole
			got.Keys = map[string]int{}
			for key, v := range whole.Keys {
				got.Keys[key] = v
			}
			got.Unknown = append([]string(nil), whole.Unknown...)
			got.keyLog = append([]keyChange(nil), whole.keyLog...)
			got.StopAt(classes[k])
			if !reflect.DeepEqual(&got, want) {
				t.Fatalf("budget %d, stopped at class %d of %d:\nStopAt: %+v\nvisitor: %+v", budget, k, len(classes), got, *want)
			}
			if got.Classes != whole.Classes || len(got.Unknown) != len(whole.Unknown) || !reflect.DeepEqual(got.Keys, whole.Keys) {
				changed++
			}
		}
		if changed == 0 {
			t.Fatalf("budget %d: no stop changed the coverage, so StopAt was not tested", budget)
		}
	}
}
