package checkpoint

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Saver saves and restores graph-mode variables, as TensorFlow 1's
// tf.train.Saver does:
//
//	saver := checkpoint.NewSaver(nil)      // every variable of the graph
//	...
//	path, err := saver.Save(sess, "ckpt/model", step) // ckpt/model-<step>.tgckpt
//	...
//	latest, _ := checkpoint.LatestCheckpoint("ckpt")
//	err = saver.Restore(sess, latest)
//
// Variables are keyed by their op names ("layer1/weights") unless a name
// map says otherwise. Save keeps the newest MaxToKeep files of each
// directory, named in the directory's "checkpoint" index.
type Saver struct {
	vars      map[string]*tf.Variable // nil: the session graph's variables
	MaxToKeep int                     // 0: DefaultMaxToKeep; negative: keep all
	managers  map[string]*Manager
}

// NewSaver returns a Saver for vars (keyed by op name), or for every global
// variable of the session's graph at each Save or Restore when vars is
// empty.
func NewSaver(vars []*tf.Variable) *Saver {
	if len(vars) == 0 {
		return &Saver{}
	}
	m := make(map[string]*tf.Variable, len(vars))
	for _, v := range vars {
		m[v.OpName()] = v
	}
	return &Saver{vars: m}
}

// NewSaverMap returns a Saver that stores each variable under the key the
// map gives it, as tf.train.Saver({"name": var}) does: checkpoints move
// between graphs whose variables are named differently.
func NewSaverMap(vars map[string]*tf.Variable) *Saver {
	m := make(map[string]*tf.Variable, len(vars))
	for k, v := range vars {
		m[k] = v
	}
	return &Saver{vars: m}
}

func (s *Saver) varList(sess *tf.Session) (map[string]*tf.Variable, error) {
	if s.vars != nil {
		return s.vars, nil
	}
	if sess == nil {
		return nil, fmt.Errorf("checkpoint: Saver: no variables given and no session to take them from")
	}
	m := map[string]*tf.Variable{}
	for _, v := range tf.GlobalVariables(sess.Graph()) {
		m[v.OpName()] = v
	}
	return m, nil
}

// Save writes the variables' current values to "<prefix>-<globalStep>" +
// Ext, where prefix is a path such as "ckpt/model", and returns the file's
// path. A negative globalStep saves to prefix + Ext with no step. sess may
// be nil when the Saver was given its variables.
func (s *Saver) Save(sess *tf.Session, prefix string, globalStep int64) (string, error) {
	vars, err := s.varList(sess)
	if err != nil {
		return "", err
	}
	st := &State{Step: globalStep, Tensors: make(map[string]*tensor.Tensor, len(vars))}
	for k, v := range vars {
		if !v.Initialized() {
			return "", fmt.Errorf("checkpoint: Saver: variable %s is not initialised (run its initializer first)", v.OpName())
		}
		st.Tensors[k] = v.Value()
	}
	if globalStep < 0 {
		path := prefix + Ext
		return path, Write(path, st)
	}
	dir, base := filepath.Split(prefix)
	if dir == "" {
		dir = "."
	}
	if s.managers == nil {
		s.managers = map[string]*Manager{}
	}
	m := s.managers[prefix]
	if m == nil {
		if m, err = NewManager(dir, s.MaxToKeep, Prefix(base)); err != nil {
			return "", err
		}
		s.managers[prefix] = m
	}
	return m.Save(st)
}

// Restore sets the variables from the checkpoint at path. Every variable
// must be in the file with its shape and dtype; the file may hold more.
func (s *Saver) Restore(sess *tf.Session, path string) error {
	vars, err := s.varList(sess)
	if err != nil {
		return err
	}
	st, err := Read(path)
	if err != nil {
		return err
	}
	var missing []string
	for k, v := range vars {
		t, ok := st.Tensors[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		if t.DType() != v.DType() || !t.Shape().Equal(v.Shape()) {
			return fmt.Errorf("checkpoint: %s holds %s as %v %v, the variable is %v %v", path, k, t.DType(), t.Shape(), v.DType(), v.Shape())
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("checkpoint: %s lacks %s", path, strings.Join(missing, ", "))
	}
	// Checked everything first, so a bad file changes no variable.
	for k, v := range vars {
		if err := v.SetValue(st.Tensors[k]); err != nil {
			return fmt.Errorf("checkpoint: restoring %s: %w", k, err)
		}
	}
	return nil
}
