// Package summary writes and reads TensorBoard event files, byte-compatible
// with TensorFlow's: TFRecord framing with masked CRC-32C checksums around
// Event protocol buffers, one file per run directory, named as TensorFlow
// names them.
//
// A Writer is TensorFlow 2's tf.summary.create_file_writer: Scalar,
// Histogram, Image, Text, HParams and GraphDef write one event each, for
// TensorBoard's scalars, histograms, images, text, hparams and graphs
// dashboards. Events are buffered and written when MaxQueue of them are
// waiting, after FlushEvery, on Flush and on Close.
//
//	w, err := summary.NewWriter("logs/train")
//	...
//	for step := range steps {
//		w.Scalar("loss", loss, int64(step))
//	}
//	w.Close()
//
// Graph mode is TensorFlow 1's: Scalar and Histogram add summary ops to a
// tf.Graph, Merge and MergeAll merge them, a tf.Session runs them with the
// training step, and a FileWriter (NewFileWriter(logdir, graph), which
// writes the graph too) writes what they computed with AddSummary. These
// summaries take TensorBoard's first forms: simple values, and
// HistogramProtos over TensorFlow's default exponential buckets. GraphDef
// turns a tf.Graph into the GraphDef that TensorBoard's Graphs tab draws.
//
//	summary.Scalar("error", loss)
//	summary.Histogram("weights", w.Tensor())
//	merged := summary.MergeAll(g)
//	fw, err := summary.NewFileWriter("logs/run1", g)
//	...
//	out, err := sess.Run(feeds, []*tf.Tensor{merged}, train)
//	fw.AddSummary(out[0], int64(step))
//
// The Keras TensorBoard callback (keras.TensorBoard) writes with a Writer.
//
// A Reader (or ReadFile) decodes such files again, from TensorBoard's TF1
// forms (simple values, HistogramProto) as well as its TF2 forms (tensors
// with plugin metadata), checking every record's checksums.
package summary
