package model

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// ActionCatalog is what the model may know about AWS's actions and their resource
// types. The data lives in corpus/catalog, whose *Catalog implements this; the
// model only asks. Its findings are warnings, never errors: AWS adds actions every
// week, and IAM stores policies that name unknown ones.
type ActionCatalog interface {
	// LookupAction returns the canonical spelling of service:Name (matched
	// case-insensitively) and whether the action exists.
	LookupAction(action string) (string, bool)
	// KnownService reports whether a service prefix exists.
	KnownService(prefix string) bool
	// SuggestAction returns an existing action close to a misspelt one.
	SuggestAction(action string) (string, bool)
	// ResourceFits reports whether resource ("*" or an ARN) can be the resource of
	// the action; known is false when the action is not in the catalogue.
	ResourceFits(action, resource string) (fits, known bool)
	// ResourceTypesOf describes the action's resource types for messages.
	ResourceTypesOf(action string) string
}

// GlobalKeyCatalog is what a catalogue may know about the global condition keys
// (aws:…); *corpus/catalog.Catalog implements it. With one, ParseWith warns
// about an aws: key that is not a global key: a request never carries it, so a
// misspelt aws:MultiFactorAuthPresent makes a BoolIfExists deny always fire and a
// Bool deny never.
type GlobalKeyCatalog interface {
	// GlobalKey returns the canonical spelling of a global key (matched
	// case-insensitively; a tag key such as aws:PrincipalTag/team by its part
	// before the "/") and whether key is one.
	GlobalKey(key string) (string, bool)
	// SuggestGlobalKey returns a global key close to a misspelt one.
	SuggestGlobalKey(key string) (string, bool)
}

// ParseOptions tune Parse.
type ParseOptions struct {
	// Catalog, when set, adds warnings for actions and services that do not
	// exist, and, when it is also a GlobalKeyCatalog, for aws: condition keys
	// that do not.
	Catalog ActionCatalog
}

// ParseWith is Parse with options.
func ParseWith(data []byte, typ PolicyType, opts ParseOptions) (*Policy, error) {
	return parseWith(data, typ, opts, nil, nil)
}

// parseWith is ParseWith with a memo of the catalogue's answers (nil for none),
// which must have been filled from opts.Catalog alone, and one of resources
// that validate cleanly (nil for none).
func parseWith(data []byte, typ PolicyType, opts ParseOptions, memo *lintMemo, clean *cleanMemo) (*Policy, error) {
	p, err := parse(data, typ, clean)
	if err != nil || opts.Catalog == nil {
		return p, err
	}
	if p.warnsDropped > 0 {
		p.Warnings = p.Warnings[:len(p.Warnings)-1] // the count, recomputed below
	}
	ws, more := lintActions(p, opts.Catalog, memo, MaxWarnings-len(p.Warnings))
	p.warnsDropped += more
	p.Warnings = append(p.Warnings, ws...)
	if kc, ok := opts.Catalog.(GlobalKeyCatalog); ok {
		ws, more = lintGlobalKeys(p, kc, MaxWarnings-len(p.Warnings))
		p.warnsDropped += more
		p.Warnings = append(p.Warnings, ws...)
	}
	p.Warnings = capWarnings(p.Warnings, p.warnsDropped)
	return p, nil
}

// lintGlobalKeys returns at most room warnings about aws: condition keys that
// are not global keys, one per distinct key (the first maxSuggestions with a
// "did you mean"), and counts the others.
func lintGlobalKeys(p *Policy, kc GlobalKeyCatalog, room int) (out []Warning, more int) {
	var seen map[string]bool
	for i, st := range p.Statements {
		for _, co := range st.Condition {
			for _, k := range co.Keys {
				if len(k.Key) < 4 || !strings.EqualFold(k.Key[:4], "aws:") {
					continue
				}
				if _, ok := kc.GlobalKey(k.Key); ok {
					continue
				}
				lk := lowerName(k.Key)
				if seen[lk] {
					continue
				}
				if seen == nil {
					seen = map[string]bool{}
				}
				seen[lk] = true
				if len(out) >= room {
					more++
					continue
				}
				msg := strconv.Quote(k.Key) + " is not a global condition key in the catalogue; a key AWS does not set is absent from every request"
				if len(out) < maxSuggestions {
					if s, ok := kc.SuggestGlobalKey(k.Key); ok {
						msg += " (did you mean " + strconv.Quote(s) + "?)"
					}
				}
				path := "Statement"
				if !p.StatementSingle {
					path = listStatementPath(i)
				}
				out = append(out, Warning{Path: path + ".Condition." + co.Operator + "." + k.Key, Offset: st.Offset(), Code: "unknown-condition-key", Msg: msg})
			}
		}
	}
	return out, more
}

// maxSuggestions bounds the "did you mean" hints of one policy: each may scan the
// whole catalogue, and a policy of thousands of unknown actions would otherwise
// cost seconds. Later unknown actions are still reported, without a hint.
const maxSuggestions = 16

