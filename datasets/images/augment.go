package images

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/tensor"
)

// DataGenerator draws random transforms as Keras's ImageDataGenerator does
// (same parameter meanings and defaults: zero means off).
type DataGenerator struct {
	// RotationRange is the maximum rotation, in degrees.
	RotationRange float64
	// WidthShiftRange and HeightShiftRange are maximum shifts: fractions of
	// the width / height if below 1, else pixels.
	WidthShiftRange, HeightShiftRange float64
	// ZoomRange z zooms each axis independently by a factor drawn from
	// [1-z, 1+z] (ZoomMin, ZoomMax override it when set).
	ZoomRange        float64
	ZoomMin, ZoomMax float64
	// ShearRange is the maximum shear angle, in degrees, counter-clockwise.
	ShearRange float64
	// HorizontalFlip and VerticalFlip flip half of the images.
	HorizontalFlip, VerticalFlip bool
	// Rescale multiplies every value after the transform (0 means 1), as
	// rescale=1./255.
	Rescale float64
	// FillMode fills points outside the input: "nearest" (default),
	// "constant" (with Cval), "reflect" or "wrap".
	FillMode string
	Cval     float64
}

// Transform is one drawn transform, as Keras's get_random_transform returns
// it: Theta and Shear in degrees, Tx a shift along the rows (height) and Ty
// along the columns (width) in pixels, Zx and Zy zoom factors (input
// coordinates are scaled by them: above 1 zooms out).
type Transform struct {
	Theta, Tx, Ty, Shear, Zx, Zy float64
	FlipHorizontal, FlipVertical bool
}

// Identity is the transform that changes nothing.
var Identity = Transform{Zx: 1, Zy: 1}

// RandomTransform draws a transform for an image of the given size.
func (g *DataGenerator) RandomTransform(height, width int, rng *rand.Rand) Transform {
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	t := Identity
	if g.RotationRange != 0 {
		t.Theta = u(-g.RotationRange, g.RotationRange)
	}
	if r := g.HeightShiftRange; r != 0 {
		t.Tx = u(-r, r)
		if r < 1 {
			t.Tx *= float64(height)
		}
	}
	if r := g.WidthShiftRange; r != 0 {
		t.Ty = u(-r, r)
		if r < 1 {
			t.Ty *= float64(width)
		}
	}
	if g.ShearRange != 0 {
		t.Shear = u(-g.ShearRange, g.ShearRange)
	}
	lo, hi := 1-g.ZoomRange, 1+g.ZoomRange
	if g.ZoomMin != 0 || g.ZoomMax != 0 {
		lo, hi = g.ZoomMin, g.ZoomMax
	}
	if lo != 1 || hi != 1 {
		t.Zx, t.Zy = u(lo, hi), u(lo, hi)
	}
	t.FlipHorizontal = g.HorizontalFlip && rng.Float64() < 0.5
	t.FlipVertical = g.VerticalFlip && rng.Float64() < 0.5
	return t
}

// Apply applies t to a (height, width, channels) float32 image and rescales
// it, returning a new image. The affine part is Keras's
// apply_affine_transform: rotation, then shift, shear and zoom, about the
// image centre, sampled bilinearly.
func (g *DataGenerator) Apply(img *tensor.Tensor, t Transform) *tensor.Tensor {
	if img.Rank() != 3 || img.DType() != tensor.Float32 {
		panic(fmt.Sprintf("images.DataGenerator: image is %v %v, want float32 (height, width, channels)", img.DType(), img.Shape()))
	}
	out := tensor.New(tensor.Float32, img.Shape()...)
	g.applyInto(out.Float32s(), img.Float32s(), img.Dim(0), img.Dim(1), img.Dim(2), t)
	return out
}

