package tf

// Loss functions usable directly, in graph or eager mode. Like Keras's loss
// functions (tf.keras.losses.mean_squared_error, ...) they return one value
// per sample, averaging over the last axis; reduce with ReduceMean for a
// scalar. The tf.nn cross-entropies keep tf.nn's shapes.

// MeanSquaredError returns mean((yPred - yTrue)^2) over the last axis.
func MeanSquaredError(yTrue, yPred *Tensor) *Tensor {
	return ReduceMean(SquaredDifference(yPred, yTrue), []int{-1}, false)
}

// MeanAbsoluteError returns mean(|yPred - yTrue|) over the last axis.
func MeanAbsoluteError(yTrue, yPred *Tensor) *Tensor {
	return ReduceMean(Abs(Sub(yPred, yTrue)), []int{-1}, false)
}

// Huber returns the Huber loss over the last axis: 0.5*e^2 where |e| <=
// delta, delta*(|e| - 0.5*delta) elsewhere (delta defaults to 1).
func Huber(yTrue, yPred *Tensor, delta ...float64) *Tensor {
	d := 1.0
	if len(delta) > 0 {
		d = delta[0]
	}
	a := Abs(Sub(yPred, yTrue))
	q := Minimum(a, scalarLike(a, d))
	lin := Sub(a, q)
	return ReduceMean(Add(Mul(scalarLike(q, 0.5), Square(q)), Mul(scalarLike(lin, d), lin)), []int{-1}, false)
}

// LogLoss returns the logistic loss of probabilities over the last axis:
// mean(-y*log(p+eps) - (1-y)*log(1-p+eps)) (tf.losses.log_loss, eps 1e-7).
func LogLoss(yTrue, yPred *Tensor, eps ...float64) *Tensor {
	e := 1e-7
	if len(eps) > 0 {
		e = eps[0]
	}
	one, ep := scalarLike(yPred, 1), scalarLike(yPred, e)
	l := Neg(Add(Mul(yTrue, Log(Add(yPred, ep))), Mul(Sub(one, yTrue), Log(Add(Sub(one, yPred), ep)))))
	return ReduceMean(l, []int{-1}, false)
}

// Hinge returns mean(max(1 - yTrue*yPred, 0)) over the last axis. Labels
// are -1 or 1; as in Keras, labels that are all 0 or 1 are taken as
// binary and mapped to -1 and 1 first (other labels are left as they are).
// This is the one hinge implementation: keras/losses' Hinge calls it.
func Hinge(yTrue, yPred *Tensor) *Tensor {
	y := signedLabels(yTrue)
	return ReduceMean(Relu(Sub(scalarLike(yPred, 1), Mul(y, yPred))), []int{-1}, false)
}

// SquaredHinge returns mean(max(1 - yTrue*yPred, 0)^2) over the last axis,
// with labels as Hinge takes them.
func SquaredHinge(yTrue, yPred *Tensor) *Tensor {
	y := signedLabels(yTrue)
	return ReduceMean(Square(Relu(Sub(scalarLike(yPred, 1), Mul(y, yPred)))), []int{-1}, false)
}

// signedLabels maps labels that are all 0 or 1 to -1 and 1 (Keras's
// hinge-loss label conversion) and leaves others as they are.
func signedLabels(y *Tensor) *Tensor {
	zero, one := scalarLike(y, 0), scalarLike(y, 1)
	isBit := Cast(LogicalOr(Equal(y, zero), Equal(y, one)), y.dtype)
	binary := Equal(ReduceMin(isBit, nil, false), one)
	return Where(binary, Sub(Mul(scalarLike(y, 2), y), one), y)
}

// L1Loss returns sum(|x|), the L1 penalty.
func L1Loss(x *Tensor) *Tensor { return ReduceSum(Abs(x), nil, false) }

// L2Loss returns sum(x^2)/2 (tf.nn.l2_loss).
func L2Loss(x *Tensor) *Tensor {
	return Mul(scalarLike(x, 0.5), ReduceSum(Square(x), nil, false))
}

// L1L2Penalty returns l1*sum(|x|) + l2*sum(x^2), Keras's L1L2 regularizer.
func L1L2Penalty(x *Tensor, l1, l2 float64) *Tensor {
	var p *Tensor
	if l1 != 0 {
		p = Mul(scalarLike(x, l1), ReduceSum(Abs(x), nil, false))
	}
	if l2 != 0 {
		q := Mul(scalarLike(x, l2), ReduceSum(Square(x), nil, false))
		p = addAll([]*Tensor{p, q})
	}
	if p == nil {
		return ReduceSum(Mul(x, scalarLike(x, 0)), nil, false)
	}
	return p
}
