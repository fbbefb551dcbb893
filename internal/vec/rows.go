package vec

// RowOp is an elementwise operation between the rows of a matrix and one
// vector, as RowsOp applies it.
type RowOp int

// The row operations: row op b.
const (
	RowAdd  RowOp = iota // x + b
	RowSub               // x − b
	RowRSub              // b − x
	RowMul               // x · b
)

// RowsOp sets each row of y (rows of len(b) elements) to the same row of x
// op b: a broadcast of the vector b along the rows, such as a per-channel
// scale. y and x may be the same slice.
func RowsOp(y, x, b []float32, op RowOp) {
	o := len(b)
	if o == 0 {
		return
	}
	rows := len(y) / o
	need("RowsOp", rows*o, len(x))
	if rows == 0 {
		return
	}
	if vector() {
		if !flatRows(y, x, b, rows, op, false) {
			rowsOpAVX2(&y[0], &x[0], &b[0], rows, o, int(op))
		}
		return
	}
	for r := 0; r < rows; r++ {
		yr, xr := y[r*o:(r+1)*o], x[r*o:(r+1)*o]
		for i, v := range b {
			yr[i] = rowOp(xr[i], v, op)
		}
	}
}

// SumRows adds rows rows of x (xs elements apart, len(acc) each) into acc,
// one row after another: each column sums in row order.
func SumRows(acc, x []float32, rows, xs int) {
	c := len(acc)
	if c == 0 || rows <= 0 {
		return
	}
	need("SumRows", (rows-1)*xs+c, len(x))
	if vector() {
		if c <= 32 {
			// Few columns: sums in registers (a masked store per row
			// stalls the next row's load on AMD's cores).
			sumRowsRegAVX2(&acc[0], &x[0], rows, xs, c)
			return
		}
		sumRowsAVX2(&acc[0], &x[0], rows, xs, c)
		return
	}
	for r := 0; r < rows; r++ {
		row := x[r*xs : r*xs+c]
		for i, v := range row {
			acc[i] += v
		}
	}
}

// flatRows does RowsOp (then, under relu, max(·, 0)) for rows of a few
// elements, not a multiple of 8, as one flat vector loop over the
// contiguous rows with b repeated into a pattern of lcm(8, len(b))
// elements: row by row, each row's last vector would take a masked store,
// which AMD's cores run several times slower than a plain one. It reports
// whether it did the work (rows of 32 or more elements, or a multiple of 8,
// are left to the row loop).
func flatRows(y, x, b []float32, rows int, op RowOp, relu bool) bool {
	o := len(b)
	if o%8 == 0 || o > 32 {
		return false
	}
	plen := o
	for plen%8 != 0 {
		plen += o
	}
	var pat [256]float32
	for i := 0; i < plen; i++ {
		pat[i] = b[i%o]
	}
	n := rows * o
	n8 := n &^ 7
	if n8 > 0 {
		patternOpAVX2(&y[0], &x[0], &pat[0], n8, plen, int(op), relu)
	}
	for i := n8; i < n; i++ {
		v := rowOp(x[i], b[i%o], op)
		if relu && v < 0 {
			v = 0
		}
		y[i] = v
	}
	return true
}

// rowOp is one element of RowsOp.
func rowOp(v, b float32, op RowOp) float32 {
	switch op {
	case RowAdd:
		return v + b
	case RowSub:
		return v - b
	case RowRSub:
		return b - v
	default:
		return v * b
	}
}
