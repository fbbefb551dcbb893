// Package npy reads and writes NumPy's .npy arrays and .npz archives, the
// format NumPy and Keras users exchange arrays in (Keras's mnist.npz is one).
//
// Supported element types: float16 (read as float32), float32, float64, int8,
// int16 and uint16 (read as int32), int32, int64, uint32 and uint64 (read as
// int64; a uint64 above the int64 range is an error), uint8 and bool, in
// either byte order and in C or Fortran order. Writing uses format version
// 1.0 (2.0 for very long headers), little-endian, C order, as numpy.save.
package npy

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/internal/quote"
	"github.com/tensorgo/tensorgo/datasets/internal/readn"
	"github.com/tensorgo/tensorgo/internal/atomicfile"
	"github.com/tensorgo/tensorgo/tensor"
)

var magic = []byte("\x93NUMPY")

// maxHeader is the longest .npy preamble and header read (format 2.0's
// length field is capped at 16 MiB).
const maxHeader = 12 + 1<<24

// Read reads the .npy file at path. A header declaring more data than the
// budget (datasets.DefaultMaxBytes, or datasets.MaxBytes among opts; other
// options do not apply) is an error before anything is allocated.
func Read(path string, opts ...datasets.Option) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	return Decode(f, path, opts...)
}

// Decode reads one .npy array from r, as Read. name is used in error
// messages.
func Decode(r io.Reader, name string, opts ...datasets.Option) (*tensor.Tensor, error) {
	budget := datasets.NewConfig(opts...).Budget()
	t, _, err := decode(bufio.NewReader(r), budget)
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", name, err)
	}
	return t, nil
}

type header struct {
	descr   string
	fortran bool
	shape   []int
}

// decode reads one array whose data may be at most budget bytes, and
// returns it with its data's size.
func decode(r io.Reader, budget int64) (*tensor.Tensor, int64, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, 0, errors.New("truncated file: no complete magic string and version")
	}
	if !bytes.Equal(pre[:6], magic) {
		return nil, 0, fmt.Errorf("wrong magic string %s (want \"\\x93NUMPY\")", quote.Bytes(pre[:6]))
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, 0, errors.New("truncated file: header length incomplete")
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, 0, errors.New("truncated file: header length incomplete")
		}
		l := binary.LittleEndian.Uint32(b[:])
		if l > maxHeader-12 {
			return nil, 0, fmt.Errorf("bad header: length %d is implausible", l)
		}
		hlen = int(l)
	default:
		return nil, 0, fmt.Errorf("unsupported format version %d.%d", pre[6], pre[7])
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, 0, fmt.Errorf("truncated file: header of %d bytes incomplete", hlen)
	}
	h, err := parseHeader(string(hb))
	if err != nil {
		return nil, 0, fmt.Errorf("bad header %s: %w", quote.String(strings.TrimSpace(string(hb))), err)
	}
	conv, err := converterFor(h.descr)
	if err != nil {
		return nil, 0, err
	}
	n := 1
	for _, d := range h.shape {
		if d < 0 || (d != 0 && n > readn.MaxElements/d) {
			return nil, 0, fmt.Errorf("bad header: shape %v is invalid or too large", h.shape)
		}
		n *= d
	}
	want := int64(n) * int64(conv.width)
	if err := readn.Check(want, budget); err != nil {
		return nil, 0, fmt.Errorf("shape %v of %s: %w", tensor.Shape(h.shape), h.descr, err)
	}
	buf, err := readn.Read(r, want, -1)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the data: %w", err)
	}
	if int64(len(buf)) < want {
		return nil, 0, fmt.Errorf("truncated: shape %v of %s needs %d bytes of data but the file has %d", tensor.Shape(h.shape), h.descr, want, len(buf))
	}
	if k, _ := io.ReadFull(r, make([]byte, 1)); k > 0 {
		return nil, 0, fmt.Errorf("shape %v of %s needs %d bytes of data but the file has more (trailing bytes)", tensor.Shape(h.shape), h.descr, want)
	}
	shape := h.shape
	if h.fortran {
		shape = slices.Clone(shape)
		slices.Reverse(shape)
	}
	var t *tensor.Tensor
	if conv.dtype == tensor.Uint8 {
		// The bytes are the tensor: no copy (buf's capacity is want).
		t = tensor.FromSlice(buf[:want:want], shape...)
	} else {
		t = tensor.New(conv.dtype, shape...)
		if err := conv.fill(t, buf); err != nil {
			return nil, 0, err
		}
	}
	if h.fortran && len(shape) > 1 {
		t = reverseAxes(t)
	}
	return t, want, nil
}

// parseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(s string) (header, error) {
	p := &parser{s: strings.TrimRight(s, " \n\x00")}
	var h header
	seen := map[string]bool{}
	if !p.eat('{') {
		return h, errors.New("not a dict")
	}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if !p.eat(':') {
			return h, fmt.Errorf("missing ':' after key %s", quote.String(key))
		}
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %w (structured dtypes are not supported)", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return h, errors.New("fortran_order is not True or False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("shape: %w", err)
			}
		default:
			return h, fmt.Errorf("unexpected key %s", quote.String(key))
		}
		seen[key] = true
		if !p.eat(',') {
			if !p.eat('}') {
				return h, errors.New("missing ',' or '}'")
			}
			break
		}
	}
	p.skip()
	if p.i != len(p.s) {
		return h, errors.New("text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("missing key %q", k)
		}
	}
	return h, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *parser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *parser) str() (string, error) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *parser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("expected a tuple")
	}
	shape := []int{}
	for {
		if p.eat(')') {
			return shape, nil
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, errors.New("expected a non-negative integer")
		}
		v, err := strconv.Atoi(strings.TrimSuffix(p.s[p.i:j], "L"))
		if err != nil || v > readn.MaxElements {
			return nil, fmt.Errorf("dimension %s is out of range", quote.String(p.s[p.i:j]))
		}
		p.i = j
		p.word("L") // Python 2 longs
		shape = append(shape, v)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("missing ',' or ')' in the tuple")
			}
			return shape, nil
		}
	}
}

type converter struct {
	dtype tensor.DType
	width int
	fill  func(t *tensor.Tensor, b []byte) error
}

func converterFor(descr string) (converter, error) {
	if len(descr) < 3 {
		return converter{}, fmt.Errorf("unsupported dtype %s", quote.String(descr))
	}
	var bo binary.ByteOrder
	switch descr[0] {
	case '<', '|', '=':
		bo = binary.LittleEndian
	case '>':
		bo = binary.BigEndian
	default:
		return converter{}, fmt.Errorf("unsupported dtype %s (bad byte order)", quote.String(descr))
	}
	kind, size := descr[1], descr[2:]
	switch string(kind) + size {
	case "f2":
		return converter{tensor.Float32, 2, func(t *tensor.Tensor, b []byte) error {
			d := t.Float32s()
			for i := range d {
				d[i] = halfToFloat(bo.Uint16(b[2*i:]))
			}
			return nil
		}}, nil
	case "f4":
		return converter{tensor.Float32, 4, func(t *tensor.Tensor, b []byte) error {
			d := t.Float32s()
			for i := range d {
				d[i] = math.Float32frombits(bo.Uint32(b[4*i:]))
			}
			return nil
		}}, nil
	case "f8":
		return converter{tensor.Float64, 8, func(t *tensor.Tensor, b []byte) error {
			d := t.Float64s()
			for i := range d {
				d[i] = math.Float64frombits(bo.Uint64(b[8*i:]))
			}
			return nil
		}}, nil
	case "i1":
		return converter{tensor.Int32, 1, func(t *tensor.Tensor, b []byte) error {
			d := t.Int32s()
			for i := range d {
				d[i] = int32(int8(b[i]))
			}
			return nil
		}}, nil
	case "i2":
		return converter{tensor.Int32, 2, func(t *tensor.Tensor, b []byte) error {
			d := t.Int32s()
			for i := range d {
				d[i] = int32(int16(bo.Uint16(b[2*i:])))
			}
			return nil
		}}, nil
	case "u2":
		return converter{tensor.Int32, 2, func(t *tensor.Tensor, b []byte) error {
			d := t.Int32s()
			for i := range d {
				d[i] = int32(bo.Uint16(b[2*i:]))
			}
			return nil
		}}, nil
	case "i4":
		return converter{tensor.Int32, 4, func(t *tensor.Tensor, b []byte) error {
			d := t.Int32s()
			for i := range d {
				d[i] = int32(bo.Uint32(b[4*i:]))
			}
			return nil
		}}, nil
	case "u4":
		return converter{tensor.Int64, 4, func(t *tensor.Tensor, b []byte) error {
			d := t.Int64s()
			for i := range d {
				d[i] = int64(bo.Uint32(b[4*i:]))
			}
			return nil
		}}, nil
	case "i8":
		return converter{tensor.Int64, 8, func(t *tensor.Tensor, b []byte) error {
			d := t.Int64s()
			for i := range d {
				d[i] = int64(bo.Uint64(b[8*i:]))
			}
			return nil
		}}, nil
	case "u8":
		return converter{tensor.Int64, 8, func(t *tensor.Tensor, b []byte) error {
			d := t.Int64s()
			for i := range d {
				v := bo.Uint64(b[8*i:])
				if v > math.MaxInt64 {
					return fmt.Errorf("uint64 value %d at index %d does not fit int64", v, i)
				}
				d[i] = int64(v)
			}
			return nil
		}}, nil
	case "u1":
		return converter{tensor.Uint8, 1, func(t *tensor.Tensor, b []byte) error {
			copy(t.Uint8s(), b)
			return nil
		}}, nil
	case "b1":
		return converter{tensor.Bool, 1, func(t *tensor.Tensor, b []byte) error {
			d := t.Bools()
			for i := range d {
				d[i] = b[i] != 0
			}
			return nil
		}}, nil
	}
	return converter{}, fmt.Errorf("unsupported dtype %s", quote.String(descr))
}

