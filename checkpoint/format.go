package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sort"

	"github.com/tensorgo/tensorgo/tensor"
)

// The file layout, all integers little-endian:
//
//	magic    8 bytes "TGOCKPT\x01"
//	hlen     uint64, the header's length
//	header   hlen bytes of JSON (fileHeader)
//	hcrc     uint32 CRC-32C of the header
//	data     the tensors' bytes, at the offsets the header gives
//	trailer  8 bytes "TGOCKEND", then uint32 CRC-32C of every byte before it
//
// Each tensor also has its own CRC-32C, so that a damaged file names the
// damaged variable.
var (
	magic   = []byte("TGOCKPT\x01")
	trailer = []byte("TGOCKEND")
	crcTab  = crc32.MakeTable(crc32.Castagnoli)
)

// formatVersion is the header's "format" field.
const formatVersion = 1

// DefaultMaxBytes bounds the size of a file Read accepts unless
// ReadOptions.MaxBytes raises it.
const DefaultMaxBytes = 4 << 30

// maxHeader bounds the JSON header.
const maxHeader = 64 << 20

type tensorEntry struct {
	Key    string `json:"key"`
	DType  string `json:"dtype"`
	Shape  []int  `json:"shape"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	CRC    uint32 `json:"crc32c"`
}

type fileHeader struct {
	Format  int                        `json:"format"`
	Step    int64                      `json:"step"`
	Tensors []tensorEntry              `json:"tensors"`
	Values  map[string]json.RawMessage `json:"values,omitempty"`
}

// State is what one checkpoint holds: named tensors (variables, optimizer
// slots, counters) and named JSON values (random-generator states, the
// position in the data, callbacks' state, ...).
type State struct {
	// Step is the training step (or any counter) the checkpoint was taken
	// at.
	Step int64
	// Tensors maps a stable key (such as "dense/kernel" or
	// "optimizer/dense/kernel/m") to its value.
	Tensors map[string]*tensor.Tensor
	// Values maps a key to a JSON document.
	Values map[string]json.RawMessage
}

// SetValue stores v, encoded as JSON, under key.
func (s *State) SetValue(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("checkpoint: value %q: %w", key, err)
	}
	if s.Values == nil {
		s.Values = map[string]json.RawMessage{}
	}
	s.Values[key] = b
	return nil
}

// Value decodes the JSON value under key into v. It reports false if the
// checkpoint has no such value.
func (s *State) Value(key string, v any) (bool, error) {
	b, ok := s.Values[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return true, fmt.Errorf("checkpoint: value %q: %w", key, err)
	}
	return true, nil
}

// encode writes s in the checkpoint format.
func encode(w io.Writer, s *State) error {
	keys := make([]string, 0, len(s.Tensors))
	for k, t := range s.Tensors {
		if t == nil {
			return fmt.Errorf("checkpoint: tensor %q is nil", k)
		}
		if !t.DType().Valid() {
			return fmt.Errorf("checkpoint: tensor %q has dtype %v", k, t.DType())
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := fileHeader{Format: formatVersion, Step: s.Step, Values: s.Values}
	var off int64
	data := make([][]byte, len(keys))
	for i, k := range keys {
		t := s.Tensors[k]
		b := t.Bytes()
		data[i] = b
		h.Tensors = append(h.Tensors, tensorEntry{Key: k, DType: t.DType().String(),
			Shape: append([]int{}, t.Shape()...), Offset: off, Size: int64(len(b)), CRC: crc32.Checksum(b, crcTab)})
		off += int64(len(b))
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	crc := crc32.New(crcTab)
	mw := io.MultiWriter(w, crc)
	var n8 [8]byte
	var n4 [4]byte
	binary.LittleEndian.PutUint64(n8[:], uint64(len(hb)))
	binary.LittleEndian.PutUint32(n4[:], crc32.Checksum(hb, crcTab))
	for _, b := range [][]byte{magic, n8[:], hb, n4[:]} {
		if _, err := mw.Write(b); err != nil {
			return err
		}
	}
	for _, b := range data {
		if _, err := mw.Write(b); err != nil {
			return err
		}
	}
	if _, err := mw.Write(trailer); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(n4[:], crc.Sum32())
	_, err = w.Write(n4[:])
	return err
}

// A CorruptError reports a checkpoint file that fails a check: a bad
// checksum, a size that does not add up, a truncated file.
type CorruptError struct {
	Path string // the file
	What string // what is wrong
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("checkpoint: %s is damaged: %s", e.Path, e.What)
}

// decode parses a whole checkpoint file held in b.
func decode(path string, b []byte) (*State, error) {
	bad := func(format string, args ...any) error {
		return &CorruptError{path, fmt.Sprintf(format, args...)}
	}
	min := len(magic) + 8 + 4 + len(trailer) + 4
	if len(b) < min {
		return nil, bad("%d bytes is shorter than any checkpoint (%d)", len(b), min)
	}
	if !bytes.Equal(b[:len(magic)], magic) {
		return nil, bad("not a tensorgo checkpoint (bad magic bytes)")
	}
	body, tail := b[:len(b)-len(trailer)-4], b[len(b)-len(trailer)-4:]
	if !bytes.Equal(tail[:len(trailer)], trailer) {
		return nil, bad("the end marker is missing: the file is truncated")
	}
	if got, want := crc32.Checksum(b[:len(b)-4], crcTab), binary.LittleEndian.Uint32(tail[len(trailer):]); got != want {
		return nil, bad("file checksum mismatch (%08x, want %08x)", got, want)
	}
	hlen := binary.LittleEndian.Uint64(b[len(magic):])
	p := len(magic) + 8
	if hlen > maxHeader || hlen > uint64(len(body)-p-4) {
		return nil, bad("header length %d exceeds the file", hlen)
	}
	hb := body[p : p+int(hlen)]
	p += int(hlen)
	if crc32.Checksum(hb, crcTab) != binary.LittleEndian.Uint32(body[p:]) {
		return nil, bad("header checksum mismatch")
	}
	p += 4
	data := body[p:]
	var h fileHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, bad("header: %v", err)
	}
	if h.Format != formatVersion {
		return nil, bad("format version %d, this tensorgo reads %d", h.Format, formatVersion)
	}
	s := &State{Step: h.Step, Tensors: make(map[string]*tensor.Tensor, len(h.Tensors)), Values: h.Values}
	var next int64
	for _, e := range h.Tensors {
		dt, err := tensor.ParseDType(e.DType)
		if err != nil || !dt.Valid() {
			return nil, bad("tensor %q: unknown dtype %q", e.Key, e.DType)
		}
		n := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && n > math.MaxInt64/int64(d)) {
				return nil, bad("tensor %q: bad shape %v", e.Key, e.Shape)
			}
			n *= int64(d)
		}
		if n > math.MaxInt64/int64(dt.Size()) || n*int64(dt.Size()) != e.Size {
			return nil, bad("tensor %q: %d bytes for shape %v of %v", e.Key, e.Size, e.Shape, dt)
		}
		if e.Offset != next || e.Size > int64(len(data))-e.Offset {
			return nil, bad("tensor %q: bytes [%d, %d) are not where the data area (%d bytes) has them", e.Key, e.Offset, e.Offset+e.Size, len(data))
		}
		if _, dup := s.Tensors[e.Key]; dup {
			return nil, bad("tensor %q appears twice", e.Key)
		}
		chunk := data[e.Offset : e.Offset+e.Size]
		if crc32.Checksum(chunk, crcTab) != e.CRC {
			return nil, bad("tensor %q: checksum mismatch", e.Key)
		}
		t, err := tensor.FromBytes(dt, chunk, e.Shape...)
		if err != nil {
			return nil, bad("tensor %q: %v", e.Key, err)
		}
		s.Tensors[e.Key] = t
		next = e.Offset + e.Size
	}
	if next != int64(len(data)) {
		return nil, bad("%d bytes of data follow the last tensor", int64(len(data))-next)
	}
	return s, nil
}
