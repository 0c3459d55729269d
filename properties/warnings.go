package properties

// PolicyWarning is a warning about the checked policy itself, as the model reports
// it when it parses the policy with the action catalogue: an action or a service
// that does not exist (with a "did you mean"), a policy variable without Version
// 2012-10-17, a value of the wrong type for its operator, a duplicate Sid. It never
// changes a verdict (IAM stores such policies), but it names the cause a finding
// alone may hide: an action misspelt in a Deny's NotAction denies the action it
// meant to exempt, and the finding points at the Deny, not at the typo.
type PolicyWarning struct {
	Code    string `json:"code"` // the model's stable name, e.g. "unknown-action"
	Path    string `json:"path"` // the JSON path in the policy document, e.g. Statement[3].NotAction[1]
	File    string `json:"file"` // the file the policy lives in (a template or plan for theirs)
	Line    int    `json:"line,omitzero"`
	Column  int    `json:"column,omitzero"`
	Message string `json:"message"`

	where string // file:line:col of the statement, or the policy's name
}

// String is "where: path: message (code)", as check prints it.
func (w PolicyWarning) String() string {
	s := w.where + ": "
	if w.Path != "" {
		s += w.Path + ": "
	}
	return s + w.Message + " (" + w.Code + ")"
}

// Warnings lists the warnings about the checked policy, each placed at its
// statement in the file the policy lives in (a template's own line; for a policy
// of a Terraform plan, which holds it as one string, the string, and the report
// names the plan address).
func (t *Target) Warnings() []PolicyWarning {
	out := make([]PolicyWarning, 0, len(t.Policy.Warnings))
	for _, mw := range t.Policy.Warnings {
		w := PolicyWarning{Code: mw.Code, Path: mw.Path, File: t.Path, Message: mw.Msg, where: t.Path}
		if src := t.Source; src != nil {
			pos := src.Locate(mw.Offset)
			w.File, w.Line, w.Column = src.File, pos.Line, pos.Column
			w.where = src.Where(mw.Offset)
			if src.Precise() && src.ID != "" {
				w.where += " (" + src.Name + ")"
			}
		}
		out = append(out, w)
	}
	return out
}
