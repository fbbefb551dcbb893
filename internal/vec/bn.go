package vec

// Batch normalisation's row loops over float32 activations (rows × c,
// channels last), computed in float64 as the Go loops in internal/conv
// write them, with the vector code giving the same bits.

// bnCols returns how many leading channels the vector loops take.
func bnCols(rows, c int) int {
	if !vector() || rows <= 0 {
		return 0
	}
	return c &^ 3
}

// BNSums adds, for each row, d = x − mean to s and d·d to q, channel by
// channel.
func BNSums(x []float32, rows, c int, mean, s, q []float64) {
	need("BNSums", rows*c, len(x))
	need("BNSums", c, len(mean), len(s), len(q))
	c4 := bnCols(rows, c)
	if c4 > 0 {
		bnSumsAVX2(&x[0], &mean[0], &s[0], &q[0], rows, c, c4)
	}
	for r := 0; r < rows; r++ {
		row := x[r*c : (r+1)*c]
		for j := c4; j < c; j++ {
			d := float64(row[j]) - mean[j]
			s[j] += d
			q[j] += d * d
		}
	}
}

// BNApply sets y = float32((x − mean)·invstd·g + b) channel by channel.
func BNApply(x, y []float32, rows, c int, mean, invstd, g, b []float64) {
	need("BNApply", rows*c, len(x), len(y))
	need("BNApply", c, len(mean), len(invstd), len(g), len(b))
	c4 := bnCols(rows, c)
	if c4 > 0 {
		bnApplyAVX2(&x[0], &y[0], &mean[0], &invstd[0], &g[0], &b[0], rows, c, c4)
	}
	for r := 0; r < rows; r++ {
		xr, yr := x[r*c:(r+1)*c], y[r*c:(r+1)*c]
		for j := c4; j < c; j++ {
			yr[j] = float32((float64(xr[j])-mean[j])*invstd[j]*g[j] + b[j])
		}
	}
}

// BNAffine sets y = float32(x·scale + shift) channel by channel (batch
// normalisation with fixed statistics folded into one scale and shift),
// then, when relu is set, zero where that is negative.
func BNAffine(x, y []float32, rows, c int, scale, shift []float64, relu bool) {
	need("BNAffine", rows*c, len(x), len(y))
	need("BNAffine", c, len(scale), len(shift))
	c4 := bnCols(rows, c)
	if c4 > 0 {
		bnAffineAVX2(&x[0], &y[0], &scale[0], &shift[0], rows, c, c4, relu)
	}
	for r := 0; r < rows; r++ {
		xr, yr := x[r*c:(r+1)*c], y[r*c:(r+1)*c]
		for j := c4; j < c; j++ {
			v := float32(float64(xr[j])*scale[j] + shift[j])
			if relu && v < 0 {
				v = 0
			}
			yr[j] = v
		}
	}
}

// BNScale sets y = float32(x·scale) channel by channel (the input gradient
// of batch normalisation with fixed statistics). If relu is not nil, x
// counts as zero where relu > 0 fails (see BNGradSums).
func BNScale(x, y, relu []float32, rows, c int, scale []float64) {
	need("BNScale", rows*c, len(x), len(y))
	need("BNScale", c, len(scale))
	if relu != nil {
		need("BNScale", rows*c, len(relu))
	}
	c4 := bnCols(rows, c)
	if c4 > 0 {
		if relu != nil {
			bnScaleReluAVX2(&x[0], &y[0], &relu[0], &scale[0], rows, c, c4)
		} else {
			bnScaleAVX2(&x[0], &y[0], &scale[0], rows, c, c4)
		}
	}
	for r := 0; r < rows; r++ {
		xr, yr := x[r*c:(r+1)*c], y[r*c:(r+1)*c]
		for j := c4; j < c; j++ {
			yr[j] = float32(float64(reluGrad1(xr, relu, j, r*c+j)) * scale[j])
		}
	}
}

// BNGradSums adds, for each row, dy to s and dy·(x − mean)·invstd to q.
// If relu is not nil it is the output of a ReLU that followed (its
// gradient fused in): dy counts as zero where relu > 0 fails.
func BNGradSums(x, dy, relu []float32, rows, c int, mean, invstd, s, q []float64) {
	need("BNGradSums", rows*c, len(x), len(dy))
	need("BNGradSums", c, len(mean), len(invstd), len(s), len(q))
	if relu != nil {
		need("BNGradSums", rows*c, len(relu))
	}
	c4 := bnCols(rows, c)
	if c4 > 0 {
		if relu != nil {
			bnGradSumsReluAVX2(&x[0], &dy[0], &relu[0], &mean[0], &invstd[0], &s[0], &q[0], rows, c, c4)
		} else {
			bnGradSumsAVX2(&x[0], &dy[0], &mean[0], &invstd[0], &s[0], &q[0], rows, c, c4)
		}
	}
	for r := 0; r < rows; r++ {
		xr, dr := x[r*c:(r+1)*c], dy[r*c:(r+1)*c]
		for j := c4; j < c; j++ {
			g := float64(reluGrad1(dr, relu, j, r*c+j))
			s[j] += g
			q[j] += g * ((float64(xr[j]) - mean[j]) * invstd[j])
		}
	}
}

// reluGrad1 is dy[i] (i within dy's row), or zero where relu[at] > 0
// fails when relu is not nil.
func reluGrad1(dy, relu []float32, i, at int) float32 {
	if relu != nil && !(relu[at] > 0) {
		return 0
	}
	return dy[i]
}

// BNGradApply sets dx = float32(coef·((m·dy − dbeta) − x̂·dgamma)) with
// x̂ = (x − mean)·invstd, channel by channel.
func BNGradApply(x, dy, dx []float32, rows, c int, mean, invstd, dgamma, dbeta, coef []float64, m float64) {
	need("BNGradApply", rows*c, len(x), len(dy), len(dx))
	need("BNGradApply", c, len(mean), len(invstd), len(dgamma), len(dbeta), len(coef))
	c4 := bnCols(rows, c)
	if c4 > 0 {
		bnGradApplyAVX2(&x[0], &dy[0], &dx[0], &mean[0], &invstd[0], &dgamma[0], &dbeta[0], &coef[0], m, rows, c, c4)
	}
	for r := 0; r < rows; r++ {
		xr, dr, out := x[r*c:(r+1)*c], dy[r*c:(r+1)*c], dx[r*c:(r+1)*c]
		for j := c4; j < c; j++ {
			xh := (float64(xr[j]) - mean[j]) * invstd[j]
			out[j] = float32(coef[j] * (m*float64(dr[j]) - dbeta[j] - xh*dgamma[j]))
		}
	}
}
