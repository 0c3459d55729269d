package peer

import "testing"

// TestSplitOperator: operator names split into set, base and IfExists, and back.
func TestSplitOperator(t *testing.T) {
	for name, want := range map[string]conditionOp{
		"StringLike":                           {base: "StringLike"},
		"ForAnyValue:StringLikeIfExists":       {set: "ForAnyValue:", base: "StringLike", ifExists: true},
		"ForAllValues:NumericEquals":           {set: "ForAllValues:", base: "NumericEquals"},
		"BoolIfExist":                          {base: "BoolIfExist"},
		"ForAllValues:StringNotEqualsIfExists": {set: "ForAllValues:", base: "StringNotEquals", ifExists: true},
	} {
		if got := splitOperator(name); got != want || got.String() != name {
			t.Errorf("splitOperator(%s) = %+v (%s)", name, got, got.String())
		}
	}
}
