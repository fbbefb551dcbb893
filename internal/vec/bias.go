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
			biasActAVX2(&y[0], &bias[0], rows, o, relu)
		}
		return
	}
	for r := 0; r < rows; r++ {
		row := y[r*o : (r+1)*o]
		for i := 0; i < o; i++ {
			v := row[i] + bias[i]
			if relu && v < 0 {
				v = 0
			}
			row[i] = v
		}
	}
}
