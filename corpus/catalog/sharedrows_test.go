package catalog

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/go-json-experiment/json"
)

// TestSharedResourceTypeListsAreTheParsedOnes decodes every service with the
// actions' resource type lists shared by their text and with a list of its own
// for each action: each action's list must be the same either way, and sharing
// must leave fewer lists than actions that have one.
func TestSharedResourceTypeListsAreTheParsedOnes(t *testing.T) {
	c := MustLoad()
	lists, distinct := 0, map[*ResourceType]bool{}
	for i := range c.services {
		ls := &c.services[i]
		var sj serviceJSON
		if err := json.Unmarshal(ls.raw, &sj); err != nil {
			t.Fatal(err)
		}
		shared, err := buildServiceLists(&sj, c, true)
		if err != nil {
			t.Fatal(err)
		}
		own, err := buildServiceLists(&sj, c, false)
		if err != nil {
			t.Fatal(err)
		}
		for j, a := range shared.Actions {
			if !reflect.DeepEqual(a.ResourceTypes, own.Actions[j].ResourceTypes) {
				t.Fatalf("%s: shared list %+v, parsed on its own %+v", a.FullName(), a.ResourceTypes, own.Actions[j].ResourceTypes)
			}
			if len(a.ResourceTypes) > 0 {
				lists++
				distinct[unsafe.SliceData(a.ResourceTypes)] = true
			}
		}
	}
	if len(distinct)*2 > lists {
		t.Fatalf("%d actions with resource types hold %d distinct lists: want them shared", lists, len(distinct))
	}
	t.Logf("%d actions with resource types, %d distinct lists", lists, len(distinct))
}
