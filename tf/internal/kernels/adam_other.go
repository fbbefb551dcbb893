//go:build !amd64 || purego

package kernels

const useAVX2, useAVX512 = false, false

func adamAVX2(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32) {
	panic("unreachable")
}

func adamAVX512(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32) {
	panic("unreachable")
}
