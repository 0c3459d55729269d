// Package layers holds the module's import rules: which of the module's packages each
// package may import, and which third-party modules it may pull in. The rules are a
// declarative table, in the spirit of the Go repository's go/build/deps_test.go; the
// package's test checks every package of the module against it with `go list`, so a
// forbidden import fails `go test ./...` instead of surfacing in review.
//
// The direction, bottom to top:
//
//	model                              the policy language; imports nothing of ours
//	corpus/*                           data loaders (catalogue, managed policies)
//	source                             CloudFormation/Terraform/CDK files into policies
//	partition                          request classes
//	oracle, oracle/*                   who decides; siblings do not import each other
//	properties, properties/*           generators, specs, invariants, mutants,
//	                                   differential cases (properties/gencase)
//	fuzz, scripts/*, iamfuzz (root)    the public API and the runners
//	cmd/iamfuzz                        the command line, at the top
//
// A new package needs a row here; its test says so.
package layers

// Rule is what one package may import.
type Rule struct {
	// Imports are the module's packages (relative to the module root, "." for the root)
	// the package and its tests may import.
	Imports []string
	// TestImports are further module packages only its tests may import: a test may
	// reach sideways for fixtures, production code may not.
	TestImports []string
	// External are the third-party module paths (prefixes) its non-test code may
	// import. Tests may import any module go.mod requires. The standard library is
	// always allowed.
	External []string
}

// Third-party modules, named once.
const (
	jsonv2  = "github.com/go-json-experiment/json"
	awsSDK  = "github.com/aws/aws-sdk-go-v2"
	smithy  = "github.com/aws/smithy-go"
	gopter  = "github.com/leanovate/gopter"
	rapid   = "pgregory.net/rapid"
	yaml    = "go.yaml.in/yaml/v3"
	sarifV3 = "github.com/owenrumney/go-sarif/v3"
)

