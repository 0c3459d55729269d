package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/oracle"
)

// oracleOptions are the flags that oracles may need.
type oracleOptions struct {
	budget    int    // maximum number of API calls (AWS)
	dryRun    bool   // print the calls a live run would make (AWS)
	record    string // directory to record answers into (AWS)
	replay    string // directory of recorded answers (replay)
	directory string // principal directory file (aws-principal, replay-principal)
}

// oracleFactory builds an oracle by name; each oracle's file registers its own.
type oracleFactory struct {
	summary string
	build   func(opts oracleOptions) (oracle.Oracle, error)
	known   []oracle.KnownDifference // triaged differences against the model
}

var oracleFactories = map[string]oracleFactory{
	"model": {summary: "the reference evaluator", build: func(oracleOptions) (oracle.Oracle, error) { return oracle.NewModel(), nil }},
}

func buildOracle(name string, opts oracleOptions) (oracle.Oracle, error) {
	f, ok := oracleFactories[name]
	if !ok {
		return nil, fmt.Errorf("unknown oracle %q (known: %s)", name, strings.Join(oracleNames(), ", "))
	}
	return f.build(opts)
}

func oracleNames() []string {
	out := make([]string, 0, len(oracleFactories))
	for n := range oracleFactories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
