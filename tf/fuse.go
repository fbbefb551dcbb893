package tf

// fuseRelu returns Relu(x) computed by a copy of x's producer with the ReLU
// folded into its output pass, when the producer is a graph op that takes
// an activation and has none: batch normalisation with fixed statistics
// (Keras's BatchNormalization at inference, and Inception10's while
// training), a linear FusedConv2D or a linear FusedMatMul (Dense).
// Otherwise it returns nil. The unfused producer stays in the graph; a plan
// runs it only if something else reads its output. Eager tensors have been
// computed already and are left alone.
func fuseRelu(x *Tensor) *Tensor {
	op := x.op
	if op == nil || op.graph == nil || len(op.outputs) != 1 || len(op.control) > 0 {
		return nil
	}
	switch op.def.Type {
	case "FusedBatchNormInference":
		if op.aString(normActivation) != "" {
			return nil
		}
		return applyState(op.def.Type, attrs{op.attrVals[0], "Relu"}, &normState{}, op.inputs...)
	case "FusedConv2D":
		if op.aString(convActivation) != "" {
			return nil
		}
		return applyState(op.def.Type, attrs{op.attrVals[0], op.attrVals[1], op.attrVals[2], "Relu"}, &convState{}, op.inputs...)
	case "FusedMatMul":
		if op.aString(matmulActivation) != "" {
			return nil
		}
		return apply1(op.def.Type, attrs{op.attrVals[0], op.attrVals[1], "Relu"}, nil, op.inputs...)
	}
	return nil
}

// fusedActivation is a fused op's activation attribute for the name a
// caller gives: "" for linear, "Relu" for relu; op panics on any other.
func fusedActivation(op, activation string) string {
	switch activation {
	case "", "linear":
		return ""
	case "relu", "Relu":
		return "Relu"
	}
	panic(opErr(op, "activation %q: want \"\" (linear) or \"relu\"", activation))
}
