package model

import (
	"fmt"
	"strconv"
	"strings"
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
	p, err := Parse(data, typ)
	if err != nil || opts.Catalog == nil {
		return p, err
	}
	if p.warnsDropped > 0 {
		p.Warnings = p.Warnings[:len(p.Warnings)-1] // the count, recomputed below
	}
	ws, more := lintActions(p, opts.Catalog, MaxWarnings-len(p.Warnings))
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
// not exist, one per distinct action, and counts the others.
func lintActions(p *Policy, cat ActionCatalog, room int) (out []Warning, more int) {
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
				if seen(lowerName(a)) {
					continue
				}
				if len(out) >= room {
					if _, ok := lintAction(a, cat, false); ok {
						more++
					}
					continue
				}
				if w, ok := lintAction(a, cat, hints < maxSuggestions); ok {
					if w.hinted {
						hints++
					}
					out = append(out, Warning{Path: elemPath(path+"."+e.name, e.l, j), Offset: st.Offset(), Code: w.code, Msg: w.msg})
				}
			}
		}
	}
	return out, more
}

// maxSeenActions is how many distinct actions lintActions compares one by one
// before it hashes them.
const maxSeenActions = 16

type lint struct {
	code, msg string
	hinted    bool // a suggestion was looked up
}

func lintAction(a string, cat ActionCatalog, suggest bool) (lint, bool) {
	if a == "*" {
		return lint{}, false
	}
	svc, _, ok := strings.Cut(a, ":")
	if !ok {
		return lint{}, false
	}
	if !hasWildcard(svc) && !cat.KnownService(svc) {
		return lint{"unknown-service", fmt.Sprintf("%q: no AWS service has the prefix %q", a, svc), false}, true
	}
	if hasWildcard(a) {
		return lint{}, false
	}
	if _, ok := cat.LookupAction(a); ok {
		return lint{}, false
	}
	msg := fmt.Sprintf("%q is not an action in the catalogue", a)
	if !suggest {
		return lint{"unknown-action", msg, false}, true
	}
	if s, ok := cat.SuggestAction(a); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return lint{"unknown-action", msg, true}, true
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
