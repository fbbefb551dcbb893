package vec

import (
	"math"
	"math/rand"
	"testing"
)

// The strided loops against the contiguous ones, block by block.
func TestStridedMatchesBlocks(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, s := range []Strided{{1, 8, 8}, {3, 5, 9}, {4, 16, 32}, {5, 19, 40}, {2, 1, 3}, {0, 8, 8}} {
		n := max(0, (s.Blocks-1)*s.Stride+s.C)
		as := s.C + 3
		an := max(0, (s.Blocks-1)*as+s.C)
		x, dx0 := sample(r, n), sample(r, n)
		acc0, g, m0 := sample(r, an), sample(r, an), sample(r, an)
		for i := range m0 {
			if i%3 == 0 && i < n {
				m0[i] = x[i]
			}
		}
		done0 := make([]uint32, an)
		for i := range done0 {
			if r.Intn(4) == 0 {
				done0[i] = ^uint32(0)
			}
		}
		each(t, "MaxStrided", func() []float32 {
			acc := append([]float32(nil), acc0...)
			MaxStrided(acc, as, x, s)
			return acc
		})
		each(t, "RouteStrided", func() []float32 {
			dx, done := append([]float32(nil), dx0...), append([]uint32(nil), done0...)
			RouteStrided(dx, x, s, m0, g, done, as)
			for _, d := range done {
				dx = append(dx, math.Float32frombits(d))
			}
			return dx
		})
		// Block by block with the contiguous loops gives the same.
		acc, want := append([]float32(nil), acc0...), append([]float32(nil), acc0...)
		MaxStrided(acc, as, x, s)
		for b := 0; b < s.Blocks; b++ {
			max1(want[b*as:b*as+s.C], x[b*s.Stride:])
		}
		if !bitsEqual(acc, want) {
			t.Fatalf("MaxStrided %v = %v, want %v", s, acc, want)
		}
		dx, done := append([]float32(nil), dx0...), append([]uint32(nil), done0...)
		wdx, wdone := append([]float32(nil), dx0...), append([]uint32(nil), done0...)
		RouteStrided(dx, x, s, m0, g, done, as)
		for b := 0; b < s.Blocks; b++ {
			o, mo := b*s.Stride, b*as
			route1(wdx[o:o+s.C], x[o:], m0[mo:], g[mo:mo+s.C], wdone[mo:])
		}
		if !bitsEqual(dx, wdx) {
			t.Fatalf("RouteStrided %v dx = %v, want %v", s, dx, wdx)
		}
		for i := range done {
			if done[i] != wdone[i] {
				t.Fatalf("RouteStrided %v done[%d] differs", s, i)
			}
		}

		// RouteSetStrided writes what RouteStrided adds into zeros (up to
		// the sign of a zero), and leaves the cells between blocks alone.
		each(t, "RouteSetStrided", func() []float32 {
			dx, done := append([]float32(nil), dx0...), append([]uint32(nil), done0...)
			RouteSetStrided(dx, x, s, m0, g, done, as)
			for _, d := range done {
				dx = append(dx, math.Float32frombits(d))
			}
			return dx
		})
		dx, done = append([]float32(nil), dx0...), append([]uint32(nil), done0...)
		wdx, wdone = append([]float32(nil), dx0...), append([]uint32(nil), done0...)
		for b := 0; b < s.Blocks; b++ {
			clear(wdx[b*s.Stride : b*s.Stride+s.C])
		}
		RouteSetStrided(dx, x, s, m0, g, done, as)
		RouteStrided(wdx, x, s, m0, g, wdone, as)
		for i := range dx {
			if math.Float32bits(dx[i]) != math.Float32bits(wdx[i]) && !(dx[i] == 0 && wdx[i] == 0) {
				t.Fatalf("RouteSetStrided %v dx[%d] = %v, want %v", s, i, dx[i], wdx[i])
			}
		}
		for i := range done {
			if done[i] != wdone[i] {
				t.Fatalf("RouteSetStrided %v done[%d] differs", s, i)
			}
		}
	}
}

func TestCopyStrided(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	cases := []Strided{{1, 8, 8}, {3, 5, 3}, {4, 15, 3}, {5, 19, 40}, {2, 1, 1}, {7, 96, 32}}
	for c := 1; c <= 34; c++ { // every block length with a loop of its own, and past them
		cases = append(cases, Strided{6, c, 3}, Strided{3, c, c + 5})
	}
	for _, s := range cases {
		src := sample(r, (s.Blocks-1)*s.Stride+s.C)
		ds := s.C + 2
		each(t, "CopyStrided", func() []float32 {
			dst := make([]float32, (s.Blocks-1)*ds+s.C+1)
			for i := range dst {
				dst[i] = -9
			}
			CopyStrided(dst, ds, src, s)
			for b := 0; b < s.Blocks; b++ {
				if !bitsEqual(dst[b*ds:b*ds+s.C], src[b*s.Stride:b*s.Stride+s.C]) {
					t.Fatalf("%v: block %d not copied", s, b)
				}
				if b*ds+s.C < len(dst) && dst[b*ds+s.C] != -9 {
					t.Fatalf("%v: wrote past block %d", s, b)
				}
			}
			return dst
		})
	}
}
