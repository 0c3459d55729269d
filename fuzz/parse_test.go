package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// FuzzParse: the parser never panics, errors are values with a kind and a path,
// and parse∘marshal∘parse is the identity.
func FuzzParse(f *testing.F) {
	for _, s := range policySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range []model.PolicyType{model.IdentityPolicy, model.ResourcePolicy} {
			p, err := model.Parse(data, typ)
			if err != nil {
				var list model.ErrorList
				if !errors.As(err, &list) || len(list) == 0 {
					t.Fatalf("error is not a non-empty ErrorList: %T %v", err, err)
				}
				for _, e := range list {
					if e.Kind == nil || model.KindOf(e) == "" {
						t.Fatalf("error without a kind: %v", e)
					}
				}
				continue
			}
			m1 := p.Marshal()
			p2, err := model.Parse(m1, typ)
			if err != nil {
				t.Fatalf("the marshalled document does not parse: %v\ninput:     %q\nmarshalled: %s", err, data, m1)
			}
			if m2 := p2.Marshal(); !bytes.Equal(m1, m2) {
				t.Fatalf("parse∘marshal∘parse is not the identity:\n%s\n%s", m1, m2)
			}
			// Compiling must not panic either.
			model.Compile(p2)
		}
	})
}
