package ref

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tensorgo/tensorgo/tensor"
)

// lanes calls f for every line of x along axis with the flat offset of its
// first element and the stride between its elements.
func lanes(s []int, axis int, f func(base, stride, n int)) {
	outer, inner := 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	for o := 0; o < outer; o++ {
		for r := 0; r < inner; r++ {
			f(o*s[axis]*inner+r, inner, s[axis])
		}
	}
}

// Softmax sets dst to softmax(x) along axis, or log-softmax when log.
func Softmax(dst, x *tensor.Tensor, axis int, log bool) {
	lanes(x.Shape(), axis, func(base, stride, n int) {
		m := math.Inf(-1)
		for k := 0; k < n; k++ {
			m = math.Max(m, x.Float(base+k*stride))
		}
		var sum float64
		for k := 0; k < n; k++ {
			sum += math.Exp(x.Float(base+k*stride) - m)
		}
		for k := 0; k < n; k++ {
			i := base + k*stride
			if log {
				dst.SetFloat(i, x.Float(i)-m-math.Log(sum))
			} else {
				dst.SetFloat(i, math.Exp(x.Float(i)-m)/sum)
			}
		}
	})
}

// Xent sets loss (one value per row of the last axis) to the softmax
// cross-entropy of logits against labels (dense, or sparse classes) and
// back to its gradient softmax(logits) - labels. A sparse label outside
// the classes is an error naming it.
func Xent(labels, logits, loss, back *tensor.Tensor, sparse bool) error {
	s := logits.Shape()
	c := s[len(s)-1]
	rows := 0
	if c > 0 {
		rows = logits.Size() / c
	}
	for r := 0; r < rows; r++ {
		m := math.Inf(-1)
		for j := 0; j < c; j++ {
			m = math.Max(m, logits.Float(r*c+j))
		}
		var sum float64
		for j := 0; j < c; j++ {
			sum += math.Exp(logits.Float(r*c+j) - m)
		}
		lse := m + math.Log(sum)
		var l float64
		if sparse {
			k := int(labels.Float(r))
			if k < 0 || k >= c {
				return fmt.Errorf("label %d of row %d is outside [0, %d)", k, r, c)
			}
			l = lse - logits.Float(r*c+k)
			for j := 0; j < c; j++ {
				p := math.Exp(logits.Float(r*c+j)-m) / sum
				if j == k {
					p--
				}
				back.SetFloat(r*c+j, p)
			}
		} else {
			for j := 0; j < c; j++ {
				y := labels.Float(r*c + j)
				if y != 0 {
					l += y * (lse - logits.Float(r*c+j))
				}
				back.SetFloat(r*c+j, math.Exp(logits.Float(r*c+j)-m)/sum-y)
			}
		}
		loss.SetFloat(r, l)
	}
	return nil
}

// OneHot sets dst (indices' shape with depth inserted at axis) to on where
// the coordinate along axis equals the index and off elsewhere.
func OneHot(dst, indices *tensor.Tensor, depth, axis int, on, off float64) {
	ds := dst.Shape()
	c := make([]int, len(ds))
	is := indices.Shape()
	for i := 0; i < dst.Size(); i++ {
		coords(i, ds, c)
		j := 0
		for d := range ds {
			if d == axis {
				continue
			}
			dd := d
			if d > axis {
				dd = d - 1
			}
			j = j*is[dd] + c[d]
		}
		v := off
		if int(indices.Float(j)) == c[axis] && indices.Float(j) >= 0 {
			v = on
		}
		dst.SetFloat(i, v)
	}
}

// Dropout sets mask to scale or 0 and y = x*mask; element i is kept when
// its 32-bit uniform, drawn two per 64-bit number of r (low half first),
// is at least thr.
func Dropout(x, y, mask *tensor.Tensor, scale float64, thr uint64, r *rand.PCG) {
	var u uint64
	for i := 0; i < x.Size(); i++ {
		var half uint64
		if i%2 == 0 {
			u = r.Uint64()
			half = u & 0xffffffff
		} else {
			half = u >> 32
		}
		m := 0.0
		if half >= thr {
			m = scale
		}
		mask.SetFloat(i, m)
		y.SetFloat(i, x.Float(i)*m)
	}
}

// each calls f for every element index of w.
func each(w *tensor.Tensor, f func(i int)) {
	for i := 0; i < w.Size(); i++ {
		f(i)
	}
}

// SGD: w -= lr*g.
func SGD(w, g *tensor.Tensor, lr float64) {
	each(w, func(i int) { w.SetFloat(i, w.Float(i)-lr*g.Float(i)) })
}

// Momentum: v = m*v - lr*g; w += v (Nesterov: w += m*v - lr*g).
func Momentum(w, v, g *tensor.Tensor, lr, m float64, nesterov bool) {
	each(w, func(i int) {
		vi := m*v.Float(i) - lr*g.Float(i)
		v.SetFloat(i, vi)
		if nesterov {
			w.SetFloat(i, w.Float(i)+m*v.Float(i)-lr*g.Float(i))
		} else {
			w.SetFloat(i, w.Float(i)+v.Float(i))
		}
	})
}

// Adagrad: acc += g^2; w -= lr*g/(sqrt(acc)+eps).
func Adagrad(w, acc, g *tensor.Tensor, lr, eps float64) {
	each(w, func(i int) {
		acc.SetFloat(i, acc.Float(i)+g.Float(i)*g.Float(i))
		w.SetFloat(i, w.Float(i)-lr*g.Float(i)/(math.Sqrt(acc.Float(i))+eps))
	})
}

// RMSProp: ms = rho*ms + (1-rho)g^2; centered (mg != nil): mg = rho*mg +
// (1-rho)g and the denominator is ms - mg^2; step = lr*g/sqrt(den+eps);
// with momentum (mom != nil) mom = m*mom + step and w -= mom, else w -= step.
func RMSProp(w, ms, mom, mg, g *tensor.Tensor, lr, rho, m, eps float64) {
	each(w, func(i int) {
		gi := g.Float(i)
		ms.SetFloat(i, rho*ms.Float(i)+(1-rho)*gi*gi)
		den := ms.Float(i)
		if mg != nil {
			mg.SetFloat(i, rho*mg.Float(i)+(1-rho)*gi)
			den -= mg.Float(i) * mg.Float(i)
		}
		step := lr * gi / math.Sqrt(den+eps)
		if mom != nil {
			mom.SetFloat(i, m*mom.Float(i)+step)
			step = mom.Float(i)
		}
		w.SetFloat(i, w.Float(i)-step)
	})
}

// Adam: m = b1*m + (1-b1)g; v = b2*v + (1-b2)g^2; AMSGrad (vh != nil):
// vh = max(vh, v) divides instead of v; w -= lrt*m/(sqrt(.)+eps).
func Adam(w, m, v, vh, g *tensor.Tensor, lrt, b1, b2, eps float64) {
	each(w, func(i int) {
		gi := g.Float(i)
		m.SetFloat(i, b1*m.Float(i)+(1-b1)*gi)
		v.SetFloat(i, b2*v.Float(i)+(1-b2)*gi*gi)
		d := v.Float(i)
		if vh != nil {
			vh.SetFloat(i, math.Max(vh.Float(i), d))
			d = vh.Float(i)
		}
		w.SetFloat(i, w.Float(i)-lrt*m.Float(i)/(math.Sqrt(d)+eps))
	})
}
