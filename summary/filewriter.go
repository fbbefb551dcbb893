package summary

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// FileWriter is TensorFlow 1's tf.summary.FileWriter: it writes the
// serialized summaries that graph-mode summary ops compute (Scalar,
// Histogram, Merge, MergeAll, run by a Session) and the graph. It is a
// Writer, so the TF2-style methods (Writer.Scalar, ...) work on it too.
//
//	merged := summary.MergeAll(g)
//	fw, err := summary.NewFileWriter("logs/run1", g)
//	...
//	for i := range steps {
//		out, err := sess.Run(feeds, []*tf.Tensor{merged}, train)
//		...
//		fw.AddSummary(out[0], int64(i))
//	}
//	fw.Close()
type FileWriter struct {
	*Writer
}

// NewFileWriter creates a new events file in logdir, as NewWriter does, and
// when g is not nil writes g's GraphDef first (for the Graphs tab), as
// tf.summary.FileWriter(logdir, graph) does.
func NewFileWriter(logdir string, g *tf.Graph, opts ...WriterOption) (*FileWriter, error) {
	w, err := NewWriter(logdir, opts...)
	if err != nil {
		return nil, err
	}
	fw := &FileWriter{w}
	if g != nil {
		if err := fw.AddGraph(g); err != nil {
			w.Close()
			return nil, err
		}
	}
	return fw, nil
}

// AddSummary writes a serialized Summary at step: the output of a summary
// op (a 1-D uint8 tensor, as Session.Run returns it). It returns an error
// when s is not a uint8 tensor holding a valid Summary.
func (w *FileWriter) AddSummary(s *tensor.Tensor, step int64) error {
	if s == nil || s.DType() != tensor.Uint8 || s.Rank() != 1 {
		return fmt.Errorf("summary: AddSummary: want a serialized summary (a 1-D uint8 tensor), got %v", describeTensor(s))
	}
	return w.AddSummaryBytes(s.Uint8s(), step)
}

// AddSummaryBytes writes a Summary given as its serialized bytes at step.
func (w *FileWriter) AddSummaryBytes(b []byte, step int64) error {
	var sum tbpb.Summary
	if err := proto.Unmarshal(b, &sum); err != nil {
		return fmt.Errorf("summary: AddSummary: not a serialized Summary: %w", err)
	}
	return w.write(&tbpb.Event{WallTime: now(), Step: step, What: &tbpb.Event_Summary{Summary: &sum}})
}

// AddGraph writes g's GraphDef (see GraphDef) for TensorBoard's Graphs tab.
func (w *FileWriter) AddGraph(g *tf.Graph) error { return w.Graph(g) }

// Graph writes g's GraphDef (see GraphDef) for TensorBoard's Graphs tab.
func (w *Writer) Graph(g *tf.Graph) error { return w.GraphDef(GraphDef(g)) }

func describeTensor(t *tensor.Tensor) string {
	if t == nil {
		return "nil"
	}
	return fmt.Sprintf("%v %v", t.DType(), t.Shape())
}
