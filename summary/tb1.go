package summary

import (
	"math"
	"sort"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file encodes summaries in TensorBoard's first (TensorFlow 1) forms,
// what TF1's summary ops produce: a scalar is a Summary.Value with a
// simple_value, a histogram a HistogramProto over TensorFlow's default
// exponential bucket layout. The encoders write the protocol-buffer bytes
// directly, into a buffer the caller reuses, so that a summary op in a
// training step allocates nothing once its output buffer exists.

// Field numbers of the messages encoded here (summary.proto).
const (
	fieldSummaryValue = 1 // Summary.value
	fieldValueTag     = 1 // Summary.Value.tag
	fieldValueSimple  = 2 // Summary.Value.simple_value
	fieldValueHisto   = 5 // Summary.Value.histo
	fieldHistoMin     = 1
	fieldHistoMax     = 2
	fieldHistoNum     = 3
	fieldHistoSum     = 4
	fieldHistoSumSq   = 5
	fieldHistoLimit   = 6
	fieldHistoBucket  = 7
)

// tfBucketLimits are the right edges of TensorFlow's default histogram
// buckets: 0, and ±1e-12 growing by a factor of 1.1 up to 1e20, closed by
// ±math.MaxFloat64, in increasing order. Bucket i holds the values v with
// limit[i-1] <= v < limit[i].
var tfBucketLimits = func() []float64 {
	var pos []float64
	for v := 1e-12; v < 1e20; v *= 1.1 {
		pos = append(pos, v)
	}
	pos = append(pos, math.MaxFloat64)
	out := make([]float64, 0, 2*len(pos)+1)
	for i := len(pos) - 1; i >= 0; i-- {
		out = append(out, -pos[i])
	}
	out = append(out, 0)
	return append(out, pos...)
}()

// TFBucketLimits returns the right edges of TensorFlow's default histogram
// buckets, those of a TF1 histogram summary (tf.compat.v1.summary.histogram
// and graph-mode Histogram): -math.MaxFloat64, then -1e20 < -v ... < -1e-12
// for v growing from 1e-12 by 10% a step, 0, the same positive edges, and
// math.MaxFloat64. A value v counts in the first bucket whose edge is
// greater than v.
func TFBucketLimits() []float64 { return append([]float64(nil), tfBucketLimits...) }

// tfHistogram accumulates values over tfBucketLimits, as TensorFlow's
// histogram.Histogram does.
type tfHistogram struct {
	min, max, num, sum, sumSq float64
	counts                    []float64 // one per limit
}

var histPool = sync.Pool{New: func() any {
	return &tfHistogram{counts: make([]float64, len(tfBucketLimits))}
}}

func (h *tfHistogram) reset() {
	h.min, h.max = math.MaxFloat64, -math.MaxFloat64
	h.num, h.sum, h.sumSq = 0, 0, 0
	clear(h.counts)
}

// add counts one finite value.
func (h *tfHistogram) add(v float64) {
	i := sort.Search(len(tfBucketLimits), func(i int) bool { return tfBucketLimits[i] > v })
	if i == len(tfBucketLimits) { // v == math.MaxFloat64
		i--
	}
	h.counts[i]++
	h.min = math.Min(h.min, v)
	h.max = math.Max(h.max, v)
	h.num++
	h.sum += v
	h.sumSq += v * v
}

// buckets calls fn for each bucket a HistogramProto lists, as TensorFlow
// encodes them (dropping no information): every non-empty bucket, and one
// entry of count zero for each run of empty ones, whose limit is the run's
// last. An empty histogram is one bucket (math.MaxFloat64, 0).
func (h *tfHistogram) buckets(fn func(limit, count float64)) {
	n := 0
	for i := 0; i < len(h.counts); {
		limit, count := tfBucketLimits[i], h.counts[i]
		i++
		if count <= 0 {
			for i < len(h.counts) && h.counts[i] <= 0 {
				limit, count = tfBucketLimits[i], h.counts[i]
				i++
			}
		}
		fn(limit, count)
		n++
	}
	if n == 0 {
		fn(math.MaxFloat64, 0)
	}
}

// appendDouble appends a proto3 double field, which is left out when it is
// +0 (as proto3 writers do).
func appendDouble(b []byte, num protowire.Number, v float64) []byte {
	if math.Float64bits(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(v))
}

func sizeDouble(v float64) int {
	if math.Float64bits(v) == 0 {
		return 0
	}
	return 1 + 8
}

// histoSize is the encoded size of h's HistogramProto, and the number of
// buckets it lists.
func (h *tfHistogram) histoSize() (size, buckets int) {
	h.buckets(func(float64, float64) { buckets++ })
	size = sizeDouble(h.min) + sizeDouble(h.max) + sizeDouble(h.num) + sizeDouble(h.sum) + sizeDouble(h.sumSq)
	packed := 8 * buckets
	size += 2 * (1 + protowire.SizeVarint(uint64(packed)) + packed)
	return size, buckets
}

// appendHisto appends h's HistogramProto (the message's fields, not its
// tag and length).
func (h *tfHistogram) appendHisto(b []byte, buckets int) []byte {
	b = appendDouble(b, fieldHistoMin, h.min)
	b = appendDouble(b, fieldHistoMax, h.max)
	b = appendDouble(b, fieldHistoNum, h.num)
	b = appendDouble(b, fieldHistoSum, h.sum)
	b = appendDouble(b, fieldHistoSumSq, h.sumSq)
	b = protowire.AppendTag(b, fieldHistoLimit, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(8*buckets))
	h.buckets(func(limit, _ float64) { b = protowire.AppendFixed64(b, math.Float64bits(limit)) })
	b = protowire.AppendTag(b, fieldHistoBucket, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(8*buckets))
	h.buckets(func(_, count float64) { b = protowire.AppendFixed64(b, math.Float64bits(count)) })
	return b
}

// valueSize is the size of a Summary holding one Value with tag and a
// payload field of payload bytes (tag byte included), and that Value's.
func valueSize(tag string, payload int) (summary, value int) {
	value = 1 + protowire.SizeBytes(len(tag)) + payload
	return 1 + protowire.SizeBytes(value), value
}

// appendValueHeader appends a Summary's value field header and the Value's
// tag for a Value of valueLen bytes.
func appendValueHeader(b []byte, tag string, valueLen int) []byte {
	b = protowire.AppendTag(b, fieldSummaryValue, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(valueLen))
	b = protowire.AppendTag(b, fieldValueTag, protowire.BytesType)
	return protowire.AppendString(b, tag)
}

// scalarSummarySize is the encoded size of scalarSummary(tag, v).
func scalarSummarySize(tag string) int {
	n, _ := valueSize(tag, 1+4)
	return n
}

// appendScalarSummary appends a serialized Summary holding one TF1 scalar,
// Value{tag, simple_value: v}.
func appendScalarSummary(b []byte, tag string, v float32) []byte {
	_, vlen := valueSize(tag, 1+4)
	b = appendValueHeader(b, tag, vlen)
	b = protowire.AppendTag(b, fieldValueSimple, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

// histogramSummarySize is the encoded size of h as a Summary with tag, and
// the number of buckets it lists.
func (h *tfHistogram) histogramSummarySize(tag string) (size, buckets int) {
	hs, buckets := h.histoSize()
	size, _ = valueSize(tag, 1+protowire.SizeBytes(hs))
	return size, buckets
}

// appendHistogramSummary appends a serialized Summary holding one TF1
// histogram, Value{tag, histo: h}.
func (h *tfHistogram) appendHistogramSummary(b []byte, tag string, buckets int) []byte {
	hs, _ := h.histoSize()
	_, vlen := valueSize(tag, 1+protowire.SizeBytes(hs))
	b = appendValueHeader(b, tag, vlen)
	b = protowire.AppendTag(b, fieldValueHisto, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(hs))
	return h.appendHisto(b, buckets)
}
