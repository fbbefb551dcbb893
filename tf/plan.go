package tf

import (
	"fmt"
	"time"

	"github.com/tensorgo/tensorgo/tensor"
)

// A plan is one compiled Session.Run signature: the ops to run in order, a
// slot per tensor, buffers allocated once (shared between tensors whose
// lifetimes do not overlap) and replayed on every run.
type plan struct {
	busy bool

	// signature
	fetches  []*Tensor
	targets  []*Operation
	feedSlot map[*Tensor]int32
	feedDims map[*Tensor]tensor.Shape

	slots      []*tensor.Tensor
	steps      []step
	fetchSlots []int32
	results    []*tensor.Tensor
}

type step struct {
	op     *Operation
	kernel KernelFunc // chosen for the op's device when the plan compiled
	in     []*tensor.Tensor
	out    []*tensor.Tensor
	inIdx  []int32
	outIdx []int32
	device string // the device the op really runs on
	dyn    bool   // kernel sets its outputs
	view   bool   // output 0 is input 0 reshaped
	// view cache: the input the view was last made of, and the view
	viewSrc   *tensor.Tensor
	viewOut   *tensor.Tensor
	viewShape tensor.Shape
}

func (p *plan) matches(feeds Feeds, fetches []*Tensor, targets []*Operation) bool {
	if len(fetches) != len(p.fetches) || len(targets) != len(p.targets) || len(feeds) != len(p.feedSlot) {
		return false
	}
	for i, t := range fetches {
		if p.fetches[i] != t {
			return false
		}
	}
	for i, op := range targets {
		if p.targets[i] != op {
			return false
		}
	}
	for t, v := range feeds {
		d, ok := p.feedDims[t]
		if !ok || !d.Equal(v.Shape()) {
			return false
		}
	}
	return true
}

func (p *plan) run(feeds Feeds) (out []*tensor.Tensor, err error) {
	var cur *step
	defer func() {
		// Only tf's typed panics become errors; any other panic is a bug
		// and keeps its stack.
		if perr := caught(recover()); perr != nil {
			name := "?"
			if cur != nil {
				name = cur.op.name + " (" + cur.op.def.Type + ")"
			}
			err = fmt.Errorf("tf: Session.Run: op %s: %w", name, perr)
			out = nil
		}
	}()
	slots := p.slots
	for t, v := range feeds {
		slots[p.feedSlot[t]] = v
	}
	for i := range p.steps {
		st := &p.steps[i]
		cur = st
		for j, s := range st.inIdx {
			st.in[j] = slots[s]
		}
		if st.view {
			if src := st.in[0]; src != st.viewSrc {
				st.viewSrc = src
				st.viewOut = src.Reshape(st.viewShape...)
			}
			slots[st.outIdx[0]] = st.viewOut
			continue
		}
		var t0 time.Time
		timing := opStats.on.Load()
		if timing {
			t0 = time.Now()
		}
		if e := st.kernel(st.op, st.in, st.out); e != nil {
			return nil, runError(st.op, e)
		}
		if timing {
			recordOp(st.op, time.Since(t0))
		}
		if st.dyn {
			for j, s := range st.outIdx {
				slots[s] = st.out[j]
			}
		}
	}
	for i, s := range p.fetchSlots {
		p.results[i] = slots[s]
	}
	return p.results, nil
}

// runError wraps a kernel error with the op's name (variable errors already
// name the tensor).
func runError(op *Operation, e error) error {
	if _, ok := e.(*uninitializedError); ok {
		return e
	}
	return fmt.Errorf("tf: Session.Run: op %s (%s): %w", op.name, op.def.Type, e)
}

// uninitializedError reports a read of a variable without a value.
type uninitializedError struct{ v *Variable }

func (e *uninitializedError) Error() string {
	return fmt.Sprintf("tf: Session.Run: variable %s (tensor %s) is uninitialized: run its Initializer or GlobalVariablesInitializer first", e.v.OpName(), e.v.name)
}

