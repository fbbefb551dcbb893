package hdf5

import (
	"bytes"
	"encoding/binary"
	"math"
	"sort"
)

// Attr is an attribute of a group or dataset.
//
// Value holds a Go value for the attribute's datatype: a string for a
// scalar string (fixed- or variable-length), []string for an array of
// strings, int8 ... uint64, float32 or float64 for a numeric scalar, and a
// slice of that type for a numeric array (row-major, of Shape's element
// count). A float16 attribute is a uint16 (or []uint16) of raw half bits. An
// attribute with a null dataspace has a nil Value.
type Attr struct {
	Name  string
	Shape []int // nil for a scalar
	Value any
}

func findAttr(attrs []Attr, name string) (Attr, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a, true
		}
	}
	return Attr{}, false
}

// maxAttrBytes bounds the decoded size of one attribute's value.
const maxAttrBytes = 64 << 20

// attributes decodes the attribute messages of a header, sorted by name.
func (f *File) attributes(msgs []message, path string) ([]Attr, error) {
	var out []Attr
	for _, m := range msgs {
		switch m.typ {
		case msgAttrInfo:
			c := f.cursor(m.data)
			version, flags := c.u8(), c.u8()
			if flags&1 != 0 {
				c.skip(2)
			}
			heap, index := c.addr(), c.addr()
			if c.err != nil || version != 0 {
				return nil, errorf("%s: bad attribute info message", path)
			}
			if heap == undef {
				continue
			}
			msgs, err := f.denseMessages(heap, index, 0)
			if err != nil {
				return nil, errorf("%s: dense attribute storage: %v", path, unwrap(err))
			}
			for _, m := range msgs {
				a, err := f.parseAttr(m)
				if err != nil {
					return nil, errorf("%s: %v", path, unwrap(err))
				}
				out = append(out, a)
			}
		case msgAttribute:
			if m.flags&0x02 != 0 {
				return nil, errorf("%s: shared attribute messages are not supported", path)
			}
			a, err := f.parseAttr(m.data)
			if err != nil {
				return nil, errorf("%s: %v", path, unwrap(err))
			}
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			return nil, errorf("%s: attribute %q appears twice", path, out[i].Name)
		}
	}
	return out, nil
}

func pad8(n int) int { return (n + 7) &^ 7 }

func (f *File) parseAttr(b []byte) (Attr, error) {
	c := f.cursor(b)
	version := c.u8()
	flags := c.u8()
	nameSize := int(c.u16())
	dtSize := int(c.u16())
	dsSize := int(c.u16())
	align := func(n int) int { return n }
	switch version {
	case 1:
		align = pad8
	case 2:
	case 3:
		c.skip(1) // name character set
	default:
		return Attr{}, errorf("unsupported attribute message version %d", version)
	}
	if flags != 0 {
		return Attr{}, errorf("attributes with shared datatypes or dataspaces are not supported")
	}
	name := c.take(align(nameSize))
	dtb := c.take(align(dtSize))
	dsb := c.take(align(dsSize))
	if c.err != nil || nameSize == 0 || len(name) < nameSize || len(dtb) < dtSize || len(dsb) < dsSize {
		return Attr{}, errorf("attribute message is truncated")
	}
	a := Attr{Name: string(bytes.TrimRight(name[:nameSize], "\x00"))}
	dt, err := parseDatatype(f.cursor(dtb[:dtSize]), 0)
	if err != nil {
		return Attr{}, errorf("attribute %q: %v", a.Name, unwrap(err))
	}
	ds, err := parseDataspace(f.cursor(dsb[:dsSize]))
	if err != nil {
		return Attr{}, errorf("attribute %q: %v", a.Name, unwrap(err))
	}
	if ds.null {
		return a, nil
	}
	n, err := ds.count(maxAttrBytes / uint64(dt.size))
	if err != nil {
		return Attr{}, errorf("attribute %q: %v", a.Name, unwrap(err))
	}
	raw := c.take(int(n) * dt.size)
	if c.err != nil {
		return Attr{}, errorf("attribute %q: value is truncated", a.Name)
	}
	if len(ds.dims) > 0 {
		a.Shape = ds.shape()
	}
	scalar := len(ds.dims) == 0
	if dt.isString() {
		strs := make([]string, n)
		for i := range strs {
			el := raw[i*dt.size : (i+1)*dt.size]
			if dt.vlenString {
				s, err := f.vlenString(el)
				if err != nil {
					return Attr{}, errorf("attribute %q: %v", a.Name, unwrap(err))
				}
				strs[i] = s
				continue
			}
			if dt.spacePad {
				strs[i] = string(bytes.TrimRight(el, " "))
			} else if j := bytes.IndexByte(el, 0); j >= 0 {
				strs[i] = string(el[:j])
			} else {
				strs[i] = string(el)
			}
		}
		if scalar {
			a.Value = strs[0]
		} else {
			a.Value = strs
		}
		return a, nil
	}
	le := raw
	if dt.bigEndian {
		le = append([]byte(nil), raw...)
		swapBytes(le, dt.size)
	}
	v := decodeNumbers(dt.dtype, le)
	if scalar {
		v = firstElem(v)
	}
	a.Value = v
	return a, nil
}

