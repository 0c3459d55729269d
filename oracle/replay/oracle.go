package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-json-experiment/json"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// Errors of replay. Results carry their names as ErrKind.
var (
	// ErrNotRecorded: no record answers the case. Replay never guesses.
	ErrNotRecorded = errors.New("not recorded")
	// ErrConflict: two records answer the case differently (AWS changed its
	// answer between two runs, or two endpoints were recorded into one set).
	ErrConflict = errors.New("conflicting records")
	// ErrBadRecord: a record file cannot be trusted (malformed line, or a case
	// that no longer hashes to its key because it was edited after recording).
	ErrBadRecord = errors.New("bad record")
)

// Error kinds in results, as stable names.
const (
	KindNotRecorded = "not-recorded"
	KindConflict    = "conflicting-records"
)

// Oracle answers cases from recorded answers, with no network.
type Oracle struct {
	op       string
	byKey    map[string][]*loaded
	files    int
	n        int
	warnings []string
}

type loaded struct {
	rec   *Record
	where string // file:line
}

// Open loads every *.jsonl file of dir and answers cases asked with operation op
// (records of other operations are ignored: a principal-mode answer is about a real
// user's attached policies, not the case's). It fails on a malformed line or a
// record whose case does not hash to its key, and with oracle.ErrUnavailable when
// dir holds no record for op.
func Open(dir, op string) (*Oracle, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	o := &Oracle{op: op, byKey: map[string][]*loaded{}}
	for _, f := range files {
		if err := o.load(f); err != nil {
			return nil, err
		}
	}
	if o.n == 0 {
		return nil, fmt.Errorf("%w: no recorded %s answers in %s", oracle.ErrUnavailable, op, dir)
	}
	return o, nil
}

func (o *Oracle) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrBadRecord, path)
	}
	// A file that does not end in a newline was cut mid-record (SIGTERM, a full
	// disk): its last line may be torn.
	endsInNewline := true
	if fi.Size() > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil {
			return err
		}
		endsInNewline = last[0] == '\n'
	}
	o.files++
	lr := model.NewLineReader(f)
	for {
		line, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		where := fmt.Sprintf("%s:%d", path, lr.Line())
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrBadRecord, where, err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			if !endsInNewline {
				if _, next := lr.Next(); next == io.EOF {
					o.warnings = append(o.warnings, fmt.Sprintf("%s: torn last line (the run that wrote it was cut off); the %d bytes are ignored, the records before it kept", where, len(line)))
					return nil
				}
			}
			return fmt.Errorf("%w: %s: %v", ErrBadRecord, where, err)
		}
		if rec.Operation != o.op {
			continue
		}
		c := rec.Case()
		c.Dir = filepath.Dir(path)
		key, err := Key(c, rec.Operation)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrBadRecord, where, err)
		}
		if key != rec.Key {
			return fmt.Errorf("%w: %s: the case hashes to %s but the record says %s: it was edited after it was recorded; record it again", ErrBadRecord, where, key, rec.Key)
		}
		if (rec.Decision == "") == (rec.Error == "") {
			return fmt.Errorf("%w: %s: a record carries exactly one of a decision and an error", ErrBadRecord, where)
		}
		if rec.Decision != "" {
			if _, ok := model.ParseDecision(rec.Decision); !ok {
				return fmt.Errorf("%w: %s: decision %q is not allowed, explicitDeny or implicitDeny", ErrBadRecord, where, rec.Decision)
			}
		}
		o.byKey[key] = append(o.byKey[key], &loaded{rec: &rec, where: where})
		o.n++
	}
}

// Name implements oracle.Oracle.
func (o *Oracle) Name() string { return "replay" }

// Len returns the number of records loaded.
func (o *Oracle) Len() int { return o.n }

// Decide implements oracle.Oracle: each case gets its recorded answer, or an error
// result saying that it was not recorded or that its records conflict.
func (o *Oracle) Decide(ctx context.Context, cases []*model.Case) ([]oracle.Result, error) {
	out := make([]oracle.Result, len(cases))
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = o.answer(c)
	}
	return out, nil
}

// Lookup returns the record that answers c, or an error wrapping ErrNotRecorded or
// ErrConflict.
func (o *Oracle) Lookup(c *model.Case) (*Record, error) {
	key, err := Key(c, o.op)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotRecorded, err)
	}
	recs := o.byKey[key]
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: no %s answer for this case (key %s)", ErrNotRecorded, o.op, key)
	}
	latest := recs[0]
	for _, l := range recs[1:] {
		if l.rec.Decision != latest.rec.Decision || l.rec.Error != latest.rec.Error {
			return nil, fmt.Errorf("%w: %s says %s but %s says %s", ErrConflict, latest.where, outcome(latest.rec), l.where, outcome(l.rec))
		}
		if l.rec.AskedAt > latest.rec.AskedAt {
			latest = l
		}
	}
	return latest.rec, nil
}

func (o *Oracle) answer(c *model.Case) oracle.Result {
	rec, err := o.Lookup(c)
	if err != nil {
		kind := KindNotRecorded
		if errors.Is(err, ErrConflict) {
			kind = KindConflict
		}
		return oracle.Result{ID: c.ID, Err: err.Error(), ErrKind: kind}
	}
	return rec.Result(c.ID)
}

func outcome(r *Record) string {
	if r.Error != "" {
		return "error (" + r.Error + ")"
	}
	return r.Decision
}

// Close implements oracle.Oracle.
func (o *Oracle) Close() error { return nil }

// Warnings returns what loading tolerated: torn last lines, one per file.
func (o *Oracle) Warnings() []string { return o.warnings }
