// Package idx reads and writes the IDX format of the MNIST family of
// datasets (train-images-idx3-ubyte and friends), gzip-compressed or not.
//
// An IDX file is a 4-byte magic number (two zero bytes, a type code and the
// number of dimensions), one big-endian uint32 per dimension, then the
// elements in row-major order, big-endian. Unsigned bytes become uint8
// tensors, signed bytes, shorts and ints int32, floats float32 and doubles
// float64.
package idx

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/internal/readn"
	"github.com/tensorgo/tensorgo/internal/atomicfile"
	"github.com/tensorgo/tensorgo/tensor"
)

// Type codes of the IDX format.
const (
	typeUint8   = 0x08
	typeInt8    = 0x09
	typeInt16   = 0x0B
	typeInt32   = 0x0C
	typeFloat32 = 0x0D
	typeFloat64 = 0x0E
)

// Read reads the IDX file at path; a name ending in .gz, or content starting
// with the gzip magic bytes, is decompressed on the fly. Errors name the file.
// A header declaring more data than the budget (datasets.DefaultMaxBytes,
// or datasets.MaxBytes among opts; other options do not apply) is an error
// before anything is allocated or decompressed.
func Read(path string, opts ...datasets.Option) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	defer f.Close()
	var size int64 = -1
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return decode(f, path, size, datasets.NewConfig(opts...).Budget())
}

// Decode reads one IDX file from r, as Read. name is used in error
// messages.
func Decode(r io.Reader, name string, opts ...datasets.Option) (*tensor.Tensor, error) {
	return decode(r, name, -1, datasets.NewConfig(opts...).Budget())
}

func decode(r io.Reader, name string, size, budget int64) (*tensor.Tensor, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("idx: %s: %s", filepath.Base(name), fmt.Sprintf(format, args...))
	}
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(2)
	var src io.Reader = br
	gz := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fail("corrupt gzip header: %v", err)
		}
		defer zr.Close()
		src = zr
		size = -1
	} else if strings.HasSuffix(name, ".gz") {
		return nil, fail("the name ends in .gz but the content is not gzip data (magic bytes % x)", magic)
	}
	readErr := func(what string, err error) error {
		if gz && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return fail("corrupt gzip data while reading the %s: %v", what, err)
		}
		if gz && errors.Is(err, io.ErrUnexpectedEOF) {
			return fail("truncated gzip stream while reading the %s", what)
		}
		return fail("truncated file: %s incomplete", what)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(src, hdr[:]); err != nil {
		return nil, readErr("magic number", err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fail("wrong magic number 0x%08x (an IDX file starts with two zero bytes, a type code and a dimension count)", binary.BigEndian.Uint32(hdr[:]))
	}
	typ, rank := hdr[2], int(hdr[3])
	var dt tensor.DType
	var width int
	switch typ {
	case typeUint8:
		dt, width = tensor.Uint8, 1
	case typeInt8:
		dt, width = tensor.Int32, 1
	case typeInt16:
		dt, width = tensor.Int32, 2
	case typeInt32:
		dt, width = tensor.Int32, 4
	case typeFloat32:
		dt, width = tensor.Float32, 4
	case typeFloat64:
		dt, width = tensor.Float64, 8
	default:
		return nil, fail("wrong magic number 0x%08x: unknown type code 0x%02x", binary.BigEndian.Uint32(hdr[:]), typ)
	}
	if rank == 0 {
		return nil, fail("magic number 0x%08x declares zero dimensions", binary.BigEndian.Uint32(hdr[:]))
	}
	dims := make([]byte, 4*rank)
	if _, err := io.ReadFull(src, dims); err != nil {
		return nil, readErr(fmt.Sprintf("header (%d dimensions)", rank), err)
	}
	shape := make(tensor.Shape, rank)
	n := 1
	for i := range shape {
		d := binary.BigEndian.Uint32(dims[4*i:])
		shape[i] = int(d)
		if d != 0 && n > readn.MaxElements/int(d) {
			return nil, fail("header shape %v is too large", shapeOf(dims, rank))
		}
		n *= int(d)
	}
	want := int64(n) * int64(width)
	if err := readn.Check(want, budget); err != nil {
		return nil, fmt.Errorf("idx: %s: shape %v of %d-byte elements: %w", filepath.Base(name), shape, width, err)
	}
	buf, err := readn.Read(src, want, size-int64(4+4*rank))
	if err != nil {
		return nil, readErr(fmt.Sprintf("data (shape %v)", shape), err)
	}
	if int64(len(buf)) < want {
		return nil, fail("truncated: shape %v of %d-byte elements needs %d bytes of data but the file has %d", shape, width, want, len(buf))
	}
	var extra [1]byte
	if k, _ := io.ReadFull(src, extra[:]); k > 0 {
		return nil, fail("shape %v needs %d bytes of data but the file has more (trailing bytes)", shape, want)
	}
	if gz {
		// Drain the stream so that gzip verifies its checksum.
		if _, err := io.Copy(io.Discard, src); err != nil {
			return nil, fail("corrupt gzip data: %v", err)
		}
	}
	if typ == typeUint8 {
		// The bytes are the tensor: no copy (buf's capacity is want).
		return tensor.FromSlice(buf[:want:want], shape...), nil
	}
	t := tensor.New(dt, shape...)
	switch typ {
	case typeInt8:
		d := t.Int32s()
		for i := range d {
			d[i] = int32(int8(buf[i]))
		}
	case typeInt16:
		d := t.Int32s()
		for i := range d {
			d[i] = int32(int16(binary.BigEndian.Uint16(buf[2*i:])))
		}
	case typeInt32:
		d := t.Int32s()
		for i := range d {
			d[i] = int32(binary.BigEndian.Uint32(buf[4*i:]))
		}
	case typeFloat32:
		d := t.Float32s()
		for i := range d {
			d[i] = math.Float32frombits(binary.BigEndian.Uint32(buf[4*i:]))
		}
	case typeFloat64:
		d := t.Float64s()
		for i := range d {
			d[i] = math.Float64frombits(binary.BigEndian.Uint64(buf[8*i:]))
		}
	}
	return t, nil
}

