package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/tensorgo/tensorgo/internal/atomicfile"
	"github.com/tensorgo/tensorgo/tensor"
)

// Write writes tensors, keyed by name, and metadata (which may be nil) to w
// in the safetensors format. Names must be unique (they are map keys) and
// not "__metadata__".
func Write(w io.Writer, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	type entry struct {
		name  string
		t     *tensor.Tensor
		dtype string
	}
	entries := make([]entry, 0, len(tensors))
	for name, t := range tensors {
		if name == "__metadata__" {
			return errors.New("safetensors: a tensor cannot be called __metadata__")
		}
		if t == nil {
			return fmt.Errorf("safetensors: tensor %q is nil", name)
		}
		dt, err := dtypeName(t.DType())
		if err != nil {
			return fmt.Errorf("safetensors: tensor %q: %w", name, err)
		}
		entries = append(entries, entry{name, t, dt})
	}
	// The reference writer's order: dtypes in descending order of its Dtype
	// enum, then names.
	sort.Slice(entries, func(i, j int) bool {
		ri, rj := dtypeRank[entries[i].dtype], dtypeRank[entries[j].dtype]
		if ri != rj {
			return ri > rj
		}
		return entries[i].name < entries[j].name
	})

	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeString(&h, k)
			h.WriteByte(':')
			writeString(&h, metadata[k])
		}
		h.WriteByte('}')
	}
	var off int64
	for i, e := range entries {
		if i > 0 || len(metadata) > 0 {
			h.WriteByte(',')
		}
		writeString(&h, e.name)
		h.WriteString(`:{"dtype":"` + e.dtype + `","shape":[`)
		for j, d := range e.t.Shape() {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		size := int64(e.t.Size() * e.t.DType().Size())
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, off, off+size)
		off += size
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	if h.Len() > MaxHeaderSize {
		return fmt.Errorf("safetensors: header of %d bytes exceeds the %d-byte limit", h.Len(), MaxHeaderSize)
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(h.Len()))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(h.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 0, 64<<10)
	for _, e := range entries {
		if err := writeData(w, e.t, buf); err != nil {
			return err
		}
	}
	return nil
}

// Save writes tensors and metadata to the file at path, atomically: the file
// is replaced only once it is complete.
func Save(path string, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	return atomicfile.Write(path, func(w io.Writer) error { return Write(w, tensors, metadata) })
}

// Encode returns the safetensors bytes of tensors and metadata.
func Encode(tensors map[string]*tensor.Tensor, metadata map[string]string) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, tensors, metadata); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeString appends s as a JSON string without escaping <, > and &, as the
// reference (serde_json) writer does.
func writeString(h *bytes.Buffer, s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	h.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// writeData writes t's elements little-endian, converting through buf a
// block at a time.
func writeData(w io.Writer, t *tensor.Tensor, buf []byte) error {
	le := binary.LittleEndian
	es := t.DType().Size()
	n := t.Size()
	step := cap(buf) / es
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		b := buf[:0]
		switch d := t.Data().(type) {
		case []float32:
			for _, v := range d[lo:hi] {
				b = le.AppendUint32(b, math.Float32bits(v))
			}
		case []float64:
			for _, v := range d[lo:hi] {
				b = le.AppendUint64(b, math.Float64bits(v))
			}
		case []int32:
			for _, v := range d[lo:hi] {
				b = le.AppendUint32(b, uint32(v))
			}
		case []int64:
			for _, v := range d[lo:hi] {
				b = le.AppendUint64(b, uint64(v))
			}
		case []uint8:
			b = append(b, d[lo:hi]...)
		case []tensor.Float16Value:
			for _, v := range d[lo:hi] {
				b = le.AppendUint16(b, uint16(v))
			}
		case []tensor.BFloat16Value:
			for _, v := range d[lo:hi] {
				b = le.AppendUint16(b, uint16(v))
			}
		case []bool:
			for _, v := range d[lo:hi] {
				if v {
					b = append(b, 1)
				} else {
					b = append(b, 0)
				}
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}
