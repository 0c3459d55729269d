package peer

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// dateOps are the Date operators.
var dateOps = []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}

// peerEpoch reports whether the peer reads a date value as a Unix epoch: an integer
// written canonically (JavaScript's parseInt(v).toString() === v).
func peerEpoch(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != v {
		return 0, false
	}
	return n, true
}

// asMillis is the ISO 8601 time that an epoch value E means when read as
// milliseconds.
func asMillis(n int64) string {
	return time.UnixMilli(n).UTC().Format("2006-01-02T15:04:05.000Z")
}

// emulateEpochDate: AWS reads an integer date value as epoch seconds (the
// condition operators page; aws:EpochTime carries seconds). The peer keeps the
// integer but compares it with ISO dates converted to milliseconds, so an epoch
// value means E milliseconds after 1970. Integer values of Date operators, and of
// the request keys they test, are rewritten to that instant.
func emulateEpochDate(rc *rewriteCase) bool {
	dateKeys, otherKeys := map[string]bool{}, map[string]bool{}
	changed := false
	rc.eachCondition(true, func(_ *node, op conditionOp, block *node) {
		isDate := slices.Contains(dateOps, op.base)
		for _, k := range block.members {
			if !isDate {
				otherKeys[strings.ToLower(k.name)] = true
				continue
			}
			dateKeys[strings.ToLower(k.name)] = true
			for _, v := range k.val.elems() {
				text, ok := v.str()
				if !ok && (v.kind == '0') {
					text, ok = string(v.raw), true
				}
				if n, epoch := peerEpoch(text); ok && epoch {
					*v = *stringNode(asMillis(n))
					changed = true
				}
			}
		}
	})
	for k, raw := range rc.req.Context {
		lk := strings.ToLower(k)
		if !dateKeys[lk] {
			continue
		}
		var text string
		switch raw.Kind() {
		case '"':
			n, _ := parseTree(raw)
			text, _ = n.str()
		case '0':
			text = string(raw)
		default:
			continue
		}
		n, epoch := peerEpoch(text)
		if !epoch {
			continue
		}
		if otherKeys[lk] {
			return false // the key is compared as a number too: no single rewrite fits
		}
		rc.req.Context[k], _ = jsontext.AppendQuote(nil, asMillis(n))
		changed = true
	}
	return changed
}
