package properties

import (
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// Describe explains a violation in a few lines: the reason, the request in the
// eval format, the decision, the statement and the command that replays it.
func (t *Target) Describe(v *Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s\n", v.Severity, v.Invariant, v.Reason)
	fmt.Fprintf(&b, "  request:   %s\n", RequestJSON(v))
	fmt.Fprintf(&b, "  decision:  %s\n", v.Decision)
	if s := v.Statement; s != nil {
		if s.Decided {
			fmt.Fprintf(&b, "  statement: %s at %s\n", s.Label(true, ""), s.Location(t.Path))
		} else {
			fmt.Fprintf(&b, "  nearest:   %s at %s: %s\n", s.Label(false, ""), s.Location(t.Path), s.Why)
		}
	} else if v.Decision == model.ImplicitDeny {
		fmt.Fprintf(&b, "  statement: none allows %s\n", v.Request.Action)
	}
	if len(v.Also) > 0 {
		more := ""
		if v.AlsoMore > 0 {
			more = fmt.Sprintf(" and %d more", v.AlsoMore)
		}
		fmt.Fprintf(&b, "  also:      %s%s\n", strings.Join(v.Also, ", "), more)
	}
	fmt.Fprintf(&b, "  replay:    %s\n", t.ReplayCommand(v))
	return b.String()
}
