package hdf5

// Datatype classes.
const (
	classFixed   = 0
	classFloat   = 1
	classTime    = 2
	classString  = 3
	classBitfld  = 4
	classOpaque  = 5
	classCompnd  = 6
	classRef     = 7
	classEnum    = 8
	classVlen    = 9
	classArray   = 10
	maxTypeDepth = 8
)

// datatype is a decoded datatype message, reduced to what the reader needs.
type datatype struct {
	class     int
	size      int
	bigEndian bool
	dtype     DType // numeric types (and enums, by their base type)

	// Strings: fixed-length (class 3) or variable-length (class 9).
	vlenString bool
	spacePad   bool // fixed-length string padded with spaces, not NULs
}

func (t *datatype) isString() bool { return t.class == classString || t.vlenString }

func className(c int) string {
	names := []string{"integer", "float", "time", "string", "bitfield", "opaque", "compound", "reference", "enum", "variable-length", "array"}
	if c < len(names) {
		return names[c]
	}
	return "unknown"
}

// parseDatatype decodes a datatype message from c.
func parseDatatype(c *cursor, depth int) (*datatype, error) {
	if depth > maxTypeDepth {
		return nil, errorf("datatype nested too deeply")
	}
	cv := c.u8()
	bf := c.take(3)
	size := c.u32()
	if c.err != nil {
		return nil, errorf("datatype is truncated")
	}
	t := &datatype{class: int(cv & 0x0f), size: int(size)}
	if v := cv >> 4; v < 1 || v > 5 {
		return nil, errorf("unsupported datatype version %d", v)
	}
	switch t.class {
	case classFixed:
		t.bigEndian = bf[0]&1 != 0
		offset, prec := c.u16(), c.u16()
		if c.err != nil {
			return nil, errorf("integer datatype is truncated")
		}
		t.dtype = intDType(t.size, bf[0]&8 != 0)
		if t.dtype == Invalid || offset != 0 || int(prec) != 8*t.size {
			return nil, errorf("unsupported %d-byte integer datatype (offset %d, precision %d)", t.size, offset, prec)
		}
	case classFloat:
		t.bigEndian = bf[0]&1 != 0
		if bf[0]&0x40 != 0 {
			return nil, errorf("unsupported VAX-order float datatype")
		}
		offset, prec := c.u16(), c.u16()
		expLoc, expSize, manLoc, manSize := c.u8(), c.u8(), c.u8(), c.u8()
		bias := c.u32()
		if c.err != nil {
			return nil, errorf("float datatype is truncated")
		}
		sign := bf[1]
		std := func(sz int, e, es, ms uint8, b uint32) bool {
			return t.size == sz && offset == 0 && int(prec) == 8*sz && expLoc == e && expSize == es &&
				manLoc == 0 && manSize == ms && bias == b && sign == uint8(8*sz-1)
		}
		switch {
		case std(2, 10, 5, 10, 15):
			t.dtype = Float16
		case std(4, 23, 8, 23, 127):
			t.dtype = Float32
		case std(8, 52, 11, 52, 1023):
			t.dtype = Float64
		default:
			return nil, errorf("unsupported %d-byte float datatype (not IEEE 754)", t.size)
		}
	case classString:
		pad := bf[0] & 0x0f
		t.spacePad = pad == 2
	case classEnum:
		nmembers := int(bf[0]) | int(bf[1])<<8
		base, err := parseDatatype(c, depth+1)
		if err != nil {
			return nil, err
		}
		if base.class != classFixed || base.size != t.size {
			return nil, errorf("unsupported enum datatype over a %s", className(base.class))
		}
		t.dtype, t.bigEndian = base.dtype, base.bigEndian
		// Member names and values follow; they are not needed.
		_ = nmembers
	case classVlen:
		typ := bf[0] & 0x03
		base, err := parseDatatype(c, depth+1)
		if err != nil {
			return nil, err
		}
		if typ != 1 || base.size != 1 {
			return nil, errorf("unsupported variable-length sequence datatype")
		}
		t.vlenString = true
	default:
		return nil, errorf("unsupported %s datatype", className(t.class))
	}
	if t.size <= 0 || t.size > 1<<16 {
		return nil, errorf("unsupported datatype size %d", t.size)
	}
	return t, nil
}

// dataspace is a decoded dataspace message.
type dataspace struct {
	dims []uint64 // nil with null false: a scalar
	null bool     // no elements at all
}

const maxRank = 32

func parseDataspace(c *cursor) (*dataspace, error) {
	version := c.u8()
	rank := int(c.u8())
	flags := c.u8()
	typ := uint8(1)
	switch version {
	case 1:
		c.skip(5)
		if rank == 0 {
			typ = 0
		}
	case 2:
		typ = c.u8()
	default:
		return nil, errorf("unsupported dataspace version %d", version)
	}
	if rank > maxRank {
		return nil, errorf("dataspace rank %d exceeds %d", rank, maxRank)
	}
	s := &dataspace{}
	switch typ {
	case 0:
		rank = 0
	case 2:
		s.null = true
		rank = 0
	}
	for i := 0; i < rank; i++ {
		s.dims = append(s.dims, c.length())
	}
	if flags&1 != 0 {
		for i := 0; i < rank; i++ {
			c.length()
		}
	}
	if c.err != nil {
		return nil, errorf("dataspace is truncated")
	}
	return s, nil
}

// count returns the number of elements, or an error when it overflows limit.
func (s *dataspace) count(limit uint64) (uint64, error) {
	if s.null {
		return 0, nil
	}
	n := uint64(1)
	for _, d := range s.dims {
		if d != 0 && n > limit/d {
			return 0, errorf("dataspace %v holds more than %d elements", s.dims, limit)
		}
		n *= d
	}
	if n > limit {
		return 0, errorf("dataspace %v holds more than %d elements", s.dims, limit)
	}
	return n, nil
}

func (s *dataspace) shape() []int {
	out := make([]int, len(s.dims))
	for i, d := range s.dims {
		out[i] = int(d)
	}
	return out
}
