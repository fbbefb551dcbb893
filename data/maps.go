package data

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// CastScale returns a MapFunc that converts the given components (all of
// them if none are named) to dtype (Float32 or Float64) and multiplies them
// by scale: CastScale(tensor.Float32, 1.0/255, 0) is Keras users'
// `lambda x, y: (tf.cast(x, tf.float32) / 255., y)`. The other components
// pass through unchanged.
func CastScale(dtype tensor.DType, scale float64, components ...int) MapFunc {
	if !dtype.IsFloat() {
		panic(fmt.Sprintf("data.CastScale: dtype %v, want float32 or float64", dtype))
	}
	// A table makes the common uint8 -> float32 case a lookup per pixel.
	lut := scaleTable(scale)
	return func(e Element) (Element, error) {
		out := make(Element, len(e))
		copy(out, e)
		for c := range e {
			if len(components) > 0 && !contains(components, c) {
				continue
			}
			out[c] = castScale(e[c], dtype, scale, lut)
		}
		for _, c := range components {
			if c < 0 || c >= len(e) {
				return nil, fmt.Errorf("data.CastScale: component %d of a %d-component element", c, len(e))
			}
		}
		return out, nil
	}
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func castScale(t *tensor.Tensor, dtype tensor.DType, scale float64, lut *[256]float32) *tensor.Tensor {
	dst := tensor.New(dtype, t.Shape()...)
	castScaleInto(dst, t, scale, lut)
	return dst
}

// CastScaleInto writes src * scale, converted to dst's float type, into
// dst, which must have as many elements as src. It allocates nothing: a
// training loop can keep one float32 input buffer and fill it from each
// uint8 batch, instead of mapping CastScale over the dataset (which
// allocates a new float32 batch every step).
func CastScaleInto(dst, src *tensor.Tensor, scale float64) error {
	if !dst.DType().IsFloat() || dst.Size() != src.Size() {
		return fmt.Errorf("data.CastScaleInto: cannot write %v %v into %v %v", src.DType(), src.Shape(), dst.DType(), dst.Shape())
	}
	var lut *[256]float32
	if src.DType() == tensor.Uint8 && dst.DType() == tensor.Float32 {
		lut = scaleTable(scale)
	}
	castScaleInto(dst, src, scale, lut)
	return nil
}

var (
	tableMu sync.Mutex
	tables  = map[float64]*[256]float32{}
)

// scaleTable returns the uint8 -> float32 table for scale, cached.
func scaleTable(scale float64) *[256]float32 {
	tableMu.Lock()
	defer tableMu.Unlock()
	if t := tables[scale]; t != nil {
		return t
	}
	t := new([256]float32)
	for i := range t {
		t[i] = float32(float64(i) * scale)
	}
	if len(tables) < 64 {
		tables[scale] = t
	}
	return t
}

func castScaleInto(dst, t *tensor.Tensor, scale float64, lut *[256]float32) {
	dtype := dst.DType()
	if dtype == tensor.Float32 {
		d := dst.Float32s()
		if src, ok := t.Data().([]uint8); ok && lut != nil {
			d = d[:len(src)]
			for i, v := range src {
				d[i] = lut[v]
			}
			return
		}
		if src, ok := t.Data().([]float32); ok {
			s := float32(scale)
			d = d[:len(src)]
			for i, v := range src {
				d[i] = v * s
			}
			return
		}
	}
	n := t.Size()
	for i := 0; i < n; i++ {
		dst.SetFloat(i, t.Float(i)*scale)
	}
}

// GatherInto writes rows idx of src (along its first dimension), converted
// to dst's float type and multiplied by scale, into dst, which must hold
// len(idx) such rows. It allocates nothing: it is the batch step of a
// training loop that shuffles in-memory tensors itself (one permutation per
// epoch, then GatherInto for each batch of indices).
func GatherInto(dst, src *tensor.Tensor, idx []int, scale float64) error {
	if src.Rank() == 0 || !dst.DType().IsFloat() {
		return fmt.Errorf("data.GatherInto: cannot gather %v %v into %v %v", src.DType(), src.Shape(), dst.DType(), dst.Shape())
	}
	rs, err := gatherRowSize("GatherInto", dst, src, idx)
	if err != nil {
		return err
	}
	if s, ok := src.Data().([]uint8); ok && dst.DType() == tensor.Float32 {
		lut, d := scaleTable(scale), dst.Float32s()
		for j, i := range idx {
			o := d[j*rs : (j+1)*rs]
			for k, v := range s[i*rs : (i+1)*rs] {
				o[k] = lut[v]
			}
		}
		return nil
	}
	for j, i := range idx {
		for k := 0; k < rs; k++ {
			dst.SetFloat(j*rs+k, src.Float(i*rs+k)*scale)
		}
	}
	return nil
}
