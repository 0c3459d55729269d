// Package awsiam is the oracle backed by AWS's IAM policy simulator
// (SimulateCustomPolicy and SimulatePrincipalPolicy, through aws-sdk-go-v2).
//
// It turns each case of the eval format into a question the simulator answers the
// same way: identity policies as PolicyInputList, the permissions boundary as
// PermissionsBoundaryPolicyInputList, SCP levels as
// OrderedOrganizationPolicyInputList, one resource-based policy as ResourcePolicy
// with CallerArn, and the request's context — principal keys included, derived
// exactly as model.Request derives them — as typed ContextEntries. Cases that share
// everything but their action and resource are asked in one call (see Plan);
// answers are mapped back per action and resource, with matched statements named
// as identity[i]/boundary[0]/resource[0] and a statement index found from the
// reported line and column. Every case gets a decision read from the simulator or a
// per-case error saying why not (budget exhausted, unsupported, throttled, …);
// nothing is ever guessed, and a call that fails halfway answers none of its cases.
//
// Answers can be recorded (Options.Recorder) for the replay oracle. The local
// endpoint in package iamtest speaks the same protocol, backed by the model, for
// tests and for "iamfuzz serve". docs/aws.md describes live runs.
package awsiam
