package properties

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestSpecAliasAmplificationBounded: YAML aliases let a small spec repeat one long
// bad value in thousands of errors (11 MB of them). The report keeps at most
// maxSpecErrors errors of bounded length, and counts the rest.
func TestSpecAliasAmplificationBounded(t *testing.T) {
	big := strings.Repeat("z", 20000)
	refs := strings.TrimSuffix(strings.Repeat("*big, ", 2000), ", ")
	spec := fmt.Sprintf("version: 1\nx: &big %q\nliveness: [%s]\nmfa-gate:\n  allow-without-mfa: [[%s]]\n", big, refs, refs)
	_, err := ParseSpec([]byte(spec), "laughs.yaml")
	var errs SpecErrors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want SpecErrors", err)
	}
	if len(errs) > maxSpecErrors+1 {
		t.Errorf("%d errors, want at most %d and a count", len(errs), maxSpecErrors)
	}
	if n := len(err.Error()); n > (maxSpecErrors+1)*3*maxSpecErrorMsg {
		t.Errorf("%d bytes of errors", n)
	}
	if !errors.Is(err, ErrSpecInvalidValue) {
		t.Errorf("kind: %v", err)
	}
}
