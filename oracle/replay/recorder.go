package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
)

// Recorder appends records to JSON-lines files in a directory: aws-DATE.jsonl for
// answers from AWS and not-aws-DATE.jsonl for everything else, so that a file's name
// already says whether it is ground truth. It is safe for concurrent use. Each
// record goes to the file in one write of one whole line, so a run cut off leaves
// at most a torn last line, which replay reports and skips; Flush and Close fsync.
// A file whose last line is torn is never appended to: the recorder moves on to
// NAME.1.jsonl, NAME.2.jsonl …, so no record is glued onto the fragment.
type Recorder struct {
	dir string
	now func() time.Time

	mu    sync.Mutex
	files map[string]*recFile
	n     int
}

type recFile struct {
	f *os.File
}

// NewRecorder records into dir, creating it if needed.
func NewRecorder(dir string) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Recorder{dir: dir, now: time.Now, files: map[string]*recFile{}}, nil
}

// Write appends one record. The record must carry RecordedFrom, Operation, AskedAt,
// SDK and Key, and either a decision or an error.
func (r *Recorder) Write(rec *Record) error {
	switch {
	case rec.RecordedFrom == "" || rec.Operation == "" || rec.AskedAt == "" || rec.SDK == "" || rec.Key == "":
		return fmt.Errorf("replay: incomplete record for %q: recordedFrom, operation, askedAt, sdk and key are required", rec.ID)
	case (rec.Decision == "") == (rec.Error == ""):
		return fmt.Errorf("replay: record for %q must carry exactly one of a decision and an error", rec.ID)
	}
	line, err := json.Marshal(rec, json.Deterministic(true))
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	prefix := "not-aws"
	if rec.FromAWS() {
		prefix = "aws"
	}
	name := fmt.Sprintf("%s-%s", prefix, r.now().UTC().Format("2006-01-02"))
	r.mu.Lock()
	defer r.mu.Unlock()
	rf := r.files[name]
	if rf == nil {
		f, err := openAppendable(r.dir, name)
		if err != nil {
			return err
		}
		rf = &recFile{f: f}
		r.files[name] = rf
	}
	if _, err := rf.f.Write(append(line, '\n')); err != nil {
		return err
	}
	r.n++
	return nil
}

// openAppendable opens dir/name.jsonl for appending, or the first of
// name.1.jsonl, name.2.jsonl … that does not end in a torn line.
func openAppendable(dir, name string) (*os.File, error) {
	for i := 0; ; i++ {
		file := name + ".jsonl"
		if i > 0 {
			file = fmt.Sprintf("%s.%d.jsonl", name, i)
		}
		f, err := os.OpenFile(filepath.Join(dir, file), os.O_CREATE|os.O_APPEND|os.O_RDWR, 0o644)
		if err != nil {
			return nil, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if fi.Size() == 0 {
			return f, nil
		}
		var last [1]byte
		if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil {
			f.Close()
			return nil, err
		}
		if last[0] == '\n' {
			return f, nil
		}
		f.Close()
	}
}

// Count returns the number of records written.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// Files returns the paths of the files written to.
func (r *Recorder) Files() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for name := range r.files {
		out = append(out, filepath.Join(r.dir, name))
	}
	return out
}

// Flush makes the records written so far durable (fsync).
func (r *Recorder) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rf := range r.files {
		if err := rf.f.Sync(); err != nil {
			return err
		}
	}
	return nil
}

// Close flushes and closes every file.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var first error
	for name, rf := range r.files {
		if err := rf.f.Sync(); err != nil && first == nil {
			first = err
		}
		if err := rf.f.Close(); err != nil && first == nil {
			first = err
		}
		delete(r.files, name)
	}
	return first
}
