package keras

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/internal/hdf5"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// weightGroup is one layer as Keras's weights file stores it: the group
// /layers/<key>/vars holding its variables as datasets "0", "1", ... in
// Keras's order (layers.KerasVariables). layer is nil for a functional
// model's input, which has an empty group.
type weightGroup struct {
	key   string
	name  string
	layer layers.Layer
}

// groups returns the layer's variables as the weights file groups them
// below /layers/<key> (layers.KerasWeightGroups): one group "vars" for
// most layers, "cell/vars" for a recurrent layer, several for a wrapper.
func (g weightGroup) groups() []layers.WeightGroup {
	if g.layer == nil {
		return nil
	}
	return layers.KerasWeightGroups(g.layer)
}

// parentVarsGroups returns the "vars" groups Keras 3 writes (empty) for
// every object above a variable group: "forward_layer/vars" above
// "forward_layer/cell/vars".
func parentVarsGroups(path string) []string {
	parts := strings.Split(strings.TrimSuffix(path, "/vars"), "/")
	var out []string
	for i := 1; i < len(parts); i++ {
		out = append(out, strings.Join(parts[:i], "/")+"/vars")
	}
	return out
}

// weightGroups returns the model's layers with their keys in the weights
// file, in the order Keras gives them: a Sequential model's layers (its
// input is not a layer there), a functional model's operations inputs
// included (see kerasFunctionalOrder), a subclassed model's layers in the
// order its Call first used them (Keras uses the order of attribute
// assignment, which is usually the same).
func (m *Model) weightGroups() ([]weightGroup, error) {
	var ls []layers.Layer
	var ins []*tf.Tensor
	switch m.kind {
	case sequentialModel:
		ls = m.seq
	case functionalModel:
		for _, o := range m.kerasFunctionalOrder() {
			ls = append(ls, o.layer)
			ins = append(ins, o.in)
		}
	default:
		ls = m.layerList
	}
	classes := make([]string, len(ls))
	for i, l := range ls {
		if l == nil {
			classes[i] = "InputLayer"
			continue
		}
		b := l.LayerBase()
		if len(b.Sublayers()) > 0 {
			return nil, fmt.Errorf("keras: layer %s (%s) calls other layers: Keras's weights layout for nested layers is not supported yet", b.Name(), b.ClassName())
		}
		classes[i] = b.ClassName()
	}
	keys := weightKeys(classes)
	out := make([]weightGroup, len(ls))
	for i, l := range ls {
		if l == nil {
			out[i] = weightGroup{key: keys[i], name: ins[i].Op().Name()}
		} else {
			out[i] = weightGroup{key: keys[i], name: l.LayerBase().Name(), layer: l}
		}
	}
	return out, nil
}

// writeWeights writes the model's variables in Keras 3's layout (and, if
// opt is not nil and built, the optimizer's under /optimizer/vars).
func writeWeights(w *hdf5.Writer, modelName string, groups []weightGroup, opt Optimizer) error {
	if _, err := w.Group("layers"); err != nil {
		return err
	}
	for _, g := range groups {
		gw, err := w.Group("layers/" + g.key + "/vars")
		if err != nil {
			return err
		}
		if err := gw.SetAttr("name", g.name); err != nil {
			return err
		}
		for _, vg := range g.groups() {
			if vg.Path == "vars" {
				if err := writeVars(gw, g.name, vg.Vars); err != nil {
					return err
				}
				continue
			}
			for _, p := range parentVarsGroups(vg.Path) {
				if _, err := w.Group("layers/" + g.key + "/" + p); err != nil {
					return err
				}
			}
			vw, err := w.Group("layers/" + g.key + "/" + vg.Path)
			if err != nil {
				return err
			}
			if err := writeVars(vw, g.name, vg.Vars); err != nil {
				return err
			}
		}
	}
	root, err := w.Group("vars")
	if err != nil {
		return err
	}
	if err := root.SetAttr("name", modelName); err != nil {
		return err
	}
	if opt == nil {
		return nil
	}
	vals := optimizerValues(opt)
	if vals == nil {
		return nil
	}
	ow, err := w.Group("optimizer/vars")
	if err != nil {
		return err
	}
	if err := ow.SetAttr("name", strings.ToLower(opt.Name())); err != nil {
		return err
	}
	for i, t := range vals {
		if err := writeVar(ow, strconv.Itoa(i), t); err != nil {
			return fmt.Errorf("keras: writing the optimizer: %w", err)
		}
	}
	return nil
}

