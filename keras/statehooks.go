package keras

import (
	"encoding"
	"encoding/json"
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// RandomGenerator is a random generator whose state can be saved and put
// back, as *rand.PCG's can.
type RandomGenerator interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// RandomGenerators, when not nil, returns the generators a graph's ops
// draw from when they run (the masks of Dropout ops, and any other op
// drawing random numbers at run time), each keyed by a name that is the
// same in every process that builds the same model code in the same order
// (such as the op's name). A training checkpoint (BackupAndRestore) saves
// each generator's MarshalBinary and restores it with UnmarshalBinary, so
// that a resumed run draws what the uninterrupted run would have drawn.
// While it is nil, a model whose graph has Dropout ops resumes with fresh
// masks (restoring says so once): its resumed run is a valid run, but not
// the same bits as an uninterrupted one. The default takes tf's streams
// (tf.RandomStates), keyed by op type and position among the graph's random
// ops ("Dropout/0", "Dropout/1", ...), which are the same wherever the same
// code builds the model, even where automatic layer names differ.
var RandomGenerators = tfRandomGenerators

func tfRandomGenerators(g *tf.Graph) map[string]RandomGenerator {
	out := map[string]RandomGenerator{}
	if g == nil {
		return out
	}
	n := map[string]int{}
	for _, r := range tf.RandomStates(g) {
		typ := r.Op.Type()
		out[fmt.Sprintf("%s/%d", typ, n[typ])] = r.State
		n[typ]++
	}
	return out
}

// randomOpTypes are the op types that draw at run time.
var randomOpTypes = map[string]bool{"Dropout": true}

func hasRandomOps(g *tf.Graph) bool {
	if g == nil {
		return false
	}
	for _, op := range g.Operations() {
		if randomOpTypes[op.Type()] {
			return true
		}
	}
	return false
}

// CallbackState is the part of a training checkpoint one callback keeps:
// a JSON value and named tensors.
type CallbackState struct {
	// Value is any JSON-encodable value (use JSONFloat for floats that may
	// be infinite or NaN).
	Value any
	// Tensors are saved as they are (their keys must be plain names).
	Tensors map[string]*tensor.Tensor
}

// A StatefulCallback is a callback whose state a training checkpoint
// (BackupAndRestore) saves and restores, so that a resumed run behaves as
// if it had never stopped: EarlyStopping's best value and wait, for
// example. RestoreState runs after every callback's OnTrainBegin.
type StatefulCallback interface {
	Callback
	// SaveState returns the callback's state now.
	SaveState() (CallbackState, error)
	// RestoreState puts back a saved state: value holds the JSON of
	// CallbackState.Value, tensors the saved tensors.
	RestoreState(value json.RawMessage, tensors map[string]*tensor.Tensor) error
}
