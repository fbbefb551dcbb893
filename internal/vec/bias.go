package vec

// BiasAct adds bias to every row of y (rows of len(bias) elements) and,
// with relu, then sets the negative results to zero (as Relu does).
func BiasAct(y, bias []float32, relu bool) {
	o := len(bias)
	if o == 0 {
		return
	}
	rows := len(y) / o
	o8 := 0
	if vector() && rows > 0 {
		o8 = o &^ (lanes - 1)
		if o8 > 0 {
			biasActAVX2(&y[0], &bias[0], rows, o, o8, relu)
		}
	}
	if o8 == o {
		return
	}
	for r := 0; r < rows; r++ {
		row := y[r*o : (r+1)*o]
		for i := o8; i < o; i++ {
			v := row[i] + bias[i]
			if relu && v < 0 {
				v = 0
			}
			row[i] = v
		}
	}
}
