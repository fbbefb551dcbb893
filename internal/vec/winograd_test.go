package vec

import (
	"math"
	"math/rand"
	"testing"
)

// The transforms' matrices, for the float64 reference below.
var (
	wBT = [4][4]float64{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}
	wG  = [4][3]float64{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}
	wAT = [2][4]float64{{1, 1, 1, 0}, {0, 1, -1, -1}}
)

func randn(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

func near(t *testing.T, what string, got float32, want float64) {
	t.Helper()
	if math.Abs(float64(got)-want) > 1e-5*(1+math.Abs(want)) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// TestWinogradTransforms checks each transform against its matrix product
// in float64, on strided layouts and at channel counts with and without a
// vector tail, and the vector paths against the Go loop bit for bit.
func TestWinogradTransforms(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, n := range []int{1, 5, 8, 13, 24} {
		rs, cs, ldd := 5*n+3, n+2, n+1
		src := randn(r, 3*rs+3*cs+n)
		var dst []float32
		each(t, "WinoInput", func() []float32 {
			dst = make([]float32, 15*ldd+n)
			WinoInput(dst, ldd, src, rs, cs, n)
			return dst
		})
		for c := 0; c < n; c++ {
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					var s float64
					for a := 0; a < 4; a++ {
						for b := 0; b < 4; b++ {
							s += wBT[i][a] * float64(src[a*rs+b*cs+c]) * wBT[j][b]
						}
					}
					near(t, "WinoInput", dst[(4*i+j)*ldd+c], s)
				}
			}
		}

		lds := n + 3
		m := randn(r, 15*lds+n)
		each(t, "WinoOutput", func() []float32 {
			dst = make([]float32, rs+cs+n)
			WinoOutput(dst, rs, cs, m, lds, n)
			return dst
		})
		for c := 0; c < n; c++ {
			for a := 0; a < 2; a++ {
				for b := 0; b < 2; b++ {
					var s float64
					for i := 0; i < 4; i++ {
						for j := 0; j < 4; j++ {
							s += wAT[a][i] * float64(m[(4*i+j)*lds+c]) * wAT[b][j]
						}
					}
					near(t, "WinoOutput", dst[a*rs+b*cs+c], s)
				}
			}
		}

		ss := 2*n + 1
		g := randn(r, 8*ss+n)
		each(t, "WinoFilter", func() []float32 {
			dst = make([]float32, 15*ldd+n)
			WinoFilter(dst, ldd, g, ss, n)
			return dst
		})
		for c := 0; c < n; c++ {
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					var s float64
					for kh := 0; kh < 3; kh++ {
						for kw := 0; kw < 3; kw++ {
							s += wG[i][kh] * float64(g[(3*kh+kw)*ss+c]) * wG[j][kw]
						}
					}
					near(t, "WinoFilter", dst[(4*i+j)*ldd+c], s)
				}
			}
		}

		// The adjoints.
		dy := randn(r, rs+cs+n)
		each(t, "WinoOutputT", func() []float32 {
			dst = make([]float32, 15*ldd+n)
			WinoOutputT(dst, ldd, dy, rs, cs, n)
			return dst
		})
		for c := 0; c < n; c++ {
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					var s float64
					for a := 0; a < 2; a++ {
						for b := 0; b < 2; b++ {
							s += wAT[a][i] * float64(dy[a*rs+b*cs+c]) * wAT[b][j]
						}
					}
					near(t, "WinoOutputT", dst[(4*i+j)*ldd+c], s)
				}
			}
		}
		each(t, "WinoFilterT", func() []float32 {
			dst = make([]float32, 8*ss+n)
			WinoFilterT(dst, ss, m, lds, n)
			return dst
		})
		for c := 0; c < n; c++ {
			for kh := 0; kh < 3; kh++ {
				for kw := 0; kw < 3; kw++ {
					var s float64
					for i := 0; i < 4; i++ {
						for j := 0; j < 4; j++ {
							s += wG[i][kh] * float64(m[(4*i+j)*lds+c]) * wG[j][kw]
						}
					}
					near(t, "WinoFilterT", dst[(3*kh+kw)*ss+c], s)
				}
			}
		}
	}
}
