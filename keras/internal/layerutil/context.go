package layerutil

import (
	"sync"

	"github.com/tensorgo/tensorgo/tf"
)

// Call describes one finished layer call, as a model's Hook sees it.
type Call struct {
	Layer   any          // the layers.Layer called
	Parent  any          // the layer whose Call made this call, or nil
	Inputs  []*tf.Tensor // what it was called on
	Output  *tf.Tensor   // what it returned
	Updates []*tf.Operation
	// Penalty is the activity-regularization penalty of Output, or nil.
	Penalty *tf.Tensor
	// KeyBase is what the layer's key in a model starts from: its Name
	// option (Named true) or its snake-case class name.
	KeyBase string
	Named   bool
}

// Hook is called after every layer call in a graph while a model runs its
// layers (see WithTraining).
type Hook func(c Call)

// The call context per graph (nil: eager). Building a graph is
// single-goroutine, so a model can set the context while its layers are
// called, as Keras's call context, without goroutine-local state.
type context struct {
	training bool
	hasMode  bool
	hook     Hook
	stack    []any // layers whose Call is running, innermost last
}

var (
	ctxMu sync.Mutex
	ctxs  = map[*tf.Graph]*context{}
)

func ctxOf(g *tf.Graph) *context {
	c := ctxs[g]
	if c == nil {
		c = &context{}
		ctxs[g] = c
	}
	return c
}

// drop forgets g's context once nothing is set in it.
func drop(g *tf.Graph, c *context) {
	if !c.hasMode && c.hook == nil && len(c.stack) == 0 {
		delete(ctxs, g)
	}
}

// WithTraining runs fn with the training flag of graph g (nil: eager) set:
// layers applied in g inside fn without an explicit flag see it. It also
// installs hook (if not nil), called after every layer call in g, before
// the hook of an enclosing WithTraining: a model called inside another
// model's Call shows its layer calls to both models.
func WithTraining(g *tf.Graph, training bool, hook Hook, fn func()) {
	ctxMu.Lock()
	c := ctxOf(g)
	oldMode, hadMode, oldHook := c.training, c.hasMode, c.hook
	c.training, c.hasMode = training, true
	if hook != nil && oldHook != nil {
		c.hook = func(call Call) {
			hook(call)
			oldHook(call)
		}
	} else if hook != nil {
		c.hook = hook
	}
	ctxMu.Unlock()
	defer func() {
		ctxMu.Lock()
		c := ctxOf(g)
		c.training, c.hasMode, c.hook = oldMode, hadMode, oldHook
		drop(g, c)
		ctxMu.Unlock()
	}()
	fn()
}

// Training reports the training flag in effect for g.
func Training(g *tf.Graph) bool {
	ctxMu.Lock()
	defer ctxMu.Unlock()
	if c := ctxs[g]; c != nil {
		return c.training
	}
	return false
}

// HookOf returns the hook in effect for g, or nil.
func HookOf(g *tf.Graph) Hook {
	ctxMu.Lock()
	defer ctxMu.Unlock()
	if c := ctxs[g]; c != nil {
		return c.hook
	}
	return nil
}

// Enter records that layer's Call is running in g and returns the layer
// that was running before it: its parent, nil at the top. Exit(g) ends the
// call.
func Enter(g *tf.Graph, layer any) (parent any) {
	ctxMu.Lock()
	defer ctxMu.Unlock()
	c := ctxOf(g)
	if n := len(c.stack); n > 0 {
		parent = c.stack[n-1]
	}
	c.stack = append(c.stack, layer)
	return parent
}

// Exit ends the innermost call Enter recorded in g.
func Exit(g *tf.Graph) {
	ctxMu.Lock()
	defer ctxMu.Unlock()
	c := ctxOf(g)
	if len(c.stack) == 0 {
		panic("layerutil: Exit without Enter")
	}
	c.stack[len(c.stack)-1] = nil
	c.stack = c.stack[:len(c.stack)-1]
	drop(g, c)
}
