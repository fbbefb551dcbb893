package conv

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// PoolParams describes 2-D pooling of an NHWC input with a KH×KW window.
type PoolParams struct {
	N, H, W, C       int
	KH, KW           int
	StrideH, StrideW int
	PadT, PadL       int
	OH, OW           int
}

// NewPoolParams checks a pooling's shapes and works out its output size
// and padding with TensorFlow's rules.
func NewPoolParams(in [4]int, window, strides [2]int, pad Padding) (PoolParams, error) {
	p := PoolParams{N: in[0], H: in[1], W: in[2], C: in[3], KH: window[0], KW: window[1],
		StrideH: strides[0], StrideW: strides[1]}
	if p.N < 0 || p.C < 1 {
		return p, fmt.Errorf("input %v: batch must be ≥ 0 and channels ≥ 1", in)
	}
	var err error
	if p.OH, p.PadT, _, err = Window(p.H, p.KH, p.StrideH, 1, pad); err != nil {
		return p, fmt.Errorf("height: %w", err)
	}
	if p.OW, p.PadL, _, err = Window(p.W, p.KW, p.StrideW, 1, pad); err != nil {
		return p, fmt.Errorf("width: %w", err)
	}
	return p, nil
}

// InSize and OutSize are the element counts of the input and output.
func (p *PoolParams) InSize() int  { return p.N * p.H * p.W * p.C }
func (p *PoolParams) OutSize() int { return p.N * p.OH * p.OW * p.C }

// PoolWorkspace lets the pooling kernels run on the worker pool without
// allocating: it holds their arguments and their bound loop bodies. It must
// not be used by two calls at once.
type PoolWorkspace[T Float] struct {
	p                                  *PoolParams
	x, y, dy, dx                       []T
	maxFn, maxGradFn, avgFn, avgGradFn func(lo, hi int)
	maxGradGradFn, maxGradMarkedFn     func(lo, hi int)
	idx                                []int32 // maxGradMarked's winning cells
}

func (ws *PoolWorkspace[T]) bind(p *PoolParams, x, y, dy, dx []T) {
	if ws.maxFn == nil {
		ws.maxFn, ws.maxGradFn, ws.avgFn, ws.avgGradFn = ws.max, ws.maxGrad, ws.avg, ws.avgGrad
		ws.maxGradGradFn, ws.maxGradMarkedFn = ws.maxGradGrad, ws.maxGradMarked
	}
	ws.p, ws.x, ws.y, ws.dy, ws.dx = p, x, y, dy, dx
}

// window returns the input rows [h0, h1) and columns [w0, w1) that output
// cell (oh, ow) covers, clipped to the input (the padding holds nothing).
func (p *PoolParams) window(oh, ow int) (h0, h1, w0, w1 int) {
	h0, w0 = oh*p.StrideH-p.PadT, ow*p.StrideW-p.PadL
	h1, w1 = min(h0+p.KH, p.H), min(w0+p.KW, p.W)
	return max(h0, 0), h1, max(w0, 0), w1
}

func (p *PoolParams) check(what string, n, want int) {
	if n < want {
		panic(fmt.Sprintf("conv: %s has %d elements, the pooling needs %d", what, n, want))
	}
}

// MaxPool writes each window's maximum to y. Padding never wins: it is
// -inf, as in TensorFlow. A NaN in a window is the window's result.
func MaxPool[T Float](p *PoolParams, x, y []T, ws *PoolWorkspace[T]) {
	p.check("input", len(x), p.InSize())
	p.check("output", len(y), p.OutSize())
	ws.bind(p, x, y, nil, nil)
	parallel.For(p.N*p.OH, 4, ws.maxFn)
}

func (ws *PoolWorkspace[T]) max(lo, hi int) {
	p, x, y := ws.p, ws.x, ws.y
	for row := lo; row < hi; row++ {
		n, oh := row/p.OH, row%p.OH
		dst := y[(n*p.OH+oh)*p.OW*p.C:][:p.OW*p.C]
		// Start from -inf and take each window cell in turn, a whole
		// output row per cell (kh, kw): rows then columns, as the
		// definition scans.
		for c := range dst {
			dst[c] = T(math.Inf(-1))
		}
		for kh := 0; kh < p.KH; kh++ {
			ih := oh*p.StrideH - p.PadT + kh
			if ih < 0 || ih >= p.H {
				continue
			}
			for kw := 0; kw < p.KW; kw++ {
				o0, o1 := p.colsInside(kw)
				if o0 >= o1 {
					continue
				}
				iw := o0*p.StrideW - p.PadL + kw
				maxRows(dst[o0*p.C:], p.C, x[((n*p.H+ih)*p.W+iw)*p.C:], vec.Strided{Blocks: o1 - o0, C: p.C, Stride: p.StrideW * p.C})
			}
		}
	}
}

