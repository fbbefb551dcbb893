package vec

// BiasAct adds bias to every row of y (rows of len(bias) elements) and,
// with relu, then sets the negative results to zero (as Relu does).
func BiasAct(y, bias []float32, relu bool) {
	o := len(bias)
	if o == 0 {
		return
	}
	rows := len(y) / o
	if rows == 0 {
		return
	}
	if vector() {
		if !flatRows(y, y, bias, rows, RowAdd, relu) {
			biasActAVX2(&y[0], &bias[0], rows, o, o, relu)
		}
		return
	}
	biasActGo(y, o, rows, bias, relu)
}

// BiasActStrided is BiasAct on rows rows of len(bias) elements that lie ld
// elements apart in y (a block of a wider matrix, as GEMM's epilogue
// finishes it).
func BiasActStrided(y []float32, ld, rows int, bias []float32, relu bool) {
	o := len(bias)
	if o == 0 || rows <= 0 {
		return
	}
	need("BiasActStrided", (rows-1)*ld+o, len(y))
	if vector() {
		biasActAVX2(&y[0], &bias[0], rows, o, ld, relu)
		return
	}
	biasActGo(y, ld, rows, bias, relu)
}

func biasActGo(y []float32, ld, rows int, bias []float32, relu bool) {
	for r := 0; r < rows; r++ {
		row := y[r*ld : r*ld+len(bias)]
		for i, b := range bias {
			v := row[i] + b
			if relu && v < 0 {
				v = 0
			}
			row[i] = v
		}
	}
}
