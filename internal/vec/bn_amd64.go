//go:build amd64 && !purego

package vec

//go:noescape
func bnSumsAVX2(x *float32, mean, s, q *float64, rows, c, c4 int)

//go:noescape
func bnApplyAVX2(x, y *float32, mean, invstd, gm, b *float64, rows, c, c4 int)

//go:noescape
func bnGradSumsAVX2(x, dy *float32, mean, invstd, s, q *float64, rows, c, c4 int)

//go:noescape
func bnGradApplyAVX2(x, dy, dx *float32, mean, invstd, dgamma, dbeta, coef *float64, m float64, rows, c, c4 int)

//go:noescape
func bnAffineAVX2(x, y *float32, scale, shift *float64, rows, c, c4 int, relu bool)

//go:noescape
func bnScaleAVX2(x, y *float32, scale *float64, rows, c, c4 int)

//go:noescape
func bnGradSumsReluAVX2(x, dy, y *float32, mean, invstd, s, q *float64, rows, c, c4 int)

//go:noescape
func bnScaleReluAVX2(x, y, mask *float32, scale *float64, rows, c, c4 int)