// colsInside returns the output columns [o0, o1) whose window's column kw
// falls inside the input.
func (p *PoolParams) colsInside(kw int) (o0, o1 int) {
	// iw = ow*StrideW - PadL + kw must be in [0, W).
	if lo := p.PadL - kw; lo > 0 {
		o0 = (lo + p.StrideW - 1) / p.StrideW
	}
	hi := p.W - 1 + p.PadL - kw // largest ow*StrideW allowed
	if hi < 0 {
		return 0, 0
	}
	o1 = min(p.OW, hi/p.StrideW+1)
	return o0, max(o0, o1)
}

// maxRows is vec.MaxStrided for either float type: block b of acc (at
// b*as) takes the running maximum with block b of x.
func maxRows[T Float](acc []T, as int, x []T, s vec.Strided) {
	if a, ok := any(acc).([]float32); ok {
		vec.MaxStrided(a, as, any(x).([]float32), s)
		return
	}
	for b := 0; b < s.Blocks; b++ {
		a, v := acc[b*as:][:s.C], x[b*s.Stride:][:s.C]
		for c, xv := range v {
			if xv > a[c] || xv != xv {
				a[c] = xv
			}
		}
	}
}

// routeRows is vec.RouteStrided (vec.RouteSetStrided if set) for either
// float type.
func routeRows[T Float](dx, x []T, s vec.Strided, m, g []T, done []uint32, ms int, set bool) {
	if d, ok := any(dx).([]float32); ok {
		if set {
			vec.RouteSetStrided(d, any(x).([]float32), s, any(m).([]float32), any(g).([]float32), done, ms)
		} else {
			vec.RouteStrided(d, any(x).([]float32), s, any(m).([]float32), any(g).([]float32), done, ms)
		}
		return
	}
	for b := 0; b < s.Blocks; b++ {
		xo, mo := b*s.Stride, b*ms
		for c := 0; c < s.C; c++ {
			first := done[mo+c] == 0 && (x[xo+c] == m[mo+c] || (x[xo+c] != x[xo+c] && m[mo+c] != m[mo+c]))
			switch {
			case first && set:
				dx[xo+c] = g[mo+c]
			case first:
				dx[xo+c] += g[mo+c]
			case set:
				dx[xo+c] = 0
			}
			if first {
				done[mo+c] = ^uint32(0)
			}
		}
	}
}

// MaxPoolGrad routes dy to the first maximum of each window (scanning rows
// then columns, as TensorFlow does) and writes dx, which is overwritten.
// y, when not nil, is MaxPool's output for x, the windows' maxima, which
// then need not be found again.
func MaxPoolGrad[T Float](p *PoolParams, x, y, dy, dx []T, ws *PoolWorkspace[T]) {
	p.check("input", len(x), p.InSize())
	p.check("output gradient", len(dy), p.OutSize())
	p.check("input gradient", len(dx), p.InSize())
	if y != nil {
		p.check("output", len(y), p.OutSize())
	}
	if _, ok := any(dx).([]float32); ok && y != nil && p.marked() {
		ws.bind(p, x, y, dy, dx)
		if len(ws.idx) < p.OutSize() {
			ws.idx = make([]int32, p.OutSize())
		}
		parallel.For(p.N, 1, ws.maxGradMarkedFn)
		return
	}
	if y != nil && p.tiles() {
		// Each cell is in one window at most: the routing writes the
		// windows' cells, and only those outside every window need
		// clearing.
		clearUncovered(p, dx)
	} else {
		clear(dx[:p.InSize()])
	}
	// Windows of one image overlap only within it: images run in parallel.
	ws.bind(p, x, y, dy, dx)
	parallel.For(p.N, 1, ws.maxGradFn)
}

// tiles reports windows that do not overlap (each as wide as its stride).
func (p *PoolParams) tiles() bool { return p.KH == p.StrideH && p.KW == p.StrideW }