// matrix returns the 3x3 affine map from output (row, col, 1) to input
// coordinates.
func (t Transform) matrix(h, w int) [3][3]float64 {
	m := [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	if t.Theta != 0 {
		th := t.Theta * math.Pi / 180
		m = mul(m, [3][3]float64{{math.Cos(th), -math.Sin(th), 0}, {math.Sin(th), math.Cos(th), 0}, {0, 0, 1}})
	}
	if t.Tx != 0 || t.Ty != 0 {
		m = mul(m, [3][3]float64{{1, 0, t.Tx}, {0, 1, t.Ty}, {0, 0, 1}})
	}
	if t.Shear != 0 {
		s := t.Shear * math.Pi / 180
		m = mul(m, [3][3]float64{{1, -math.Sin(s), 0}, {0, math.Cos(s), 0}, {0, 0, 1}})
	}
	if t.Zx != 1 || t.Zy != 1 {
		m = mul(m, [3][3]float64{{t.Zx, 0, 0}, {0, t.Zy, 0}, {0, 0, 1}})
	}
	// About the centre: offset · m · reset.
	cy, cx := float64(h)/2-0.5, float64(w)/2-0.5
	m = mul([3][3]float64{{1, 0, cy}, {0, 1, cx}, {0, 0, 1}}, m)
	return mul(m, [3][3]float64{{1, 0, -cy}, {0, 1, -cx}, {0, 0, 1}})
}

func mul(a, b [3][3]float64) [3][3]float64 {
	var c [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

func (g *DataGenerator) applyInto(dst, src []float32, h, w, c int, t Transform) {
	scale := float32(1)
	if g.Rescale != 0 {
		scale = float32(g.Rescale)
	}
	m := t.matrix(h, w)
	identity := m == [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	mode := g.FillMode
	cval := float32(g.Cval)
	// fetch returns src[r][q][k] with out-of-range indices handled by mode.
	fetch := func(r, q, k int) float32 {
		if r < 0 || r >= h || q < 0 || q >= w {
			switch mode {
			case "constant":
				return cval
			case "reflect":
				r, q = reflect(r, h), reflect(q, w)
			case "wrap":
				r, q = ((r%h)+h)%h, ((q%w)+w)%w
			default: // nearest
				r, q = min(max(r, 0), h-1), min(max(q, 0), w-1)
			}
		}
		return src[(r*w+q)*c+k]
	}
	for r := 0; r < h; r++ {
		for q := 0; q < w; q++ {
			rr, qq := r, q
			if t.FlipVertical {
				rr = h - 1 - r
			}
			if t.FlipHorizontal {
				qq = w - 1 - q
			}
			o := dst[(rr*w+qq)*c : (rr*w+qq)*c+c]
			if identity {
				copy(o, src[(r*w+q)*c:(r*w+q)*c+c])
			} else {
				y := m[0][0]*float64(r) + m[0][1]*float64(q) + m[0][2]
				x := m[1][0]*float64(r) + m[1][1]*float64(q) + m[1][2]
				y0, x0 := math.Floor(y), math.Floor(x)
				wy, wx := float32(y-y0), float32(x-x0)
				iy, ix := int(y0), int(x0)
				for k := 0; k < c; k++ {
					a := fetch(iy, ix, k)*(1-wx) + fetch(iy, ix+1, k)*wx
					b := fetch(iy+1, ix, k)*(1-wx) + fetch(iy+1, ix+1, k)*wx
					o[k] = a*(1-wy) + b*wy
				}
			}
			for k := range o {
				o[k] *= scale
			}
		}
	}
}

// reflect maps an index outside [0, n) by half-sample symmetric reflection
// (d c b a | a b c d | d c b a).
func reflect(i, n int) int {
	p := 2 * n
	i = ((i % p) + p) % p
	if i >= n {
		i = p - 1 - i
	}
	return i
}

// augmentBatch transforms every image of a (n, h, w, c) batch with the
// transforms ts, in parallel.
func (g *DataGenerator) augmentBatch(x *tensor.Tensor, ts []Transform) *tensor.Tensor {
	n, h, w, c := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	out := tensor.New(tensor.Float32, x.Shape()...)
	src, dst := x.Float32s(), out.Float32s()
	sz := h * w * c
	parallel.For(n, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g.applyInto(dst[i*sz:(i+1)*sz], src[i*sz:(i+1)*sz], h, w, c, ts[i])
		}
	})
	return out
}

// MapFunc returns a data.MapFunc that augments component 0 of each element,
// a (height, width, channels) image or a (n, height, width, channels) batch
// of float32 (cast uint8 images first, e.g. with data.CastScale). Random
// draws come from one generator seeded with seed and are taken in call
// order, so the result is repeatable when the Map runs on one worker.
func (g *DataGenerator) MapFunc(seed int64) data.MapFunc {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(uint64(seed), 0xa11ce))
	return func(e data.Element) (data.Element, error) {
		x := e[0]
		if x.DType() != tensor.Float32 || (x.Rank() != 3 && x.Rank() != 4) {
			return nil, fmt.Errorf("images.DataGenerator: component 0 is %v %v, want float32 images (height, width, channels) or (n, height, width, channels)", x.DType(), x.Shape())
		}
		batch := x
		if x.Rank() == 3 {
			batch = x.Reshape(append([]int{1}, x.Shape()...)...)
		}
		ts := make([]Transform, batch.Dim(0))
		mu.Lock()
		for i := range ts {
			ts[i] = g.RandomTransform(batch.Dim(1), batch.Dim(2), rng)
		}
		mu.Unlock()
		out := g.augmentBatch(batch, ts).Reshape(x.Shape()...)
		res := append(data.Element{out}, e[1:]...)
		return res, nil
	}
}

// Flow returns a dataset of augmented batches of x (n, height, width,
// channels; uint8 or float32) and y, as Keras's ImageDataGenerator.flow:
// every iteration (epoch) reshuffles when shuffle is set and draws new
// transforms, all from seed, so two Flows with the same seed give the same
// batches. Images come out float32.
func (g *DataGenerator) Flow(x, y *tensor.Tensor, batchSize int, shuffle bool, seed int64) *data.Dataset {
	if x.Rank() != 4 || (x.DType() != tensor.Float32 && x.DType() != tensor.Uint8) {
		panic(fmt.Sprintf("images.Flow: x is %v %v, want (n, height, width, channels) float32 or uint8", x.DType(), x.Shape()))
	}
	if y != nil && y.Dim(0) != x.Dim(0) {
		panic(fmt.Sprintf("images.Flow: x %v and y %v disagree in their first dimension", x.Shape(), y.Shape()))
	}
	if batchSize < 1 {
		panic(fmt.Sprintf("images.Flow: batch size %d", batchSize))
	}
	xf := x
	if x.DType() == tensor.Uint8 {
		xf = tensor.New(tensor.Float32, x.Shape()...)
		d := xf.Float32s()
		for i, v := range x.Uint8s() {
			d[i] = float32(v)
		}
	}
	var epoch atomic.Uint64
	n, h, w := x.Dim(0), x.Dim(1), x.Dim(2)
	batches := int64((n + batchSize - 1) / batchSize)
	return data.FromGenerator(func() iter.Seq2[data.Element, error] {
		rng := rand.New(rand.NewPCG(uint64(seed), epoch.Add(1)))
		return func(yield func(data.Element, error) bool) {
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			if shuffle {
				rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			for lo := 0; lo < n; lo += batchSize {
				idx := order[lo:min(lo+batchSize, n)]
				xb := gatherRows(xf, idx)
				ts := make([]Transform, len(idx))
				for i := range ts {
					ts[i] = g.RandomTransform(h, w, rng)
				}
				e := data.Element{g.augmentBatch(xb, ts)}
				if y != nil {
					e = append(e, gatherRows(y, idx))
				}
				if !yield(e, nil) {
					return
				}
			}
		}
	}).AssertCardinality(batches)
}

func gatherRows(t *tensor.Tensor, idx []int) *tensor.Tensor {
	shape := append([]int{len(idx)}, t.Shape()[1:]...)
	out := tensor.New(t.DType(), shape...)
	rs := t.Size() / max(t.Dim(0), 1)
	if t.DType() == tensor.Float32 {
		src, dst := t.Float32s(), out.Float32s()
		for j, i := range idx {
			copy(dst[j*rs:(j+1)*rs], src[i*rs:(i+1)*rs])
		}
		return out
	}
	for j, i := range idx {
		for k := 0; k < rs; k++ {
			out.SetFloat(j*rs+k, t.Float(i*rs+k))
		}
	}
	return out
}
