package peer

import (
	"slices"
	"strings"
)

// equalsOps are the String operators without wildcards.
var equalsOps = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}

// emulateSpecialVarsInEquals: ${*}, ${?} and ${$} stand for the characters *, ?
// and $ wherever variables are allowed (docs/semantics.md §6). The peer replaces
// them only in operators with wildcards; under StringEquals and its relatives it
// compares the text "${*}" itself. The model is given that text as
// "${$}{*}" ("$" followed by the literal "{*}").
func emulateSpecialVarsInEquals(rc *rewriteCase) bool {
	changed := false
	rc.eachCondition(false, func(_ *node, op conditionOp, block *node) {
		if !slices.Contains(equalsOps, op.base) {
			return
		}
		for _, k := range block.members {
			for _, v := range k.val.elems() {
				text, ok := v.str()
				if !ok || !strings.Contains(text, "${") {
					continue
				}
				var b strings.Builder
				for i := 0; i < len(text); i++ {
					if strings.HasPrefix(text[i:], "${") && i+3 < len(text) && text[i+3] == '}' && strings.IndexByte("*?$", text[i+2]) >= 0 {
						b.WriteString("${$}{" + text[i+2:i+4])
						i += 3
						changed = true
						continue
					}
					b.WriteByte(text[i])
				}
				*v = *stringNode(b.String())
			}
		}
	})
	return changed
}
