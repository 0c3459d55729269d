package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// bundleFlags are the command line's policies around the checked ones: the whole
// bundle the caller faces (corpus/specs/README.md, "The whole picture").
type bundleFlags struct {
	boundary, session string
	scp, rcp          listFlag
	resource          listFlag // FILE=ARN
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func (b *bundleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.boundary, "boundary", "", "permissions boundary of the caller (a policy file); replaces the boundary a template or plan gives the user or role")
	fs.Var(&b.scp, "scp", "SCP of one organization level, root first (repeat for each level)")
	fs.Var(&b.rcp, "rcp", "RCP of one level of the resource's account, root first (repeat for each level)")
	fs.Var(&b.resource, "resource-policy", "resource-based policy and the resource it is attached to, FILE=ARN (ARN may use * and ?; repeat for more)")
	fs.StringVar(&b.session, "session-policy", "", "session policy of role and federated sessions (a policy file)")
}

// load reads the policies; nil when none is given. Errors wrap
// properties.ErrBadInput.
func (b *bundleFlags) load() (*properties.Surroundings, error) {
	s := &properties.Surroundings{}
	var err error
	if b.boundary != "" {
		if s.Boundary, err = properties.LoadPolicyFile(b.boundary, model.BoundaryPolicy); err != nil {
			return nil, err
		}
	}
	for _, f := range b.scp {
		p, err := properties.LoadPolicyFile(f, model.SCPPolicy)
		if err != nil {
			return nil, err
		}
		s.SCP = append(s.SCP, p)
	}
	for _, f := range b.rcp {
		p, err := properties.LoadPolicyFile(f, model.RCPPolicy)
		if err != nil {
			return nil, err
		}
		s.RCP = append(s.RCP, p)
	}
	for _, arg := range b.resource {
		file, res, err := properties.ParseResourcePolicyArg(arg)
		if err != nil {
			return nil, err
		}
		if err := s.AddResourcePolicy(file, res); err != nil {
			return nil, err
		}
	}
	if b.session != "" {
		if s.Session, err = properties.LoadPolicyFile(b.session, model.SessionPolicy); err != nil {
			return nil, err
		}
	}
	if s.Empty() {
		return nil, nil
	}
	return s, nil
}

// args returns the flags as command-line words, for the reproduce line.
func (b *bundleFlags) args() string {
	var out []string
	if b.boundary != "" {
		out = append(out, "--boundary "+shellWord(b.boundary))
	}
	for _, f := range b.scp {
		out = append(out, "--scp "+shellWord(f))
	}
	for _, f := range b.rcp {
		out = append(out, "--rcp "+shellWord(f))
	}
	for _, f := range b.resource {
		out = append(out, "--resource-policy "+shellWord(f))
	}
	if b.session != "" {
		out = append(out, "--session-policy "+shellWord(b.session))
	}
	if len(out) == 0 {
		return ""
	}
	return " " + strings.Join(out, " ")
}

// describeAround is the report line that names the policies around a target.
func describeAround(t *properties.Target) string {
	files := t.Around.Files()
	if len(files) == 0 {
		return ""
	}
	return fmt.Sprintf("  judged with: %s\n", strings.Join(files, "; "))
}
