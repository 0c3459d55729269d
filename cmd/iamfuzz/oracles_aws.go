package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

// Environment variables of the AWS oracles. AWS_ENDPOINT_URL_IAM (or
// AWS_ENDPOINT_URL) is the SDKs' standard way to point at another endpoint, such
// as "iamfuzz serve"; IAMFUZZ_DIRECTORY is the principal directory of principal
// mode (docs/aws.md).
const (
	envEndpointIAM = "AWS_ENDPOINT_URL_IAM"
	envEndpoint    = "AWS_ENDPOINT_URL"
	envDirectory   = "IAMFUZZ_DIRECTORY"
)

func init() {
	oracleFactories["aws"] = oracleFactory{
		summary: "AWS's policy simulator, SimulateCustomPolicy (credentials from the environment; AWS_ENDPOINT_URL_IAM for another endpoint)",
		build:   func(o oracleOptions) (oracle.Oracle, error) { return buildAWS(o, awsiam.CustomMode) },
		known:   awsKnown,
	}
	oracleFactories["aws-principal"] = oracleFactory{
		summary: "AWS's policy simulator, SimulatePrincipalPolicy: real users' attached policies (--directory names them)",
		build:   func(o oracleOptions) (oracle.Oracle, error) { return buildAWS(o, awsiam.PrincipalMode) },
		known:   awsKnown,
	}
	oracleFactories["replay"] = oracleFactory{
		summary: "answers recorded from SimulateCustomPolicy (--replay DIR), no network",
		build:   func(o oracleOptions) (oracle.Oracle, error) { return replay.Open(o.replay, replay.OpCustom) },
		known:   awsKnown,
	}
	oracleFactories["replay-principal"] = oracleFactory{
		summary: "answers recorded from SimulatePrincipalPolicy (--replay DIR), no network",
		build:   func(o oracleOptions) (oracle.Oracle, error) { return replay.Open(o.replay, replay.OpPrincipal) },
		known:   awsKnown,
	}
}

// awsKnown are the cases an AWS-backed oracle leaves unanswered by design, each
// documented in docs/aws.md: they are counted and named in the summary, not
// reported as differences. Anything else one-sided (throttling after every retry,
// a malformed answer, a case AWS rejects and the model accepts) is a difference.
var awsKnown = []oracle.KnownDifference{
	{Class: "aws-unsupported", Doc: "docs/aws.md#what-the-simulator-cannot-be-asked", Match: oneSideKind(awsiam.KindUnsupported)},
	{Class: "aws-budget-exhausted", Doc: "docs/aws.md#budget-and-dry-run", Match: oneSideKind(awsiam.KindBudgetExhausted)},
	{Class: "aws-principal-mismatch", Doc: "docs/aws.md#principal-mode", Match: oneSideKind(awsiam.KindPrincipalMismatch)},
	{Class: "not-recorded", Doc: "docs/aws.md#record-and-replay", Match: oneSideKind(replay.KindNotRecorded)},
}

func oneSideKind(kind string) func(*model.Case, oracle.Result, oracle.Result) bool {
	return func(_ *model.Case, a, b oracle.Result) bool { return a.ErrKind == kind || b.ErrKind == kind }
}

// endpointFromEnv returns the IAM endpoint the SDKs would use, "" for AWS.
func endpointFromEnv() string {
	if e := os.Getenv(envEndpointIAM); e != "" {
		return e
	}
	return os.Getenv(envEndpoint)
}

// isLoopback reports whether an endpoint URL names this machine.
func isLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	// Host names are case-insensitive (LOCALHOST, a trailing dot); ::1 and all of
	// 127.0.0.0/8 are loopback. Nothing else is: a name that merely resolves to
	// 127.0.0.1 today may not tomorrow.
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// credentialEnv are the environment variables that would give real credentials.
var credentialEnv = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"}

// loadDirectory reads the principal directory named by --directory, or by
// IAMFUZZ_DIRECTORY when the flag is not given.
func loadDirectory(o oracleOptions) (*directory.Directory, error) {
	path := o.directory
	if path == "" {
		path = os.Getenv(envDirectory)
	}
	if path == "" {
		return nil, nil
	}
	return directory.Load(path)
}

