package model

import "testing"

// TestFullSlotTable: once the key table is full, keys without a slot are still
// found (the request's map), in conditions, variables and Request.Value, and a
// policy key without a slot is absent from a slotted request.
func TestFullSlotTable(t *testing.T) {
	keySlot("test:slotted", true)
	keySlots.mu.Lock()
	saved := maxKeySlots
	maxKeySlots = len(keySlots.ids)
	keySlots.mu.Unlock()
	defer func() {
		keySlots.mu.Lock()
		maxKeySlots = saved
		keySlots.mu.Unlock()
	}()
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${test:fullvar}",
		"Condition":{"StringEquals":{"test:FullKey":"yes","test:slotted":"on"}}}}`
	c, err := CompileText([]byte(doc), IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if c.stmts[0].conds[0].slot != 0 && c.stmts[0].conds[1].slot != 0 {
		t.Fatal("the test needs a condition key without a slot")
	}
	b := &Bundle{Identity: []*Compiled{c}}
	decide := func(ctx map[string]ContextValue) Result {
		r, err := NewRequest("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/x", ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := r.Value("TEST:FULLKEY"); ok != (ctx["test:fullkey"].Values != nil) || ok && v.Values[0] != "yes" {
			t.Errorf("Value(test:FullKey) = %v, %v", v, ok)
		}
		return Decide(b, r)
	}
	full := map[string]ContextValue{"test:fullkey": Single("yes"), "test:slotted": Single("on"), "test:fullvar": Single("x")}
	if res := decide(full); res.Decision != Allowed {
		t.Errorf("unslotted request: %s, missing %v", res.Decision, res.Missing)
	}
	if res := decide(map[string]ContextValue{"test:slotted": Single("on")}); res.Decision != ImplicitDeny || len(res.Missing) != 1 || res.Missing[0] != "test:fullvar" {
		t.Errorf("slotted request without the unslotted keys: %s, missing %v", res.Decision, res.Missing)
	}
}
