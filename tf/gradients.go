package tf

import (
	"errors"
	"fmt"
)

// Gradients returns the symbolic partial derivatives of sum(ys) with
// respect to each of xs (tf.gradients), built as ops in the ys' graph under
// the "gradients" name scope. gradYs, if given, are the initial gradients of
// ys (default: ones). It also works on eager tensors recorded for gradients
// (see GradientTape).
//
// An x that ys do not depend on (an unconnected tensor) gets a nil gradient,
// as tf.gradients returns None; so does an x reached only through
// non-differentiable ops (comparisons, ArgMax, StopGradient, ...).
func Gradients(ys []*Tensor, xs []*Tensor, gradYs ...*Tensor) []*Tensor {
	if len(ys) > 0 && ys[0].graph != nil {
		g := ys[0].graph
		defer g.NameScope("gradients")()
	}
	gx, _ := gradients(ys, xs, nil, gradYs)
	return gx
}

// VariableGradients is Gradients with respect to variables: the gradient of
// each variable sums the gradients of all its reads.
func VariableGradients(ys []*Tensor, vars []*Variable, gradYs ...*Tensor) []*Tensor {
	if len(ys) > 0 && ys[0].graph != nil {
		g := ys[0].graph
		defer g.NameScope("gradients")()
	}
	_, gv := gradients(ys, nil, vars, gradYs)
	return gv
}

// addAll sums the tensors of ts that are not nil (nil if none are): one
// AddN for three or more of one dtype and shape, else a chain of Adds.
func addAll(ts []*Tensor) *Tensor {
	var terms []*Tensor
	same := true
	for _, t := range ts {
		if t == nil {
			continue
		}
		if len(terms) > 0 {
			s := terms[0]
			same = same && t.dtype == s.dtype && t.shape.Equal(s.shape) && t.graph == s.graph
		}
		terms = append(terms, t)
	}
	if len(terms) >= 3 && same {
		return AddN(terms...) // one pass, the chain's values
	}
	var s *Tensor
	for _, t := range terms {
		if s == nil {
			s = t
		} else {
			s = Add(s, t)
		}
	}
	return s
}

// gradients is reverse-mode differentiation over recorded ops (graph ops or
// eager records): it visits the ops between ys and the targets in reverse
// topological order and calls each op's Grad.
func gradients(ys, xs []*Tensor, vars []*Variable, gradYs []*Tensor) ([]*Tensor, []*Tensor) {
	xset := make(map[*Tensor]int, len(xs))
	for i, x := range xs {
		if x == nil {
			panic(opErr("Gradients", "nil x"))
		}
		xset[x] = i
	}
	vset := make(map[*Variable]int, len(vars))
	for i, v := range vars {
		vset[v] = i
	}
	isTarget := func(t *Tensor) bool {
		if _, ok := xset[t]; ok {
			return true
		}
		if t.op != nil && t.op.variable != nil && t.op.def.ReadsVariable {
			_, ok := vset[t.op.variable]
			return ok
		}
		return false
	}
	// Post-order over the ops ys depend on; reach marks ops with a target
	// among their (transitive) inputs.
	var order []*Operation
	state := map[*Operation]bool{}
	reach := map[*Operation]bool{}
	var visit func(op *Operation)
	visit = func(op *Operation) {
		if _, seen := state[op]; seen {
			return
		}
		state[op] = false
		r := false
		for _, in := range op.inputs {
			if isTarget(in) {
				r = true
			}
			if in.op != nil {
				visit(in.op)
				if reach[in.op] {
					r = true
				}
			}
		}
		reach[op] = r
		state[op] = true
		order = append(order, op)
	}
	for _, y := range ys {
		if y.op != nil {
			visit(y.op)
		}
	}
	grads := map[*Tensor][]*Tensor{}
	for i, y := range ys {
		var gy *Tensor
		if i < len(gradYs) && gradYs[i] != nil {
			gy = gradYs[i]
		} else {
			gy = OnesLike(y)
		}
		grads[y] = append(grads[y], gy)
	}
	gx := make([]*Tensor, len(xs))
	gv := make([]*Tensor, len(vars))
	// Targets that are ys or leaves are handled at the end; targets that are
	// op outputs collect their sum when their op is reached.
	for k := len(order) - 1; k >= 0; k-- {
		op := order[k]
		var dys []*Tensor
		any := false
		for i, out := range op.outputs {
			if gs := grads[out]; len(gs) > 0 {
				if dys == nil {
					dys = make([]*Tensor, len(op.outputs))
				}
				s := addAll(gs)
				grads[out] = []*Tensor{s}
				dys[i] = s
				any = true
			}
		}
		if !any {
			continue
		}
		if op.variable != nil && op.def.ReadsVariable {
			if i, ok := vset[op.variable]; ok && dys[0] != nil {
				gv[i] = addAll([]*Tensor{gv[i], dys[0]})
			}
		}
		if !reach[op] || op.def.Grad == nil {
			continue
		}
		need := make([]bool, len(op.inputs))
		for i, in := range op.inputs {
			need[i] = in.dtype.IsFloat() && (isTarget(in) || (in.op != nil && reach[in.op]))
		}
		din := op.def.Grad(op, dys, need)
		for i, d := range din {
			if d == nil || !need[i] {
				continue
			}
			in := op.inputs[i]
			checkGradShape(op, i, d, in)
			if d.dtype != in.dtype {
				d = Cast(d, in.dtype)
			}
			grads[in] = append(grads[in], d)
		}
	}
	for x, i := range xset {
		if gs := grads[x]; len(gs) > 0 {
			gx[i] = addAll(gs)
		}
	}
	return gx, gv
}

