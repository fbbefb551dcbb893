package onnx

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/onnx/internal/onnxpb"
	"github.com/tensorgo/tensorgo/tensor"
)

// nodeTestDir is where Debian's libonnx-testdata puts ONNX's backend node
// tests (one folder per case: model.onnx and test_data_set_N/ with
// input_K.pb and output_K.pb).
const nodeTestDir = "/usr/share/libonnx-testdata/data/node"

// readTensorPB reads a test's TensorProto. ONNX's test data stores 16-bit
// float values as UINT16 bits; want (when not Invalid) is the dtype the
// model declares, which such a tensor is read as.
func readTensorPB(t *testing.T, path string, want tensor.DType) *tensor.Tensor {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tp onnxpb.TensorProto
	if err := proto.Unmarshal(b, &tp); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if tp.GetDataType() == int32(onnxpb.TensorProto_UINT16) && (want == tensor.Float16 || want == tensor.BFloat16) {
		tp.DataType = onnxType(want)
	}
	v, err := decodeTensor(&tp, Limits{}.withDefaults())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// knownDifferences are node tests whose expected outputs tensorgo does not
// reproduce on purpose, with the reason.
var knownDifferences = map[string]string{
	// ONNX 1.12's reference truncates float32 to bfloat16; ONNX 1.13 and
	// later, TensorFlow and tensorgo round to nearest even.
	"test_cast_FLOAT_to_BFLOAT16": "ONNX 1.12 truncates to bfloat16; tensorgo rounds to nearest even, as ONNX 1.13+ and TensorFlow do",
	// The data sets feed a 1-element "like" tensor to an input the model
	// declares as 3×4; tensorgo holds inputs to their declared shapes.
	"test_castlike_BFLOAT16_to_FLOAT_expanded": "the test data contradicts the model's declared input shape",
	"test_castlike_FLOAT_to_BFLOAT16_expanded": "the test data contradicts the model's declared input shape",
	// tensorgo's convolution ops are 1-D and 2-D.
	"test_averagepool_3d_default": "3-D pooling: tensorgo imports 1-D and 2-D images",
	"test_maxpool_3d_default":     "3-D pooling: tensorgo imports 1-D and 2-D images",
	"test_convtranspose_3d":       "3-D transposed convolution: tensorgo imports 1-D and 2-D images",
	// tensorgo imports inference graphs.
	"test_batchnorm_epsilon_training_mode": "training-mode BatchNormalization: tensorgo imports inference graphs",
	"test_batchnorm_example_training_mode": "training-mode BatchNormalization: tensorgo imports inference graphs",
	// MaxPool's second output, the argmax indices, has no tensorgo op.
	"test_maxpool_with_argmax_2d_precomputed_pads":    "MaxPool's Indices output is not imported",
	"test_maxpool_with_argmax_2d_precomputed_strides": "MaxPool's Indices output is not imported",
	"test_maxpool_2d_dilations":                       "dilated max pooling is not imported",
	"test_lstm_with_peepholes":                        "LSTM peepholes (and sequence_lens) are not imported",
}

// TestONNXNodeConformance runs every ONNX node test whose operators Import
// handles, and fails on any of them that does not match ONNX's expected
// outputs (rtol 1e-3, atol 1e-7, the backend suite's defaults). Tests of
// operators tensorgo does not import are counted and listed.
func TestONNXNodeConformance(t *testing.T) {
	dirs, err := os.ReadDir(nodeTestDir)
	if err != nil {
		t.Skipf("SKIPPED: ONNX's node tests are not installed (apt-get install libonnx-testdata): %v", err)
	}
	passed := map[string]int{}
	failed := map[string][]string{}
	var notImported int
	var random, differ []string
	for _, d := range dirs {
		dir := filepath.Join(nodeTestDir, d.Name())
		b, err := os.ReadFile(filepath.Join(dir, "model.onnx"))
		if err != nil {
			continue
		}
		m, err := Decode(b, Limits{})
		if err != nil {
			notImported++
			continue
		}
		op := ""
		ok := true
		for _, n := range m.Graph.Nodes {
			if _, known := importers[n.OpType]; !known || n.Domain != "" {
				ok = false
			}
			if op == "" {
				op = n.OpType
			}
		}
		if !ok || len(m.Graph.Nodes) == 0 {
			notImported++
			continue
		}
		if why, ok := knownDifferences[d.Name()]; ok {
			differ = append(differ, d.Name()+" ("+why+")")
			continue
		}
		if msg := runNodeTest(t, dir, m); msg == errSkipRandom {
			random = append(random, d.Name())
		} else if msg != "" {
			failed[op] = append(failed[op], d.Name()+": "+msg)
		} else {
			passed[op]++
		}
	}
	var ops []string
	for op := range passed {
		ops = append(ops, op)
	}
	for op := range failed {
		if passed[op] == 0 {
			ops = append(ops, op)
		}
	}
	sort.Strings(ops)
	var report []string
	total, bad := 0, 0
	for _, op := range ops {
		report = append(report, fmt.Sprintf("%s %d/%d", op, passed[op], passed[op]+len(failed[op])))
		total += passed[op] + len(failed[op])
		bad += len(failed[op])
	}
	t.Logf("ONNX node tests of imported operators: %d passed, %d failed, of %d; %d tests of other operators not run",
		total-bad, bad, total, notImported)
	t.Logf("per operator: %s", strings.Join(report, ", "))
	if len(differ) > 0 {
		t.Logf("known differences, not run: %s", strings.Join(differ, "; "))
	}
	if len(random) > 0 {
		t.Logf("not comparable (random outputs of training-mode Dropout, which tensorgo does not import): %s", strings.Join(random, ", "))
	}
	for _, op := range ops {
		for _, f := range failed[op] {
			t.Errorf("%s", f)
		}
	}
}

// errSkipRandom marks a node test whose expected outputs are random.
var errSkipRandom = "random"

func runNodeTest(t *testing.T, dir string, m *Model) (msg string) {
	sets, _ := filepath.Glob(filepath.Join(dir, "test_data_set_*"))
	for _, set := range sets {
		im, err := Import(m)
		if err != nil && strings.Contains(err.Error(), "must be a constant") {
			// Node tests feed shapes, axes and flags as inputs; real
			// models hold them as initializers or Constants. Fold this
			// data set's inputs after the first into constants.
			// ConstantOfShape's only input is its shape: fold that one.
			first := 1
			if m.Graph.Nodes[0].OpType == "ConstantOfShape" {
				first = 0
			}
			consts := map[string]*tensor.Tensor{}
			for i, v := range m.Graph.Inputs[first:] {
				consts[v.Name] = readTensorPB(t, filepath.Join(set, fmt.Sprintf("input_%d.pb", i+first)), v.DType)
			}
			im, err = ImportWith(m, ImportOptions{Constants: consts})
		}
		if errors.Is(err, ErrRandom) {
			return errSkipRandom
		}
		if err != nil {
			return err.Error()
		}
		var ins []*tensor.Tensor
		for i, v := range m.Graph.Inputs {
			if im.isInput(v.Name) {
				ins = append(ins, readTensorPB(t, filepath.Join(set, fmt.Sprintf("input_%d.pb", i)), v.DType))
			}
		}
		outs, err := im.Predict(ins...)
		if err != nil {
			return err.Error()
		}
		for i, got := range outs {
			want := readTensorPB(t, filepath.Join(set, fmt.Sprintf("output_%d.pb", i)), m.Graph.Outputs[i].DType)
			if !got.Shape().Equal(want.Shape()) {
				return fmt.Sprintf("output %d has shape %v, want %v", i, got.Shape(), want.Shape())
			}
			for j := 0; j < want.Size(); j++ {
				g, w := got.Float(j), want.Float(j)
				if math.IsNaN(w) && math.IsNaN(g) {
					continue
				}
				if math.Abs(g-w) > 1e-7+1e-3*math.Abs(w) {
					return fmt.Sprintf("output %d element %d = %v, want %v", i, j, g, w)
				}
			}
		}
	}
	return ""
}
