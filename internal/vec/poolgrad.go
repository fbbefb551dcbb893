package vec

// MarkFirst is one step of finding which cell of each max-pooling window
// holds its maximum: where x[i] equals m[i] (or both are NaN), it sets
// idx[i] to k. Calling it for a window's cells in reverse scan order
// leaves in idx the first cell, in scan order, that holds the maximum,
// the one TensorFlow routes the gradient to.
func MarkFirst(idx []int32, x, m []float32, k int32) {
	n := len(idx)
	need("MarkFirst", n, len(x), len(m))
	full := 0
	if vector() {
		full = n &^ (lanes - 1)
		if full > 0 {
			markFirstAVX2(&idx[0], &x[0], &m[0], full, k)
		}
	}
	x, m = x[:n], m[:n]
	for i := full; i < n; i++ {
		if x[i] == m[i] || (x[i] != x[i] && m[i] != m[i]) {
			idx[i] = k
		}
	}
}

// AddMarked adds g[i] to dx[i] where idx[i] is k and leaves dx[i] as it
// is elsewhere (a −0 stays −0): routing a max pooling's gradient to the
// cells that MarkFirst found, one window cell at a time.
func AddMarked(dx, g []float32, idx []int32, k int32) {
	n := len(dx)
	need("AddMarked", n, len(g), len(idx))
	full := 0
	if vector() {
		full = n &^ (lanes - 1)
		if full > 0 {
			addMarkedAVX2(&dx[0], &g[0], &idx[0], full, k)
		}
	}
	g, idx = g[:n], idx[:n]
	for i := full; i < n; i++ {
		if idx[i] == k {
			dx[i] += g[i]
		}
	}
}

// MarkWindows is MarkFirst for whole windows at once, for a stretch of an
// output row of a stride-1 max pooling whose windows lie inside the input:
// element i of idx (len(idx) of them, with maxima m[i]) gets the index
// kh*kw'+kw, kw' = kw's range (kwN), of the first cell in scan order of
// rows kh in [kh0, kh1) whose value, x[i + (kh-kh0)*rs + kw*c], equals
// m[i] (or both are NaN), and -1 if none does.
func MarkWindows(idx []int32, m, x []float32, rs, kh0, kh1, kwN, c int) {
	n := len(idx)
	if n == 0 || kh1 <= kh0 {
		for i := range idx {
			idx[i] = -1
		}
		return
	}
	need("MarkWindows", n, len(m), len(x)-(kh1-1-kh0)*rs-(kwN-1)*c)
	full := 0
	if vector() {
		full = n &^ (lanes - 1)
		if full > 0 {
			markWindowsAVX2(&idx[0], &m[0], &x[0], rs, kh0, kh1, kwN, c, full)
		}
	}
	for i := full; i < n; i++ {
		at := int32(-1)
		for kh := kh1 - 1; kh >= kh0; kh-- {
			for kw := kwN - 1; kw >= 0; kw-- {
				v := x[i+(kh-kh0)*rs+kw*c]
				if v == m[i] || (v != v && m[i] != m[i]) {
					at = int32(kh*kwN + kw)
				}
			}
		}
		idx[i] = at
	}
}

// GatherMarked sets dst, a stretch of an input row of a stride-1 max
// pooling, to the sum of the gradients of the windows whose winning cell
// (MarkWindows) each element is: window (kh, kw), kh in [kh0, kh1) and kw
// in [0, kwN), of element i has its gradient and index at g and idx [i +
// (kh1-1-kh)*rs + (kwN-1-kw)*c]. They are added from +0, kh down and kw
// up (the windows in output order, rows down then columns leftwards, as a
// pass over the windows would add them).
func GatherMarked(dst, g []float32, idx []int32, rs, kh0, kh1, kwN, c int) {
	n := len(dst)
	if n == 0 || kh1 <= kh0 {
		clear(dst)
		return
	}
	span := n + (kh1-1-kh0)*rs + (kwN-1)*c
	need("GatherMarked", span, len(g), len(idx))
	full := 0
	if vector() {
		full = n &^ (lanes - 1)
		if full > 0 {
			gatherMarkedAVX2(&dst[0], &g[0], &idx[0], rs, kh0, kh1, kwN, c, full)
		}
	}
	for i := full; i < n; i++ {
		var s float32
		for kh := kh1 - 1; kh >= kh0; kh-- {
			for kw := 0; kw < kwN; kw++ {
				j := i + (kh1-1-kh)*rs + (kwN-1-kw)*c
				if idx[j] == int32(kh*kwN+kw) {
					s += g[j]
				}
			}
		}
		dst[i] = s
	}
}
