package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/iamtest"
)

func init() {
	commands["serve"] = command{
		summary: "offline IAM policy simulator endpoint (SimulateCustomPolicy, SimulatePrincipalPolicy) answered by the model",
		run:     runServe,
	}
}

// serveConfig is what serve needs; runServe fills it from flags.
type serveConfig struct {
	addr      string
	directory string
	caller    string
	pageSize  int
	quiet     bool

	// Slow and greedy clients (README, "Limits"); zero values take the defaults.
	headerTimeout time.Duration // whole request header
	readTimeout   time.Duration // whole request, body included
	maxConns      int           // connections open at once; more wait to be accepted
}

// Defaults of the slow-client limits: a request is read within 30 s, its header
// within 10 s, its answer written within a minute, and 256 connections at most are
// open at once, so that trickling clients cannot take every file descriptor.
const (
	defaultHeaderTimeout = 10 * time.Second
	defaultReadTimeout   = 30 * time.Second
	defaultWriteTimeout  = time.Minute
	defaultMaxConns      = 256
)

func runServe(args []string, _ io.Reader, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg serveConfig
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&cfg.directory, "directory", "", "principal directory (JSON: user or role ARN → policies, boundary, SCPs) for SimulatePrincipalPolicy")
	fs.StringVar(&cfg.caller, "caller", iamtest.DefaultCaller, "caller of SimulateCustomPolicy requests that name none (no CallerArn, no aws:PrincipalArn entry)")
	fs.IntVar(&cfg.pageSize, "page-size", 0, "at most this many results per page, below MaxItems (0: MaxItems only)")
	fs.BoolVar(&cfg.quiet, "quiet", false, "do not log requests on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: iamfuzz serve [--addr 127.0.0.1:8080] [--directory users.json]")
		fmt.Fprintln(stderr, "Answers the IAM policy simulator API offline, as the model decides. Point any AWS SDK or the")
		fmt.Fprintln(stderr, "AWS CLI at it with AWS_ENDPOINT_URL_IAM=http://127.0.0.1:8080 (any credentials; docs/aws.md).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, stderr, nil)
}

// serve runs the endpoint until ctx ends, then shuts down cleanly: requests in
// flight finish (for up to five seconds), new ones are refused. ready, when set, is
// called with the listening address.
func serve(ctx context.Context, cfg serveConfig, stderr io.Writer, ready func(addr string)) int {
	var dir *directory.Directory
	if cfg.directory != "" {
		var err error
		if dir, err = directory.Load(cfg.directory); err != nil {
			fmt.Fprintf(stderr, "iamfuzz serve: %v\n", err)
			return exitUsage
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz serve: %v\n", err)
		return exitUsage
	}
	h := &iamtest.Handler{Decider: &iamtest.ModelDecider{Directory: dir, DefaultCaller: cfg.caller}, Name: "model", PageSize: cfg.pageSize}
	if !cfg.quiet {
		h.Log = stderr
	}
	cfg.headerTimeout = cmp.Or(cfg.headerTimeout, defaultHeaderTimeout)
	cfg.readTimeout = cmp.Or(cfg.readTimeout, defaultReadTimeout)
	cfg.maxConns = cmp.Or(cfg.maxConns, defaultMaxConns)
	ln = &limitListener{Listener: ln, slots: make(chan struct{}, cfg.maxConns)}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: cfg.headerTimeout, ReadTimeout: cfg.readTimeout,
		WriteTimeout: defaultWriteTimeout, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	addr := ln.Addr().String()
	fmt.Fprintf(stderr, "iamfuzz serve: listening on http://%s (answers are the model's, not AWS's; %d principals for SimulatePrincipalPolicy)\n", addr, dir.Len())
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "iamfuzz serve: warning: %s is reachable from other machines; anyone who reaches it can read the directory's policies through SimulatePrincipalPolicy\n", addr)
	}
	if !cfg.quiet {
		fmt.Fprintln(stderr, "iamfuzz serve: log: time request-id operation status duration summary")
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(addr)
	}
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "iamfuzz serve: %v\n", err)
		return exitFailures
	case <-ctx.Done():
	}
	// Finish the answers in flight, then close what is left: a client may hold a
	// connection it opened and never used, which Shutdown would wait on.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "iamfuzz serve: closing connections still open after 2s\n")
		if err := srv.Close(); err != nil {
			fmt.Fprintf(stderr, "iamfuzz serve: shutdown: %v\n", err)
			return exitFailures
		}
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "iamfuzz serve: %v\n", err)
		return exitFailures
	}
	fmt.Fprintln(stderr, "iamfuzz serve: stopped")
	return exitOK
}

// limitListener accepts at most cap(slots) connections at once; the others wait
// in the kernel's backlog until one closes.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
