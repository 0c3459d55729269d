package main

import (
	"fmt"
	"io"

	"github.com/iamfuzz/iamfuzz/model"
)

// lineTypo is a misspelt field (model.CaseFieldTypos) on line n of a batch.
type lineTypo struct {
	n int
	model.FieldTypo
}

// writeTypos warns on stderr about the misspelt fields of a written batch, once
// per JSON path per run and in input order, so that the warnings do not depend
// on how the lines were shared among workers. eval ignores unknown fields
// (docs/eval-format.md), so a typo would otherwise change the case's meaning
// without a word; the decision and the exit status stay as they were.
func (ev *evaluator) writeTypos(w io.Writer, b *batch) {
	for _, t := range b.typos {
		if ev.typoWarned[t.Path] {
			continue
		}
		if ev.typoWarned == nil {
			ev.typoWarned = map[string]bool{}
		}
		ev.typoWarned[t.Path] = true
		fmt.Fprintf(w, "iamfuzz eval: warning: %s:%d: %s: unknown field ignored; did you mean %q? (docs/eval-format.md)\n",
			b.name, t.n, t.Path, t.Meant)
	}
}
