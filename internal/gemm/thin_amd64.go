//go:build amd64 && !purego

package gemm

import "github.com/tensorgo/tensorgo/internal/cpu"

const hasThin = true

//go:noescape
func sgemmThinAVX2(m, k int, a *float32, lda int, b *float32, c *float32, ldc, n int, beta bool)

// thinOK reports whether the thin kernel may run on the path selected now.
func thinOK() bool { return cpu.Selected() >= cpu.AVX2 }
