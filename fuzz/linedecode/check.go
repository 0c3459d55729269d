package linedecode

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// newCheck returns the target's property: checkLine and checkDeferred on one
// line, each with a decoder of its own that is reused from line to line.
func newCheck() func([]byte) error {
	var d model.LineDecoder
	deferred := model.LineDecoder{DeferPolicyChecks: true}
	return func(line []byte) error {
		if err := checkLine(&d, line); err != nil {
			return err
		}
		return checkDeferred(&deferred, line)
	}
}

// checkLine holds model.LineDecoder to the reference, model.ParseCaseShared, on
// one line: when the fast path accepts the line, the reference accepts it too
// and the two cases are the same (the context compared as ParseContextValue
// reads the reference's values). Declining is always allowed: the caller then
// uses the reference. d is reused across lines, as eval's workers reuse theirs.
func checkLine(d *model.LineDecoder, line []byte) error {
	c, ctx, ok := d.Decode(line)
	if !ok {
		return nil
	}
	ref, err := model.ParseCaseShared(line)
	if err != nil {
		return fmt.Errorf("the fast decoder accepted a line the reference rejects (%v): %q", err, line)
	}
	return same(c, ctx, ref, line)
}

// checkDeferred holds a decoder with DeferPolicyChecks (eval's) to the
// reference: a line it accepts is the reference's case, or one the reference
// rejects that holds an unchecked policy object and whose policies do not all
// compile (BundleInto, as eval compiles them), so that eval decodes it again
// with every check on.
func checkDeferred(d *model.LineDecoder, line []byte) error {
	c, ctx, ok := d.Decode(line)
	if !ok {
		return nil
	}
	ref, err := model.ParseCaseShared(line)
	if err == nil {
		return same(c, ctx, ref, line)
	}
	if !d.Unchecked() {
		return fmt.Errorf("deferring policy checks, the fast decoder checked every policy and accepted a line the reference rejects (%v): %q", err, line)
	}
	var b model.Bundle
	if c.BundleInto(&model.PolicyCache{}, &b) == nil {
		return fmt.Errorf("deferring policy checks, the fast decoder accepted a line the reference rejects (%v), and its policies compile: %q", err, line)
	}
	return nil
}

// same compares the fast decoder's case (and context list) with the reference's.
func same(c *model.Case, ctx []model.ContextEntry, ref *model.Case, line []byte) error {
	diff := func(what string, a, b any) error {
		return fmt.Errorf("%s: fast %q, reference %q\nline: %q", what, a, b, line)
	}
	for _, f := range []struct {
		name string
		a, b string
	}{
		{"id", c.ID, ref.ID}, {"expect", c.Expect, ref.Expect}, {"expectError", c.ExpectError, ref.ExpectError},
		{"undef", c.Undef, ref.Undef}, {"source", c.Source, ref.Source},
		{"request.principal", c.Request.Principal, ref.Request.Principal}, {"request.action", c.Request.Action, ref.Request.Action},
		{"request.resource", c.Request.Resource, ref.Request.Resource},
		{"request.resourceAccount", c.Request.ResourceAccount, ref.Request.ResourceAccount},
	} {
		if f.a != f.b {
			return diff(f.name, f.a, f.b)
		}
	}
	if c.Request.Context != nil {
		return diff("request.context (the fast path lists it)", c.Request.Context, nil)
	}
	eq := func(a, b []jsontext.Value) bool {
		return slices.EqualFunc(a, b, func(x, y jsontext.Value) bool { return bytes.Equal(x, y) })
	}
	p, q := c.Policies, ref.Policies
	if !eq(p.Identity, q.Identity) || !eq(p.Boundary, q.Boundary) || !eq(p.Resource, q.Resource) ||
		!slices.EqualFunc(p.SCP, q.SCP, eq) || !slices.EqualFunc(p.RCP, q.RCP, eq) {
		return diff("policies", fmt.Sprint(p), fmt.Sprint(q))
	}
	if len(ctx) != len(ref.Request.Context) {
		return diff("request.context", fmt.Sprint(ctx), fmt.Sprint(ref.Request.Context))
	}
	for _, e := range ctx {
		rv, ok := ref.Request.Context[e.Key]
		if !ok {
			return diff("request.context key", e.Key, "")
		}
		want, err := model.ParseContextValue(rv)
		if err != nil {
			return fmt.Errorf("request.context.%s: the fast decoder read %q, the reference rejects it: %v\nline: %q", e.Key, e.Value.Values, err, line)
		}
		if e.Value.Multi != want.Multi || !slices.Equal(e.Value.Values, want.Values) {
			return diff("request.context."+e.Key, fmt.Sprint(e.Value), fmt.Sprint(want))
		}
	}
	return nil
}
