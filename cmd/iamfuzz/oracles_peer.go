package main

import (
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/peer"
)

// The peer oracle: @cloud-copilot/iam-simulate through the Node adapter in
// scripts/peer, run as one subprocess. Its triaged differences from the model are
// documented in corpus/peer-differences.md.
func init() {
	oracleFactories["peer"] = oracleFactory{
		summary: "the independent simulator @cloud-copilot/iam-simulate (scripts/peer; needs node and `npm ci` there)",
		build: func(oracleOptions) (oracle.Oracle, error) {
			return peer.New(peer.Options{})
		},
		known: peer.KnownDifferences(),
	}
}
