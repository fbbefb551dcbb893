package vec

// The three transforms of Winograd's minimal filtering F(2×2, 3×3), which
// computes a 2×2 block of a 3×3 convolution's output from a 4×4 patch of
// its input with 16 multiplications per channel pair instead of 36:
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// with Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
// G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1] and Aᵀ = [1 1 1 0; 0 1 -1 -1].
// Each transform works on n channels at once: the patch's pixels are
// vectors of n elements, and so are the 16 transformed values (ξ = 4i+j,
// row i and column j of the 4×4 tile). The vector and Go code do the same
// additions in the same order, so they give the same bits.

// WinoInput writes Bᵀ d B for the 4×4 patch d whose pixel (a, b) is
// src[a*rs+b*cs:][:n] into dst[ξ*ldd:][:n].
func WinoInput(dst []float32, ldd int, src []float32, rs, cs, n int) {
	if n <= 0 {
		return
	}
	need("WinoInput", 15*ldd+n, len(dst))
	need("WinoInput", 3*rs+3*cs+n, len(src))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		winoInputAVX2(&dst[0], ldd, &src[0], rs, cs, i)
	}
	for ; i < n; i++ {
		d := func(a, b int) float32 { return src[a*rs+b*cs+i] }
		for r := 0; r < 4; r++ {
			var e [4]float32
			for b := 0; b < 4; b++ {
				switch r {
				case 0:
					e[b] = d(0, b) - d(2, b)
				case 1:
					e[b] = d(1, b) + d(2, b)
				case 2:
					e[b] = d(2, b) - d(1, b)
				case 3:
					e[b] = d(1, b) - d(3, b)
				}
			}
			o := dst[4*r*ldd+i:]
			o[0] = e[0] - e[2]
			o[ldd] = e[1] + e[2]
			o[2*ldd] = e[2] - e[1]
			o[3*ldd] = e[1] - e[3]
		}
	}
}

// WinoOutput writes Aᵀ m A, the 2×2 output pixels (a, b) of the tile whose
// 16 products are src[ξ*lds:][:n], into dst[a*rs+b*cs:][:n].
func WinoOutput(dst []float32, rs, cs int, src []float32, lds, n int) {
	if n <= 0 {
		return
	}
	need("WinoOutput", rs+cs+n, len(dst))
	need("WinoOutput", 15*lds+n, len(src))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		winoOutputAVX2(&dst[0], rs, cs, &src[0], lds, i)
	}
	for ; i < n; i++ {
		m := func(r, b int) float32 { return src[(4*r+b)*lds+i] }
		for a := 0; a < 2; a++ {
			var s [4]float32
			for b := 0; b < 4; b++ {
				if a == 0 {
					s[b] = m(0, b) + m(1, b) + m(2, b)
				} else {
					s[b] = m(1, b) - m(2, b) - m(3, b)
				}
			}
			dst[a*rs+i] = s[0] + s[1] + s[2]
			dst[a*rs+cs+i] = s[1] - s[2] - s[3]
		}
	}
}

// WinoFilter writes G g Gᵀ for the 3×3 filter g whose tap (kh, kw) is
// src[(3*kh+kw)*ss:][:n] into dst[ξ*ldd:][:n].
func WinoFilter(dst []float32, ldd int, src []float32, ss, n int) {
	if n <= 0 {
		return
	}
	need("WinoFilter", 15*ldd+n, len(dst))
	need("WinoFilter", 8*ss+n, len(src))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		winoFilterAVX2(&dst[0], ldd, &src[0], ss, i)
	}
	for ; i < n; i++ {
		var t [4][3]float32
		for kw := 0; kw < 3; kw++ {
			g0, g1, g2 := src[kw*ss+i], src[(3+kw)*ss+i], src[(6+kw)*ss+i]
			t[0][kw] = g0
			t[1][kw] = 0.5 * (g0 + g1 + g2)
			t[2][kw] = 0.5 * (g0 - g1 + g2)
			t[3][kw] = g2
		}
		for r := 0; r < 4; r++ {
			o := dst[4*r*ldd+i:]
			o[0] = t[r][0]
			o[ldd] = 0.5 * (t[r][0] + t[r][1] + t[r][2])
			o[2*ldd] = 0.5 * (t[r][0] - t[r][1] + t[r][2])
			o[3*ldd] = t[r][2]
		}
	}
}

// WinoOutputT is WinoOutput's adjoint, A dy Aᵀ: it spreads the gradient of
// a 2×2 output block, pixel (a, b) at src[a*rs+b*cs:][:n], over the tile's
// 16 products, dst[ξ*ldd:][:n].
func WinoOutputT(dst []float32, ldd int, src []float32, rs, cs, n int) {
	if n <= 0 {
		return
	}
	need("WinoOutputT", 15*ldd+n, len(dst))
	need("WinoOutputT", rs+cs+n, len(src))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		winoOutputTAVX2(&dst[0], ldd, &src[0], rs, cs, i)
	}
	for ; i < n; i++ {
		y0, y1 := src[i], src[rs+i]
		s := [4][2]float32{{y0, src[cs+i]}, {}, {}, {}}
		z0, z1 := src[cs+i], src[rs+cs+i]
		s[1] = [2]float32{y0 + y1, z0 + z1}
		s[2] = [2]float32{y0 - y1, z0 - z1}
		s[3] = [2]float32{-y1, -z1}
		for r := 0; r < 4; r++ {
			o := dst[4*r*ldd+i:]
			o[0] = s[r][0]
			o[ldd] = s[r][0] + s[r][1]
			o[2*ldd] = s[r][0] - s[r][1]
			o[3*ldd] = -s[r][1]
		}
	}
}

// WinoFilterT is WinoFilter's adjoint, Gᵀ u G: it folds the gradient of a
// transformed filter, src[ξ*lds:][:n], back onto the 3×3 taps, dst[(3*kh+
// kw)*ds:][:n].
func WinoFilterT(dst []float32, ds int, src []float32, lds, n int) {
	if n <= 0 {
		return
	}
	need("WinoFilterT", 8*ds+n, len(dst))
	need("WinoFilterT", 15*lds+n, len(src))
	i := 0
	if vector() && n >= lanes {
		i = n &^ (lanes - 1)
		winoFilterTAVX2(&dst[0], ds, &src[0], lds, i)
	}
	for ; i < n; i++ {
		// Gᵀ's rows: (1 ½ ½ 0), (0 ½ -½ 0), (0 ½ ½ 1).
		var t [3][4]float32
		for j := 0; j < 4; j++ {
			u0, u1, u2, u3 := src[j*lds+i], src[(4+j)*lds+i], src[(8+j)*lds+i], src[(12+j)*lds+i]
			h := 0.5 * (u1 + u2)
			t[0][j] = u0 + h
			t[1][j] = 0.5 * (u1 - u2)
			t[2][j] = h + u3
		}
		for kh := 0; kh < 3; kh++ {
			h := 0.5 * (t[kh][1] + t[kh][2])
			dst[3*kh*ds+i] = t[kh][0] + h
			dst[(3*kh+1)*ds+i] = 0.5 * (t[kh][1] - t[kh][2])
			dst[(3*kh+2)*ds+i] = h + t[kh][3]
		}
	}
}
