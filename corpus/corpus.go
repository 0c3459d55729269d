// Package corpus embeds iamfuzz's readable corpus — the decision cases, the seed
// policies and their specs — so that programs built from this module find it from
// any working directory and on machines without the source tree. Fuzz targets
// need this: ClusterFuzzLite and OSS-Fuzz build them as libFuzzer binaries in one
// container and run them in another, where ../corpus does not exist.
//
// The files stay the source of truth and are edited as files; the tests that read
// them from disk (model's corpus tests) and this embedding see the same bytes.
// This package imports only the standard library.
package corpus

import "embed"

// FS holds cases/*.jsonl, policies/*.json and specs/*.yaml at those paths
// (a case's {"$ref": "../policies/…"} resolves against "cases").
//
//go:embed cases/*.jsonl policies/*.json specs/*.yaml
var FS embed.FS
