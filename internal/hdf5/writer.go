package hdf5

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

const superblockSize = 48 // version 2, 8-byte offsets and lengths

// Writer writes a new HDF5 file. Dataset values go to the file as datasets
// are created; the group structure and attributes are written by Close, so a
// file is valid only once Close has returned nil.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	w      io.WriterAt
	file   *os.File // set by CreateFile, closed by Close
	eof    uint64
	root   *GroupWriter
	err    error // the first write error; sticky
	closed bool
}

// Create returns a Writer that writes a file to w, starting at offset 0.
func Create(w io.WriterAt) *Writer {
	wr := &Writer{w: w, eof: superblockSize}
	wr.root = &GroupWriter{w: wr, path: "/"}
	return wr
}

// CreateFile creates (or truncates) the file at path and returns a Writer
// for it; Close closes the file.
func CreateFile(path string) (*Writer, error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := Create(fh)
	w.file = fh
	return w, nil
}

// Root returns the root group, "/".
func (w *Writer) Root() *GroupWriter { return w.root }

// Group returns the group at path below the root, creating it and any
// missing parents.
func (w *Writer) Group(path string) (*GroupWriter, error) { return w.root.Group(path) }

// CreateDataset creates a dataset at path below the root; see
// GroupWriter.CreateDataset.
func (w *Writer) CreateDataset(path string, dtype DType, shape []int, data any) (*DatasetWriter, error) {
	return w.root.CreateDataset(path, dtype, shape, data)
}

// SetAttr sets an attribute of the root group; see GroupWriter.SetAttr.
func (w *Writer) SetAttr(name string, value any) error { return w.root.SetAttr(name, value) }

// GroupWriter is a group of a file being written.
type GroupWriter struct {
	w        *Writer
	path     string
	children []wchild
	attrs    []*wattr
}

type wchild struct {
	name string
	g    *GroupWriter
	d    *DatasetWriter
}

// DatasetWriter is a dataset of a file being written; its values are already
// in the file, and it can still be given attributes.
type DatasetWriter struct {
	w     *Writer
	path  string
	dtype DType
	shape []int
	addr  uint64
	size  uint64
	attrs []*wattr
}

// wattr is an attribute waiting for Close.
type wattr struct {
	name  string
	shape []int // nil: scalar
	dtype DType // numeric attributes
	raw   []byte
	strs  []string // string attributes
	isStr bool
	ids   []heapID // filled in by Close
}

type heapID struct {
	addr uint64
	idx  uint32
}

func checkName(what, name string) error {
	if name == "" || name == "." || strings.Contains(name, "/") || !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0 {
		return fmt.Errorf("hdf5: invalid %s name %q", what, name)
	}
	if len(name) > 0xffff-1 {
		return fmt.Errorf("hdf5: %s name of %d bytes is too long", what, len(name))
	}
	return nil
}

func (g *GroupWriter) child(name string) *wchild {
	for i := range g.children {
		if g.children[i].name == name {
			return &g.children[i]
		}
	}
	return nil
}

func (w *Writer) usable() error {
	if w.closed {
		return errors.New("hdf5: writer is closed")
	}
	return w.err
}

// Group returns the group at path below g ("layers/dense/vars"), creating it
// and any missing parents. It fails if a dataset is in the way.
func (g *GroupWriter) Group(path string) (*GroupWriter, error) {
	if err := g.w.usable(); err != nil {
		return nil, err
	}
	cur := g
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		if err := checkName("group", part); err != nil {
			return nil, err
		}
		c := cur.child(part)
		if c == nil {
			ng := &GroupWriter{w: g.w, path: joinPath(cur.path, part)}
			cur.children = append(cur.children, wchild{name: part, g: ng})
			cur = ng
			continue
		}
		if c.g == nil {
			return nil, fmt.Errorf("hdf5: %s is a dataset, not a group", joinPath(cur.path, part))
		}
		cur = c.g
	}
	return cur, nil
}

