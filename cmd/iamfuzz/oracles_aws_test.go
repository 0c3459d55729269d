package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
)

// TestIsLoopback: http://LOCALHOST:port was not loopback, so real credentials
// were loaded and sent in cleartext.
func TestIsLoopback(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://localhost:8080":      true,
		"http://LOCALHOST:8080":      true,
		"http://LocalHost.:8080/":    true,
		"http://127.0.0.1:1":         true,
		"http://127.8.9.10:1":        true,
		"http://[::1]:8080":          true,
		"http://localhost.evil.com/": false,
		"http://127.0.0.1.nip.io/":   false,
		"https://iam.amazonaws.com":  false,
		"http://[::ffff:10.0.0.1]/":  false,
		"not a url\x7f":              false,
	} {
		if got := isLoopback(endpoint); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

// TestCleartextEndpointRefused: real credentials never go to a plain-http endpoint
// that is not this machine.
func TestCleartextEndpointRefused(t *testing.T) {
	t.Setenv(envEndpointIAM, "http://iam.example.com:8080")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	if _, err := buildAWS(oracleOptions{}, awsiam.CustomMode); !errors.Is(err, oracle.ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
}

// TestLoopbackIgnoresCredentialsAloud: with a loopback endpoint the environment's
// credentials were ignored without a word.
func TestLoopbackIgnoresCredentialsAloud(t *testing.T) {
	t.Setenv(envEndpointIAM, "http://LOCALHOST:1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	var b strings.Builder
	old := awsStatusOut
	awsStatusOut = &b
	defer func() { awsStatusOut = old }()
	o, err := buildAWS(oracleOptions{}, awsiam.CustomMode)
	if err != nil {
		t.Fatal(err)
	}
	o.(*awsOracle).Oracle.Close()
	if !strings.Contains(b.String(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("no word about the unused credentials: %q", b.String())
	}
}
