package gemm

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/vec"
)

// epilogue is what SgemmBiasAct does to C after the product: the bias
// added to every row, then, with relu, negatives set to zero. The zero
// value does nothing.
type epilogue[T float] struct {
	bias []T
	relu bool
}

func (e epilogue[T]) on() bool { return e.bias != nil }

// check panics unless the bias covers n columns.
func (e epilogue[T]) check(name string, n int) {
	if e.bias != nil && len(e.bias) < n {
		panic(fmt.Sprintf("gemm.%sBiasAct: bias has %d elements, need %d", name, len(e.bias), n))
	}
}

// from is e for the columns from j0 on.
func (e epilogue[T]) from(j0 int) epilogue[T] {
	if e.bias != nil {
		e.bias = e.bias[j0:]
	}
	return e
}

// finish applies e to rows [i0, i1) and columns [j0, j1) of c.
func (e epilogue[T]) finish(c []T, ldc, i0, i1, j0, j1 int) {
	if e.bias == nil || i1 <= i0 || j1 <= j0 {
		return
	}
	y := c[i0*ldc+j0:]
	if y32, ok := any(y).([]float32); ok {
		vec.BiasActStrided(y32, ldc, i1-i0, any(e.bias).([]float32)[j0:j1], e.relu)
		return
	}
	b := e.bias[j0:j1]
	for r := 0; r < i1-i0; r++ {
		row := y[r*ldc : r*ldc+len(b)]
		for j, bv := range b {
			v := row[j] + bv
			if e.relu && v < 0 {
				v = 0
			}
			row[j] = v
		}
	}
}
