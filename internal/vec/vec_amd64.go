//go:build amd64 && !purego

package vec

const hasAsm = true

// The AVX2 loops; n is a positive multiple of 8.

//go:noescape
func reluAVX2(y *float32, n int)

//go:noescape
func reluGradAVX2(dst, dy, x *float32, n int)

//go:noescape
func addAVX2(acc, x *float32, n int)

//go:noescape
func maxAVX2(acc, x *float32, n int)

//go:noescape
func routeAVX2(dx, x, m, gr *float32, done *uint32, n int)

//go:noescape
func maxStridedAVX2(acc *float32, as int, x *float32, xs int, blocks, c8 int)

//go:noescape
func routeStridedAVX2(dx, x *float32, xs int, m, gr *float32, done *uint32, ms int, blocks, c8 int)

//go:noescape
func biasActAVX2(y, b *float32, rows, o, o8 int, relu bool)
