package layers

import (
	"runtime"
	"sync"
	"weak"

	"github.com/tensorgo/tensorgo/tf"
)

// masks maps a layer output to its Keras mask (Keras's _keras_mask): a
// bool tensor (batch, steps), true where a step holds data. Entries go away
// with their tensor.
var masks sync.Map // weak.Pointer[tf.Tensor] → *tf.Tensor

// SetMask attaches a mask to t: a bool tensor (batch, steps), true where a
// step holds data, which the recurrent layers applied to t read (Keras's
// compute_mask; Embedding with MaskZero and Masking call it). A nil mask
// removes t's mask.
func SetMask(t, mask *tf.Tensor) {
	if t == nil {
		return
	}
	key := weak.Make(t)
	if mask == nil {
		masks.Delete(key)
		return
	}
	if _, loaded := masks.Swap(key, mask); !loaded {
		runtime.AddCleanup(t, func(k weak.Pointer[tf.Tensor]) { masks.Delete(k) }, key)
	}
}

// MaskOf returns the mask attached to t by SetMask, or nil.
func MaskOf(t *tf.Tensor) *tf.Tensor {
	if t == nil {
		return nil
	}
	if m, ok := masks.Load(weak.Make(t)); ok {
		return m.(*tf.Tensor)
	}
	return nil
}
