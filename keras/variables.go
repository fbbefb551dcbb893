package keras

import (
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tf"
)

// NamedVariable is one variable of a model with its key.
type NamedVariable struct {
	// Key is the variable's path in the model, "<layer key>/<weight
	// name>" ("dense/kernel", "resnet_block/conv2d/kernel"): it depends only
	// on the model's code, not on the automatic layer names of the process
	// (see the keras/layers documentation, "Weight paths").
	Key      string
	Variable *tf.Variable
	// Trainable reports whether Fit updates the variable now (its layer is
	// trainable and it was created trainable).
	Trainable bool
}

// NamedVariables returns the model's weights with keys that are unique in
// the model and the same in every process for the same model code, the keys
// for checkpoints. Layer keys are the layers' Name options, or their
// snake-case class names made unique within this model only (the first
// Dense "dense", the second "dense_1"), so they differ from the display
// names Summary shows ("dense_7") when other models were built before. A
// subclassed model's layers are known once it is built.
func (m *Model) NamedVariables() []NamedVariable {
	nw := layers.NamedWeights(m.layerList...)
	out := make([]NamedVariable, len(nw))
	for i, w := range nw {
		out[i] = NamedVariable{Key: w.Path, Variable: w.Var, Trainable: w.Var.Trainable()}
	}
	return out
}
