//go:build !amd64 || purego

package vec

func bnSumsAVX2(x *float32, mean, s, q *float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}

func bnApplyAVX2(x, y *float32, mean, invstd, gm, b *float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}

func bnGradSumsAVX2(x, dy *float32, mean, invstd, s, q *float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}

func bnGradApplyAVX2(x, dy, dx *float32, mean, invstd, dgamma, dbeta, coef *float64, m float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}

func bnAffineAVX2(x, y *float32, scale, shift *float64, rows, c, c4 int, relu bool) {
	panic("vec: no AVX2 loops in this build")
}

func bnScaleAVX2(x, y *float32, scale *float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}

func bnGradSumsReluAVX2(x, dy, y *float32, mean, invstd, s, q *float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}

func bnScaleReluAVX2(x, y, mask *float32, scale *float64, rows, c, c4 int) {
	panic("vec: no AVX2 loops in this build")
}