// CreateDataset writes a contiguous dataset at path below g, creating
// missing parent groups. shape may be empty for a scalar. data is either
// the values' little-endian bytes in row-major order ([]byte of
// prod(shape)×dtype.Size() bytes) or a slice of the matching Go type
// ([]float32 for Float32, []int64 for Int64, []uint16 of raw bits for
// Float16, ...) with prod(shape) elements; a scalar dataset may also take a
// single value (float32(7.5)).
func (g *GroupWriter) CreateDataset(path string, dtype DType, shape []int, data any) (*DatasetWriter, error) {
	if err := g.w.usable(); err != nil {
		return nil, err
	}
	path = strings.Trim(path, "/")
	parent, name := g, path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		var err error
		if parent, err = g.Group(path[:i]); err != nil {
			return nil, err
		}
		name = path[i+1:]
	}
	if err := checkName("dataset", name); err != nil {
		return nil, err
	}
	if parent.child(name) != nil {
		return nil, fmt.Errorf("hdf5: %s already exists", joinPath(parent.path, name))
	}
	if dtype.Size() == 0 {
		return nil, fmt.Errorf("hdf5: dataset %s: invalid dtype %v", joinPath(parent.path, name), dtype)
	}
	if len(shape) > maxRank {
		return nil, fmt.Errorf("hdf5: dataset %s: rank %d exceeds %d", joinPath(parent.path, name), len(shape), maxRank)
	}
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("hdf5: dataset %s: negative dimension in shape %v", joinPath(parent.path, name), shape)
		}
		n *= uint64(d)
	}
	raw, err := datasetBytes(dtype, n, data)
	if err != nil {
		return nil, fmt.Errorf("hdf5: dataset %s: %v", joinPath(parent.path, name), err)
	}
	d := &DatasetWriter{w: g.w, path: joinPath(parent.path, name), dtype: dtype, shape: append([]int{}, shape...), addr: undef}
	if len(raw) > 0 {
		d.addr = g.w.alloc(uint64(len(raw)))
		d.size = uint64(len(raw))
		if err := g.w.writeAt(raw, d.addr); err != nil {
			return nil, err
		}
	}
	parent.children = append(parent.children, wchild{name: name, d: d})
	return d, nil
}

func datasetBytes(dtype DType, n uint64, data any) ([]byte, error) {
	want := n * uint64(dtype.Size())
	if b, ok := data.([]byte); ok && dtype != Uint8 {
		if uint64(len(b)) != want {
			return nil, fmt.Errorf("%d bytes of data for %d %v elements (want %d bytes)", len(b), n, dtype, want)
		}
		return b, nil
	}
	if data == nil && n == 0 {
		return nil, nil
	}
	if s, ok := sliceOf(data); ok {
		data = s // a scalar value
	}
	raw, dt, ok := appendNumbers(nil, data)
	if dtype == Float16 && dt == Uint16 {
		dt = Float16
	}
	if !ok {
		return nil, fmt.Errorf("data of type %T; want []byte or a slice of %v", data, dtype)
	}
	if dt != dtype {
		return nil, fmt.Errorf("data of type %T for a %v dataset", data, dtype)
	}
	if uint64(numElems(data)) != n {
		return nil, fmt.Errorf("%d values for a shape of %d elements", numElems(data), n)
	}
	return raw, nil
}

// alloc reserves n bytes at the end of the file, 8-aligned, and returns
// their address.
func (w *Writer) alloc(n uint64) uint64 {
	w.eof = (w.eof + 7) &^ 7
	a := w.eof
	w.eof += n
	return a
}

func (w *Writer) writeAt(b []byte, addr uint64) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.w.WriteAt(b, int64(addr)); err != nil {
		w.err = fmt.Errorf("hdf5: write: %w", err)
	}
	return w.err
}

// SetAttr sets (or replaces) an attribute of g. value is a string or
// []string (written as h5py writes str: variable-length UTF-8), or a numeric
// scalar (int8 ... uint64, int as int64, float32, float64) or a slice of one
// of those types (a 1-D attribute).
func (g *GroupWriter) SetAttr(name string, value any) error {
	if err := g.w.usable(); err != nil {
		return err
	}
	a, err := newAttr(name, value)
	if err != nil {
		return fmt.Errorf("hdf5: %s: %v", g.path, err)
	}
	g.attrs = setAttr(g.attrs, a)
	return nil
}

// SetAttr sets (or replaces) an attribute of the dataset; values are as for
// GroupWriter.SetAttr.
func (d *DatasetWriter) SetAttr(name string, value any) error {
	if err := d.w.usable(); err != nil {
		return err
	}
	a, err := newAttr(name, value)
	if err != nil {
		return fmt.Errorf("hdf5: %s: %v", d.path, err)
	}
	d.attrs = setAttr(d.attrs, a)
	return nil
}

func setAttr(list []*wattr, a *wattr) []*wattr {
	for i, old := range list {
		if old.name == a.name {
			list[i] = a
			return list
		}
	}
	return append(list, a)
}

func newAttr(name string, value any) (*wattr, error) {
	if err := checkName("attribute", name); err != nil {
		return nil, err
	}
	a := &wattr{name: name}
	switch v := value.(type) {
	case string:
		a.isStr, a.strs = true, []string{v}
		return a, nil
	case []string:
		a.isStr, a.strs, a.shape = true, v, []int{len(v)}
		return a, nil
	}
	v := value
	if s, ok := sliceOf(value); ok {
		v = s
	} else {
		a.shape = []int{numElems(value)}
	}
	raw, dt, ok := appendNumbers(nil, v)
	if !ok {
		return nil, fmt.Errorf("attribute %q: unsupported value type %T", name, value)
	}
	a.raw, a.dtype = raw, dt
	if len(raw) > maxAttrBytes {
		return nil, fmt.Errorf("attribute %q: value of %d bytes is too large", name, len(raw))
	}
	return a, nil
}