// GradientTape computes gradients of eager computations (TF2's
// tf.GradientTape). Recording does not depend on a hidden current tape:
// every eager result of an op whose input is watched, or is the read of a
// trainable variable, keeps a link to the op and its inputs (as PyTorch's
// autograd does). Watch a tensor before using it.
//
// A tape that is not persistent computes gradients once.
type GradientTape struct {
	persistent bool
	used       bool
}

// NewGradientTape returns a tape; persistent tapes allow several Gradient
// calls.
func NewGradientTape(persistent bool) *GradientTape {
	return &GradientTape{persistent: persistent}
}

// Watch marks eager tensors so that ops using them are recorded.
// Trainable variables need no watching.
func (tp *GradientTape) Watch(ts ...*Tensor) {
	for _, t := range ts {
		if t.graph == nil {
			t.watched = true
		}
	}
}

// Gradient returns the gradients of y with respect to each of xs: *Tensor,
// *Variable, []*Tensor or []*Variable (slices are flattened in order). The
// gradient of an x that y does not depend on is nil.
func (tp *GradientTape) Gradient(y *Tensor, xs ...any) ([]*Tensor, error) {
	if tp.used && !tp.persistent {
		return nil, errors.New("tf: GradientTape.Gradient: a non-persistent tape can compute gradients only once (use NewGradientTape(true))")
	}
	tp.used = true
	if y == nil {
		return nil, errors.New("tf: GradientTape.Gradient: nil target")
	}
	if y.graph != nil {
		return nil, fmt.Errorf("tf: GradientTape.Gradient: target %s is a graph tensor; use Gradients", y.Name())
	}
	var ts []*Tensor
	var vs []*Variable
	type slot struct {
		isVar bool
		i     int
	}
	var slots []slot
	add := func(x any) error {
		switch v := x.(type) {
		case *Tensor:
			if v == nil || v.graph != nil {
				return errors.New("tf: GradientTape.Gradient: sources must be eager tensors")
			}
			slots = append(slots, slot{false, len(ts)})
			ts = append(ts, v)
		case *Variable:
			slots = append(slots, slot{true, len(vs)})
			vs = append(vs, v)
		default:
			return fmt.Errorf("tf: GradientTape.Gradient: unsupported source type %T", x)
		}
		return nil
	}
	for _, x := range xs {
		var err error
		switch v := x.(type) {
		case []*Tensor:
			for _, t := range v {
				if err = add(t); err != nil {
					break
				}
			}
		case []*Variable:
			for _, t := range v {
				if err = add(t); err != nil {
					break
				}
			}
		default:
			err = add(x)
		}
		if err != nil {
			return nil, err
		}
	}
	gx, gv := gradients([]*Tensor{y}, ts, vs, nil)
	out := make([]*Tensor, len(slots))
	for i, s := range slots {
		if s.isVar {
			out[i] = gv[s.i]
		} else {
			out[i] = gx[s.i]
		}
	}
	return out, nil
}

// checkGradShape panics with a *ShapeError when the gradient d that op's
// Grad returned for input i cannot have the input's shape: ranks differ,
// or a dimension known in both differs.
func checkGradShape(op *Operation, i int, d, in *Tensor) {
	ds, xs := d.shape, in.shape
	ok := len(ds) == len(xs)
	for k := 0; ok && k < len(ds); k++ {
		if ds[k] >= 0 && xs[k] >= 0 && ds[k] != xs[k] {
			ok = false
		}
	}
	if !ok {
		panic(&ShapeError{Op: opLabel(op), Type: op.def.Type,
			Inputs: []TensorSpec{{in.dtype, in.shape}, {d.dtype, d.shape}},
			Msg:    fmt.Sprintf("the gradient of input %d has shape %v, but the input has shape %v", i, d.shape, in.shape)})
	}
}
