package summary

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"sort"
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
	"github.com/tensorgo/tensorgo/tensor"
)

// DefaultBuckets is the number of equal-width buckets of a histogram, as in
// TensorBoard's tf.summary.histogram.
const DefaultBuckets = 30

func metadata(plugin string, content proto.Message, class tbpb.DataClass) *tbpb.SummaryMetadata {
	var b []byte
	if content != nil {
		b, _ = proto.Marshal(content)
	}
	return &tbpb.SummaryMetadata{PluginData: &tbpb.SummaryMetadata_PluginData{PluginName: plugin, Content: b},
		DataClass: class}
}

func shapeProto(dims ...int) *tbpb.TensorShapeProto {
	s := &tbpb.TensorShapeProto{}
	for _, d := range dims {
		s.Dim = append(s.Dim, &tbpb.TensorShapeProto_Dim{Size: int64(d)})
	}
	return s
}

// The plugins' metadata, the same for every value of a kind: built once,
// shared (read-only) by every event.
var (
	scalarMeta = metadata("scalars", &tbpb.ScalarPluginData{}, tbpb.DataClass_DATA_CLASS_SCALAR)
	histMeta   = metadata("histograms", &tbpb.HistogramPluginData{}, tbpb.DataClass_DATA_CLASS_TENSOR)
	imageMeta  = metadata("images", &tbpb.ImagePluginData{}, tbpb.DataClass_DATA_CLASS_BLOB_SEQUENCE)
	textMeta   = metadata("text", &tbpb.TextPluginData{}, tbpb.DataClass_DATA_CLASS_TENSOR)
	scalarDims = shapeProto()
)

// Scalar writes a scalar summary at step, as tf.summary.scalar does: a rank-0
// float32 tensor for the scalars plugin.
func (w *Writer) Scalar(tag string, value float64, step int64) error {
	return w.summaryEvent(step, scalarValue(tag, value))
}

// Scalars writes several scalars of one step in one event (TensorBoard reads
// each as if written alone): cheaper than a Scalar call each when a training
// loop logs every step. tags and values pair up.
func (w *Writer) Scalars(step int64, tags []string, values []float64) error {
	if len(tags) != len(values) {
		return fmt.Errorf("summary: Scalars: %d tags but %d values", len(tags), len(values))
	}
	vals := make([]*tbpb.Summary_Value, len(tags))
	for i, tag := range tags {
		vals[i] = scalarValue(tag, values[i])
	}
	return w.summaryEvent(step, vals...)
}

func scalarValue(tag string, value float64) *tbpb.Summary_Value {
	return &tbpb.Summary_Value{Tag: tag, Metadata: scalarMeta,
		Value: &tbpb.Summary_Value_Tensor{Tensor: &tbpb.TensorProto{Dtype: tbpb.DataType_DT_FLOAT,
			TensorShape: scalarDims, FloatVal: []float32{float32(value)}}}}
}

// Bucket is one histogram bucket: the values in [Left, Right) (the last
// bucket also holds Right itself).
type Bucket struct {
	Left, Right, Count float64
}

// Buckets groups values into k equal-width buckets between their minimum
// and maximum, as TensorBoard's tf.summary.histogram does: a value's bucket
// is floor((v - min) / width), the maximum falls in the last bucket, and
// when all values are equal every bucket has that value as both edges and
// the last one holds them all. No values give k empty buckets. NaNs are
// left out.
func Buckets(values []float64, k int) []Bucket {
	if k <= 0 {
		return nil
	}
	out := make([]Bucket, k)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, v := range values {
		if math.IsNaN(v) {
			continue
		}
		lo, hi, n = math.Min(lo, v), math.Max(hi, v), n+1
	}
	if n == 0 {
		return out
	}
	span := hi - lo
	if span == 0 {
		for i := range out {
			out[i] = Bucket{hi, hi, 0}
		}
		out[k-1].Count = float64(n)
		return out
	}
	width := span / float64(k)
	for i := range out {
		out[i].Left = lo + float64(i)*width
		out[i].Right = lo + float64(i+1)*width
	}
	out[k-1].Right = hi
	for _, v := range values {
		if math.IsNaN(v) {
			continue
		}
		i := int(math.Floor((v - lo) / width))
		if i >= k {
			i = k - 1
		}
		out[i].Count++
	}
	return out
}

// Histogram writes the distribution of values at step in DefaultBuckets
// buckets (see Buckets), as tf.summary.histogram does. values may be any
// numeric tensor.
func (w *Writer) Histogram(tag string, values *tensor.Tensor, step int64) error {
	return w.HistogramBuckets(tag, Buckets(float64s(values), DefaultBuckets), step)
}

