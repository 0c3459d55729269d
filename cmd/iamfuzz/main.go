// Command iamfuzz fuzzes and property-tests AWS IAM policies: it decides requests
// with a reference evaluator of IAM semantics, checks invariants on the answers, and
// compares evaluators with each other. Run "iamfuzz help" for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// command is one subcommand. Each lives in its own file and registers itself.
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// Exit statuses shared by every command.
const (
	exitOK       = 0
	exitFailures = 1 // a violation, a failed assertion or an undecidable line
	exitUsage    = 2 // bad usage or unreadable input
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	args, err := refRootFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz: %v\n", err)
		return exitUsage
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	if args[0] == "--version" || args[0] == "-version" || args[0] == "version" {
		printVersion(stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "iamfuzz: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	if wantsHelp(args[1:]) {
		// The flag package prints a command's usage for -h and fails; asking for help
		// is not an error, and the help belongs on stdout.
		c.run([]string{"-h"}, stdin, stdout, stdout)
		return exitOK
	}
	out := &checkedWriter{w: stdout}
	code := c.run(args[1:], stdin, out, stderr)
	if out.err != nil {
		// A report that did not reach its reader is no report: never exit 0 (or 1,
		// "findings") on a full disk or a closed pipe.
		fmt.Fprintf(stderr, "iamfuzz %s: writing the output: %v\n", args[0], out.err)
		return exitUsage
	}
	return code
}

// refRootFlags takes every "--ref-root DIR" (or "--ref-root=DIR") out of args,
// wherever it stands, and lets {"$ref": path} read under DIR as well as under the
// working directory's git work tree (README, "Limits").
func refRootFlags(args []string) ([]string, error) {
	out := args[:0:0]
	for i := 0; i < len(args); i++ {
		a := args[i]
		dir, ok := strings.CutPrefix(a, "--ref-root=")
		if !ok && (a == "--ref-root" || a == "-ref-root") {
			if i+1 == len(args) {
				return nil, fmt.Errorf("%s needs a directory", a)
			}
			dir, ok = args[i+1], true
			i++
		}
		if !ok {
			out = append(out, a)
			continue
		}
		if err := model.AllowRefsUnder(dir); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: iamfuzz <command> [flags] [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"iamfuzz <command> -h\" for a command's flags, \"iamfuzz --version\" for the version.")
	fmt.Fprintln(w, "Exit status: 0 clean, 1 findings (a violation, a failed assertion, a difference), 2 bad usage or bad input.")
	fmt.Fprintln(w, "Every command takes --ref-root DIR: {\"$ref\": path} policies may then read files under DIR")
	fmt.Fprintln(w, "as well as under the git work tree holding the working directory (README, \"Limits\").")
}
