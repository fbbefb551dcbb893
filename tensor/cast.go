package tensor

import "fmt"

// Cast converts x to dtype, as tf.cast: floats become integers by truncation
// toward zero (out-of-range values saturate), anything becomes Bool as != 0,
// and Bool becomes 1 or 0. Conversions to Float16 and BFloat16 round once to
// nearest, ties to even (overflow to infinity, gradual underflow, NaN kept);
// conversions from them are exact into Float32 and Float64. The result is
// always a new tensor.
func Cast(x *Tensor, dtype DType) *Tensor {
	if !dtype.Valid() {
		panic(fmt.Sprintf("Cast: invalid target dtype %v (want %s)", dtype, dtypeList(allTypes...)))
	}
	dst := New(dtype, x.shape...)
	castRun(dst, x)
	return dst
}

// CastInto converts x into dst, which must have x's shape; dst's dtype is the
// target. It does not allocate.
func CastInto(dst, x *Tensor) {
	if !dst.shape.Equal(x.shape) {
		panic(fmt.Sprintf("Cast: destination shape %v differs from the input's %v", dst.shape, x.shape))
	}
	castRun(dst, x)
}

func castRun(dst, x *Tensor) {
	if dst.dtype == x.dtype {
		copyData(dst.data, x.data)
		return
	}
	var j job
	j.kind = jobCast
	j.dst = dst
	j.in[0] = x
	j.exec(x.Size(), grainCheap)
}

func castDispatch(j *job, lo, hi int) {
	d := j.dst.data
	switch s := j.in[0].data.(type) {
	case []float32:
		castFrom(d, s[lo:hi], lo, hi)
	case []float64:
		castFrom(d, s[lo:hi], lo, hi)
	case []int32:
		castFrom(d, s[lo:hi], lo, hi)
	case []int64:
		castFrom(d, s[lo:hi], lo, hi)
	case []uint8:
		castFrom(d, s[lo:hi], lo, hi)
	case []Float16Value:
		castFromHalf(d, s[lo:hi], lo)
	case []BFloat16Value:
		castFromHalf(d, s[lo:hi], lo)
	case []bool:
		switch d := d.(type) {
		case []Float16Value:
			halfFromBool(d[lo:hi], s[lo:hi], Float16FromFloat64(1))
		case []BFloat16Value:
			halfFromBool(d[lo:hi], s[lo:hi], BFloat16FromFloat64(1))
		case []float32:
			fromBool(d[lo:hi], s[lo:hi])
		case []float64:
			fromBool(d[lo:hi], s[lo:hi])
		case []int32:
			fromBool(d[lo:hi], s[lo:hi])
		case []int64:
			fromBool(d[lo:hi], s[lo:hi])
		case []uint8:
			fromBool(d[lo:hi], s[lo:hi])
		}
	}
}

func castFrom[S Number](dst any, s []S, lo, hi int) {
	switch d := dst.(type) {
	case []float32:
		convert(d[lo:hi], s)
	case []float64:
		convert(d[lo:hi], s)
	case []int32:
		convertInt(d[lo:hi], s)
	case []int64:
		convertInt(d[lo:hi], s)
	case []uint8:
		convertInt(d[lo:hi], s)
	case []bool:
		d = d[lo:hi]
		d = d[:len(s)]
		for i, v := range s {
			d[i] = v != 0
		}
	case []Float16Value:
		d = d[lo:hi]
		d = d[:len(s)]
		for i, v := range s {
			d[i] = Float16FromFloat64(float64(v))
		}
	case []BFloat16Value:
		d = d[lo:hi]
		d = d[:len(s)]
		for i, v := range s {
			d[i] = BFloat16FromFloat64(float64(v))
		}
	}
}

// castFromHalf converts 16-bit floats (exactly) to float32 a block at a time
// and casts those on to dst's elements [lo, lo+len(s)).
func castFromHalf[H Float16Value | BFloat16Value](dst any, s []H, lo int) {
	var buf [256]float32
	for off := 0; off < len(s); off += len(buf) {
		n := min(len(buf), len(s)-off)
		switch s := any(s[off : off+n]).(type) {
		case []Float16Value:
			for i, v := range s {
				buf[i] = v.Float32()
			}
		case []BFloat16Value:
			for i, v := range s {
				buf[i] = v.Float32()
			}
		}
		castFrom(dst, buf[:n], lo+off, lo+off+n)
	}
}

func halfFromBool[H Float16Value | BFloat16Value](d []H, s []bool, one H) {
	d = d[:len(s)]
	for i, v := range s {
		if v {
			d[i] = one
		} else {
			d[i] = 0
		}
	}
}

func convert[D, S Number](d []D, s []S) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = D(v)
	}
}

// convertInt converts to an integer type: from floats with truncation and
// saturation (NaN becomes 0), from integers with Go's wrapping conversion.
func convertInt[D, S Number](d []D, s []S) {
	d = d[:len(s)]
	if !isFloat[S]() {
		for i, v := range s {
			d[i] = D(int64(v))
		}
		return
	}
	lo, hi := float64(lowest[D]()), float64(highest[D]())
	for i, v := range s {
		f := float64(v)
		switch {
		case f != f:
			d[i] = 0
		case f <= lo:
			d[i] = lowest[D]()
		case f >= hi:
			d[i] = highest[D]()
		default:
			d[i] = D(f)
		}
	}
}

func fromBool[D Number](d []D, s []bool) {
	d = d[:len(s)]
	for i, v := range s {
		if v {
			d[i] = 1
		} else {
			d[i] = 0
		}
	}
}