// lintActions returns at most room warnings about actions and services that do
// not exist, one per distinct action, and counts the others. memo, when not nil,
// remembers what the catalogue said of each name across policies.
func lintActions(p *Policy, cat ActionCatalog, memo *lintMemo, room int) (out []Warning, more int) {
	hints := 0
	// The actions linted so far, lower-cased: compared one by one while there
	// are few (most policies name a handful), hashed past maxSeenActions.
	var seenBuf [maxSeenActions]string
	seenList := seenBuf[:0]
	var seenMap map[string]bool
	seen := func(la string) bool {
		if seenMap != nil {
			if seenMap[la] {
				return true
			}
			seenMap[la] = true
			return false
		}
		for _, x := range seenList {
			if x == la {
				return true
			}
		}
		if len(seenList) < maxSeenActions {
			seenList = append(seenList, la)
			return false
		}
		seenMap = make(map[string]bool, 4*maxSeenActions)
		for _, x := range seenList {
			seenMap[x] = true
		}
		seenMap[la] = true
		return false
	}
	for i, st := range p.Statements {
		path := "Statement"
		if !p.StatementSingle {
			path = listStatementPath(i)
		}
		for _, e := range []struct {
			name string
			l    *StringList
		}{{"Action", st.Action}, {"NotAction", st.NotAction}} {
			if e.l == nil {
				continue
			}
			for j, a := range e.l.Values {
				la, v := memo.lookup(a, cat)
				if seen(la) {
					continue
				}
				if v == actionFine {
					continue
				}
				if len(out) >= room {
					more++
					continue
				}
				w := lintAction(a, v, cat, hints < maxSuggestions)
				if w.hinted {
					hints++
				}
				out = append(out, Warning{Path: elemPath(path+"."+e.name, e.l, j), Offset: st.Offset(), Code: w.code, Msg: w.msg})
			}
		}
	}
	return out, more
}

// maxSeenActions is how many distinct actions lintActions compares one by one
// before it hashes them.
const maxSeenActions = 16

// actionVerdict is what the catalogue says of an action name in a policy.
type actionVerdict uint8

const (
	actionFine           actionVerdict = iota // exists, or a wildcard or a name the catalogue cannot judge
	actionUnknownService                      // no service has its prefix
	actionUnknown                             // its service exists, the action does not
)

// judgeAction asks the catalogue about one action name.
func judgeAction(a string, cat ActionCatalog) actionVerdict {
	if a == "*" {
		return actionFine
	}
	svc, _, ok := strings.Cut(a, ":")
	if !ok {
		return actionFine
	}
	if !hasWildcard(svc) && !cat.KnownService(svc) {
		return actionUnknownService
	}
	if hasWildcard(a) {
		return actionFine
	}
	if _, ok := cat.LookupAction(a); ok {
		return actionFine
	}
	return actionUnknown
}

// lintMemo remembers, for one catalogue, each action name's lower case and
// verdict: policies that do not repeat still name the same actions, and asking
// the catalogue again (twice, case-insensitively) was 7 % of eval's
// instructions on distinct cases (docs/performance.md, "eval, eighth pass").
// It holds at most maxLintMemo names of at most maxLoweredLen bytes, then
// starts over. A PolicyCache keeps one for its Catalog.
type lintMemo struct {
	mu sync.Mutex
	m  map[string]memoAction
}

type memoAction struct {
	lower   string
	verdict actionVerdict
}

const maxLintMemo = 4096

// lookup returns the lower case of a and the catalogue's verdict on it, from the
// memo when it has them (m may be nil: then from the catalogue). The catalogue
// is asked without the lock held, as eval's workers share the memo.
func (m *lintMemo) lookup(a string, cat ActionCatalog) (string, actionVerdict) {
	if m == nil {
		return lowerName(a), judgeAction(a, cat)
	}
	m.mu.Lock()
	e, ok := m.m[a]
	m.mu.Unlock()
	if ok {
		return e.lower, e.verdict
	}
	e = memoAction{lowerName(a), judgeAction(a, cat)}
	if len(a) <= maxLoweredLen {
		m.mu.Lock()
		if m.m == nil || len(m.m) >= maxLintMemo {
			m.m = make(map[string]memoAction, 256)
		}
		// The key is copied: a may share its bytes with a larger string.
		m.m[strings.Clone(a)] = e
		m.mu.Unlock()
	}
	return e.lower, e.verdict
}

type lint struct {
	code, msg string
	hinted    bool // a suggestion was looked up
}

// lintAction words the warning about an action the catalogue judged v (not
// actionFine), with a "did you mean" when suggest is set.
func lintAction(a string, v actionVerdict, cat ActionCatalog, suggest bool) lint {
	if v == actionUnknownService {
		svc, _, _ := strings.Cut(a, ":")
		return lint{"unknown-service", fmt.Sprintf("%q: no AWS service has the prefix %q", a, svc), false}
	}
	msg := fmt.Sprintf("%q is not an action in the catalogue", a)
	if !suggest {
		return lint{"unknown-action", msg, false}
	}
	if s, ok := cat.SuggestAction(a); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return lint{"unknown-action", msg, true}
}

// RequestWarnings flags a request whose action does not exist or whose resource
// cannot belong to its action (e.g. an ARN for an action that takes no resource).
// Such requests are still decided: the warnings explain surprising answers.
func RequestWarnings(r *Request, cat ActionCatalog) []string {
	if cat == nil {
		return nil
	}
	if _, ok := cat.LookupAction(r.Action); !ok {
		msg := fmt.Sprintf("request: %q is not an action in the catalogue", r.Action)
		if s, ok := cat.SuggestAction(r.Action); ok {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return []string{msg}
	}
	if fits, known := cat.ResourceFits(r.Action, r.Resource); known && !fits {
		return []string{fmt.Sprintf("request: %q cannot be the resource of %s, which takes %s", r.Resource, r.Action, cat.ResourceTypesOf(r.Action))}
	}
	return nil
}
