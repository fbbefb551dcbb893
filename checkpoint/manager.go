package checkpoint

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/internal/atomicfile"
)

// Write saves s to path atomically: the bytes go to a temporary file beside
// path, which is synced and then renamed over path, and the directory is
// synced. A failed or interrupted Write leaves any earlier file at path as
// it was.
func Write(path string, s *State) error {
	if err := atomicfile.Write(path, func(w io.Writer) error {
		if writeDelay > 0 {
			w = &slowWriter{w: w, delay: writeDelay}
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := encode(bw, s); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return fmt.Errorf("checkpoint: writing %s: %w", path, err)
	}
	return nil
}

// ReadOptions bound what Read accepts from a file.
type ReadOptions struct {
	// MaxBytes is the largest file accepted; 0 means DefaultMaxBytes.
	MaxBytes int64
}

// Read loads the checkpoint at path, checking its checksums, its sizes and
// every tensor's shape against its byte count. A damaged file is a
// *CorruptError that names it.
func Read(path string) (*State, error) { return ReadWith(path, ReadOptions{}) }

// ReadWith is Read with limits.
func ReadWith(path string, o ReadOptions) (*State, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	max := o.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	if st.Size() > max {
		return nil, fmt.Errorf("checkpoint: %s is %d bytes, more than the limit of %d (ReadOptions.MaxBytes)", path, st.Size(), max)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, &CorruptError{path, "read: " + err.Error()}
	}
	return decode(path, b)
}

// indexName is the file in a checkpoint directory that names its
// checkpoints, newest last, in TensorFlow's text form:
//
//	model_checkpoint_path: "ckpt-300"
//	all_model_checkpoint_paths: "ckpt-200"
//	all_model_checkpoint_paths: "ckpt-300"
const indexName = "checkpoint"

// Ext is the file extension of a checkpoint file.
const Ext = ".tgckpt"

// Manager keeps the checkpoints of one training run in a directory, as
// tf.train.CheckpointManager does: Save writes a new one and names it in
// the directory's index, and only the newest MaxToKeep are kept.
type Manager struct {
	dir       string
	prefix    string
	maxToKeep int
	paths     []string // checkpoint names (no directory), oldest first
}

// DefaultMaxToKeep is how many checkpoints a Manager keeps by default, as
// tf.train.Saver does.
const DefaultMaxToKeep = 5

// A ManagerOption configures NewManager.
type ManagerOption func(*Manager)

// Prefix sets the name checkpoint files start with (default "ckpt"): a
// checkpoint of step 300 is "<prefix>-300" + Ext.
func Prefix(p string) ManagerOption { return func(m *Manager) { m.prefix = p } }

// NewManager opens (creating if needed) a checkpoint directory. maxToKeep
// of 0 means DefaultMaxToKeep; a negative one keeps every checkpoint.
// Temporary files left by a save that was interrupted are removed.
func NewManager(dir string, maxToKeep int, opts ...ManagerOption) (*Manager, error) {
	if maxToKeep == 0 {
		maxToKeep = DefaultMaxToKeep
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	m := &Manager{dir: dir, prefix: "ckpt", maxToKeep: maxToKeep}
	for _, o := range opts {
		o(m)
	}
	if m.prefix == "" || strings.ContainsAny(m.prefix, `/\`) {
		return nil, fmt.Errorf("checkpoint: prefix %q must be a plain file name", m.prefix)
	}
	if err := sweepTemps(dir); err != nil {
		return nil, err
	}
	all, _, err := readIndex(dir)
	if err != nil {
		return nil, err
	}
	m.paths = all
	return m, nil
}

// Dir is the manager's directory.
func (m *Manager) Dir() string { return m.dir }

// sweepTemps removes the temporary files of interrupted writes
// (atomicfile names them ".<name>.tmp<random>").
func sweepTemps(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp") &&
			(strings.Contains(n, Ext) || strings.HasPrefix(n, "."+indexName+".tmp")) {
			os.Remove(filepath.Join(dir, n))
		}
	}
	return nil
}

var indexLine = regexp.MustCompile(`^(model_checkpoint_path|all_model_checkpoint_paths): "([^"]*)"$`)

// readIndex returns the checkpoints a directory's index names (oldest
// first) and the latest one; no index means none.
func readIndex(dir string) (all []string, latest string, err error) {
	b, err := os.ReadFile(filepath.Join(dir, indexName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("checkpoint: %w", err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		mm := indexLine.FindStringSubmatch(strings.TrimSpace(line))
		// Entries are bare file names in dir: a path would let a
		// hostile index point anywhere.
		if mm == nil || mm[2] == "" || strings.ContainsAny(mm[2], `/\`) || mm[2] == "." || mm[2] == ".." {
			return nil, "", fmt.Errorf("checkpoint: %s line %d is not an index line: %.100q", filepath.Join(dir, indexName), i+1, line)
		}
		if mm[1] == "model_checkpoint_path" {
			latest = mm[2]
		} else {
			all = append(all, mm[2])
		}
	}
	if latest != "" && (len(all) == 0 || all[len(all)-1] != latest) {
		all = append(all, latest)
	}
	return all, latest, nil
}

func writeIndex(dir string, all []string) error {
	var sb strings.Builder
	if len(all) > 0 {
		fmt.Fprintf(&sb, "model_checkpoint_path: %q\n", all[len(all)-1])
	}
	for _, p := range all {
		fmt.Fprintf(&sb, "all_model_checkpoint_paths: %q\n", p)
	}
	return atomicfile.Write(filepath.Join(dir, indexName), func(w io.Writer) error {
		_, err := io.WriteString(w, sb.String())
		return err
	})
}

// Save writes s as the checkpoint "ckpt-<s.Step>" and makes it the latest,
// then removes the oldest beyond MaxToKeep. It returns the new file's path.
// The checkpoint file is complete on disk before the index names it, and
// the index changes atomically, so a crash at any moment leaves the latest
// checkpoint readable.
func (m *Manager) Save(s *State) (string, error) {
	name := m.prefix + "-" + strconv.FormatInt(s.Step, 10) + Ext
	path := filepath.Join(m.dir, name)
	if err := Write(path, s); err != nil {
		return "", err
	}
	paths := make([]string, 0, len(m.paths)+1)
	for _, p := range m.paths {
		if p != name {
			paths = append(paths, p)
		}
	}
	paths = append(paths, name)
	var drop []string
	if m.maxToKeep > 0 && len(paths) > m.maxToKeep {
		drop, paths = paths[:len(paths)-m.maxToKeep], paths[len(paths)-m.maxToKeep:]
	}
	if err := writeIndex(m.dir, paths); err != nil {
		return "", fmt.Errorf("checkpoint: writing the index of %s: %w", m.dir, err)
	}
	m.paths = paths
	for _, p := range drop {
		os.Remove(filepath.Join(m.dir, p))
	}
	return path, nil
}

// Checkpoints returns the paths of the kept checkpoints, oldest first.
func (m *Manager) Checkpoints() []string {
	out := make([]string, len(m.paths))
	for i, p := range m.paths {
		out[i] = filepath.Join(m.dir, p)
	}
	return out
}

// Latest returns the newest checkpoint's path, or "" if there is none.
func (m *Manager) Latest() string {
	if len(m.paths) == 0 {
		return ""
	}
	return filepath.Join(m.dir, m.paths[len(m.paths)-1])
}

// LatestCheckpoint returns the path of the newest checkpoint in dir, as
// tf.train.latest_checkpoint does, or "" when dir has none (or does not
// exist).
func LatestCheckpoint(dir string) (string, error) {
	_, latest, err := readIndex(dir)
	if err != nil || latest == "" {
		return "", err
	}
	return filepath.Join(dir, latest), nil
}