// optimizerValues returns the optimizer's state in Keras 3's order:
// iteration (int64), learning_rate (float32), then its other variables
// (slots per trained variable). nil for an optimizer with no slots yet.
func optimizerValues(opt Optimizer) []*tensor.Tensor {
	vars := opt.Variables()
	if len(vars) <= 1 {
		return nil
	}
	out := []*tensor.Tensor{tensor.Scalar(opt.Iterations()), tensor.Scalar(float32(opt.LearningRate()))}
	for _, v := range vars[1:] {
		out = append(out, v.Value())
	}
	return out
}

// writeVars writes vars as datasets "0", "1", ... of g.
func writeVars(g *hdf5.GroupWriter, layer string, vars []*tf.Variable) error {
	for i, v := range vars {
		if err := writeVar(g, strconv.Itoa(i), v.Value()); err != nil {
			return fmt.Errorf("keras: writing %s: %w", layer, err)
		}
	}
	return nil
}

func writeVar(g *hdf5.GroupWriter, name string, t *tensor.Tensor) error {
	dt, ok := h5DType(t.DType())
	if !ok {
		return fmt.Errorf("variable of dtype %v cannot be stored", t.DType())
	}
	_, err := g.CreateDataset(name, dt, []int(t.Shape()), t.Bytes())
	return err
}

func h5DType(d tensor.DType) (hdf5.DType, bool) {
	switch d {
	case tensor.Float32:
		return hdf5.Float32, true
	case tensor.Float64:
		return hdf5.Float64, true
	case tensor.Int32:
		return hdf5.Int32, true
	case tensor.Int64:
		return hdf5.Int64, true
	case tensor.Uint8:
		return hdf5.Uint8, true
	case tensor.Float16:
		return hdf5.Float16, true
	}
	return hdf5.Invalid, false
}

