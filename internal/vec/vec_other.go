//go:build !amd64 || purego

package vec

const hasAsm = false

func reluAVX2(dst, src *float32, n int)       { panic("vec: no AVX2 loops in this build") }
func reluGradAVX2(dst, dy, x *float32, n int) { panic("vec: no AVX2 loops in this build") }
func addAVX2(acc, x *float32, n int)          { panic("vec: no AVX2 loops in this build") }

func sumRowsRegAVX2(acc, x *float32, rows, xs, c int) { panic("vec: no AVX2 loops in this build") }

func patternOpAVX2(y, x, p *float32, n, plen, op int, relu bool) {
	panic("vec: no AVX2 loops in this build")
}

func maxStridedAVX2(acc *float32, as int, x *float32, xs int, blocks, c int) {
	panic("vec: no AVX2 loops in this build")
}

func routeStridedAVX2(dx, x *float32, xs int, m, gr *float32, done *uint32, ms int, blocks, c int, set bool) {
	panic("vec: no AVX2 loops in this build")
}

func biasActAVX2(y, b *float32, rows, o, ld int, relu bool) {
	panic("vec: no AVX2 loops in this build")
}

func copyStridedAVX2(dst *float32, ds int, src *float32, ss int, blocks, n int) {
	panic("vec: no AVX2 loops in this build")
}

func sigmoidAVX2(x *float32, n int) { panic("vec: no AVX2 loops in this build") }
func tanhAVX2(x *float32, n int)    { panic("vec: no AVX2 loops in this build") }

func rowsOpAVX2(y, x, b *float32, rows, o, op int) { panic("vec: no AVX2 loops in this build") }

func sumRowsAVX2(acc, x *float32, rows, xs, c int) { panic("vec: no AVX2 loops in this build") }

func winoInputAVX2(dst *float32, ldd int, src *float32, rs, cs int, n int) {
	panic("vec: no AVX2 loops in this build")
}

func winoOutputAVX2(dst *float32, rs, cs int, src *float32, lds int, n int) {
	panic("vec: no AVX2 loops in this build")
}

func winoFilterAVX2(dst *float32, ldd int, src *float32, ss int, n int) {
	panic("vec: no AVX2 loops in this build")
}

func winoOutputTAVX2(dst *float32, ldd int, src *float32, rs, cs int, n int) {
	panic("vec: no AVX2 loops in this build")
}

func winoFilterTAVX2(dst *float32, ds int, src *float32, lds int, n int) {
	panic("vec: no AVX2 loops in this build")
}

func markFirstAVX2(idx *int32, x, m *float32, n int, k int32) {
	panic("vec: no AVX2 loops in this build")
}

func addMarkedAVX2(dst, src *float32, idx *int32, n int, k int32) {
	panic("vec: no AVX2 loops in this build")
}

func markWindowsAVX2(idx *int32, m, x *float32, rs, kh0, kh1, kw, c, n int) {
	panic("vec: no AVX2 loops in this build")
}

func gatherMarkedAVX2(dst, src *float32, idx *int32, rs, kh0, kh1, kw, c, n int) {
	panic("vec: no AVX2 loops in this build")
}

func exp64sAVX2(dst, src *float64, n int) { panic("vec: no AVX2 loops in this build") }