// clearUncovered zeroes the cells of dx that no window of a tiling pool
// covers: the rows and columns past the last window ("VALID" leaves them).
func clearUncovered[T Float](p *PoolParams, dx []T) {
	h1, w1 := min(p.H, p.OH*p.StrideH-p.PadT), min(p.W, p.OW*p.StrideW-p.PadL)
	for n := 0; n < p.N; n++ {
		img := dx[n*p.H*p.W*p.C : (n+1)*p.H*p.W*p.C]
		if w1 < p.W {
			for ih := 0; ih < h1; ih++ {
				clear(img[(ih*p.W+w1)*p.C : (ih+1)*p.W*p.C])
			}
		}
		clear(img[h1*p.W*p.C:])
	}
}

// gradChunk bounds the elements of the scratch (window maxima and done
// marks, on the stack) that MaxPoolGrad fills for a stretch of an output
// row at a time.
const gradChunk = 1024

func (ws *PoolWorkspace[T]) maxGrad(lo, hi int) {
	p, x, dy, dx := ws.p, ws.x, ws.dy, ws.dx
	var mBuf, gBuf [gradChunk]T
	var doneBuf [gradChunk]uint32
	// A stretch is cols output columns by cc channels (from c0).
	cc := min(p.C, gradChunk)
	cols := max(1, gradChunk/cc)
	for n := lo; n < hi; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow0 := 0; ow0 < p.OW; ow0 += cols {
				nw := min(cols, p.OW-ow0)
				for c0 := 0; c0 < p.C; c0 += cc {
					nc := min(cc, p.C-c0)
					m, done := mBuf[:nw*nc], doneBuf[:nw*nc]
					// The stretch's gradient, with the stride of m: dy
					// itself when the stretch has all the channels.
					out := ((n*p.OH+oh)*p.OW + ow0) * p.C
					g := dy[out:]
					if nc != p.C {
						g = gBuf[:nw*nc]
						for j := 0; j < nw; j++ {
							copy(g[j*nc:(j+1)*nc], dy[out+j*p.C+c0:])
						}
					}
					if ws.y != nil {
						// The maxima are MaxPool's output, read in place
						// when the stretch has all the channels.
						if nc == p.C {
							m = ws.y[out:]
						} else {
							for j := 0; j < nw; j++ {
								copy(m[j*nc:(j+1)*nc], ws.y[out+j*p.C+c0:])
							}
						}
					}
					ws.gradStretch(n, oh, ow0, nw, c0, nc, m, g, done, x, dx, ws.y != nil)
				}
			}
		}
	}
}

// gradStretch routes the gradient g (nw blocks of nc) of output columns
// [ow0, ow0+nw) of row oh, channels [c0, c0+nc): first each window's
// maximum, as MaxPool finds it (unless known, in m), then the gradient to
// the first cell that holds it.
func (ws *PoolWorkspace[T]) gradStretch(n, oh, ow0, nw, c0, nc int, m, g []T, done []uint32, x, dx []T, known bool) {
	p := ws.p
	pass := 0
	if known {
		pass = 1
	} else {
		for i := range m {
			m[i] = T(math.Inf(-1))
		}
	}
	clear(done)
	for ; pass < 2; pass++ {
		for kh := 0; kh < p.KH; kh++ {
			ih := oh*p.StrideH - p.PadT + kh
			if ih < 0 || ih >= p.H {
				continue
			}
			for kw := 0; kw < p.KW; kw++ {
				o0, o1 := p.colsInside(kw)
				o0, o1 = max(o0, ow0), min(o1, ow0+nw)
				if o0 >= o1 {
					continue
				}
				iw := o0*p.StrideW - p.PadL + kw
				at := ((n*p.H+ih)*p.W+iw)*p.C + c0
				s := vec.Strided{Blocks: o1 - o0, C: nc, Stride: p.StrideW * p.C}
				mo := (o0 - ow0) * nc
				switch {
				case pass == 0:
					maxRows(m[mo:], nc, x[at:], s)
				case known && p.tiles():
					routeRows(dx[at:], x[at:], s, m[mo:], g[mo:], done[mo:], nc, true)
				default:
					routeRows(dx[at:], x[at:], s, m[mo:], g[mo:], done[mo:], nc, false)
				}
			}
		}
	}
}

// noMarked turns maxGradMarked off (a test compares it with maxGrad).
var noMarked bool

