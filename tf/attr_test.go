package tf

import (
	"errors"
	"reflect"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// attrMap turns a listing into name -> (type, value) for comparisons.
func attrMap(as []Attr) map[string]Attr {
	m := map[string]Attr{}
	for _, a := range as {
		m[a.Name] = a
	}
	return m
}

func TestOpAttrsAreListed(t *testing.T) {
	g := NewGraph()
	a := Placeholder(g, Float32, Shape{2, 3}, Name("a"))
	b := Placeholder(g, Float32, Shape{2, 3}, Name("b"))
	mm := MatMul(a, b, TransposeB(true)).Op()
	got := mm.Attrs()
	want := []Attr{{"transpose_a", AttrBool, false}, {"transpose_b", AttrBool, true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MatMul attrs %v, want %v", got, want)
	}
	sum := ReduceSum(a, []int{-1}, true).Op()
	want = []Attr{{"axes", AttrInts, []int{1}}, {"keep_dims", AttrBool, true}}
	if got := sum.Attrs(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sum attrs %v, want %v", got, want)
	}
	if v := sum.Attr("keep_dims"); v != true {
		t.Errorf(`Attr("keep_dims") = %v`, v)
	}
	if v := sum.Attr("nope"); v != nil {
		t.Errorf(`Attr("nope") = %v, want nil`, v)
	}
	ph := attrMap(a.Op().Attrs())
	if ph["dtype"].Value != Float32 || ph["dtype"].Type != AttrDType || !reflect.DeepEqual(ph["shape"].Value, tensor.Shape{2, 3}) {
		t.Errorf("Placeholder attrs %v", a.Op().Attrs())
	}
	// Defaults fill what a builder does not give.
	oh := OneHot(Placeholder(g, Int32, Shape{4}), 3, Float64).Op()
	m := attrMap(oh.Attrs())
	if m["depth"].Value != 3 || m["on_value"].Value != 1.0 || m["off_value"].Value != 0.0 || m["axis"].Value != -1 || m["dtype"].Value != Float64 {
		t.Errorf("OneHot attrs %v", oh.Attrs())
	}
	if d := LookupOp("MatMul").Attrs; len(d) != 2 || d[0] != (AttrDef{"transpose_a", AttrBool, false}) {
		t.Errorf("MatMul's OpDef declares %v", d)
	}
	// AttrTypes print as a GraphDef spells them.
	if AttrInts.String() != "list(int)" || AttrDType.String() != "type" {
		t.Errorf("type names %v %v", AttrInts, AttrDType)
	}
}

func TestNewOpAttrsAndSetAttr(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{2})
	// NewOp: declared attributes by name (type-checked), undeclared ones
	// kept as extras and listed after the declared ones, by name.
	op := NewOp("Softmax", []*Tensor{x}, map[string]any{"axis": 0, "z_note": "hi", "a_note": 7})
	got := op.Attrs()
	want := []Attr{{"axis", AttrInt, 0}, {"a_note", AttrAny, 7}, {"z_note", AttrAny, "hi"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attrs %v, want %v", got, want)
	}
	if op.Attr("z_note") != "hi" {
		t.Errorf("Attr(z_note) = %v", op.Attr("z_note"))
	}
	op.SetAttr("other", 1.5)
	if op.Attr("other") != 1.5 {
		t.Errorf("SetAttr of an undeclared attribute: %v", op.Attr("other"))
	}
	err := Catch(func() { op.SetAttr("axis", "not an int") })
	var ae *AttrError
	if !errors.As(err, &ae) || ae.Op != "Softmax" || ae.Name != "axis" {
		t.Errorf("SetAttr with a wrong type: %v", err)
	}
	err = Catch(func() { NewOp("MatMul", []*Tensor{x, x}, map[string]any{"transpose_a": 1}) })
	if !errors.As(err, &ae) || ae.Name != "transpose_a" {
		t.Errorf("NewOp with a wrong attribute type: %v", err)
	}
}

// A new op's attributes are one declaration: here a Conv2D-like op whose
// kernel reads strides, padding and dilations by position.
func TestDeclaringAttributes(t *testing.T) {
	def := &OpDef{Type: "AttrTestConv", Host: true,
		Attrs: []AttrDef{{"strides", AttrInts, []int{1, 1}}, {"padding", AttrString, "VALID"}, {"dilations", AttrInts, []int{1, 1}}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{in[0]} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			out[0].FillValue(float64(op.aInts(0)[0]*10 + len(op.AttrAt(1).(string))))
			return nil
		},
	}
	RegisterOp(def)
	fwdExempt[def.Type] = true
	op := NewOp(def.Type, []*Tensor{Constant([]float32{0, 0})}, map[string]any{"strides": []int{2, 2}, "padding": "SAME"})
	y := op.Output(0)
	if v := y.Value().Float(0); v != 24 {
		t.Errorf("kernel read strides and padding as %v, want 24", v)
	}
	m := attrMap(op.Attrs())
	if !reflect.DeepEqual(m["dilations"].Value, []int{1, 1}) || m["padding"].Value != "SAME" {
		t.Errorf("attrs %v", op.Attrs())
	}
}

func TestOpProperties(t *testing.T) {
	for _, c := range []struct {
		typ  string
		prop func(*OpDef) bool
	}{
		{"VariableV2", func(d *OpDef) bool { return d.ReadsVariable && d.Host && !d.AssignsVariable }},
		{"Assign", func(d *OpDef) bool { return d.AssignsVariable && !d.ReadsVariable }},
		{"ApplyAdam", func(d *OpDef) bool { return d.AssignsVariable && d.Stateful }},
		{"Const", func(d *OpDef) bool { return d.Constant && d.Host }},
		{"Placeholder", func(d *OpDef) bool { return d.Fed && d.Host }},
		{"NoOp", func(d *OpDef) bool { return d.ControlOnly }},
		{"Reshape", func(d *OpDef) bool { return d.View && !d.Host }},
		{"Dropout", func(d *OpDef) bool { return d.Stateful && !d.AssignsVariable }},
	} {
		if !c.prop(LookupOp(c.typ)) {
			t.Errorf("%s: properties %+v", c.typ, *LookupOp(c.typ))
		}
	}
}
