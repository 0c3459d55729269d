// Package iamtest is a local IAM endpoint: SimulateCustomPolicy and
// SimulatePrincipalPolicy over the real Query protocol (form-encoded POST signed
// with SigV4 in; the XML documents that aws-sdk-go-v2's deserializers read, or an
// <ErrorResponse>, out), answered by a pluggable Decider — ModelDecider answers as
// the reference model decides.
//
// Handler is the endpoint itself; "iamfuzz serve" runs it as an offline drop-in for
// the simulator that any AWS SDK or the AWS CLI can use through
// AWS_ENDPOINT_URL_IAM. Server runs it under httptest for tests and injects faults
// on demand — throttling, 5xx answers, truncated pages, malformed XML, an empty
// body, slow answers, dropped connections — so that clients can be shown to survive
// each of them. Every answer carries the X-Iamfuzz-Server header: it is never AWS.
package iamtest
