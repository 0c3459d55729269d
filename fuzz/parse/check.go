package parse

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"

	"github.com/iamfuzz/iamfuzz/model"
)

// checkParse is the parse target's property over one document: the parser never
// panics, it answers as the reference (model.ParseReference: jsontext's tokens
// instead of the fast scanner's) does, errors are a non-empty model.ErrorList
// whose entries have a kind, and parse∘marshal∘parse is the identity; compiling
// never panics. It runs on the
// execution's own goroutine: handed to internal/warmstack's, as the other targets'
// properties are, it measured no gain (docs/performance.md, "Fuzz targets"). Documents longer
// than MaxInput are skipped (see there).
func checkParse(data []byte) error {
	if len(data) > MaxInput {
		return nil
	}
	for _, typ := range []model.PolicyType{model.IdentityPolicy, model.ResourcePolicy, model.TrustPolicy} {
		p, err := model.Parse(data, typ)
		// The two token sources are compared on one type: the type changes
		// only the validation that follows reading, which both share (each
		// comparison costs a third of the target's time).
		if typ == model.IdentityPolicy {
			if rp, rerr := model.ParseReference(data, typ); !reflect.DeepEqual(p, rp) || !reflect.DeepEqual(err, rerr) {
				return fmt.Errorf("model.Parse and model.ParseReference disagree on a %s policy:\nParse:     %+v, %v\nreference: %+v, %v\ninput: %q", typ, p, err, rp, rerr, data)
			}
		}
		if err != nil {
			var list model.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				return fmt.Errorf("error is not a non-empty ErrorList: %T %v\ninput: %q", err, err, data)
			}
			for _, e := range list {
				if e.Kind == nil || model.KindOf(e) == "" {
					return fmt.Errorf("error without a kind: %v\ninput: %q", e, data)
				}
			}
			continue
		}
		m1 := p.Marshal()
		p2, err := model.Parse(m1, typ)
		if err != nil {
			return fmt.Errorf("the marshalled document does not parse: %w\ninput:      %q\nmarshalled: %s", err, data, m1)
		}
		if m2 := p2.Marshal(); !bytes.Equal(m1, m2) {
			return fmt.Errorf("parse∘marshal∘parse is not the identity:\n%s\n%s\ninput: %q", m1, m2, data)
		}
		model.Compile(p2)
	}
	return nil
}
