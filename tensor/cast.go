package tensor

import "fmt"

// Cast converts x to dtype, as tf.cast: floats become integers by truncation
// toward zero (out-of-range values saturate), anything becomes Bool as != 0,
// and Bool becomes 1 or 0. The result is always a new tensor.
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
	case []bool:
		switch d := d.(type) {
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
