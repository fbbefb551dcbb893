package summary

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/internal/tfrecord"
	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
)

// Event is one decoded record of an events file.
type Event struct {
	WallTime    float64
	Step        int64
	FileVersion string  // set on a file's first record
	GraphDef    []byte  // a serialized GraphDef, for a graph record
	Values      []Value // a summary's values
}

// Value is one summary value, decoded from either TensorBoard's TF1 form
// (simple_value, histo, image) or its TF2 form (a tensor with plugin
// metadata).
type Value struct {
	Tag    string
	Plugin string // "scalars", "histograms", "images", "text", "hparams", or another plugin's name
	// Scalar holds a scalar summary's value.
	Scalar float64
	// Histogram holds a histogram's buckets.
	Histogram []Bucket
	// Images holds encoded images (PNG for those this package writes), and
	// Width and Height their size when the summary records it.
	Images        [][]byte
	Width, Height int
	// Text holds a text summary's string.
	Text string
	// HParams holds the hyperparameters of an hparams session-start record.
	HParams map[string]any
}

// Reader decodes the events of one events file, checking each record's
// checksums.
type Reader struct {
	rec *tfrecord.Reader
	ev  tbpb.Event
}

// NewReader returns a Reader over an events file's bytes.
func NewReader(r io.Reader) *Reader { return &Reader{rec: tfrecord.NewReader(r)} }

// Offset is the number of bytes of complete records read so far: where a
// reader that resumes the file later should start.
func (r *Reader) Offset() int64 { return r.rec.Offset() }

// Next returns the next event. It returns io.EOF after the last complete
// record; tfrecord.ErrTruncated-wrapped errors report a record that is not
// complete (the writer may still be writing it: read the file again later).
func (r *Reader) Next() (Event, error) {
	b, err := r.rec.Next()
	if err != nil {
		if err == io.EOF {
			return Event{}, io.EOF
		}
		return Event{}, fmt.Errorf("summary: %w", err)
	}
	r.ev.Reset()
	if err := proto.Unmarshal(b, &r.ev); err != nil {
		return Event{}, fmt.Errorf("summary: record at byte %d is not an Event: %w", r.rec.Offset(), err)
	}
	return decodeEvent(&r.ev)
}

// ReadFile reads every event of an events file. A record cut short at the
// end of the file (a writer still running) is not an error: the events
// before it are returned.
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	defer f.Close()
	r := NewReader(f)
	var out []Event
	for {
		ev, err := r.Next()
		if err == io.EOF || errors.Is(err, tfrecord.ErrTruncated) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, ev)
	}
}

func decodeEvent(ev *tbpb.Event) (Event, error) {
	out := Event{WallTime: ev.GetWallTime(), Step: ev.GetStep(), FileVersion: ev.GetFileVersion()}
	if g := ev.GetGraphDef(); g != nil {
		out.GraphDef = append([]byte(nil), g...)
	}
	for _, v := range ev.GetSummary().GetValue() {
		dv, err := decodeValue(v)
		if err != nil {
			return out, fmt.Errorf("summary: step %d, tag %q: %w", out.Step, v.GetTag(), err)
		}
		out.Values = append(out.Values, dv)
	}
	return out, nil
}

func decodeValue(v *tbpb.Summary_Value) (Value, error) {
	out := Value{Tag: v.GetTag(), Plugin: v.GetMetadata().GetPluginData().GetPluginName()}
	switch x := v.GetValue().(type) {
	case *tbpb.Summary_Value_SimpleValue:
		out.Plugin, out.Scalar = "scalars", float64(x.SimpleValue)
	case *tbpb.Summary_Value_Histo:
		out.Plugin = "histograms"
		h := x.Histo
		left := h.GetMin()
		for i, right := range h.GetBucketLimit() {
			if i >= len(h.GetBucket()) {
				break
			}
			r := math.Min(right, h.GetMax())
			out.Histogram = append(out.Histogram, Bucket{left, r, h.GetBucket()[i]})
			left = r
		}
	case *tbpb.Summary_Value_Image:
		out.Plugin = "images"
		out.Images = [][]byte{x.Image.GetEncodedImageString()}
		out.Width, out.Height = int(x.Image.GetWidth()), int(x.Image.GetHeight())
	case *tbpb.Summary_Value_Tensor:
		return out, decodeTensorValue(&out, x.Tensor, v.GetMetadata())
	}
	return out, nil
}

