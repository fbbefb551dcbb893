package summary

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// readWithTensorBoard is a Python script run with TensorBoard's own event
// readers (no TensorFlow needed): it prints, as JSON, the scalars and
// histograms of a run as the server's plugins see them (after TensorBoard
// migrated TF1 forms to TF2 tensors) and the graph's node names.
const readWithTensorBoard = `
import json, sys
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.util import tensor_util
acc = pea.EventAccumulator(sys.argv[1], size_guidance={pea.TENSORS: 0})
acc.Reload()
out = {"scalars": {}, "histograms": {}, "nodes": []}
for tag in acc.PluginTagToContent("scalars"):
    out["scalars"][tag] = [[e.step, float(tensor_util.make_ndarray(e.tensor_proto))] for e in acc.Tensors(tag)]
for tag in acc.PluginTagToContent("histograms"):
    out["histograms"][tag] = [[e.step, tensor_util.make_ndarray(e.tensor_proto).tolist()] for e in acc.Tensors(tag)]
out["nodes"] = [[n.name, n.op, list(n.input)] for n in acc.Graph().node]
print(json.dumps(out))
`

// TestTensorBoardReadsGraphMode checks what graph-mode summaries and a
// FileWriter write with TensorBoard's own reader. It runs only where
// TENSORBOARD_PYTHONPATH names a TensorBoard source tree with its generated
// protos (see the formats notes: PYTHONPATH=$VERIFY_DIR/tb) and
// /usr/bin/python3 has protobuf and numpy.
func TestTensorBoardReadsGraphMode(t *testing.T) {
	tbPath := os.Getenv("TENSORBOARD_PYTHONPATH")
	if tbPath == "" {
		t.Skip("TENSORBOARD_PYTHONPATH is not set")
	}
	dir := t.TempDir()
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("x"))
	g.WithNameScope("stats", func() {
		Scalar("average", tf.ReduceMean(x, nil, false))
		Histogram("x", x)
	})
	merged := MergeAll(g)
	fw, err := NewFileWriter(dir, g)
	if err != nil {
		t.Fatal(err)
	}
	sess := tf.NewSession(g)
	feeds := [][]float32{{1, 2, 3}, {-0.5, 0.5}}
	for i, xs := range feeds {
		out, err := sess.Run(tf.Feeds{x: tensor.FromSlice(xs)}, []*tf.Tensor{merged})
		if err != nil {
			t.Fatal(err)
		}
		if err := fw.AddSummary(out[0], int64(10*i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "read.py")
	if err := os.WriteFile(script, []byte(readWithTensorBoard), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", script, dir)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+tbPath)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("TensorBoard's reader: %v\n%s", err, b)
	}
	var got struct {
		Scalars    map[string][][2]float64
		Histograms map[string][][]any
		Nodes      [][]any
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	want := [][2]float64{{0, 2}, {10, 0}}
	if s := got.Scalars["stats/average"]; len(s) != 2 || s[0] != want[0] || s[1] != want[1] {
		t.Errorf("stats/average %v, want %v", s, want)
	}
	h := got.Histograms["stats/x"]
	if len(h) != 2 {
		t.Fatalf("stats/x: %d histograms, want 2", len(h))
	}
	for i, xs := range feeds {
		// TensorBoard turns a HistogramProto into (left, right, count)
		// rows holding every value.
		var n float64
		for _, row := range h[i][1].([]any) {
			n += row.([]any)[2].(float64)
		}
		if n != float64(len(xs)) {
			t.Errorf("stats/x step %v holds %v values, want %d", h[i][0], n, len(xs))
		}
	}
	if len(got.Nodes) != len(g.Operations()) {
		t.Errorf("TensorBoard's graph has %d nodes, the graph %d", len(got.Nodes), len(g.Operations()))
	}
}
