package optimizers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// varSlots is one trained variable's optimizer state: its slots by the
// optimizer's slot index (nil where the configuration does not use one)
// and, with UseEMA, its moving average.
type varSlots struct {
	vars    []*tf.Variable
	average *tf.Variable
}

// newSlot makes an eager, non-trainable variable shaped like v, filled
// with init and named after v and the slot.
func newSlot(v *tf.Variable, name string, init float64) *tf.Variable {
	val := tensor.Fill(v.DType(), init, v.Shape()...)
	return tf.NewVariable(nil, val, tf.Name(v.OpName()+"/"+name), tf.Trainable(false))
}

// slotsFor returns v's slots, creating them on first use.
func (b *base) slotsFor(v *tf.Variable) *varSlots {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.slotsLocked(v)
}

func (b *base) slotsLocked(v *tf.Variable) *varSlots {
	if s, ok := b.slots[v]; ok {
		return s
	}
	s := &varSlots{vars: make([]*tf.Variable, len(b.slotNames))}
	for i, n := range b.slotNames {
		if b.slotUsed != nil && !b.slotUsed(i) {
			continue
		}
		init := 0.0
		if b.slotInit != nil {
			init = b.slotInit(i)
		}
		s.vars[i] = newSlot(v, n, init)
	}
	if b.cfg.useEMA {
		s.average = newSlot(v, "average", 0)
	}
	b.slots[v] = s
	b.order = append(b.order, v)
	return s
}

func (b *base) Build(vars []*tf.Variable) error {
	for i, v := range vars {
		if v == nil {
			return fmt.Errorf("optimizers: %s: Build: variable %d of %d is nil", b.name, i, len(vars))
		}
		if !v.DType().IsFloat() {
			return fmt.Errorf("optimizers: %s: Build: variable %s is %v; optimizers train floating-point variables", b.name, v.Name(), v.DType())
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, v := range vars {
		b.slotsLocked(v)
	}
	return nil
}

func (b *base) Slots(v *tf.Variable) []Slot {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.slots[v]
	if s == nil {
		return nil
	}
	var out []Slot
	for i, sv := range s.vars {
		if sv != nil {
			out = append(out, Slot{Name: b.slotNames[i], Variable: sv})
		}
	}
	if s.average != nil {
		out = append(out, Slot{Name: "average", Variable: s.average})
	}
	return out
}

func (b *base) Variables() []*tf.Variable {
	out := append([]*tf.Variable{b.iters}, b.extra...)
	b.mu.Lock()
	order := append([]*tf.Variable(nil), b.order...)
	b.mu.Unlock()
	for _, v := range order {
		for _, s := range b.Slots(v) {
			out = append(out, s.Variable)
		}
	}
	return out
}

func (b *base) FinalizeVariableValues(vars []*tf.Variable) error {
	if !b.cfg.useEMA {
		return nil
	}
	for _, v := range vars {
		b.mu.Lock()
		s := b.slots[v]
		b.mu.Unlock()
		if s == nil || s.average == nil {
			return fmt.Errorf("optimizers: %s: FinalizeVariableValues: variable %s has no moving average (it was never built or updated by this optimizer)", b.name, v.Name())
		}
		if err := v.SetValue(s.average.Value()); err != nil {
			return fmt.Errorf("optimizers: %s: FinalizeVariableValues: %w", b.name, err)
		}
	}
	return nil
}