// Rules is the table: one row per package of the module. Packages listed here that do
// not exist yet (partition, source) are the ones being built; their rows say where
// they sit before their first line is written.
var Rules = map[string]Rule{
	// The policy language and reference evaluator: the leaf.
	"model": {
		External:    []string{jsonv2},
		TestImports: []string{"corpus/catalog", "corpus/managed"},
	},

	// Data loaders: embedded data, decoded. They may use the model's types.
	"corpus":         {}, // the embedded corpus files, for binaries built from the module
	"corpus/catalog": {Imports: []string{"model"}, External: []string{jsonv2}},
	"corpus/managed": {Imports: []string{"model"}},

	// Reads policies out of infrastructure code; knows the model and nothing else.
	"source": {Imports: []string{"model"}, External: []string{jsonv2, yaml}},

	// Request classes for proofs; properties may build on it.
	"partition": {Imports: []string{"model", "corpus/catalog"}},

	// Who decides. The interface knows the model; each oracle knows the interface.
	"oracle":        {Imports: []string{"model"}},
	"oracle/replay": {Imports: []string{"model", "oracle"}, External: []string{jsonv2}},
	"oracle/peer": {
		Imports:     []string{"model", "oracle", "corpus/catalog"},
		TestImports: []string{"properties/gencase"},
		External:    []string{jsonv2},
	},
	// The AWS oracle records what it asked through oracle/replay: the one sideways edge.
	"oracle/awsiam": {
		Imports: []string{"model", "oracle", "oracle/replay", "corpus/catalog",
			"oracle/awsiam/directory", "oracle/awsiam/internal/policypos"},
		TestImports: []string{"oracle/awsiam/iamtest", "properties/gencase"},
		External:    []string{awsSDK, smithy, jsonv2},
	},
	"oracle/awsiam/directory":          {Imports: []string{"model"}, External: []string{jsonv2}},
	"oracle/awsiam/internal/policypos": {Imports: []string{"model"}},
	// A fake IAM endpoint for tests: it must not import the oracle it stands in for.
	"oracle/awsiam/iamtest": {
		Imports: []string{"model", "corpus/catalog", "oracle/awsiam/directory",
			"oracle/awsiam/internal/policypos"},
	},

	// Generators, specs, invariants, mutants: the model's peers, not the oracles'.
	"properties": {
		// AWS's managed policies: the documents of those a template or plan
		// attaches beside the policy checked (properties/attached.go).
		Imports: []string{"model", "corpus/catalog", "corpus/managed", "source", "partition", "properties/choice",
			"internal/hugeheap"},
		// The engines' tests run on the planted bugs of properties' own tests.
		TestImports: []string{"properties/engines"},
		External:    []string{jsonv2, yaml},
	},
	// The rapid and gopter engines of the invariant property, apart from
	// properties: rapid's initialization links html/template and image/png,
	// thousands of coverage counters in every fuzz binary that links it.
	"properties/engines": {Imports: []string{"properties"}, External: []string{gopter, rapid}},
	"properties/mutate":  {Imports: []string{"model"}, TestImports: []string{"properties"}},
	// The choice interface and its plain engines (PRNG, fuzz bytes): nothing of
	// ours, so the generators on it link little under go test -fuzz.
	"properties/choice": {},
	// The differential case generator, on the choice interface (not properties, so
	// that the decide fuzz target does not link rapid, gopter and the partition);
	// the oracles' tests, `iamfuzz diff` and the fuzz targets draw from it.
	"properties/gencase": {
		Imports:     []string{"model", "properties/choice"},
		TestImports: []string{"corpus/catalog"},
		External:    []string{jsonv2},
	},

	// Runs a fuzz target's body on a goroutine that outlives one execution, so its
	// stack grows once per process; the targets and policyfuzz.Fuzz use it.
	"internal/warmstack": {},
	// Huge pages for the heap a process is about to grow into (the proof
	// engine's catalogue and first proof, cmd/iamfuzz check; eval's heap);
	// only the standard library.
	"internal/hugeheap": {},

	// Runners and the public API.
	// The decide target: links the model, the case generator and its choice
	// interface, the rewrites and the corpus loader, not package properties.
	"fuzz": {
		Imports: []string{"model", "properties/choice", "properties/mutate", "properties/gencase", "fuzz/seedcorpus",
			"internal/warmstack"},
		External: []string{jsonv2},
	},
	// The fuzz targets' one corpus loader and shared setup; kept to model and the
	// corpus so that the target packages on it link little (docs/performance.md).
	// Its test checks the parse target's embedded sample of the managed policies.
	"fuzz/seedcorpus": {Imports: []string{"model", "corpus"}, TestImports: []string{"corpus/managed", "fuzz/parse"},
		External: []string{jsonv2}},
	// A target in a package of its own links only what it needs: go test -fuzz
	// scans every coverage counter of the binary after each execution.
	"fuzz/parse":      {Imports: []string{"model", "fuzz/seedcorpus"}, External: []string{jsonv2}},
	"fuzz/invariants": {Imports: []string{"model", "corpus", "properties", "fuzz/seedcorpus", "internal/warmstack"}},
	"fuzz/linedecode": {Imports: []string{"model", "corpus", "fuzz/seedcorpus", "internal/warmstack"}, External: []string{jsonv2}},
	// Planted bugs, built only with the iamfuzz_plant tag; its tests run the fuzz
	// targets in a child go process.
	"fuzz/planted":         {},
	"scripts/fuzzseeds":    {Imports: []string{"fuzz", "fuzz/parse", "fuzz/invariants", "fuzz/linedecode"}},
	"scripts/nightlyprops": {Imports: []string{"model", "properties", "properties/engines"}},
	"scripts/evalcases":    {Imports: []string{"model", "properties/gencase"}, External: []string{jsonv2}},
	".": {
		Imports: []string{"model", "corpus/catalog", "corpus/managed", "source", "partition",
			"properties", "properties/engines", "properties/mutate", "policyfuzz"},
		External: []string{rapid},
	},
	// iamfuzz.Fuzz without the root package: a fuzz binary that links it alone
	// leaves out Check's rapid. Its FuzzAWSPolicy takes the fuzz targets'
	// minimization budget.
	"policyfuzz": {Imports: []string{"properties", "internal/warmstack"}, TestImports: []string{"fuzz/seedcorpus"}},

	// The command line sits on top and may import everything below it.
	"cmd/iamfuzz": {
		Imports: []string{"model", "corpus", "corpus/catalog", "corpus/managed", "source", "partition",
			"fuzz", "properties/gencase", "oracle", "oracle/replay", "oracle/peer", "oracle/awsiam",
			"oracle/awsiam/directory", "oracle/awsiam/iamtest", "properties", "properties/mutate",
			"internal/hugeheap"},
		External: []string{awsSDK, smithy, jsonv2, sarifV3},
	},

	// This package: the table and its checker.
	"internal/layers": {},
}
