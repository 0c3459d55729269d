package replay

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// TestRecordFieldsKnownToEval: every member of a record that is not a case's own
// is one eval ignores without a typo warning (model.RecordedCaseFields), so a
// recorded file given to eval as it is (corpus/recorded/README.md) is quiet.
func TestRecordFieldsKnownToEval(t *testing.T) {
	known := model.RecordedCaseFields()
	rt := reflect.TypeFor[Record]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		switch name {
		case "id", "policies", "request":
			continue
		}
		if !slices.Contains(known, name) {
			t.Errorf("Record field %q is not in model.RecordedCaseFields: eval would take it for a case field typo", name)
		}
	}
}
