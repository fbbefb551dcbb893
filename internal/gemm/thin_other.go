//go:build !amd64 || purego

package gemm

const hasThin = false

func sgemmThinAVX2(m, k int, a *float32, lda int, b *float32, c *float32, ldc, n int, beta bool) {
	panic("gemm: no thin kernel in this build")
}

func thinOK() bool { return false }
