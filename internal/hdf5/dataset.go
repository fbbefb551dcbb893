package hdf5

import (
	"bytes"
	"compress/zlib"
	"io"
)

// Dataset is a dataset of a file being read. Its description is read by
// Open; ReadRaw and Read read its values.
type Dataset struct {
	// Name is the dataset's last path component, Path its absolute path.
	Name, Path string
	// DType is the element type. It is Invalid for datasets of a type this
	// package does not read (strings, compounds); Read then returns an error.
	DType DType
	// Shape is the dataset's shape; empty for a scalar.
	Shape []int
	// Attrs are the dataset's attributes, sorted by name.
	Attrs []Attr

	f       *File
	dt      *datatype
	n       uint64 // element count
	layout  layout
	filters []filter
	bad     error // why DType is Invalid
}

// Attr returns the attribute called name and whether it exists.
func (d *Dataset) Attr(name string) (Attr, bool) { return findAttr(d.Attrs, name) }

// NumElements returns the number of elements (1 for a scalar).
func (d *Dataset) NumElements() int { return int(d.n) }

type layout struct {
	class  int // 0 compact, 1 contiguous, 2 chunked
	addr   uint64
	size   uint64
	inline []byte   // compact data
	chunk  []uint64 // chunk dimensions (chunked)

	// Chunked, version 4: the chunk index's type (1 single chunk, 2
	// implicit, 3 fixed array, 4 extensible array, 5 version 2 B-tree; 0 for
	// version 3's version 1 B-tree) and, for a single filtered chunk, its
	// stored size and filter mask.
	index      int
	singleSize uint64
	singleMask uint32
}

type filter struct {
	id     uint16
	flags  uint16
	params []uint32
}

func (f *File) loadDataset(name, path string, msgs []message) (*Dataset, error) {
	d := &Dataset{Name: name, Path: path, f: f}
	var ds *dataspace
	for _, m := range msgs {
		var err error
		switch m.typ {
		case msgDatatype:
			if m.flags&0x02 != 0 {
				d.bad = errorf("%s: committed (shared) datatypes are not supported", path)
				continue
			}
			d.dt, err = parseDatatype(f.cursor(m.data), 0)
			if err != nil {
				d.bad = errorf("%s: %v", path, unwrap(err))
				err = nil
			}
		case msgDataspace:
			ds, err = parseDataspace(f.cursor(m.data))
		case msgLayout:
			d.layout, err = f.parseLayout(m.data)
		case msgFilters:
			d.filters, err = parseFilters(f.cursor(m.data))
		}
		if err != nil {
			return nil, errorf("%s: %v", path, unwrap(err))
		}
	}
	if ds == nil {
		return nil, errorf("%s: dataset has no dataspace", path)
	}
	attrs, err := f.attributes(msgs, path)
	if err != nil {
		return nil, err
	}
	d.Attrs = attrs
	d.Shape = ds.shape()
	if d.bad == nil && d.dt != nil && d.dt.isString() {
		d.bad = errorf("%s: string datasets are not supported", path)
	}
	if d.bad == nil && d.dt != nil {
		d.DType = d.dt.dtype
	}
	// The element count is bounded only by overflow here; reading checks
	// the bytes against the file.
	if d.n, err = ds.count(1 << 62); err != nil {
		return nil, errorf("%s: %v", path, unwrap(err))
	}
	if d.layout.class == 2 && len(d.layout.chunk) != len(d.Shape) {
		return nil, errorf("%s: chunk rank %d does not match dataset rank %d", path, len(d.layout.chunk), len(d.Shape))
	}
	return d, nil
}

func (f *File) parseLayout(b []byte) (layout, error) {
	c := f.cursor(b)
	version := c.u8()
	if version != 3 && version != 4 {
		return layout{}, errorf("unsupported data layout version %d", version)
	}
	l := layout{class: int(c.u8())}
	switch l.class {
	case 0:
		n := int(c.u16())
		l.inline = c.take(n)
		l.size = uint64(n)
	case 1:
		l.addr = c.addr()
		l.size = c.length()
	case 2:
		if version == 4 {
			return f.parseLayoutV4(c)
		}
		nd := int(c.u8())
		if nd < 1 || nd > maxRank+1 {
			return layout{}, errorf("chunked layout of rank %d", nd-1)
		}
		l.addr = c.addr()
		for i := 0; i < nd; i++ {
			l.chunk = append(l.chunk, uint64(c.u32()))
		}
		l.size = l.chunk[nd-1] // element size
		l.chunk = l.chunk[:nd-1]
		for _, d := range l.chunk {
			if d == 0 {
				return layout{}, errorf("chunked layout with a zero chunk dimension")
			}
		}
	default:
		return layout{}, errorf("unsupported data layout class %d", l.class)
	}
	if c.err != nil {
		return layout{}, errorf("data layout message is truncated")
	}
	return l, nil
}

