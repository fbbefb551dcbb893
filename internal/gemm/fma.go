package gemm

import (
	"math"
	"unsafe"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// The Go kernels round exactly as the assembly's FMA instructions do: every
// multiply-add is fused (one rounding), so that a result does not depend on
// which kernel, tile size or thread computed it.

// fmaT returns x*y + z rounded once to T.
func fmaT[T float](x, y, z T) T {
	if unsafe.Sizeof(x) == 4 {
		return T(cpu.FMA32(float32(x), float32(y), float32(z)))
	}
	return T(math.FMA(float64(x), float64(y), float64(z)))
}

// store writes alpha*v + bet*c into *c as the assembly kernels do: alpha*v is
// rounded, then added to bet*c in one fused step; with bet == 0, c is not
// read.
func store[T float](c *T, alpha, bet, v T) {
	if bet == 0 {
		*c = alpha * v
		return
	}
	t := T(alpha * v) // the conversion keeps alpha*v rounded: no fusion
	if bet == 1 {
		// 1*c is exact, so the fused step is one rounded addition (the
		// common case: every K block after the first).
		*c += t
		return
	}
	*c = fmaT(bet, *c, t)
}

// storeRow is store over one row of a tile, its case chosen once: partial
// tiles on paths without masked kernels (AVX2) go through it, such as the
// 10-column output layer of an MLP, where a call of store per element cost
// as much as the kernel.
func storeRow[T float](row, t []T, alpha, bet T) {
	t = t[:len(row)]
	switch {
	case bet == 0 && alpha == 1:
		copy(row, t)
	case bet == 0:
		for j, v := range t {
			row[j] = alpha * v
		}
	case bet == 1:
		for j, v := range t {
			row[j] += T(alpha * v) // the conversion keeps alpha*v rounded: no fusion
		}
	default:
		for j, v := range t {
			store(&row[j], alpha, bet, v)
		}
	}
}
