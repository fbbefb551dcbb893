//go:build amd64 && !purego

package vec

const hasAsm = true

// The AVX2 loops. In the contiguous ones n is a positive multiple of 8;
// the strided ones and biasActAVX2 take any block length (a tail of fewer
// than 8 elements is done with masked loads and stores) and at least one
// block or row.

//go:noescape
func reluAVX2(dst, src *float32, n int)

//go:noescape
func reluGradAVX2(dst, dy, x *float32, n int)

//go:noescape
func addAVX2(acc, x *float32, n int)

//go:noescape
func sumRowsRegAVX2(acc, x *float32, rows, xs, c int)

//go:noescape
func patternOpAVX2(y, x, p *float32, n, plen, op int, relu bool)

//go:noescape
func maxStridedAVX2(acc *float32, as int, x *float32, xs int, blocks, c int)

//go:noescape
func routeStridedAVX2(dx, x *float32, xs int, m, gr *float32, done *uint32, ms int, blocks, c int, set bool)

//go:noescape
func biasActAVX2(y, b *float32, rows, o, ld int, relu bool)

//go:noescape
func copyStridedAVX2(dst *float32, ds int, src *float32, ss int, blocks, n int)

// sigmoidAVX2 and tanhAVX2 (act_amd64.s) transform x[:n&^7] in place.
//
//go:noescape
func sigmoidAVX2(x *float32, n int)

//go:noescape
func tanhAVX2(x *float32, n int)

//go:noescape
func rowsOpAVX2(y, x, b *float32, rows, o, op int)

//go:noescape
func sumRowsAVX2(acc, x *float32, rows, xs, c int)

// The Winograd transforms (winograd_amd64.s).
//
//go:noescape
func winoInputAVX2(dst *float32, ldd int, src *float32, rs, cs int, n int)

//go:noescape
func winoOutputAVX2(dst *float32, rs, cs int, src *float32, lds int, n int)

//go:noescape
func winoFilterAVX2(dst *float32, ldd int, src *float32, ss int, n int)

//go:noescape
func winoOutputTAVX2(dst *float32, ldd int, src *float32, rs, cs int, n int)

//go:noescape
func winoFilterTAVX2(dst *float32, ds int, src *float32, lds int, n int)

// exp64sAVX2 (exp_amd64.s) is Exp64s over n elements, n a multiple of 4.
//
//go:noescape
func exp64sAVX2(dst, src *float64, n int)