func parseFilters(c *cursor) ([]filter, error) {
	version := c.u8()
	n := int(c.u8())
	if version == 1 {
		c.skip(6)
	} else if version != 2 {
		return nil, errorf("unsupported filter pipeline version %d", version)
	}
	var out []filter
	for i := 0; i < n && c.err == nil; i++ {
		var fl filter
		fl.id = c.u16()
		nameLen := 0
		if version == 1 || fl.id >= 256 {
			nameLen = int(c.u16())
		}
		fl.flags = c.u16()
		nv := int(c.u16())
		if version == 1 {
			nameLen = pad8(nameLen)
		}
		c.skip(nameLen)
		if nv > c.remaining()/4 {
			return nil, errorf("filter pipeline is truncated")
		}
		for j := 0; j < nv; j++ {
			fl.params = append(fl.params, c.u32())
		}
		if version == 1 && nv%2 == 1 {
			c.skip(4)
		}
		out = append(out, fl)
	}
	if c.err != nil {
		return nil, errorf("filter pipeline is truncated")
	}
	return out, nil
}

// ReadRaw returns the dataset's values as little-endian bytes in row-major
// order.
func (d *Dataset) ReadRaw() ([]byte, error) {
	if d.bad != nil {
		return nil, d.bad
	}
	if d.dt == nil {
		return nil, errorf("%s: dataset has no datatype", d.Path)
	}
	es := uint64(d.dt.size)
	if d.n > (1<<62)/es {
		return nil, errorf("%s: dataset is too large", d.Path)
	}
	want := d.n * es
	var out []byte
	var err error
	switch d.layout.class {
	case 0:
		if uint64(len(d.layout.inline)) < want {
			return nil, errorf("%s: compact data holds %d bytes, want %d", d.Path, len(d.layout.inline), want)
		}
		out = append([]byte(nil), d.layout.inline[:want]...)
	case 1:
		if want == 0 {
			out = []byte{}
			break
		}
		if d.layout.size < want {
			return nil, errorf("%s: contiguous data holds %d bytes, want %d", d.Path, d.layout.size, want)
		}
		out, err = d.f.readAddr(d.layout.addr, want)
		if err != nil {
			return nil, errorf("%s: %v", d.Path, unwrap(err))
		}
	case 2:
		out, err = d.readChunked(want)
		if err != nil {
			return nil, err
		}
	default:
		return nil, errorf("%s: dataset has no data layout", d.Path)
	}
	if d.dt.bigEndian {
		swapBytes(out, int(es))
	}
	return out, nil
}

// Read returns the dataset's values as a typed slice in row-major order:
// []float32, []float64, []int8 ... []uint64, or []uint16 of raw bits for
// Float16.
func (d *Dataset) Read() (any, error) {
	raw, err := d.ReadRaw()
	if err != nil {
		return nil, err
	}
	return decodeNumbers(d.DType, raw), nil
}

// unfilter undoes the filter pipeline on one chunk; filters whose bit is set
// in mask were skipped when the chunk was written.
func (d *Dataset) unfilter(b []byte, mask uint32, want uint64) ([]byte, error) {
	for i := len(d.filters) - 1; i >= 0; i-- {
		if i < 32 && mask&(1<<uint(i)) != 0 {
			continue
		}
		fl := d.filters[i]
		switch fl.id {
		case 1: // deflate
			zr, err := zlib.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, errorf("deflate: %v", err)
			}
			out, err := io.ReadAll(io.LimitReader(zr, int64(want)+1))
			if err != nil {
				return nil, errorf("deflate: %v", err)
			}
			b = out
		case 2: // shuffle
			es := d.dt.size
			if len(fl.params) > 0 {
				es = int(fl.params[0])
			}
			if es > 1 {
				b = unshuffle(b, es)
			}
		case 3: // fletcher32: a 4-byte checksum at the end
			if len(b) < 4 {
				return nil, errorf("fletcher32: chunk is shorter than its checksum")
			}
			b = b[:len(b)-4]
		default:
			return nil, errorf("unsupported filter %d", fl.id)
		}
	}
	if uint64(len(b)) != want {
		return nil, errorf("chunk holds %d bytes after filtering, want %d", len(b), want)
	}
	return b, nil
}

func unshuffle(b []byte, es int) []byte {
	n := len(b) / es
	if n <= 1 {
		return b // fewer than two whole elements: nothing was shuffled
	}
	out := make([]byte, len(b))
	for j := 0; j < es; j++ {
		for i := 0; i < n; i++ {
			out[i*es+j] = b[j*n+i]
		}
	}
	copy(out[n*es:], b[n*es:])
	return out
}

// place copies a chunk whose first element sits at offs into out, clipping
// the parts of edge chunks that lie outside the dataset.
func (d *Dataset) place(out, chunk []byte, offs, strides []uint64, es uint64) error {
	rank := len(offs)
	cd := d.layout.chunk
	for i, o := range offs {
		if o >= uint64(d.Shape[i]) || o%cd[i] != 0 {
			return errorf("chunk offset %v is outside the dataset %v", offs, d.Shape)
		}
	}
	if rank == 0 {
		copy(out, chunk)
		return nil
	}
	// Copy rows along the last dimension, visiting only the part of the
	// chunk that lies inside the dataset.
	ext := make([]uint64, rank)
	for k := range ext {
		ext[k] = min(cd[k], uint64(d.Shape[k])-offs[k])
	}
	last := rank - 1
	rowLen := ext[last]
	idx := make([]uint64, rank) // position within the chunk
	for {
		var src, dst uint64
		cs := uint64(1)
		for k := rank - 1; k >= 0; k-- {
			src += idx[k] * cs
			cs *= cd[k]
			dst += (offs[k] + idx[k]) * strides[k]
		}
		copy(out[dst*es:(dst+rowLen)*es], chunk[src*es:(src+rowLen)*es])
		k := last - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < ext[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return nil
		}
	}
}
