//go:build !amd64 || purego

package conv

const hasDirect = false

func directKernel(r, q int, a []float32, rs, as int, w *walk, cnt int, b []float32, bs int, c []float32, ldc, n int, beta bool) {
	panic("conv: no direct kernels in this build")
}