// HistogramBuckets writes a histogram whose buckets the caller computed.
func (w *Writer) HistogramBuckets(tag string, buckets []Bucket, step int64) error {
	return w.summaryEvent(step, histogramValue(tag, buckets))
}

func histogramValue(tag string, buckets []Bucket) *tbpb.Summary_Value {
	flat := make([]float64, 0, 3*len(buckets))
	for _, b := range buckets {
		flat = append(flat, b.Left, b.Right, b.Count)
	}
	return &tbpb.Summary_Value{Tag: tag, Metadata: histMeta,
		Value: &tbpb.Summary_Value_Tensor{Tensor: &tbpb.TensorProto{Dtype: tbpb.DataType_DT_DOUBLE,
			TensorShape: shapeProto(len(buckets), 3), DoubleVal: flat}}}
}

func float64s(t *tensor.Tensor) []float64 {
	if t == nil {
		return nil
	}
	if t.DType() != tensor.Float64 {
		t = tensor.Cast(t, tensor.Float64)
	}
	return tensor.Data[float64](t)
}

// Image writes one or more images at step for the images plugin, each
// encoded as PNG, as tf.summary.image does.
func (w *Writer) Image(tag string, step int64, imgs ...image.Image) error {
	if len(imgs) == 0 {
		return fmt.Errorf("summary: Image %q: no images", tag)
	}
	b := imgs[0].Bounds()
	blobs := [][]byte{[]byte(strconv.Itoa(b.Dx())), []byte(strconv.Itoa(b.Dy()))}
	for i, img := range imgs {
		if img.Bounds().Dx() != b.Dx() || img.Bounds().Dy() != b.Dy() {
			return fmt.Errorf("summary: Image %q: image %d is %dx%d, image 0 is %dx%d",
				tag, i, img.Bounds().Dx(), img.Bounds().Dy(), b.Dx(), b.Dy())
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return fmt.Errorf("summary: Image %q: %w", tag, err)
		}
		blobs = append(blobs, buf.Bytes())
	}
	return w.summaryEvent(step, &tbpb.Summary_Value{Tag: tag, Metadata: imageMeta,
		Value: &tbpb.Summary_Value_Tensor{Tensor: &tbpb.TensorProto{Dtype: tbpb.DataType_DT_STRING,
			TensorShape: shapeProto(len(blobs)), StringVal: blobs}}})
}

// Text writes a text summary at step for the text plugin (Markdown), as
// tf.summary.text does.
func (w *Writer) Text(tag, text string, step int64) error {
	return w.summaryEvent(step, &tbpb.Summary_Value{Tag: tag, Metadata: textMeta,
		Value: &tbpb.Summary_Value_Tensor{Tensor: &tbpb.TensorProto{Dtype: tbpb.DataType_DT_STRING,
			TensorShape: shapeProto(), StringVal: [][]byte{[]byte(text)}}}})
}

// HParams records the hyperparameters of this run for TensorBoard's HParams
// dashboard, as hparams.hparams does: values are strings, bools or numbers
// (any Go integer or float).
func (w *Writer) HParams(hparams map[string]any) error {
	m := map[string]*structpb.Value{}
	keys := make([]string, 0, len(hparams))
	for k := range hparams {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var v *structpb.Value
		switch x := hparams[k].(type) {
		case string:
			v = structpb.NewStringValue(x)
		case bool:
			v = structpb.NewBoolValue(x)
		case float64:
			v = structpb.NewNumberValue(x)
		case float32:
			v = structpb.NewNumberValue(float64(x))
		case int:
			v = structpb.NewNumberValue(float64(x))
		case int64:
			v = structpb.NewNumberValue(float64(x))
		case int32:
			v = structpb.NewNumberValue(float64(x))
		default:
			return fmt.Errorf("summary: HParams: %q has a value of type %T; want a string, bool or number", k, x)
		}
		m[k] = v
	}
	content := &tbpb.HParamsPluginData{Data: &tbpb.HParamsPluginData_SessionStartInfo{
		SessionStartInfo: &tbpb.SessionStartInfo{Hparams: m, StartTimeSecs: now()}}}
	return w.summaryEvent(0, &tbpb.Summary_Value{Tag: "_hparams_/session_start_info",
		Metadata: metadata("hparams", content, tbpb.DataClass_DATA_CLASS_UNKNOWN),
		Value: &tbpb.Summary_Value_Tensor{Tensor: &tbpb.TensorProto{Dtype: tbpb.DataType_DT_FLOAT,
			TensorShape: shapeProto(0)}}})
}

// GraphDef writes a serialized TensorFlow GraphDef for TensorBoard's Graphs
// tab.
func (w *Writer) GraphDef(graphDef []byte) error {
	return w.write(&tbpb.Event{WallTime: now(), What: &tbpb.Event_GraphDef{GraphDef: graphDef}})
}
