package ref

import (
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// channels returns the rows and channels of x normalised over its last
// axis.
func channels(x *tensor.Tensor) (rows, c int) {
	s := x.Shape()
	c = s[len(s)-1]
	return x.Size() / c, c
}

// BatchNormTrain normalises x per channel with its own mean and biased
// variance, each a plain sum over the rows, and writes them.
func BatchNormTrain(x, gamma, beta *tensor.Tensor, eps float64, y, mean, variance *tensor.Tensor) {
	rows, c := channels(x)
	for j := 0; j < c; j++ {
		m := 0.0
		for r := 0; r < rows; r++ {
			m += x.Float(r*c + j)
		}
		m /= float64(rows)
		v := 0.0
		for r := 0; r < rows; r++ {
			d := x.Float(r*c+j) - m
			v += d * d
		}
		v /= float64(rows)
		mean.SetFloat(j, m)
		variance.SetFloat(j, v)
		for r := 0; r < rows; r++ {
			y.SetFloat(r*c+j, gamma.Float(j)*(x.Float(r*c+j)-m)/math.Sqrt(v+eps)+beta.Float(j))
		}
	}
}

// BatchNormGrad writes the gradients of BatchNormTrain's y with respect to
// x, gamma and beta, from the textbook formulas: with x̂ = (x − mean)/σ,
// dbeta = Σ dy, dgamma = Σ dy·x̂, dx = gamma/σ·(dy − dbeta/m − x̂·dgamma/m).
func BatchNormGrad(x, dy, gamma, mean, variance *tensor.Tensor, eps float64, dx, dgamma, dbeta *tensor.Tensor) {
	rows, c := channels(x)
	m := float64(rows)
	for j := 0; j < c; j++ {
		sigma := math.Sqrt(variance.Float(j) + eps)
		db, dg := 0.0, 0.0
		for r := 0; r < rows; r++ {
			g := dy.Float(r*c + j)
			db += g
			dg += g * (x.Float(r*c+j) - mean.Float(j)) / sigma
		}
		dbeta.SetFloat(j, db)
		dgamma.SetFloat(j, dg)
		for r := 0; r < rows; r++ {
			xh := (x.Float(r*c+j) - mean.Float(j)) / sigma
			dx.SetFloat(r*c+j, gamma.Float(j)/sigma*(dy.Float(r*c+j)-db/m-xh*dg/m))
		}
	}
}

// BatchNormInfer normalises x with the given statistics.
func BatchNormInfer(x, gamma, beta, mean, variance *tensor.Tensor, eps float64, y *tensor.Tensor) {
	rows, c := channels(x)
	for r := 0; r < rows; r++ {
		for j := 0; j < c; j++ {
			i := r*c + j
			y.SetFloat(i, gamma.Float(j)*(x.Float(i)-mean.Float(j))/math.Sqrt(variance.Float(j)+eps)+beta.Float(j))
		}
	}
}

// BatchNormInferGrad writes the gradients of BatchNormInfer's y with
// respect to x, gamma and beta: with σ = sqrt(var + eps),
// dx = dy·gamma/σ, dgamma = Σ dy·(x − mean)/σ, dbeta = Σ dy.
func BatchNormInferGrad(x, dy, gamma, mean, variance *tensor.Tensor, eps float64, dx, dgamma, dbeta *tensor.Tensor) {
	rows, c := channels(x)
	for j := 0; j < c; j++ {
		sigma := math.Sqrt(variance.Float(j) + eps)
		db, dg := 0.0, 0.0
		for r := 0; r < rows; r++ {
			g := dy.Float(r*c + j)
			db += g
			dg += g * (x.Float(r*c+j) - mean.Float(j)) / sigma
			dx.SetFloat(r*c+j, g*gamma.Float(j)/sigma)
		}
		dbeta.SetFloat(j, db)
		dgamma.SetFloat(j, dg)
	}
}