// halfToFloat converts an IEEE 754 binary16 value to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0:
		v := float32(frac) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | uint32(exp-15+127)<<23 | frac<<13)
}

// reverseAxes returns t with its axes in reverse order: a Fortran-ordered
// array read as C order with the reversed shape, put back into C order.
func reverseAxes(t *tensor.Tensor) *tensor.Tensor {
	in := t.Shape()
	out := slices.Clone(in)
	slices.Reverse(out)
	r := tensor.New(t.DType(), out...)
	inStrides := in.Strides()
	n := t.Size()
	idx := make([]int, len(out))
	for j := 0; j < n; j++ {
		// idx is the coordinate of element j of r; the same element of t
		// has the reversed coordinate.
		off := 0
		for k := range idx {
			off += idx[k] * inStrides[len(idx)-1-k]
		}
		copyElem(r, j, t, off)
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < out[k] {
				break
			}
			idx[k] = 0
		}
	}
	return r
}

func copyElem(dst *tensor.Tensor, i int, src *tensor.Tensor, j int) {
	switch d := dst.Data().(type) {
	case []float32:
		d[i] = src.Float32s()[j]
	case []float64:
		d[i] = src.Float64s()[j]
	case []int32:
		d[i] = src.Int32s()[j]
	case []int64:
		d[i] = src.Int64s()[j]
	case []uint8:
		d[i] = src.Uint8s()[j]
	case []bool:
		d[i] = src.Bools()[j]
	}
}

// ---- writing ----

