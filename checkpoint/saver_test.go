package checkpoint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Note 002's Saver: save the variables of a graph, change them, restore.
func TestSaverGraphMode(t *testing.T) {
	g := tf.NewGraph()
	w := tf.NewVariable(g, tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), tf.Name("layer1/weights"))
	b := tf.NewVariable(g, tensor.FromSlice([]float32{0.5, -0.5}, 2), tf.Name("layer1/biases"))
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	saver := checkpoint.NewSaver(nil)
	saver.MaxToKeep = 2
	var last string
	for step := int64(100); step <= 300; step += 100 {
		p, err := saver.Save(sess, filepath.Join(dir, "model"), step)
		if err != nil {
			t.Fatal(err)
		}
		last = p
	}
	if filepath.Base(last) != "model-300"+checkpoint.Ext {
		t.Fatalf("saved to %s", last)
	}
	latest, err := checkpoint.LatestCheckpoint(dir)
	if err != nil || latest != last {
		t.Fatalf("latest %q (%v), want %q", latest, err, last)
	}
	if _, err := os.Stat(filepath.Join(dir, "model-100"+checkpoint.Ext)); !os.IsNotExist(err) {
		t.Fatal("MaxToKeep 2 kept the oldest of three")
	}
	if _, err := sess.Run(nil, nil, w.Assign(tf.Const(g, tensor.Zeros(tensor.Float32, 2, 2))).Op(), b.Assign(tf.Const(g, tensor.Zeros(tensor.Float32, 2))).Op()); err != nil {
		t.Fatal(err)
	}
	if err := saver.Restore(sess, latest); err != nil {
		t.Fatal(err)
	}
	if got := w.Value().Float32s(); got[3] != 4 || got[0] != 1 {
		t.Fatalf("restored weights %v", got)
	}
	if got := b.Value().Float32s(); got[0] != 0.5 {
		t.Fatalf("restored biases %v", got)
	}
}

// A name map restores a checkpoint into variables named differently, and a
// file that lacks a variable or holds another shape changes nothing.
func TestSaverNameMapAndErrors(t *testing.T) {
	v1 := tf.NewVariable(nil, tensor.FromSlice([]float64{1, 2}), tf.Name("a"))
	path := filepath.Join(t.TempDir(), "one")
	if _, err := checkpoint.NewSaverMap(map[string]*tf.Variable{"shared/x": v1}).Save(nil, path, -1); err != nil {
		t.Fatal(err)
	}
	v2 := tf.NewVariable(nil, tensor.FromSlice([]float64{0, 0}), tf.Name("b"))
	if err := checkpoint.NewSaverMap(map[string]*tf.Variable{"shared/x": v2}).Restore(nil, path+checkpoint.Ext); err != nil {
		t.Fatal(err)
	}
	if v2.Value().Float64s()[1] != 2 {
		t.Fatalf("restored %v", v2.Value())
	}
	v3 := tf.NewVariable(nil, tensor.FromSlice([]float64{7, 7}), tf.Name("c"))
	err := checkpoint.NewSaverMap(map[string]*tf.Variable{"shared/x": v2, "other": v3}).Restore(nil, path+checkpoint.Ext)
	if err == nil || !strings.Contains(err.Error(), "lacks other") {
		t.Fatalf("missing variable: %v", err)
	}
	v4 := tf.NewVariable(nil, tensor.FromSlice([]float64{9, 9, 9}), tf.Name("d"))
	err = checkpoint.NewSaverMap(map[string]*tf.Variable{"shared/x": v4}).Restore(nil, path+checkpoint.Ext)
	if err == nil || !strings.Contains(err.Error(), "(3,)") || v4.Value().Float64s()[0] != 9 {
		t.Fatalf("shape mismatch: %v, value %v", err, v4.Value())
	}
}
