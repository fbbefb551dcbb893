package tf

import (
	"fmt"
	"sort"

	"github.com/tensorgo/tensorgo/tensor"
)

// AttrType is the type of an op attribute.
type AttrType uint8

// The attribute types, with the Go type each value has.
const (
	AttrInt    AttrType = iota + 1 // int
	AttrFloat                      // float64
	AttrBool                       // bool
	AttrString                     // string
	AttrInts                       // []int (nil allowed)
	AttrFloats                     // []float64 (nil allowed)
	AttrDType                      // tensor.DType
	AttrShape                      // tensor.Shape (-1 for unknown dimensions)
	AttrTensor                     // *tensor.Tensor
	AttrAny                        // any Go value (attributes of ops defined outside tf)
)

var attrTypeNames = [...]string{AttrInt: "int", AttrFloat: "float", AttrBool: "bool", AttrString: "string",
	AttrInts: "list(int)", AttrFloats: "list(float)", AttrDType: "type", AttrShape: "shape",
	AttrTensor: "tensor", AttrAny: "any"}

// String returns the type's name as a GraphDef OpDef spells it ("int",
// "list(int)", "type", ...).
func (t AttrType) String() string {
	if t > 0 && int(t) < len(attrTypeNames) {
		return attrTypeNames[t]
	}
	return fmt.Sprintf("AttrType(%d)", uint8(t))
}

// AttrDef declares one attribute of an op: its name, type and the value an
// op gets when none is given. An OpDef lists its attributes in Attrs; an
// op's attribute values are stored in that order, so kernels read them by
// position (Operation.AttrAt) without a map lookup.
type AttrDef struct {
	Name    string
	Type    AttrType
	Default any // a value of Type's Go type, or nil
}

// Attr is one attribute of an op with its value, as Operation.Attrs lists
// them (for a GraphDef writer or an ONNX exporter).
type Attr struct {
	Name  string
	Type  AttrType
	Value any
}

// attrs are attribute values given when an op is built, in the order of
// its OpDef's Attrs; missing trailing values take the defaults.
type attrs []any

// checkAttr converts v to t's Go type, or reports false.
func checkAttr(t AttrType, v any) (any, bool) {
	switch t {
	case AttrInt:
		_, ok := v.(int)
		return v, ok
	case AttrFloat:
		switch x := v.(type) {
		case float64:
			return x, true
		case float32:
			return float64(x), true
		case int:
			return float64(x), true
		}
		return v, false
	case AttrBool:
		_, ok := v.(bool)
		return v, ok
	case AttrString:
		_, ok := v.(string)
		return v, ok
	case AttrInts:
		switch x := v.(type) {
		case []int:
			return x, true
		case tensor.Shape:
			return []int(x), true
		}
		return v, false
	case AttrFloats:
		_, ok := v.([]float64)
		return v, ok
	case AttrDType:
		_, ok := v.(tensor.DType)
		return v, ok
	case AttrShape:
		switch x := v.(type) {
		case tensor.Shape:
			return x, true
		case []int:
			return tensor.Shape(x), true
		}
		return v, false
	case AttrTensor:
		_, ok := v.(*tensor.Tensor)
		return v, ok
	case AttrAny:
		return v, true
	}
	return v, false
}

// setAttrs fills op's attribute values from the positional values a and the
// named values m (ops built with NewOp), checking their types; names the
// OpDef does not declare are kept as extra attributes of type AttrAny.
func (op *Operation) setAttrs(a attrs, m map[string]any) {
	def := op.def
	if len(a) > len(def.Attrs) {
		panic(&AttrError{Op: def.Type, Msg: fmt.Sprintf("%d attribute values for %d declared attributes", len(a), len(def.Attrs))})
	}
	if len(def.Attrs) > 0 {
		op.attrVals = make([]any, len(def.Attrs))
	}
	for i, d := range def.Attrs {
		v := d.Default
		if i < len(a) && a[i] != nil {
			v = a[i]
		}
		if mv, ok := m[d.Name]; ok {
			v = mv
		}
		if v != nil {
			cv, ok := checkAttr(d.Type, v)
			if !ok {
				panic(&AttrError{Op: def.Type, Name: d.Name, Msg: fmt.Sprintf("value %v (%T) is not of type %v", v, v, d.Type)})
			}
			v = cv
		}
		op.attrVals[i] = v
	}
	for k, v := range m {
		if def.attrIndex(k) < 0 {
			if op.extra == nil {
				op.extra = map[string]any{}
			}
			op.extra[k] = v
		}
	}
}

// attrIndex returns the position of the attribute name, or -1.
func (def *OpDef) attrIndex(name string) int {
	for i, d := range def.Attrs {
		if d.Name == name {
			return i
		}
	}
	return -1
}

// Attrs lists the op's attributes: the declared ones in their OpDef's
// order, then any undeclared ones (set through NewOp or SetAttr) sorted by
// name, with type AttrAny.
func (op *Operation) Attrs() []Attr {
	out := make([]Attr, 0, len(op.attrVals)+len(op.extra))
	for i, d := range op.def.Attrs {
		out = append(out, Attr{Name: d.Name, Type: d.Type, Value: op.attrVals[i]})
	}
	names := make([]string, 0, len(op.extra))
	for k := range op.extra {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, Attr{Name: k, Type: AttrAny, Value: op.extra[k]})
	}
	return out
}

// Attr returns the value of the attribute name, or nil.
func (op *Operation) Attr(name string) any {
	if i := op.def.attrIndex(name); i >= 0 {
		return op.attrVals[i]
	}
	return op.extra[name]
}

// AttrAt returns the value of the i-th attribute the op's OpDef declares:
// the kernels' way to read an attribute without a lookup by name.
func (op *Operation) AttrAt(i int) any { return op.attrVals[i] }

// SetAttr sets an attribute. A declared attribute must get a value of its
// type (SetAttr panics with an *AttrError otherwise); an undeclared one is
// kept as an extra attribute (ops defined outside this package).
func (op *Operation) SetAttr(name string, v any) {
	if i := op.def.attrIndex(name); i >= 0 {
		cv, ok := checkAttr(op.def.Attrs[i].Type, v)
		if !ok {
			panic(&AttrError{Op: op.def.Type, Name: name, Msg: fmt.Sprintf("value %v (%T) is not of type %v", v, v, op.def.Attrs[i].Type)})
		}
		op.attrVals[i] = cv
		return
	}
	if op.extra == nil {
		op.extra = map[string]any{}
	}
	op.extra[name] = v
}

// Typed reads of declared attributes by position, for kernels.

func (op *Operation) aInt(i int) int {
	v, _ := op.attrVals[i].(int)
	return v
}

func (op *Operation) aFloat(i int) float64 {
	v, _ := op.attrVals[i].(float64)
	return v
}

func (op *Operation) aString(i int) string {
	v, _ := op.attrVals[i].(string)
	return v
}

func (op *Operation) aBool(i int) bool {
	v, _ := op.attrVals[i].(bool)
	return v
}

func (op *Operation) aInts(i int) []int {
	v, _ := op.attrVals[i].([]int)
	return v
}

func (op *Operation) aShape(i int) tensor.Shape {
	v, _ := op.attrVals[i].(tensor.Shape)
	return v
}

func (op *Operation) aDType(i int) tensor.DType {
	v, _ := op.attrVals[i].(tensor.DType)
	return v
}

func (op *Operation) aTensor(i int) *tensor.Tensor {
	v, _ := op.attrVals[i].(*tensor.Tensor)
	return v
}
