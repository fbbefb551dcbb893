package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/tensorgo/tensorgo/tensor"
)

// MaxHeaderSize is the largest JSON header a file may have, the reference
// reader's limit.
const MaxHeaderSize = 100_000_000

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name string
	// DType is the safetensors dtype name ("F32", "BF16", ...).
	DType string
	// Shape is the tensor's shape; empty for a scalar.
	Shape []int
	// Begin and End delimit the tensor's bytes within the data area.
	Begin, End int64
}

// File is a safetensors file opened for reading: its header is parsed and
// checked by Open, and tensors are read on demand from the io.ReaderAt,
// which must stay open while the File is used. A File is safe for
// concurrent use when its io.ReaderAt is.
type File struct {
	// Metadata is the header's "__metadata__" map (nil when absent).
	Metadata map[string]string

	infos []TensorInfo // sorted by name
	r     io.ReaderAt
	data  int64 // file offset of the data area
}

// Open reads and checks the header of the safetensors file r, which holds
// size bytes.
func Open(r io.ReaderAt, size int64) (*File, error) {
	var lenBuf [8]byte
	if size < 8 {
		return nil, errors.New("safetensors: file is shorter than its 8-byte header length")
	}
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header of %d bytes exceeds the %d-byte limit", n, MaxHeaderSize)
	}
	if n > uint64(size-8) {
		return nil, fmt.Errorf("safetensors: header of %d bytes runs past the end of the %d-byte file", n, size)
	}
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil {
		return nil, fmt.Errorf("safetensors: reading header: %w", err)
	}
	meta, infos, err := parseHeader(hdr)
	if err != nil {
		return nil, err
	}
	if err := validate(infos, uint64(size)-8-n); err != nil {
		return nil, err
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
	return &File{Metadata: meta, infos: infos, r: r, data: 8 + int64(n)}, nil
}

// Decode parses a whole safetensors file held in memory and returns its
// tensors and metadata.
func Decode(b []byte) (map[string]*tensor.Tensor, map[string]string, error) {
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil, err
	}
	ts, err := f.All()
	return ts, f.Metadata, err
}

// Read reads a whole safetensors file from r, which must end where the
// file does, and returns its tensors and metadata. Memory grows only as data
// arrives, so a header that promises more data than r holds cannot make Read
// allocate it.
func Read(r io.Reader) (map[string]*tensor.Tensor, map[string]string, error) {
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderSize {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes exceeds the %d-byte limit", n, MaxHeaderSize)
	}
	hdr, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading header: %w", err)
	}
	if uint64(len(hdr)) != n {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes runs past the end of the input", n)
	}
	_, infos, err := parseHeader(hdr)
	if err != nil {
		return nil, nil, err
	}
	var dataLen uint64
	for _, ti := range infos {
		dataLen = max(dataLen, uint64(ti.End))
	}
	buf := bytes.NewBuffer(append(lenBuf[:], hdr...))
	// Read one byte past the data the header describes, to catch trailing
	// bytes the way a sized reader does.
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(min(dataLen, math.MaxInt64-1))+1)); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading data: %w", err)
	}
	return Decode(buf.Bytes())
}

// Load reads the safetensors file at path.
func Load(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	ts, err := f.All()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return ts, f.Metadata, nil
}

// Names returns the tensors' names, sorted.
func (f *File) Names() []string {
	out := make([]string, len(f.infos))
	for i, ti := range f.infos {
		out[i] = ti.Name
	}
	return out
}

// Info returns the description of the tensor called name.
func (f *File) Info(name string) (TensorInfo, bool) {
	i := sort.Search(len(f.infos), func(i int) bool { return f.infos[i].Name >= name })
	if i < len(f.infos) && f.infos[i].Name == name {
		ti := f.infos[i]
		ti.Shape = append([]int{}, ti.Shape...)
		return ti, true
	}
	return TensorInfo{}, false
}