func shapeOf(dims []byte, rank int) []uint32 {
	s := make([]uint32, rank)
	for i := range s {
		s[i] = binary.BigEndian.Uint32(dims[4*i:])
	}
	return s
}

// Encode writes t in IDX format (uncompressed). uint8, int32, float32 and
// float64 tensors of rank >= 1 are supported.
func Encode(w io.Writer, t *tensor.Tensor) error {
	var typ byte
	switch t.DType() {
	case tensor.Uint8:
		typ = typeUint8
	case tensor.Int32:
		typ = typeInt32
	case tensor.Float32:
		typ = typeFloat32
	case tensor.Float64:
		typ = typeFloat64
	default:
		return fmt.Errorf("idx: cannot encode %v tensors", t.DType())
	}
	if t.Rank() == 0 || t.Rank() > 255 {
		return fmt.Errorf("idx: cannot encode a tensor of rank %d", t.Rank())
	}
	bw := bufio.NewWriter(w)
	bw.Write([]byte{0, 0, typ, byte(t.Rank())})
	var b [8]byte
	for _, d := range t.Shape() {
		binary.BigEndian.PutUint32(b[:], uint32(d))
		bw.Write(b[:4])
	}
	switch d := t.Data().(type) {
	case []uint8:
		bw.Write(d)
	case []int32:
		for _, v := range d {
			binary.BigEndian.PutUint32(b[:], uint32(v))
			bw.Write(b[:4])
		}
	case []float32:
		for _, v := range d {
			binary.BigEndian.PutUint32(b[:], math.Float32bits(v))
			bw.Write(b[:4])
		}
	case []float64:
		for _, v := range d {
			binary.BigEndian.PutUint64(b[:], math.Float64bits(v))
			bw.Write(b[:8])
		}
	}
	return bw.Flush()
}

// Write writes t to path in IDX format, gzip-compressed if path ends in .gz.
// The file appears complete or not at all (it is written to a temporary file
// and renamed).
func Write(path string, t *tensor.Tensor) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		if !strings.HasSuffix(path, ".gz") {
			return Encode(w, t)
		}
		zw := gzip.NewWriter(w)
		if err := Encode(zw, t); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return fmt.Errorf("idx: writing %s: %w", path, err)
	}
	return nil
}