// marked reports the poolings whose float32 gradient maxGradMarked
// computes: stride 1 with overlapping windows (Inception10's 3×3 "same"
// pools), channels a multiple of 8, and output rows short enough that
// maxGrad would take each in one stretch, so that both add a cell's
// gradients in the same order.
func (p *PoolParams) marked() bool {
	return !noMarked && p.StrideH == 1 && p.StrideW == 1 && !p.tiles() && p.C%8 == 0 && p.OW*p.C <= gradChunk
}

// maxGradMarked is maxGrad for float32 when marked holds and the maxima
// are known, in two passes that keep their sums in registers instead of a
// read-modify-write of dx, the gradient and done flags per window cell:
// first the index of each window's winning cell (vec.MarkWindows, into
// ws.idx), then each input cell's sum of the gradients of the windows it
// won (vec.GatherMarked), in the order maxGrad adds them: output rows
// down, then window columns across. Cells near the edges, whose windows
// reach outside, take the same steps a cell at a time.
func (ws *PoolWorkspace[T]) maxGradMarked(lo, hi int) {
	p := ws.p
	x, y := any(ws.x).([]float32), any(ws.y).([]float32)
	dy, dx := any(ws.dy).([]float32), any(ws.dx).([]float32)
	C, img := p.C, p.OH*p.OW*p.C
	// Output columns whose windows lie inside the input's columns, and
	// input columns all of whose windows are output columns.
	ow0 := min(p.PadL, p.OW)
	ow1 := max(ow0, min(p.OW, p.W-p.KW+p.PadL+1))
	iw0 := min(max(0, p.KW-1-p.PadL), p.W)
	iw1 := max(iw0, min(p.W, p.OW-p.PadL))
	for n := lo; n < hi; n++ {
		idx := ws.idx[n*img:][:img]
		for oh := 0; oh < p.OH; oh++ {
			kh0, kh1 := max(0, p.PadT-oh), min(p.KH, p.H+p.PadT-oh)
			row := idx[oh*p.OW*C:][:p.OW*C]
			m := y[(n*p.OH+oh)*p.OW*C:][:p.OW*C]
			if ow0 < ow1 && kh0 < kh1 {
				at := ((n*p.H+oh-p.PadT+kh0)*p.W + ow0 - p.PadL) * C
				vec.MarkWindows(row[ow0*C:ow1*C], m[ow0*C:], x[at:], p.W*C, kh0, kh1, p.KW, C)
			}
			for ow := 0; ow < p.OW; ow++ {
				if ow == ow0 && ow0 < ow1 {
					ow = ow1 - 1
					continue
				}
				r := row[ow*C:][:C]
				for i := range r {
					r[i] = -1
				}
				for kh := kh1 - 1; kh >= kh0; kh-- {
					for kw := p.KW - 1; kw >= 0; kw-- {
						if iw := ow - p.PadL + kw; iw >= 0 && iw < p.W {
							vec.MarkFirst(r, x[((n*p.H+oh-p.PadT+kh)*p.W+iw)*C:], m[ow*C:], int32(kh*p.KW+kw))
						}
					}
				}
			}
		}
		g := dy[n*img:][:img]
		for ih := 0; ih < p.H; ih++ {
			kh0, kh1 := max(0, ih+p.PadT-p.OH+1), min(p.KH, ih+p.PadT+1)
			d := dx[(n*p.H+ih)*p.W*C:][:p.W*C]
			if iw0 < iw1 && kh0 < kh1 {
				// Window (kh1-1, KW-1) of cell iw0 is the lowest address read.
				at := ((ih+p.PadT-kh1+1)*p.OW + iw0 + p.PadL - p.KW + 1) * C
				vec.GatherMarked(d[iw0*C:iw1*C], g[at:], idx[at:], p.OW*C, kh0, kh1, p.KW, C)
			}
			for iw := 0; iw < p.W; iw++ {
				if iw == iw0 && iw0 < iw1 {
					iw = iw1 - 1
					continue
				}
				r := d[iw*C:][:C]
				clear(r)
				for kh := kh1 - 1; kh >= kh0; kh-- {
					oh := ih + p.PadT - kh
					for kw := 0; kw < p.KW; kw++ {
						if ow := iw + p.PadL - kw; ow >= 0 && ow < p.OW {
							o := (oh*p.OW + ow) * C
							vec.AddMarked(r, g[o:], idx[o:], int32(kh*p.KW+kw))
						}
					}
				}
			}
		}
	}
}