// readWeights reads every group's variables from a Keras weights file and
// sets them, checking counts and shapes; nothing is set unless all of them
// read. With opt (built) and an /optimizer/vars group of the right size,
// the optimizer's state is restored too.
func readWeights(f *hdf5.File, what string, groups []weightGroup, opt Optimizer) error {
	root := f.Root()
	type assign struct {
		v   *tf.Variable
		val *tensor.Tensor
	}
	var todo []assign
	known := map[string]bool{}
	for _, g := range groups {
		known[g.key] = true
		for _, vg := range g.groups() {
			vars := vg.Vars
			path := "layers/" + g.key + "/" + vg.Path
			grp, ok := root.Group(path)
			if !ok {
				if len(vars) == 0 {
					continue
				}
				return fmt.Errorf("keras: %s has no group /%s for layer %s (%d variables)", what, path, g.name, len(vars))
			}
			if n := len(grp.Datasets()); n != len(vars) {
				return fmt.Errorf("keras: %s: layer %s expects %d variables, but /%s holds %d", what, g.name, len(vars), path, n)
			}
			for i, v := range vars {
				ds, ok := grp.Dataset(strconv.Itoa(i))
				if !ok {
					return fmt.Errorf("keras: %s: /%s has no dataset %d", what, path, i)
				}
				val, err := readTensor(ds, v.DType(), v.Shape())
				if err != nil {
					return fmt.Errorf("keras: %s: layer %s variable %d (%s) in /%s: %w", what, g.name, i, v.OpName(), path, err)
				}
				todo = append(todo, assign{v, val})
			}
		}
	}
	if lg, ok := root.Group("layers"); ok {
		var extra []string
		for _, sub := range lg.Groups() {
			if known[sub.Name] {
				continue
			}
			if holdsDatasets(sub, 0) {
				extra = append(extra, sub.Name)
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			return fmt.Errorf("keras: %s has weights for layers the model does not have: %s", what, strings.Join(extra, ", "))
		}
	}
	var optVals []*tensor.Tensor
	if opt != nil {
		optVals = readOptimizer(root, opt)
	}
	for _, a := range todo {
		if err := a.v.SetValue(a.val); err != nil {
			return fmt.Errorf("keras: %s: %w", what, err)
		}
	}
	if optVals != nil {
		vars := opt.Variables()
		// iteration, learning_rate, then the rest as tensorgo lists them.
		if err := vars[0].SetValue(tensor.Cast(optVals[0], vars[0].DType())); err != nil {
			return fmt.Errorf("keras: %s: optimizer: %w", what, err)
		}
		opt.SetLearningRate(optVals[1].Float(0))
		for i, v := range vars[1:] {
			if err := v.SetValue(optVals[i+2]); err != nil {
				return fmt.Errorf("keras: %s: optimizer: %w", what, err)
			}
		}
	}
	return nil
}

// holdsDatasets reports whether g or a group below it (at most 8 levels
// down, deeper than any Keras layer nests its variables) holds a dataset.
func holdsDatasets(g *hdf5.Group, depth int) bool {
	if len(g.Datasets()) > 0 {
		return true
	}
	if depth >= 8 {
		return false
	}
	for _, sub := range g.Groups() {
		if holdsDatasets(sub, depth+1) {
			return true
		}
	}
	return false
}

// readOptimizer returns the optimizer state stored in the file when it
// fits opt exactly (as Keras, which skips a mismatched optimizer with a
// warning, tensorgo then keeps the fresh state), or nil.
func readOptimizer(root *hdf5.Group, opt Optimizer) []*tensor.Tensor {
	grp, ok := root.Group("optimizer/vars")
	vars := opt.Variables()
	if !ok || len(vars) <= 1 || len(grp.Datasets()) != len(vars)+1 {
		return nil
	}
	out := make([]*tensor.Tensor, len(vars)+1)
	for i := range out {
		ds, ok := grp.Dataset(strconv.Itoa(i))
		if !ok {
			return nil
		}
		var dt tensor.DType
		var shape tensor.Shape
		switch i {
		case 0:
			dt = tensor.Int64
		case 1:
			dt = tensor.Float64
		default:
			dt, shape = vars[i-1].DType(), vars[i-1].Shape()
		}
		t, err := readTensor(ds, dt, shape)
		if err != nil {
			return nil
		}
		out[i] = t
	}
	return out
}

// readTensor reads a dataset as a tensor of dtype and shape, converting
// between float32 and float64 (and integer widths) as Keras does when it
// assigns values to variables.
func readTensor(ds *hdf5.Dataset, dtype tensor.DType, shape tensor.Shape) (*tensor.Tensor, error) {
	if !sameShape(ds.Shape, shape) {
		return nil, fmt.Errorf("the file's value has shape %v, want %v", ds.Shape, []int(shape))
	}
	if h, ok := h5DType(dtype); ok && h == ds.DType {
		raw, err := ds.ReadRaw()
		if err != nil {
			return nil, err
		}
		return tensor.FromBytes(dtype, raw, shape...)
	}
	v, err := ds.Read()
	if err != nil {
		return nil, err
	}
	var fs []float64
	switch x := v.(type) {
	case []float32:
		fs = make([]float64, len(x))
		for i, e := range x {
			fs[i] = float64(e)
		}
	case []float64:
		fs = x
	case []int64:
		fs = make([]float64, len(x))
		for i, e := range x {
			fs[i] = float64(e)
		}
	case []int32:
		fs = make([]float64, len(x))
		for i, e := range x {
			fs[i] = float64(e)
		}
	default:
		return nil, fmt.Errorf("the file's value is %v, which cannot be converted to %v", ds.DType, dtype)
	}
	if len(fs) != shape.NumElements() {
		return nil, fmt.Errorf("the file's value has %d elements, want %d", len(fs), shape.NumElements())
	}
	out := tensor.New(dtype, shape...)
	for i, f := range fs {
		if dtype.IsInteger() && (math.IsNaN(f) || f != math.Trunc(f)) {
			return nil, fmt.Errorf("the file's value %v is not an integer", f)
		}
		out.SetFloat(i, f)
	}
	return out, nil
}

func sameShape(a []int, b tensor.Shape) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
