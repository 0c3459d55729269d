package catalog

import "strings"

// GlobalKey returns the canonical spelling of a global condition key, matched
// case-insensitively, and whether key is one: GlobalKey("aws:sourceip") is
// ("aws:SourceIp", true). A tag key (aws:PrincipalTag/team) is one when its
// name up to the "/" is that of a global key written with a "/"
// (aws:PrincipalTag/tag-key in the data); the part after it is kept as given.
// With [Catalog.SuggestGlobalKey] it serves the model's GlobalKeyCatalog.
func (c *Catalog) GlobalKey(key string) (string, bool) {
	c.globalsOnce.Do(c.indexGlobals)
	// Most policies spell a key as AWS does: look that up as it is first, so
	// that eval's compile of a policy does not lower-case a copy of each key.
	if name, rest, tagged := strings.Cut(key, "/"); tagged {
		if canon, ok := c.globalTags[name]; ok && canon == name {
			return key, true
		}
		if canon, ok := c.globalTags[strings.ToLower(name)]; ok {
			return canon + "/" + rest, true
		}
		return "", false
	}
	if canon, ok := c.globalNames[key]; ok {
		return canon, true
	}
	canon, ok := c.globalNames[strings.ToLower(key)]
	return canon, ok
}

// SuggestGlobalKey returns the global condition key closest to key, a key that
// is not one (a misspelling), as [Catalog.Suggest] does for actions: within
// the same edit distance, the first in name order. A tag key is compared by its
// name up to the "/" and suggested with the part after it.
func (c *Catalog) SuggestGlobalKey(key string) (string, bool) {
	c.globalsOnce.Do(c.indexGlobals)
	name, rest, tagged := strings.Cut(key, "/")
	if !tagged {
		name = key
	}
	limit := limitFor(len(name))
	best, bestD := "", limit+1
	for _, k := range c.globals {
		kn, _, kTagged := strings.Cut(k.Name, "/")
		if kTagged != tagged {
			continue
		}
		if d := distanceFold(name, kn, bestD-1); d < bestD {
			best, bestD = kn, d
		}
	}
	if best == "" || strings.EqualFold(best, name) {
		return "", false
	}
	if tagged {
		return best + "/" + rest, true
	}
	return best, true
}

// indexGlobals fills the lookup tables of GlobalKey: each name by itself and
// lower-cased.
func (c *Catalog) indexGlobals() {
	c.globalNames = make(map[string]string, 2*len(c.globals))
	c.globalTags = map[string]string{}
	for _, k := range c.globals {
		m, name := c.globalNames, k.Name
		if n, _, tagged := strings.Cut(k.Name, "/"); tagged {
			m, name = c.globalTags, n
		}
		m[name], m[strings.ToLower(name)] = name, name
	}
}