// argmax returns the index in x of the first maximum (rows, then columns;
// a NaN wins) of output cell (n, oh, ow)'s window in channel c, or -1 for
// a window with no cell inside the input.
func argmax[T Float](p *PoolParams, x []T, n, oh, ow, c int) int {
	h0, h1, w0, w1 := p.window(oh, ow)
	best, at := T(math.Inf(-1)), -1
	for ih := h0; ih < h1; ih++ {
		for iw := w0; iw < w1; iw++ {
			i := ((n*p.H+ih)*p.W+iw)*p.C + c
			if v := x[i]; at < 0 || v > best || (v != v && best == best) {
				best, at = v, i
			}
		}
	}
	return at
}

// MaxPoolGradGrad is the gradient of MaxPoolGrad with respect to its dy:
// each output cell of y (overwritten, the pooling's output shape) takes
// g (the input's shape) at its window's first maximum in x, the cell
// MaxPoolGrad routes that output's gradient to.
func MaxPoolGradGrad[T Float](p *PoolParams, x, g, y []T, ws *PoolWorkspace[T]) {
	p.check("input", len(x), p.InSize())
	p.check("input-shaped gradient", len(g), p.InSize())
	p.check("output", len(y), p.OutSize())
	ws.bind(p, x, y, g, nil)
	parallel.For(p.N*p.OH, 4, ws.maxGradGradFn)
}

func (ws *PoolWorkspace[T]) maxGradGrad(lo, hi int) {
	p, x, g, y := ws.p, ws.x, ws.dy, ws.y
	for row := lo; row < hi; row++ {
		n, oh := row/p.OH, row%p.OH
		for ow := 0; ow < p.OW; ow++ {
			dst := y[((n*p.OH+oh)*p.OW+ow)*p.C:][:p.C]
			for c := range dst {
				dst[c] = 0
				if at := argmax(p, x, n, oh, ow, c); at >= 0 {
					dst[c] = g[at]
				}
			}
		}
	}
}

// AvgPool writes each window's mean to y, counting only the cells inside
// the input: with "SAME" padding the padded cells are left out of the
// divisor, as TensorFlow does.
func AvgPool[T Float](p *PoolParams, x, y []T, ws *PoolWorkspace[T]) {
	p.check("input", len(x), p.InSize())
	p.check("output", len(y), p.OutSize())
	ws.bind(p, x, y, nil, nil)
	parallel.For(p.N*p.OH, 4, ws.avgFn)
}

func (ws *PoolWorkspace[T]) avg(lo, hi int) {
	p, x, y := ws.p, ws.x, ws.y
	for row := lo; row < hi; row++ {
		n, oh := row/p.OH, row%p.OH
		for ow := 0; ow < p.OW; ow++ {
			h0, h1, w0, w1 := p.window(oh, ow)
			dst := y[((n*p.OH+oh)*p.OW+ow)*p.C:][:p.C]
			clear(dst)
			for ih := h0; ih < h1; ih++ {
				for iw := w0; iw < w1; iw++ {
					src := x[((n*p.H+ih)*p.W+iw)*p.C:][:p.C]
					for c, v := range src {
						dst[c] += v
					}
				}
			}
			inv := 1 / T((h1-h0)*(w1-w0))
			for c := range dst {
				dst[c] *= inv
			}
		}
	}
}

// AvgPoolGrad spreads each window's gradient evenly over the window's cells
// inside the input and writes dx, which is overwritten.
func AvgPoolGrad[T Float](p *PoolParams, dy, dx []T, ws *PoolWorkspace[T]) {
	p.check("output gradient", len(dy), p.OutSize())
	p.check("input gradient", len(dx), p.InSize())
	clear(dx[:p.InSize()])
	ws.bind(p, nil, nil, dy, dx)
	parallel.For(p.N, 1, ws.avgGradFn)
}

func (ws *PoolWorkspace[T]) avgGrad(lo, hi int) {
	p, dy, dx := ws.p, ws.dy, ws.dx
	for n := lo; n < hi; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow := 0; ow < p.OW; ow++ {
				h0, h1, w0, w1 := p.window(oh, ow)
				g := dy[((n*p.OH+oh)*p.OW+ow)*p.C:][:p.C]
				inv := 1 / T((h1-h0)*(w1-w0))
				for ih := h0; ih < h1; ih++ {
					for iw := w0; iw < w1; iw++ {
						d := dx[((n*p.H+ih)*p.W+iw)*p.C:][:p.C]
						for c, v := range g {
							d[c] += v * inv
						}
					}
				}
			}
		}
	}
}
