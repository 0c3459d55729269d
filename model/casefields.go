package model

import (
	"bytes"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// The member names of a case and of its request (Case, CaseRequest), and the
// members a recorded case carries besides them (docs/eval-format.md, "Unknown
// fields"; oracle/replay.Record, whose test holds this list to its fields).
var (
	caseFields     = []string{"id", "policies", "request", "expect", "expectError", "undef", "note", "source"}
	requestFields  = []string{"principal", "action", "resource", "resourceAccount", "context"}
	recordedFields = []string{"recordedFrom", "operation", "askedAt", "sdk", "key", "decision", "matched", "missing", "error", "errorKind", "answer", "sent"}
)

// RecordedCaseFields returns the members a recorded case has besides a case's
// own: eval ignores them without a word.
func RecordedCaseFields() []string { return slices.Clone(recordedFields) }

// FieldTypo is an unknown member of a case line whose name is a near miss of a
// field of the eval format. eval ignores unknown members (forward
// compatibility, recorded cases), so a misspelt "expect" would drop the
// assertion and a misspelt "policies" would decide with no policies: eval warns.
type FieldTypo struct {
	Path  string // JSON path of the member, e.g. "expectd" or "request.Action"
	Name  string // the member's name as written
	Meant string // the field it probably stands for
}

// CaseFieldTypos returns the near misses among the unknown members of a case
// line and of its request object, in the order they appear. A name is a near
// miss of a field when it equals it ignoring case, is its singular or plural,
// or, for names of four bytes or more, is within edit distance 2 of it. The
// recorded-case fields (RecordedCaseFields) are never near misses. line should
// be a line eval decoded; anything it cannot read ends the scan quietly (the
// decoders report the line's errors).
func CaseFieldTypos(line []byte) []FieldTypo {
	var out []FieldTypo
	dec := jsontext.NewDecoder(bytes.NewReader(line))
	scanFieldNames(dec, "", caseFields, &out)
	return out
}

// scanFieldNames reads the object at dec, appending its near misses of known to
// out; the object of "request" at the top level is scanned too.
func scanFieldNames(dec *jsontext.Decoder, prefix string, known []string, out *[]FieldTypo) bool {
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return false
		}
		name := tok.String()
		switch {
		case prefix == "" && name == "request" && dec.PeekKind() == '{':
			if !scanFieldNames(dec, "request.", requestFields, out) {
				return false
			}
			continue
		case slices.Contains(known, name) || (prefix == "" && slices.Contains(recordedFields, name)):
		default:
			if meant, ok := nearMiss(name, known); ok {
				*out = append(*out, FieldTypo{Path: prefix + name, Name: name, Meant: meant})
			}
		}
		if dec.SkipValue() != nil {
			return false
		}
	}
	_, err := dec.ReadToken()
	return err == nil
}

// nearMiss returns the field of known that name probably stands for (see
// CaseFieldTypos).
func nearMiss(name string, known []string) (string, bool) {
	maxDist := 0
	if len(name) >= 4 {
		maxDist = 2
	}
	if k, ok := Closest(name, known, maxDist); ok {
		return k, true
	}
	l := strings.ToLower(name)
	for _, k := range known {
		lk := strings.ToLower(k)
		if l+"s" == lk || lk+"s" == l || plural(l) == lk || plural(lk) == l {
			return k, true
		}
	}
	return "", false
}

// plural is the English plural of a lower-case field name ending in a
// consonant and y (policy: policies), else the name with an s.
func plural(s string) string {
	if n := len(s); n > 1 && s[n-1] == 'y' && !strings.ContainsRune("aeiou", rune(s[n-2])) {
		return s[:n-1] + "ies"
	}
	return s + "s"
}
