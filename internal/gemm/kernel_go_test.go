package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestGoKernel32Soft checks the float64-sum float32 kernel against goKernel,
// bit for bit, on data built to land sums on float32 midpoints and in the
// subnormal range, where rounding the float64 sum alone is wrong and the
// kernel must notice and start the tile again.
func TestGoKernel32Soft(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	short := func() float32 { // few mantissa bits: sums often land on midpoints
		v := float32(1+r.IntN(1<<12)) * float32(math.Ldexp(1, r.IntN(24)-12))
		if r.IntN(2) == 0 {
			v = -v
		}
		return v
	}
	kinds := []struct {
		name string
		gen  func() float32
	}{
		{"normal", func() float32 { return float32(r.NormFloat64()) }},
		{"short", short},
		{"tiny", func() float32 { return short() * 0x1p-70 }},
		{"sparse", func() float32 {
			if r.IntN(3) > 0 {
				return 0
			}
			return float32(r.NormFloat64())
		}},
	}
	naiveWrong := 0 // tiles where rounding each float64 sum alone is wrong
	for _, kd := range kinds {
		for _, k := range []int{0, 1, 2, 7, 64, 256} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, -2}} {
				for trial := 0; trial < 40; trial++ {
					a := make([]float32, 4*max(k, 1))
					b := make([]float32, 4*max(k, 1))
					for i := range a {
						a[i], b[i] = kd.gen(), kd.gen()
					}
					c0 := make([]float32, 4*6)
					for i := range c0 {
						c0[i] = kd.gen()
					}
					got, want := append([]float32(nil), c0...), append([]float32(nil), c0...)
					// A in columns of 4 (ars 1, acs 4), B in rows of 4, C with ldc 6.
					goKernel32Soft(k, &a[0], 1, 4, &b[0], 4, &got[0], 6, ab[0], ab[1])
					goKernel(k, &a[0], 1, 4, &b[0], 4, &want[0], 6, ab[0], ab[1])
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s k=%d alpha, beta=%v: C[%d] = %g, goKernel gives %g", kd.name, k, ab, i, got[i], want[i])
						}
					}
					if naiveTile(k, a, b) != goTile(k, a, b) {
						naiveWrong++
					}
				}
			}
		}
	}
	// Tiles of two steps whose sums at (0, 0) are x*y + z for triples where
	// the float64 sum is a float32 midpoint the exact sum is not: A's first
	// column is z, B's first row ones; then x and y.
	for trial := 0; trial < 20; trial++ {
		x, y, z := hardTriple(r)
		a := []float32{z, short(), short(), short(), x, short(), short(), short()}
		b := []float32{1, 1, 1, 1, y, short(), short(), short()}
		got, want := make([]float32, 16), make([]float32, 16)
		goKernel32Soft(2, &a[0], 1, 4, &b[0], 4, &got[0], 4, 1, 0)
		goKernel(2, &a[0], 1, 4, &b[0], 4, &want[0], 4, 1, 0)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("hard tile %d (x, y, z = %g, %g, %g): C[%d] = %g, goKernel gives %g", trial, x, y, z, i, got[i], want[i])
			}
		}
		if naiveTile(2, a, b) != goTile(2, a, b) {
			naiveWrong++
		}
	}
	if naiveWrong == 0 {
		t.Fatal("no tile needed the fallback: the data does not test it")
	}
	t.Logf("%d tiles where rounding the float64 sum alone is wrong", naiveWrong)
}

// naiveTile and goTile are the 4×4 sums of A (columns of 4) times B (rows of
// 4) with each step rounded from its float64 sum, and fused.
func naiveTile(k int, a, b []float32) (t [16]float32) {
	for p := 0; p < k; p++ {
		for i := range 4 {
			for j := range 4 {
				t[4*i+j] = float32(float64(a[4*p+i])*float64(b[4*p+j]) + float64(t[4*i+j]))
			}
		}
	}
	return t
}

func goTile(k int, a, b []float32) (t [16]float32) {
	if k > 0 {
		goKernel(k, &a[0], 1, 4, &b[0], 4, (*float32)(unsafe.Pointer(&t)), 4, 1, 0)
	}
	return t
}

// hardTriple makes float32 x, y, z for which rounding float64(x)*float64(y)
// + float64(z) to float32 is not x*y + z rounded once: z = 2^e(1 + m·2^-23)
// with m odd, x*y = 2^e(2^-24 - 2^-(24+2j)) exactly. The float64 sum drops
// the last term and lands on the midpoint above z, which a tie rounds up
// (m odd), while the exact sum, just below it, rounds down to z. Half of
// them are subnormal.
func hardTriple(r *rand.Rand) (x, y, z float32) {
	e := r.IntN(40) - 20
	m := 2*r.IntN(1<<21) + 1
	j := 15 + r.IntN(9)
	z = float32(math.Ldexp(1+float64(m)*0x1p-23, e))
	x = float32(math.Ldexp(1+math.Ldexp(1, -j), e-12))
	y = float32(math.Ldexp(1-math.Ldexp(1, -j), -12))
	if r.IntN(2) == 0 {
		// The same in float32's subnormal range, whose ulp is 2^-149: z =
		// m·2^-149 with m odd, x*y = 2^-150 - 2^-(150+2j), the tail below
		// float64's reach beside z.
		j = 16 + r.IntN(8)
		z = float32(math.Ldexp(float64(1<<21+2*r.IntN(1<<21)+1), -149))
		x = float32(math.Ldexp(1+math.Ldexp(1, -j), -75))
		y = float32(math.Ldexp(1-math.Ldexp(1, -j), -75))
	}
	if r.IntN(2) == 0 {
		x, z = -x, -z
	}
	return x, y, z
}
