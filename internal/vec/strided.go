package vec

// Strided is a run of equal blocks of c elements, one every Stride
// elements: the same channels of successive pixels, say.
type Strided struct {
	Blocks, C, Stride int
}

func (s Strided) need(fn string, n int) {
	if s.Blocks > 0 {
		need(fn, (s.Blocks-1)*s.Stride+s.C, n)
	}
}

// MaxStrided is a running maximum over blocks: block b of acc
// (acc[b*as:][:s.C]) takes, element by element, block b of x
// (x[b*s.Stride:][:s.C]) where x is greater or NaN, so that a NaN, once
// met, stays.
func MaxStrided(acc []float32, as int, x []float32, s Strided) {
	if s.Blocks <= 0 || s.C <= 0 {
		return
	}
	Strided{s.Blocks, s.C, as}.need("MaxStrided", len(acc))
	s.need("MaxStrided", len(x))
	if vector() {
		maxStridedAVX2(&acc[0], as, &x[0], s.Stride, s.Blocks, s.C)
		return
	}
	for b := 0; b < s.Blocks; b++ {
		a, v := acc[b*as:b*as+s.C], x[b*s.Stride:b*s.Stride+s.C]
		v = v[:len(a)]
		for i, xv := range v {
			if xv > a[i] || xv != xv {
				a[i] = xv
			}
		}
	}
}

// RouteStrided is one step of routing a max pooling's gradient, over
// blocks: where done is zero and x equals the window maximum m (or both are
// NaN), it adds g to dx and sets done to all ones. Calling it for a
// window's cells in scan order sends each gradient to the window's first
// maximum. dx and x are strided as s; m, g and done hold block b at
// [b*ms:][:s.C].
func RouteStrided(dx, x []float32, s Strided, m, g []float32, done []uint32, ms int) {
	route("RouteStrided", dx, x, s, m, g, done, ms, false)
}

// RouteSetStrided is RouteStrided for windows that do not overlap, each
// cell in one window only: it writes dx, g where RouteStrided would add it
// and zero elsewhere, so that dx need not be cleared first.
func RouteSetStrided(dx, x []float32, s Strided, m, g []float32, done []uint32, ms int) {
	route("RouteSetStrided", dx, x, s, m, g, done, ms, true)
}

func route(fn string, dx, x []float32, s Strided, m, g []float32, done []uint32, ms int, set bool) {
	if s.Blocks <= 0 || s.C <= 0 {
		return
	}
	s.need(fn, len(dx))
	s.need(fn, len(x))
	t := Strided{s.Blocks, s.C, ms}
	t.need(fn, len(m))
	t.need(fn, len(g))
	t.need(fn, len(done))
	if vector() {
		routeStridedAVX2(&dx[0], &x[0], s.Stride, &m[0], &g[0], &done[0], ms, s.Blocks, s.C, set)
		return
	}
	for b := 0; b < s.Blocks; b++ {
		xo, mo := b*s.Stride, b*ms
		for i := 0; i < s.C; i++ {
			first := done[mo+i] == 0 && (x[xo+i] == m[mo+i] || (x[xo+i] != x[xo+i] && m[mo+i] != m[mo+i]))
			switch {
			case first && set:
				dx[xo+i] = g[mo+i]
			case first:
				dx[xo+i] += g[mo+i]
			case set:
				dx[xo+i] = 0
			}
			if first {
				done[mo+i] = ^uint32(0)
			}
		}
	}
}

// CopyStrided copies s.Blocks blocks of s.C elements: block b from
// src[b*s.Stride:] to dst[b*ds:]. The blocks of dst must not overlap
// those of src.
func CopyStrided(dst []float32, ds int, src []float32, s Strided) {
	if s.Blocks <= 0 || s.C <= 0 {
		return
	}
	Strided{s.Blocks, s.C, ds}.need("CopyStrided", len(dst))
	s.need("CopyStrided", len(src))
	if vector() {
		copyStridedAVX2(&dst[0], ds, &src[0], s.Stride, s.Blocks, s.C)
		return
	}
	for b := 0; b < s.Blocks; b++ {
		copy(dst[b*ds:b*ds+s.C], src[b*s.Stride:b*s.Stride+s.C])
	}
}