// writes reports whether op assigns a variable: such ops run after every
// op that does not depend on them, so reads see the value before the step.
func writes(op *Operation) bool { return op.def.AssignsVariable }

func (sess *Session) compile(feeds Feeds, fetches []*Tensor, targets []*Operation) (p *plan, err error) {
	p = &plan{
		fetches:  append([]*Tensor(nil), fetches...),
		targets:  append([]*Operation(nil), targets...),
		feedSlot: map[*Tensor]int32{},
		feedDims: map[*Tensor]tensor.Shape{},
	}
	fed := map[*Tensor]bool{}
	for t, v := range feeds {
		fed[t] = true
		p.feedDims[t] = v.Shape().Clone()
	}

	// Order: post-order DFS from the fetches, then the targets; ops that
	// write variables, and everything depending on them, go last.
	state := map[*Operation]int8{} // 1 visiting, 2 done
	late := map[*Operation]bool{}
	var early, deferred []*Operation
	var root string
	var visit func(op *Operation) error
	visitTensor := func(t *Tensor) error {
		if fed[t] {
			return nil
		}
		return visit(t.op)
	}
	visit = func(op *Operation) error {
		switch state[op] {
		case 1:
			return fmt.Errorf("tf: Session.Run: the graph has a cycle through %s", op.name)
		case 2:
			return nil
		}
		state[op] = 1
		if op.def.Fed {
			return fmt.Errorf("tf: Session.Run: %s needs placeholder %s, which was not fed", root, op.outputs[0].Name())
		}
		isLate := writes(op)
		for _, in := range op.inputs {
			if err := visitTensor(in); err != nil {
				return err
			}
			if !fed[in] && late[in.op] {
				isLate = true
			}
		}
		for _, c := range op.control {
			if err := visit(c); err != nil {
				return err
			}
			if late[c] {
				isLate = true
			}
		}
		state[op] = 2
		if isLate {
			late[op] = true
			deferred = append(deferred, op)
		} else {
			early = append(early, op)
		}
		return nil
	}
	for _, t := range fetches {
		root = "fetching " + t.Name()
		if err := visitTensor(t); err != nil {
			return nil, err
		}
	}
	for _, op := range targets {
		root = "running " + op.name
		if err := visit(op); err != nil {
			return nil, err
		}
	}
	order := append(early, deferred...)

	// Slots and concrete specs.
	slotOf := map[*Tensor]int32{}
	var specs []TensorSpec
	newSlot := func(t *Tensor, s TensorSpec) int32 {
		i := int32(len(specs))
		slotOf[t] = i
		specs = append(specs, s)
		p.slots = append(p.slots, nil)
		return i
	}
	for t, v := range feeds {
		i := newSlot(t, TensorSpec{v.DType(), v.Shape().Clone()})
		p.feedSlot[t] = i
	}
	defer func() {
		// only tf's typed panics: a bug keeps its stack
		if perr := caught(recover()); perr != nil {
			p, err = nil, fmt.Errorf("tf: Session.Run: compiling the graph for the fed shapes: %w", perr)
		}
	}()
	const (
		kindPool = iota
		kindFixed
	)
	kind := []int8{}
	for range specs {
		kind = append(kind, kindFixed)
	}
	type stepInfo struct {
		op  *Operation
		in  []int32
		out []int32
	}
	var infos []stepInfo
	for _, op := range order {
		in := make([]TensorSpec, len(op.inputs))
		inIdx := make([]int32, len(op.inputs))
		for i, t := range op.inputs {
			idx, ok := slotOf[t]
			if !ok {
				panic(fmt.Sprintf("internal: input %s of %s has no slot", t.Name(), op.name))
			}
			inIdx[i] = idx
			in[i] = specs[idx]
		}
		var outs []TensorSpec
		if op.def.Constant {
			v := op.aTensor(0)
			outs = []TensorSpec{{v.DType(), v.Shape()}}
		} else {
			outs = op.def.Infer(op, in)
		}
		outIdx := make([]int32, len(op.outputs))
		for i, t := range op.outputs {
			if _, isFed := fed[t]; isFed {
				// The op runs for another output: give this one a scratch
				// slot so that readers keep seeing the fed value.
				fedSlot := slotOf[t]
				outIdx[i] = newSlot(t, outs[i])
				slotOf[t] = fedSlot
			} else {
				outIdx[i] = newSlot(t, outs[i])
			}
			k := int8(kindPool)
			if op.def.SetsOutputs || op.def.View || op.def.Constant {
				k = kindFixed
			}
			kind = append(kind, k)
		}
		if op.def.Constant {
			p.slots[outIdx[0]] = op.aTensor(0)
			continue
		}
		if op.def.ControlOnly {
			continue
		}
		infos = append(infos, stepInfo{op, inIdx, outIdx})
	}
	for _, t := range fetches {
		p.fetchSlots = append(p.fetchSlots, slotOf[t])
	}

	// Liveness: the last step reading each slot; views extend their source.
	root2 := make([]int32, len(specs)) // storage owner of each slot
	for i := range root2 {
		root2[i] = int32(i)
	}
	for _, si := range infos {
		if si.op.def.View {
			root2[si.out[0]] = root2[si.in[0]]
		}
	}
	last := make([]int, len(specs))
	for i := range last {
		last[i] = -1
	}
	for k, si := range infos {
		for _, s := range si.in {
			last[root2[s]] = k
		}
	}
	for _, s := range p.fetchSlots {
		last[root2[s]] = len(infos) + 1 // fetched: never reused
	}
	pool := map[poolKey][]*tensor.Tensor{}
	buf := make([]*tensor.Tensor, len(specs)) // storage of pool slots
	for k, si := range infos {
		for _, s := range si.out {
			if kind[s] != kindPool || int(s) < len(p.feedSlot) {
				continue
			}
			sp := specs[s]
			key := poolKey{sp.DType, sp.Shape.NumElements()}
			var b *tensor.Tensor
			if free := pool[key]; len(free) > 0 {
				b = free[len(free)-1]
				pool[key] = free[:len(free)-1]
			} else {
				b = sess.alloc.Allocate(sp.DType, sp.Shape.NumElements())
			}
			buf[s] = b
			p.slots[s] = b.Reshape(sp.Shape...)
			if last[s] < 0 {
				last[s] = k // unused output: free after this step
			}
		}
		release := func(s int32) {
			r := root2[s]
			if last[r] == k && buf[r] != nil {
				sp := specs[r]
				key := poolKey{sp.DType, sp.Shape.NumElements()}
				pool[key] = append(pool[key], buf[r])
				buf[r] = nil
			}
		}
		for _, s := range si.in {
			release(s)
		}
		for _, s := range si.out {
			release(s)
		}
	}

	// Steps.
	p.steps = make([]step, len(infos))
	for k, si := range infos {
		st := &p.steps[k]
		st.op = si.op
		st.device, st.kernel = placeOp(si.op, sess.device)
		st.inIdx, st.outIdx = si.in, si.out
		st.in = make([]*tensor.Tensor, len(si.in))
		st.out = make([]*tensor.Tensor, len(si.out))
		for j, s := range si.out {
			st.out[j] = p.slots[s]
		}
		st.dyn = si.op.def.SetsOutputs
		if si.op.def.View {
			st.view = true
			st.viewShape = specs[si.out[0]].Shape
			if src := p.slots[si.in[0]]; src != nil && kind[si.in[0]] == kindPool {
				st.viewSrc = src
				st.viewOut = src.Reshape(st.viewShape...)
			}
		}
	}
	p.results = make([]*tensor.Tensor, len(fetches))
	if sess.logPlacement {
		if sess.logged == nil {
			sess.logged = map[*Operation]bool{}
		}
		for _, op := range order {
			if !sess.logged[op] {
				sess.logged[op] = true
				dev, _ := placeOp(op, sess.device)
				fmt.Fprintf(sess.logW, "%s: (%s): %s\n", op.name, op.def.Type, dev)
			}
		}
	}
	return p, nil
}

type poolKey struct {
	dtype tensor.DType
	n     int
}
