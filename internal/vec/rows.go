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
		rowsOpAVX2(&y[0], &x[0], &b[0], rows, o, int(op))
		return
	}
	for r := 0; r < rows; r++ {
		yr, xr := y[r*o:(r+1)*o], x[r*o:(r+1)*o]
		for i, v := range b {
			switch op {
			case RowAdd:
				yr[i] = xr[i] + v
			case RowSub:
				yr[i] = xr[i] - v
			case RowRSub:
				yr[i] = v - xr[i]
			default:
				yr[i] = xr[i] * v
			}
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