// Encode writes t as a .npy array (as numpy.save).
func Encode(w io.Writer, t *tensor.Tensor) error {
	var descr string
	switch t.DType() {
	case tensor.Float32:
		descr = "<f4"
	case tensor.Float64:
		descr = "<f8"
	case tensor.Int32:
		descr = "<i4"
	case tensor.Int64:
		descr = "<i8"
	case tensor.Uint8:
		descr = "|u1"
	case tensor.Bool:
		descr = "|b1"
	default:
		return fmt.Errorf("npy: cannot encode %v tensors", t.DType())
	}
	var sh strings.Builder
	sh.WriteByte('(')
	for i, d := range t.Shape() {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if t.Rank() == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, sh.String())
	// Pad with spaces so that the data starts at a multiple of 64 bytes,
	// and end the header with a newline, as NumPy does.
	version, pre := byte(1), 10
	if len(h)+1+pre > 65535 {
		version, pre = 2, 12
	}
	total := (pre + len(h) + 1 + 63) / 64 * 64
	h += strings.Repeat(" ", total-pre-len(h)-1) + "\n"
	bw := bufio.NewWriter(w)
	bw.Write(magic)
	bw.Write([]byte{version, 0})
	if version == 1 {
		binary.Write(bw, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(bw, binary.LittleEndian, uint32(len(h)))
	}
	bw.WriteString(h)
	var b [8]byte
	switch d := t.Data().(type) {
	case []float32:
		for _, v := range d {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			bw.Write(b[:4])
		}
	case []float64:
		for _, v := range d {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			bw.Write(b[:8])
		}
	case []int32:
		for _, v := range d {
			binary.LittleEndian.PutUint32(b[:], uint32(v))
			bw.Write(b[:4])
		}
	case []int64:
		for _, v := range d {
			binary.LittleEndian.PutUint64(b[:], uint64(v))
			bw.Write(b[:8])
		}
	case []uint8:
		bw.Write(d)
	case []bool:
		for _, v := range d {
			if v {
				bw.WriteByte(1)
			} else {
				bw.WriteByte(0)
			}
		}
	}
	return bw.Flush()
}

// Write saves t to path as a .npy file (numpy.save). The file appears
// complete or not at all.
func Write(path string, t *tensor.Tensor) error {
	return atomicWrite(path, func(w io.Writer) error { return Encode(w, t) })
}

func atomicWrite(path string, fn func(w io.Writer) error) error {
	if err := atomicfile.Write(path, fn); err != nil {
		return fmt.Errorf("npy: writing %s: %w", path, err)
	}
	return nil
}

// ---- npz ----

// ReadNPZ reads every array of the .npz archive at path (numpy.load of an
// npz), keyed by name without the .npy suffix. The arrays' data together
// may be at most the budget (datasets.DefaultMaxBytes, or datasets.MaxBytes
// among opts): a member whose zip or .npy header declares more than is left
// is an error before it is decompressed.
func ReadNPZ(path string, opts ...datasets.Option) (map[string]*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npz: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("npz: %w", err)
	}
	return DecodeNPZ(f, st.Size(), path, opts...)
}

// DecodeNPZ reads every array of an .npz archive of the given size, as
// ReadNPZ. name is used in error messages.
func DecodeNPZ(r io.ReaderAt, size int64, name string, opts ...datasets.Option) (map[string]*tensor.Tensor, error) {
	budget := datasets.NewConfig(opts...).Budget()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npz: %s: not a valid npz (zip) archive: %w", name, err)
	}
	out := map[string]*tensor.Tensor{}
	var spent int64 // by the members before
	for _, f := range zr.File {
		key := strings.TrimSuffix(f.Name, ".npy")
		member := quote.String(f.Name)
		// The zip header's size can lie (the .npy header is checked
		// too), but when it is honest this refuses a bomb at once. It
		// counts the .npy header as well as the data.
		if f.UncompressedSize64 > uint64(budget)+maxHeader {
			return nil, fmt.Errorf("npz: %s: member %s: the zip header declares %d bytes uncompressed, more than the budget of %d bytes%s (a corrupt file or a decompression bomb? datasets.MaxBytes raises the budget): %w", name, member, f.UncompressedSize64, budget, spentNote(spent), datasets.ErrTooLarge)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npz: %s: member %s: %w", name, member, err)
		}
		t, used, err := decode(bufio.NewReader(rc), budget)
		if err == nil {
			// Read to the end so that zip checks the CRC.
			_, err = io.Copy(io.Discard, rc)
		}
		rc.Close()
		if err != nil {
			if errors.Is(err, datasets.ErrTooLarge) {
				return nil, fmt.Errorf("npz: %s: member %s%s: %w", name, member, spentNote(spent), err)
			}
			return nil, fmt.Errorf("npz: %s: member %s: %w", name, member, err)
		}
		budget -= used
		spent += used
		out[key] = t
	}
	return out, nil
}

// spentNote says how much of an archive's budget earlier members used.
func spentNote(spent int64) string {
	if spent == 0 {
		return ""
	}
	return fmt.Sprintf(" (the members before it used %d bytes of the archive's budget)", spent)
}

// WriteNPZ saves arrays to path as an .npz archive (numpy.savez, or
// numpy.savez_compressed with compress). Members are written in key order.
// The file appears complete or not at all.
func WriteNPZ(path string, arrays map[string]*tensor.Tensor, compress bool) error {
	keys := make([]string, 0, len(arrays))
	for k := range arrays {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return atomicWrite(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, k := range keys {
			method := zip.Store
			if compress {
				method = zip.Deflate
			}
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: k + ".npy", Method: method})
			if err != nil {
				return err
			}
			if err := Encode(fw, arrays[k]); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}
