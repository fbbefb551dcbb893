//go:build amd64 && !purego

package conv

import "github.com/tensorgo/tensorgo/internal/cpu"

//go:generate go run gen_direct.go

const hasDirect = true

// directKernel runs tile (r, q)'s kernel (direct_amd64.s, from
// gen_direct.go; directCall and directCallAVX2, in
// direct_kernels_amd64.go, pick it) for the machine's vectors (see
// directLanes). The tile has n ≤ lanes·q columns.
func directKernel(r, q int, a []float32, rs, as int, w *walk, cnt int, b []float32, bs int, c []float32, ldc, n int, beta bool) {
	if cpu.Selected() >= cpu.AVX512 {
		m1, m2 := 1<<min(n, 16)-1, 1<<max(n-16, 0)-1
		directCall(r, q, &a[0], rs, as, w, cnt, &b[0], bs, &c[0], ldc, m1|m2<<16, beta)
		return
	}
	directCallAVX2(r, q, &a[0], rs, as, w, cnt, &b[0], bs, &c[0], ldc, n-8*(q-1), beta)
}
