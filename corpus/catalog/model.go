package catalog

import (
	"strings"
	"sync"
)

// The methods below let a *Catalog serve as the model's ActionCatalog (package
// model declares the interface; this package imports nothing of iamfuzz, so the
// match is structural).

// LookupAction returns the canonical spelling of an action and whether it exists.
func (c *Catalog) LookupAction(action string) (string, bool) {
	if a, ok := c.Action(action); ok {
		// Most actions are spelt as AWS spells them: return the caller's
		// string then, not a new one.
		if n := len(a.Service); len(action) == n+1+len(a.Name) && action[n] == ':' &&
			action[:n] == a.Service && action[n+1:] == a.Name {
			return action, true
		}
		return a.FullName(), true
	}
	return "", false
}

// KnownService reports whether a service prefix exists.
func (c *Catalog) KnownService(prefix string) bool {
	_, ok := c.serviceIndex(prefix) // the service's data need not be decoded
	return ok
}

// SuggestAction returns a close existing action for a name that does not exist.
// Answers are remembered (up to maxSuggestMemo names), since the same misspelling
// tends to repeat on many lines.
func (c *Catalog) SuggestAction(action string) (string, bool) {
	if s, ok, hit := c.suggest.get(action); hit {
		return s, ok
	}
	s, ok := c.Suggest(action)
	if !ok || strings.EqualFold(s, action) {
		s, ok = "", false
	}
	c.suggest.put(action, s, ok)
	return s, ok
}

// maxSuggestMemo bounds the memo of suggestions; past it the memo starts over.
const maxSuggestMemo = 4096

type suggestMemo struct {
	mu sync.Mutex
	m  map[string]suggestion
}

type suggestion struct {
	s  string
	ok bool
}

func (m *suggestMemo) get(name string) (string, bool, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, hit := m.m[name]
	return v.s, v.ok, hit
}

func (m *suggestMemo) put(name, s string, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= maxSuggestMemo {
		m.m = make(map[string]suggestion)
	}
	m.m[name] = suggestion{s, ok}
}

// ResourceFits reports whether resource ("*" or an ARN) can be the resource of the
// action. "*" fits an action that takes no resource, or whose resource types are all
// optional. known is false when the action is not in the catalogue.
func (c *Catalog) ResourceFits(action, resource string) (fits, known bool) {
	a, ok := c.Action(action)
	if !ok {
		return false, false
	}
	if resource == "*" {
		for _, rt := range a.ResourceTypes {
			if rt.Required {
				return false, true
			}
		}
		return true, true
	}
	return a.AcceptsResource(resource), true
}

// ResourceTypesOf describes an action's resource types for messages, e.g.
// "user (required)" or "no resource: the request's resource is \"*\"".
func (c *Catalog) ResourceTypesOf(action string) string {
	a, ok := c.Action(action)
	if !ok {
		return ""
	}
	if a.TakesNoResource() {
		return `no resource: the request's resource is "*"`
	}
	parts := make([]string, 0, len(a.ResourceTypes))
	for _, rt := range a.ResourceTypes {
		p := rt.Name
		if rt.Required {
			p += " (required)"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