// Raw returns the bytes of the tensor called name, little-endian and
// row-major, whatever its dtype.
func (f *File) Raw(name string) ([]byte, error) {
	ti, ok := f.Info(name)
	if !ok {
		return nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	b := make([]byte, ti.End-ti.Begin)
	if _, err := f.r.ReadAt(b, f.data+ti.Begin); err != nil && !(err == io.EOF && len(b) == 0) {
		return nil, fmt.Errorf("safetensors: reading tensor %q: %w", name, err)
	}
	return b, nil
}

// Tensor reads the tensor called name. It fails for dtypes the tensor
// package cannot hold (I16, I8, U16, F8_..., ...); Raw reads those.
func (f *File) Tensor(name string) (*tensor.Tensor, error) {
	ti, ok := f.Info(name)
	if !ok {
		return nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	dt, ok := toTensor[ti.DType]
	if !ok {
		return nil, fmt.Errorf("safetensors: tensor %q has dtype %s, which tensorgo's tensor package cannot hold (it holds F32, F64, F16, BF16, I32, I64, U8 and BOOL)", name, ti.DType)
	}
	raw, err := f.Raw(name)
	if err != nil {
		return nil, err
	}
	t, err := tensor.FromBytes(dt, raw, ti.Shape...)
	if err != nil {
		return nil, fmt.Errorf("safetensors: tensor %q: %w", name, err)
	}
	return t, nil
}

// All reads every tensor, keyed by name.
func (f *File) All() (map[string]*tensor.Tensor, error) {
	out := make(map[string]*tensor.Tensor, len(f.infos))
	for _, ti := range f.infos {
		t, err := f.Tensor(ti.Name)
		if err != nil {
			return nil, err
		}
		out[ti.Name] = t
	}
	return out, nil
}

// parseHeader decodes the JSON header, rejecting duplicate names, unknown
// dtypes and malformed entries.
func parseHeader(h []byte) (map[string]string, []TensorInfo, error) {
	if len(h) == 0 || h[0] != '{' {
		return nil, nil, errors.New("safetensors: header does not start with '{'")
	}
	if !utf8.Valid(h) {
		return nil, nil, errors.New("safetensors: header is not valid UTF-8")
	}
	bad := func(err error) error { return fmt.Errorf("safetensors: invalid header: %w", err) }
	dec := json.NewDecoder(bytes.NewReader(h))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, nil, bad(err)
	}
	var meta map[string]string
	var infos []TensorInfo
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, bad(err)
		}
		name := tok.(string) // object keys are always strings
		if seen[name] {
			return nil, nil, fmt.Errorf("safetensors: invalid header: %q appears twice", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors: invalid header: __metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var e struct {
			DType   *string       `json:"dtype"`
			Shape   []json.Number `json:"shape"`
			Offsets []json.Number `json:"data_offsets"`
		}
		if err := dec.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("safetensors: invalid header entry %q: %v", name, err)
		}
		ti, err := tensorInfo(name, e.DType, e.Shape, e.Offsets)
		if err != nil {
			return nil, nil, err
		}
		infos = append(infos, ti)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, bad(err)
	}
	if rest := h[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) != 0 {
		return nil, nil, errors.New("safetensors: invalid header: bytes after the JSON object")
	}
	return meta, infos, nil
}

func tensorInfo(name string, dtype *string, shape, offsets []json.Number) (TensorInfo, error) {
	fail := func(format string, args ...any) (TensorInfo, error) {
		return TensorInfo{}, fmt.Errorf("safetensors: tensor %q: "+format, append([]any{name}, args...)...)
	}
	if dtype == nil || shape == nil || offsets == nil {
		return fail("header entry needs dtype, shape and data_offsets")
	}
	if _, ok := dtypeBits[*dtype]; !ok {
		return fail("unknown dtype %q", *dtype)
	}
	ti := TensorInfo{Name: name, DType: *dtype, Shape: make([]int, len(shape))}
	for i, s := range shape {
		v, err := strconv.ParseUint(string(s), 10, 63)
		if err != nil || v > math.MaxInt {
			return fail("bad dimension %s in shape", s)
		}
		ti.Shape[i] = int(v)
	}
	if len(offsets) != 2 {
		return fail("data_offsets has %d values, want 2", len(offsets))
	}
	var off [2]int64
	for i, o := range offsets {
		v, err := strconv.ParseUint(string(o), 10, 63)
		if err != nil {
			return fail("bad data offset %s", o)
		}
		off[i] = int64(v)
	}
	ti.Begin, ti.End = off[0], off[1]
	return ti, nil
}

// validate applies the reference reader's checks: taken in offset order, the
// tensors' byte ranges start at 0, follow each other with no gap or
// overlap, match their shapes and dtypes, and end exactly at dataLen.
func validate(infos []TensorInfo, dataLen uint64) error {
	order := append([]TensorInfo(nil), infos...)
	sort.Slice(order, func(i, j int) bool {
		if order[i].Begin != order[j].Begin {
			return order[i].Begin < order[j].Begin
		}
		return order[i].End < order[j].End
	})
	var next int64
	for _, ti := range order {
		if ti.Begin != next || ti.End < ti.Begin {
			return fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d) do not start where the previous tensor ends (%d)", ti.Name, ti.Begin, ti.End, next)
		}
		n := uint64(1)
		for _, d := range ti.Shape {
			if d != 0 && n > math.MaxInt64/uint64(d) {
				return fmt.Errorf("safetensors: tensor %q: shape %v is too large", ti.Name, ti.Shape)
			}
			n *= uint64(d)
		}
		size, ok := byteSize(ti.DType, n)
		if !ok || size != uint64(ti.End-ti.Begin) {
			return fmt.Errorf("safetensors: tensor %q: %d bytes of data for shape %v of %s (want %d)", ti.Name, ti.End-ti.Begin, ti.Shape, ti.DType, size)
		}
		next = ti.End
	}
	if uint64(next) != dataLen {
		return fmt.Errorf("safetensors: tensors cover %d bytes of the %d-byte data area", next, dataLen)
	}
	return nil
}
