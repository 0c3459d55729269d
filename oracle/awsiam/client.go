package awsiam

import (
	"context"
	"errors"
	"io"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// RetryMode selects how the client retries throttling, 5xx answers and network
// failures.
type RetryMode int

// Retry modes.
const (
	// RetryAdaptive is for AWS: the SDK's adaptive mode, which on top of
	// exponential backoff slows the client down after throttles, so that a long
	// run settles at the rate AWS accepts.
	RetryAdaptive RetryMode = iota
	// RetryFast is for local endpoints: standard retries with a tiny constant
	// backoff and no retry quota. Adaptive mode would sleep about two seconds after
	// every throttle, even with a tiny backoff, which makes fault tests crawl.
	RetryFast
)

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Endpoint is the base URL of a local or custom endpoint; "" means AWS.
	Endpoint string
	Retry    RetryMode
	// MaxAttempts per request, retries included (default 10 for AWS, 5 fast).
	MaxAttempts int
	// MaxBackoff caps the delay between attempts with RetryAdaptive (default 20 s).
	MaxBackoff time.Duration
	// Backoff is the constant delay between attempts with RetryFast (default 2 ms).
	Backoff time.Duration
	// AttemptTimeout bounds one HTTP attempt, body included (default 60 s for AWS,
	// 10 s fast); a slow answer is then retried like a dropped one.
	AttemptTimeout time.Duration
}

// NewClient returns an IAM client for the oracle: cfg supplies region and
// credentials (LoadDefaultConfig for AWS; LocalConfig for local endpoints); the
// retryer, timeouts and endpoint come from co. The client also keeps each raw
// response in the result metadata, so that the oracle can tell a local endpoint's
// answers (ServerHeader) from AWS's.
func NewClient(cfg aws.Config, co ClientOptions) *iam.Client {
	cfg = cfg.Copy()
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // IAM is global; its endpoint signs in us-east-1
	}
	timeout := co.AttemptTimeout
	switch co.Retry {
	case RetryFast:
		if co.MaxAttempts <= 0 {
			co.MaxAttempts = 5
		}
		if co.Backoff <= 0 {
			co.Backoff = 2 * time.Millisecond
		}
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = co.MaxAttempts
				so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return co.Backoff, nil })
				so.RateLimiter = ratelimit.None
				so.Retryables = append(so.Retryables, truncatedBody{})
			})
		}
	default:
		if co.MaxAttempts <= 0 {
			co.MaxAttempts = 10
		}
		if co.MaxBackoff <= 0 {
			co.MaxBackoff = 20 * time.Second
		}
		if timeout <= 0 {
			timeout = 60 * time.Second
		}
		cfg.Retryer = func() aws.Retryer {
			return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = co.MaxAttempts
					so.MaxBackoff = co.MaxBackoff
					so.Retryables = append(so.Retryables, truncatedBody{})
				})
			})
		}
	}
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(timeout)
	return iam.NewFromConfig(cfg, func(o *iam.Options) {
		if co.Endpoint != "" {
			o.BaseEndpoint = aws.String(co.Endpoint)
		}
		o.APIOptions = append(o.APIOptions, awsmiddleware.AddRawResponseToMetadata)
	})
}

// LocalConfig is an aws.Config for a local endpoint: region us-east-1 and fixed
// placeholder credentials, so that requests are signed (the endpoint checks that
// they are) without any real credential ever leaving the machine.
func LocalConfig() aws.Config {
	return aws.Config{
		Region: "us-east-1",
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAIAMFUZZLOCAL0000", SecretAccessKey: "iamfuzz-local-not-a-secret", Source: "iamfuzz local"}, nil
		})),
	}
}

// truncatedBody retries an answer whose body ended early (a connection dropped
// mid-response): the SDK reports it as a deserialization error, which it does not
// retry by default, but nothing was decided and asking again is safe — the
// simulator has no side effects.
type truncatedBody struct{}

// IsErrorRetryable implements retry.IsErrorRetryable.
func (truncatedBody) IsErrorRetryable(err error) aws.Ternary {
	var de *smithy.DeserializationError
	if errors.As(err, &de) && (errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "connection reset")) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// sdkModule is the module whose version records name.
const sdkModule = "github.com/aws/aws-sdk-go-v2/service/iam"

// sdkFallback is go.mod's version of sdkModule, for binaries built without module
// information.
const sdkFallback = "v1.64.8"

// SDKVersion names the SDK that asks, as records carry it:
// "aws-sdk-go-v2/service/iam v1.64.8", read from the binary's build information.
func SDKVersion() string {
	v := sdkFallback
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == sdkModule {
				v = d.Version
				if d.Replace != nil {
					v = d.Replace.Version
				}
			}
		}
	}
	return "aws-sdk-go-v2/service/iam " + v
}

// RedactEndpoint returns an endpoint URL fit for records and logs: the user
// information (a password in http://user:pass@host/), the query and the fragment
// are replaced by "REDACTED". Text that is not a URL is redacted whole.
func RedactEndpoint(endpoint string) string {
	if endpoint == "" {
		return ""
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "REDACTED"
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	if u.RawQuery != "" {
		u.RawQuery = "REDACTED"
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = "REDACTED", ""
	}
	return u.String()
}
