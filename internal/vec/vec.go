// Package vec holds float32 loops over contiguous slices that the
// convolution, pooling and elementwise kernels spend their time in, with
// AVX2 versions on amd64 and portable Go versions elsewhere (or with the
// purego tag, or TENSORGO_ISA=generic).
//
// Every function gives the same bits on every path: each element's result
// depends on that element alone, and the vector code makes the same
// comparisons, in the same order, as the Go code. The functions do not
// allocate.
package vec

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// vector reports whether the AVX2 loops may run now.
func vector() bool { return hasAsm && cpu.Selected() >= cpu.AVX2 }

// lanes is how many elements one AVX2 register holds; the assembly handles
// the largest multiple of it and Go the rest.
const lanes = 8

func need(fn string, n int, lens ...int) {
	for _, l := range lens {
		if l < n {
			panic(fmt.Sprintf("vec.%s: a slice has %d elements, want at least %d", fn, l, n))
		}
	}
}

// Relu sets every negative element of y to zero in place. Zero of either
// sign and NaN stay as they are (y < 0 is false for them).
func Relu(y []float32) { ReluTo(y, y) }

// ReluTo sets dst[i] = src[i], or 0 where src[i] < 0, for i < len(dst):
// Relu into another slice (or the same one).
func ReluTo(dst, src []float32) {
	n := len(dst)
	need("ReluTo", n, len(src))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		reluAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		v := src[i]
		if v < 0 {
			v = 0
		}
		dst[i] = v
	}
}

// ReluGrad sets dst[i] = dy[i] where x[i] > 0 and 0 elsewhere (also where x
// is NaN), for i < len(dst).
func ReluGrad(dst, dy, x []float32) {
	n := len(dst)
	need("ReluGrad", n, len(dy), len(x))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		reluGradAVX2(&dst[0], &dy[0], &x[0], i)
	}
	for ; i < n; i++ {
		if x[i] > 0 {
			dst[i] = dy[i]
		} else {
			dst[i] = 0
		}
	}
}

// Add adds x to acc elementwise, for i < len(acc). Summing rows into acc
// one by one adds each column in row order, as a scalar loop would.
func Add(acc, x []float32) {
	n := len(acc)
	need("Add", n, len(x))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		addAVX2(&acc[0], &x[0], i)
	}
	for ; i < n; i++ {
		acc[i] += x[i]
	}
}