func decodeTensorValue(out *Value, t *tbpb.TensorProto, md *tbpb.SummaryMetadata) error {
	switch out.Plugin {
	case "scalars":
		f, err := tensorFloats(t)
		if err != nil {
			return err
		}
		if len(f) != 1 {
			return fmt.Errorf("scalar tensor has %d values", len(f))
		}
		out.Scalar = f[0]
	case "histograms":
		f, err := tensorFloats(t)
		if err != nil {
			return err
		}
		if len(f)%3 != 0 {
			return fmt.Errorf("histogram tensor has %d values, not a multiple of 3", len(f))
		}
		for i := 0; i < len(f); i += 3 {
			out.Histogram = append(out.Histogram, Bucket{f[i], f[i+1], f[i+2]})
		}
	case "images":
		s := t.GetStringVal()
		if len(s) < 2 {
			return fmt.Errorf("image tensor has %d strings, want width, height and images", len(s))
		}
		fmt.Sscan(string(s[0]), &out.Width)
		fmt.Sscan(string(s[1]), &out.Height)
		out.Images = s[2:]
	case "text":
		if s := t.GetStringVal(); len(s) > 0 {
			out.Text = string(s[0])
		}
	case "hparams":
		var pd tbpb.HParamsPluginData
		if err := proto.Unmarshal(md.GetPluginData().GetContent(), &pd); err != nil {
			return fmt.Errorf("hparams plugin data: %w", err)
		}
		if si := pd.GetSessionStartInfo(); si != nil {
			out.HParams = map[string]any{}
			for k, v := range si.GetHparams() {
				out.HParams[k] = v.AsInterface()
			}
		}
	}
	return nil
}

// maxFill bounds a tensor stored as one value repeated, so that a small
// hostile record cannot ask for a huge allocation.
const maxFill = 1 << 20

// tensorFloats returns a float tensor's values as float64, from its typed
// fields or its raw little-endian content.
func tensorFloats(t *tbpb.TensorProto) ([]float64, error) {
	n := 1
	for _, d := range t.GetTensorShape().GetDim() {
		if d.GetSize() < 0 || d.GetSize() > math.MaxInt32 {
			return nil, fmt.Errorf("bad tensor dimension %d", d.GetSize())
		}
		// In int64, and no more than an int32 holds, on any platform.
		if int64(n)*d.GetSize() > math.MaxInt32 {
			return nil, fmt.Errorf("tensor too large")
		}
		n *= int(d.GetSize())
	}
	raw := t.GetTensorContent()
	var out []float64
	switch t.GetDtype() {
	case tbpb.DataType_DT_FLOAT:
		if len(raw) > 0 {
			if len(raw) != 4*n {
				return nil, fmt.Errorf("float tensor content has %d bytes for %d values", len(raw), n)
			}
			for i := 0; i < n; i++ {
				out = append(out, float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))))
			}
			return out, nil
		}
		for _, f := range t.GetFloatVal() {
			out = append(out, float64(f))
		}
	case tbpb.DataType_DT_DOUBLE:
		if len(raw) > 0 {
			if len(raw) != 8*n {
				return nil, fmt.Errorf("double tensor content has %d bytes for %d values", len(raw), n)
			}
			for i := 0; i < n; i++ {
				out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])))
			}
			return out, nil
		}
		out = append(out, t.GetDoubleVal()...)
	default:
		return nil, fmt.Errorf("tensor of type %v, want float or double", t.GetDtype())
	}
	// A single stored value stands for a tensor filled with it.
	if len(out) == 1 && n > 1 {
		if n > maxFill {
			return nil, fmt.Errorf("tensor of %d values filled from one value exceeds the limit of %d", n, maxFill)
		}
		v := out[0]
		for len(out) < n {
			out = append(out, v)
		}
	}
	if len(out) != n {
		return nil, fmt.Errorf("tensor holds %d values for shape with %d", len(out), n)
	}
	return out, nil
}
