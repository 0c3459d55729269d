package awsiam

import (
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// The simulator parses every context value by the ContextKeyType sent with it: a
// date compared under DateLessThan must be typed date, an MFA flag boolean. The type
// is chosen from the key, in this order:
//
//  1. builtinKeyTypes, the keys that the MFA and credential policies this project
//     is about depend on (fixed here so that a catalogue update cannot change them);
//  2. the AWS action catalogue (corpus/catalog), which types every global key and
//     every service key;
//  3. the condition operators that the call's own policies apply to the key, when
//     they agree on one family (NumericLessThan → numeric);
//  4. string.
//
// A multi-valued case value (a JSON list, even empty) is sent as the list variant of
// the type, a single value as the scalar type: the case's shape decides, because the
// evaluator's semantics differ between the two.
var builtinKeyTypes = map[string]types.ContextKeyTypeEnum{
	"aws:multifactorauthpresent": types.ContextKeyTypeEnumBoolean,
	"aws:securetransport":        types.ContextKeyTypeEnumBoolean,
	"aws:viaawsservice":          types.ContextKeyTypeEnumBoolean,
	"aws:principalisawsservice":  types.ContextKeyTypeEnumBoolean,
	"aws:multifactorauthage":     types.ContextKeyTypeEnumNumeric,
	"aws:currenttime":            types.ContextKeyTypeEnumDate,
	"aws:epochtime":              types.ContextKeyTypeEnumDate,
	"aws:tokenissuetime":         types.ContextKeyTypeEnumDate,
	"aws:sourceip":               types.ContextKeyTypeEnumIp,
	"aws:vpcsourceip":            types.ContextKeyTypeEnumIp,
	"aws:username":               types.ContextKeyTypeEnumString,
	"aws:userid":                 types.ContextKeyTypeEnumString,
	"aws:principalarn":           types.ContextKeyTypeEnumString,
	"aws:principalaccount":       types.ContextKeyTypeEnumString,
	"aws:principaltype":          types.ContextKeyTypeEnumString,
}

var listOf = map[types.ContextKeyTypeEnum]types.ContextKeyTypeEnum{
	types.ContextKeyTypeEnumString:  types.ContextKeyTypeEnumStringList,
	types.ContextKeyTypeEnumNumeric: types.ContextKeyTypeEnumNumericList,
	types.ContextKeyTypeEnumBoolean: types.ContextKeyTypeEnumBooleanList,
	types.ContextKeyTypeEnumIp:      types.ContextKeyTypeEnumIpList,
	types.ContextKeyTypeEnumBinary:  types.ContextKeyTypeEnumBinaryList,
	types.ContextKeyTypeEnumDate:    types.ContextKeyTypeEnumDateList,
}

// catalogKeys indexes the catalogue's condition key types: exact names, and the
// prefixes of tag-style keys such as aws:PrincipalTag/${TagKey}.
type catalogKeys struct {
	exact    map[string]types.ContextKeyTypeEnum
	prefixes map[string]types.ContextKeyTypeEnum
}

var (
	catalogOnce  sync.Once
	catalogIndex *catalogKeys
)

func loadCatalogKeys() *catalogKeys {
	catalogOnce.Do(func() {
		idx := &catalogKeys{exact: map[string]types.ContextKeyTypeEnum{}, prefixes: map[string]types.ContextKeyTypeEnum{}}
		cat, err := catalog.Load()
		if err != nil {
			// Without the catalogue, steps 1, 3 and 4 still give a type.
			catalogIndex = idx
			return
		}
		add := func(k catalog.ConditionKey) {
			t, ok := catalogType(k.Type)
			if !ok {
				return
			}
			name := strings.ToLower(k.Name)
			if i := strings.IndexByte(name, '/'); i >= 0 {
				if _, dup := idx.prefixes[name[:i+1]]; !dup {
					idx.prefixes[name[:i+1]] = t
				}
				return
			}
			if _, dup := idx.exact[name]; !dup {
				idx.exact[name] = t
			}
		}
		for _, k := range cat.GlobalConditionKeys() {
			add(k)
		}
		for _, s := range cat.Services() {
			for _, k := range s.ConditionKeys {
				add(k)
			}
		}
		catalogIndex = idx
	})
	return catalogIndex
}

// catalogType maps the catalogue's type names to the simulator's scalar types.
func catalogType(t string) (types.ContextKeyTypeEnum, bool) {
	switch strings.TrimPrefix(t, "ArrayOf") {
	case "String", "ARN":
		return types.ContextKeyTypeEnumString, true
	case "Bool":
		return types.ContextKeyTypeEnumBoolean, true
	case "Numeric", "Long":
		return types.ContextKeyTypeEnumNumeric, true
	case "Date":
		return types.ContextKeyTypeEnumDate, true
	case "IPAddress":
		return types.ContextKeyTypeEnumIp, true
	case "Binary":
		return types.ContextKeyTypeEnumBinary, true
	}
	return "", false
}

// operatorFamily maps a condition operator to the type of value it compares, or ""
// for operators that say nothing about the type (Null).
func operatorFamily(op string) types.ContextKeyTypeEnum {
	op = strings.TrimPrefix(strings.TrimPrefix(op, "ForAllValues:"), "ForAnyValue:")
	op = strings.TrimSuffix(op, "IfExists")
	switch {
	case strings.HasPrefix(op, "String"), strings.HasPrefix(op, "Arn"):
		return types.ContextKeyTypeEnumString
	case strings.HasPrefix(op, "Numeric"):
		return types.ContextKeyTypeEnumNumeric
	case strings.HasPrefix(op, "Date"):
		return types.ContextKeyTypeEnumDate
	case op == "Bool":
		return types.ContextKeyTypeEnumBoolean
	case op == "BinaryEquals":
		return types.ContextKeyTypeEnumBinary
	case op == "IpAddress", op == "NotIpAddress":
		return types.ContextKeyTypeEnumIp
	}
	return ""
}

// keyFamilies collects, for every condition key of the policies, the one operator
// family applied to it; a key used with two families maps to "" (ambiguous).
func keyFamilies(policies []*model.Policy) map[string]types.ContextKeyTypeEnum {
	out := map[string]types.ContextKeyTypeEnum{}
	for _, p := range policies {
		if p == nil {
			continue
		}
		for _, st := range p.Statements {
			for _, op := range st.Condition {
				fam := operatorFamily(op.Operator)
				if fam == "" {
					continue
				}
				for _, k := range op.Keys {
					lk := strings.ToLower(k.Key)
					if prev, seen := out[lk]; seen && prev != fam {
						out[lk] = ""
						continue
					}
					out[lk] = fam
				}
			}
		}
	}
	return out
}

// ContextKeyType returns the type to send a context key with; families are the
// operator families of the call's policies (may be nil).
func ContextKeyType(key string, multi bool, families map[string]types.ContextKeyTypeEnum) types.ContextKeyTypeEnum {
	t := scalarKeyType(key, families)
	if multi {
		return listOf[t]
	}
	return t
}

func scalarKeyType(key string, families map[string]types.ContextKeyTypeEnum) types.ContextKeyTypeEnum {
	lk := strings.ToLower(key)
	if t, ok := builtinKeyTypes[lk]; ok {
		return t
	}
	idx := loadCatalogKeys()
	if t, ok := idx.exact[lk]; ok {
		return t
	}
	if i := strings.IndexByte(lk, '/'); i >= 0 {
		if t, ok := idx.prefixes[lk[:i+1]]; ok {
			return t
		}
	}
	if t := families[lk]; t != "" {
		return t
	}
	return types.ContextKeyTypeEnumString
}

// principalKeys are the keys derived from the principal (docs/eval-format.md), in
// the spelling AWS documents.
var principalKeys = []string{"aws:username", "aws:userid", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType"}

// contextEntries builds the ContextEntries of a case: every key the case gives and
// every principal key the model derives, with the values model.Request holds for
// them (a key given in the case wins over a derived one), sorted by key.
func contextEntries(c *model.Case, req *model.Request, families map[string]types.ContextKeyTypeEnum) []types.ContextEntry {
	names := make([]string, 0, len(c.Request.Context)+len(principalKeys))
	given := map[string]bool{}
	for k := range c.Request.Context {
		names = append(names, k)
		given[strings.ToLower(k)] = true
	}
	for _, k := range principalKeys {
		if !given[strings.ToLower(k)] {
			names = append(names, k)
		}
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	out := make([]types.ContextEntry, 0, len(names))
	for _, k := range names {
		v, ok := req.Value(k)
		if !ok {
			continue // e.g. aws:username of a role session
		}
		vals := append([]string{}, v.Values...)
		out = append(out, types.ContextEntry{
			ContextKeyName:   aws.String(k),
			ContextKeyType:   ContextKeyType(k, v.Multi, families),
			ContextKeyValues: vals,
		})
	}
	return out
}