// buildAWS builds an AWS oracle. A loopback endpoint ("iamfuzz serve") gets
// placeholder credentials and fast retries: no real credential is ever sent to
// it. Otherwise credentials come from the standard chain (environment, profile,
// SSO, instance role), and their absence is ErrUnavailable.
func buildAWS(o oracleOptions, mode awsiam.Mode) (oracle.Oracle, error) {
	endpoint := endpointFromEnv()
	co := awsiam.ClientOptions{Endpoint: endpoint}
	var cfg aws.Config
	if endpoint != "" && isLoopback(endpoint) {
		cfg, co.Retry = awsiam.LocalConfig(), awsiam.RetryFast
		var set []string
		for _, v := range credentialEnv {
			if os.Getenv(v) != "" {
				set = append(set, v)
			}
		}
		if len(set) > 0 {
			fmt.Fprintf(awsStatusOut, "iamfuzz: %s is a loopback endpoint: placeholder credentials are sent to it; %s from the environment are not used\n",
				awsiam.RedactEndpoint(endpoint), strings.Join(set, ", "))
		}
	} else {
		if u, err := url.Parse(endpoint); endpoint != "" && (err != nil || !strings.EqualFold(u.Scheme, "https")) {
			return nil, fmt.Errorf("%w: %s is neither https nor a loopback address: real AWS credentials are never sent over cleartext or to an unparsable endpoint", oracle.ErrUnavailable, awsiam.RedactEndpoint(endpoint))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		var err error
		cfg, err = config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: AWS configuration: %v", oracle.ErrUnavailable, err)
		}
		if cfg.Credentials == nil {
			return nil, fmt.Errorf("%w: no AWS credentials", oracle.ErrUnavailable)
		}
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, fmt.Errorf("%w: no usable AWS credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; docs/aws.md): %v", oracle.ErrUnavailable, err)
		}
	}
	dir, err := loadDirectory(o)
	if err != nil {
		return nil, err
	}
	opts := awsiam.Options{Mode: mode, Directory: dir, Endpoint: awsiam.RedactEndpoint(endpoint)}
	if o.budget > 0 {
		opts.Budget = awsiam.NewBudget(o.budget)
	}
	if o.record != "" {
		if opts.Recorder, err = replay.NewRecorder(o.record); err != nil {
			return nil, err
		}
	}
	return &awsOracle{Oracle: awsiam.New(awsiam.NewClient(cfg, co), opts), opts: opts, w: awsStatusOut}, nil
}

// awsStatusOut receives the AWS oracles' closing report (what the run cost); the
// oracle factories have no writer of their own.
var awsStatusOut io.Writer = os.Stderr

// awsOracle reports what the run cost when it closes.
type awsOracle struct {
	*awsiam.Oracle
	opts awsiam.Options
	w    io.Writer
}

func (a *awsOracle) Close() error {
	s := a.Stats()
	where := "AWS"
	if a.opts.Endpoint != "" {
		where = a.opts.Endpoint
	}
	fmt.Fprintf(a.w, "%s (%s): %d calls, %d API requests", a.Name(), where, s.Calls, s.Requests)
	if b := a.opts.Budget; b != nil {
		fmt.Fprintf(a.w, " (budget %d)", b.Limit())
	}
	fmt.Fprintf(a.w, "; %d cases answered, %d not", s.Answered, s.Failed)
	if r := a.opts.Recorder; r != nil {
		fmt.Fprintf(a.w, "; %d answers recorded in %s", r.Count(), strings.Join(r.Files(), ", "))
	}
	fmt.Fprintln(a.w)
	return a.Oracle.Close()
}

// runDryRun prints the calls the AWS oracle would make for the cases, batch by
// batch as diff hands them over, without credentials or network.
func runDryRun(a, b string, opts oracleOptions, cases []*model.Case, batch int, stdout, stderr io.Writer) int {
	name := b
	if !strings.HasPrefix(name, "aws") {
		name = a
	}
	mode := awsiam.CustomMode
	switch name {
	case "aws":
	case "aws-principal":
		mode = awsiam.PrincipalMode
	default:
		fmt.Fprintln(stderr, "iamfuzz diff: --dry-run plans the calls of an AWS oracle; use --b aws or --b aws-principal")
		return exitUsage
	}
	dir, err := loadDirectory(opts)
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz diff: %v\n", err)
		return exitUsage
	}
	o := awsiam.New(nil, awsiam.Options{Mode: mode, Directory: dir})
	plan := o.PlanInBatches(cases, batch)
	fmt.Fprintf(stdout, "dry run: %s for %d cases, %d per batch; no credentials used, no request made\n", name, len(cases), batch)
	if _, err := plan.WriteTo(stdout); err != nil {
		fmt.Fprintf(stderr, "iamfuzz diff: %v\n", err)
		return exitUsage
	}
	if opts.budget > 0 && len(plan.Calls) > opts.budget {
		fmt.Fprintf(stdout, "budget: %d requests; the calls after the first %d would answer \"budget exhausted\"\n", opts.budget, opts.budget)
	}
	return exitOK
}
