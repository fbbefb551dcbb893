//go:build amd64 && !purego

package conv

//go:generate go run gen_direct.go

const hasDirect = true

// The direct kernels (direct_amd64.s, from gen_direct.go), one per tile.
//
//go:noescape
func directR16Q1AVX512(a *float32, rs, as int, w *walk, cnt int, b *float32, bs int, c *float32, ldc int, beta bool)

//go:noescape
func directR8Q1AVX512(a *float32, rs, as int, w *walk, cnt int, b *float32, bs int, c *float32, ldc int, beta bool)

//go:noescape
func directR8Q2AVX512(a *float32, rs, as int, w *walk, cnt int, b *float32, bs int, c *float32, ldc int, beta bool)

// directKernel runs tile (r, q)'s kernel; see direct_amd64.s.
func directKernel(r, q int, a []float32, rs, as int, w *walk, cnt int, b []float32, bs int, c []float32, ldc int, beta bool) {
	switch {
	case r == 16 && q == 1:
		directR16Q1AVX512(&a[0], rs, as, w, cnt, &b[0], bs, &c[0], ldc, beta)
	case r == 8 && q == 1:
		directR8Q1AVX512(&a[0], rs, as, w, cnt, &b[0], bs, &c[0], ldc, beta)
	default:
		directR8Q2AVX512(&a[0], rs, as, w, cnt, &b[0], bs, &c[0], ldc, beta)
	}
}
