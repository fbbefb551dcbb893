package ref

import (
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// padBefore returns TensorFlow's padding before the first cell of one
// spatial dimension: none for "VALID"; for "SAME", half (rounded down) of
// the cells needed for out = ceil(in/stride) windows of the dilated size.
func padBefore(in, out, k, stride, dil int, same bool) int {
	if !same {
		return 0
	}
	total := (out-1)*stride + (k-1)*dil + 1 - in
	if total < 0 {
		return 0
	}
	return total / 2
}

// ConvGeom is one 2-D convolution's geometry, from the tensors' shapes.
type ConvGeom struct {
	N, H, W, C, KH, KW, CG, O, OH, OW int
	SH, SW, DH, DW, PT, PL            int
}

// NewConvGeom reads the geometry of a convolution of an NHWC input x by an
// HWIO filter w giving the NHWC output y.
func NewConvGeom(x, w, y tensor.Shape, strides, dilations []int, same bool) ConvGeom {
	g := ConvGeom{N: x[0], H: x[1], W: x[2], C: x[3], KH: w[0], KW: w[1], CG: w[2], O: w[3], OH: y[1], OW: y[2],
		SH: strides[0], SW: strides[1], DH: dilations[0], DW: dilations[1]}
	g.PT = padBefore(g.H, g.OH, g.KH, g.SH, g.DH, same)
	g.PL = padBefore(g.W, g.OW, g.KW, g.SW, g.DW, same)
	return g
}

// each calls f for every (output cell, tap, input channel) triple that
// reads an input cell: f(input index, filter index, output index).
func (g ConvGeom) each(f func(xi, wi, yi int)) {
	og := g.O / (g.C / g.CG) // output channels per group
	for n := 0; n < g.N; n++ {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				for o := 0; o < g.O; o++ {
					grp := o / og
					yi := ((n*g.OH+oh)*g.OW+ow)*g.O + o
					for kh := 0; kh < g.KH; kh++ {
						ih := oh*g.SH - g.PT + kh*g.DH
						if ih < 0 || ih >= g.H {
							continue
						}
						for kw := 0; kw < g.KW; kw++ {
							iw := ow*g.SW - g.PL + kw*g.DW
							if iw < 0 || iw >= g.W {
								continue
							}
							for ci := 0; ci < g.CG; ci++ {
								xi := ((n*g.H+ih)*g.W+iw)*g.C + grp*g.CG + ci
								wi := ((kh*g.KW+kw)*g.CG+ci)*g.O + o
								f(xi, wi, yi)
							}
						}
					}
				}
			}
		}
	}
}

// Conv2D sets y = conv(x, w) by the direct sum over every tap.
func Conv2D(g ConvGeom, x, w, y *tensor.Tensor) {
	Fill(y, 0)
	g.each(func(xi, wi, yi int) { y.SetFloat(yi, y.Float(yi)+x.Float(xi)*w.Float(wi)) })
}

// Conv2DBackpropInput sets dx to the gradient of conv(x, w) with respect
// to x, given dy.
func Conv2DBackpropInput(g ConvGeom, w, dy, dx *tensor.Tensor) {
	Fill(dx, 0)
	g.each(func(xi, wi, yi int) { dx.SetFloat(xi, dx.Float(xi)+dy.Float(yi)*w.Float(wi)) })
}

// Conv2DBackpropFilter sets dw to the gradient of conv(x, w) with respect
// to w, given dy.
func Conv2DBackpropFilter(g ConvGeom, x, dy, dw *tensor.Tensor) {
	Fill(dw, 0)
	g.each(func(xi, wi, yi int) { dw.SetFloat(wi, dw.Float(wi)+dy.Float(yi)*x.Float(xi)) })
}

// PoolGeom is one 2-D pooling's geometry.
type PoolGeom struct {
	N, H, W, C, KH, KW, OH, OW, SH, SW, PT, PL int
}

// NewPoolGeom reads the geometry of pooling an NHWC input x into y.
func NewPoolGeom(x, y tensor.Shape, ksize, strides []int, same bool) PoolGeom {
	g := PoolGeom{N: x[0], H: x[1], W: x[2], C: x[3], KH: ksize[0], KW: ksize[1], OH: y[1], OW: y[2], SH: strides[0], SW: strides[1]}
	g.PT = padBefore(g.H, g.OH, g.KH, g.SH, 1, same)
	g.PL = padBefore(g.W, g.OW, g.KW, g.SW, 1, same)
	return g
}

// cells returns the input indices of output cell (n, oh, ow, c)'s window
// that lie inside the input, rows first.
func (g PoolGeom) cells(n, oh, ow, c int) []int {
	var idx []int
	for kh := 0; kh < g.KH; kh++ {
		ih := oh*g.SH - g.PT + kh
		for kw := 0; kw < g.KW; kw++ {
			iw := ow*g.SW - g.PL + kw
			if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
				idx = append(idx, ((n*g.H+ih)*g.W+iw)*g.C+c)
			}
		}
	}
	return idx
}

func (g PoolGeom) each(f func(yi int, cells []int)) {
	for n := 0; n < g.N; n++ {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				for c := 0; c < g.C; c++ {
					f(((n*g.OH+oh)*g.OW+ow)*g.C+c, g.cells(n, oh, ow, c))
				}
			}
		}
	}
}

// argmax is the first index of cells holding the largest value (a NaN
// wins), or -1 for no cells.
func argmax(x *tensor.Tensor, cells []int) int {
	at, best := -1, math.Inf(-1)
	for _, i := range cells {
		v := x.Float(i)
		if at < 0 || v > best || (math.IsNaN(v) && !math.IsNaN(best)) {
			at, best = i, v
		}
	}
	return at
}

// MaxPool sets each y cell to its window's maximum; padding is -inf.
func MaxPool(g PoolGeom, x, y *tensor.Tensor) {
	g.each(func(yi int, cells []int) {
		v := math.Inf(-1)
		if at := argmax(x, cells); at >= 0 {
			v = x.Float(at)
		}
		y.SetFloat(yi, v)
	})
}

// MaxPoolGrad adds each dy cell to its window's first maximum in dx.
func MaxPoolGrad(g PoolGeom, x, dy, dx *tensor.Tensor) {
	Fill(dx, 0)
	g.each(func(yi int, cells []int) {
		if at := argmax(x, cells); at >= 0 {
			dx.SetFloat(at, dx.Float(at)+dy.Float(yi))
		}
	})
}

// MaxPoolGradGrad sets each y cell to g at its window's first maximum in x.
func MaxPoolGradGrad(geom PoolGeom, x, g, y *tensor.Tensor) {
	geom.each(func(yi int, cells []int) {
		v := 0.0
		if at := argmax(x, cells); at >= 0 {
			v = g.Float(at)
		}
		y.SetFloat(yi, v)
	})
}

// AvgPool sets each y cell to the mean of its window's cells inside x.
func AvgPool(g PoolGeom, x, y *tensor.Tensor) {
	g.each(func(yi int, cells []int) {
		s := 0.0
		for _, i := range cells {
			s += x.Float(i)
		}
		y.SetFloat(yi, s/float64(len(cells)))
	})
}

// AvgPoolGrad spreads each dy cell evenly over its window's cells in dx.
func AvgPoolGrad(g PoolGeom, dy, dx *tensor.Tensor) {
	Fill(dx, 0)
	g.each(func(yi int, cells []int) {
		share := dy.Float(yi) / float64(len(cells))
		for _, i := range cells {
			dx.SetFloat(i, dx.Float(i)+share)
		}
	})
}
