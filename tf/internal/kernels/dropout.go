package kernels

import "math/rand/v2"

// DropoutRows sets y = x*mask with mask = scale or 0; it draws two 32-bit uniforms per 64-bit random number: element i
// is kept when its uniform is >= thr = rate*2^32.
func DropoutRows[T float32 | float64](x, y, mask []T, scale T, thr uint64, r *rand.PCG) {
	n := len(x)
	y, mask = y[:n], mask[:n]
	i := 0
	for ; i+1 < n; i += 2 {
		u := r.Uint64()
		var m0, m1 T
		if u&0xffffffff >= thr {
			m0 = scale
		}
		if u>>32 >= thr {
			m1 = scale
		}
		mask[i], mask[i+1] = m0, m1
		y[i], y[i+1] = x[i]*m0, x[i+1]*m1
	}
	if i < n {
		var m T
		if r.Uint64()&0xffffffff >= thr {
			m = scale
		}
		mask[i] = m
		y[i] = x[i] * m
	}
}