// swapBytes reverses the bytes of every size-byte element of b in place.
func swapBytes(b []byte, size int) {
	for i := 0; i+size <= len(b); i += size {
		e := b[i : i+size]
		for l, r := 0, size-1; l < r; l, r = l+1, r-1 {
			e[l], e[r] = e[r], e[l]
		}
	}
}

// decodeNumbers turns little-endian bytes into a typed slice.
func decodeNumbers(d DType, b []byte) any {
	le := binary.LittleEndian
	n := 0
	if d.Size() > 0 {
		n = len(b) / d.Size()
	}
	switch d {
	case Int8:
		out := make([]int8, n)
		for i := range out {
			out[i] = int8(b[i])
		}
		return out
	case Uint8:
		return append([]uint8(nil), b[:n]...)
	case Int16:
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(le.Uint16(b[2*i:]))
		}
		return out
	case Uint16, Float16:
		out := make([]uint16, n)
		for i := range out {
			out[i] = le.Uint16(b[2*i:])
		}
		return out
	case Int32:
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(le.Uint32(b[4*i:]))
		}
		return out
	case Uint32:
		out := make([]uint32, n)
		for i := range out {
			out[i] = le.Uint32(b[4*i:])
		}
		return out
	case Float32:
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
		return out
	case Int64:
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(le.Uint64(b[8*i:]))
		}
		return out
	case Uint64:
		out := make([]uint64, n)
		for i := range out {
			out[i] = le.Uint64(b[8*i:])
		}
		return out
	case Float64:
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
		return out
	}
	return nil
}

func firstElem(v any) any {
	switch s := v.(type) {
	case []int8:
		return s[0]
	case []uint8:
		return s[0]
	case []int16:
		return s[0]
	case []uint16:
		return s[0]
	case []int32:
		return s[0]
	case []uint32:
		return s[0]
	case []int64:
		return s[0]
	case []uint64:
		return s[0]
	case []float32:
		return s[0]
	case []float64:
		return s[0]
	}
	return nil
}

// vlenString resolves one variable-length string element: a length, then
// a global heap ID (collection address and object index).
func (f *File) vlenString(el []byte) (string, error) {
	c := f.cursor(el)
	n := uint64(c.u32())
	addr := c.addr()
	idx := c.u32()
	if c.err != nil {
		return "", errorf("variable-length string is truncated")
	}
	if n == 0 {
		return "", nil
	}
	objs, err := f.globalHeap(addr)
	if err != nil {
		return "", err
	}
	if idx > math.MaxUint16 {
		return "", errorf("global heap object index %d is out of range", idx)
	}
	obj, ok := objs[uint16(idx)]
	if !ok {
		return "", errorf("global heap at %#x has no object %d", addr, idx)
	}
	if n > uint64(len(obj)) {
		return "", errorf("string of %d bytes is longer than its %d-byte heap object", n, len(obj))
	}
	return string(obj[:n]), nil
}

// globalHeap reads (once) the global heap collection at addr and returns its
// objects by index.
func (f *File) globalHeap(addr uint64) (map[uint16][]byte, error) {
	if objs, ok := f.gheaps[addr]; ok {
		return objs, nil
	}
	if len(f.gheaps) > 1<<12 {
		return nil, errorf("too many global heap collections")
	}
	head, err := f.readUpTo(addr, 8+uint64(f.lenSize))
	if err != nil {
		return nil, err
	}
	c := f.cursor(head)
	if !bytes.Equal(c.take(4), []byte("GCOL")) {
		return nil, errorf("global heap at %#x has no GCOL signature", addr)
	}
	c.skip(4)
	size := c.length()
	if c.err != nil || size < uint64(len(head)) {
		return nil, errorf("global heap at %#x is truncated", addr)
	}
	b, err := f.readAddr(addr, size)
	if err != nil {
		return nil, err
	}
	c = f.cursor(b)
	c.off = len(head)
	objs := map[uint16][]byte{}
	for c.remaining() >= 8+f.lenSize {
		idx := c.u16()
		c.skip(6) // reference count, reserved
		n := c.length()
		if idx == 0 {
			break // free space: the rest of the collection
		}
		if n > uint64(c.remaining()) {
			return nil, errorf("global heap object %d of %d bytes runs past its collection", idx, n)
		}
		obj := c.take(int(n))
		c.skip(min(pad8(int(n))-int(n), c.remaining()))
		objs[idx] = obj
	}
	f.gheaps[addr] = objs
	return objs, nil
}
