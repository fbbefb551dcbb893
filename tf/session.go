package tf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// Feeds maps graph tensors (usually placeholders) to the values they take in
// one Session.Run.
type Feeds map[*Tensor]*tensor.Tensor

// SessionOption configures a Session.
type SessionOption func(*Session)

// LogDevicePlacement makes the session print, when it compiles a plan, the
// device of every op it runs (as TensorFlow's log_device_placement).
func LogDevicePlacement(b bool) SessionOption { return func(s *Session) { s.logPlacement = b } }

// LogWriter sets where LogDevicePlacement writes (default os.Stderr).
func LogWriter(w io.Writer) SessionOption { return func(s *Session) { s.logW = w } }

// Session runs a graph. Each distinct Run signature (fetches, targets, and
// the fed tensors with their shapes) is compiled once into a plan (execution
// order, buffers reused by liveness) that later runs replay; a steady-state
// Run allocates nothing. Run may be called from several goroutines: each
// concurrent call gets its own plan instance.
type Session struct {
	graph        *Graph
	logPlacement bool
	logW         io.Writer
	device       string    // device of ops that name none ("" for the CPU)
	alloc        Allocator // where plans get their buffers

	mu       sync.Mutex
	plans    map[uint64][]*plan
	compiles int
	closed   bool
	logged   map[*Operation]bool
}

// NewSession returns a session running g. Eager code needs no session: a
// nil g panics with a *GraphError (TF1-style code passes DefaultGraph()).
func NewSession(g *Graph, opts ...SessionOption) *Session {
	if g == nil {
		panic(nilGraph("NewSession"))
	}
	s := &Session{graph: g, plans: map[uint64][]*plan{}, logW: os.Stderr, alloc: HostAllocator{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Graph returns the session's graph.
func (s *Session) Graph() *Graph { return s.graph }

// Close releases the session's plans. Running a closed session is an error.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.plans = nil
	defaultMu.Lock()
	if defaultSession == s {
		defaultSession = nil
	}
	defaultMu.Unlock()
	return nil
}

// ErrClosed is returned by Run on a closed session.
var ErrClosed = errors.New("tf: Session.Run: the session is closed")

// Run computes fetches after feeding feeds, running targets for their side
// effects (an optimizer step, an initializer). Only the ops the fetches and
// targets need run. The results are fresh tensors the caller owns (use
// RunInto to reuse buffers and allocate nothing).
//
// Run returns an error naming the tensor when a needed placeholder was not
// fed, a feed has the wrong dtype or shape, a variable is read before it is
// initialised, or a fetch, feed or target belongs to another graph.
func (s *Session) Run(feeds Feeds, fetches []*Tensor, targets ...*Operation) ([]*tensor.Tensor, error) {
	var out []*tensor.Tensor
	if len(fetches) > 0 {
		out = make([]*tensor.Tensor, len(fetches))
	}
	if err := s.RunInto(out, feeds, fetches, targets...); err != nil {
		return nil, err
	}
	return out, nil
}

// RunInto is Run copying the fetched values into dst (len(dst) ==
// len(fetches)): a dst[i] of the right dtype and shape is overwritten, any
// other (nil included) is replaced by a new tensor. A steady-state RunInto
// allocates nothing.
func (s *Session) RunInto(dst []*tensor.Tensor, feeds Feeds, fetches []*Tensor, targets ...*Operation) error {
	if len(dst) != len(fetches) {
		return fmt.Errorf("tf: Session.RunInto: %d destinations for %d fetches", len(dst), len(fetches))
	}
	if err := s.check(feeds, fetches, targets); err != nil {
		return err
	}
	key := signature(feeds, fetches, targets)
	s.mu.Lock()
	var p *plan
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	for _, c := range s.plans[key] {
		if !c.busy && c.matches(feeds, fetches, targets) {
			p = c
			break
		}
	}
	if p == nil {
		var err error
		p, err = s.compile(feeds, fetches, targets)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		s.plans[key] = append(s.plans[key], p)
		s.compiles++
	}
	p.busy = true
	s.mu.Unlock()
	res, err := p.run(feeds)
	if err == nil {
		for i, r := range res {
			if d := dst[i]; d != nil && d.DType() == r.DType() && d.Shape().Equal(r.Shape()) {
				d.CopyFrom(r)
			} else {
				dst[i] = r.Clone()
			}
		}
	}
	s.mu.Lock()
	p.busy = false
	s.mu.Unlock()
	return err
}

// check validates a Run request; it allocates only on error.
func (s *Session) check(feeds Feeds, fetches []*Tensor, targets []*Operation) error {
	for _, t := range fetches {
		if t == nil {
			return errors.New("tf: Session.Run: nil fetch")
		}
		if t.graph != s.graph {
			if t.graph == nil {
				return fmt.Errorf("tf: Session.Run: fetch %v is an eager tensor, not a tensor of the session's graph", t.shape)
			}
			return fmt.Errorf("tf: Session.Run: fetch %s belongs to a different graph than the session's", t.Name())
		}
	}
	for _, op := range targets {
		if op == nil {
			return errors.New("tf: Session.Run: nil target")
		}
		if op.graph != s.graph {
			return fmt.Errorf("tf: Session.Run: target %s belongs to a different graph than the session's", op.name)
		}
	}
	for t, v := range feeds {
		if t == nil {
			return errors.New("tf: Session.Run: nil feed key")
		}
		if t.graph != s.graph {
			if t.graph == nil {
				return fmt.Errorf("tf: Session.Run: feed key %v is an eager tensor, not a tensor of the session's graph", t.shape)
			}
			return fmt.Errorf("tf: Session.Run: fed tensor %s belongs to a different graph than the session's", t.Name())
		}
		if v == nil {
			return fmt.Errorf("tf: Session.Run: feed for %s is nil", t.Name())
		}
		if v.DType() != t.dtype {
			return fmt.Errorf("tf: Session.Run: cannot feed a %v value to %s, which is %v", v.DType(), t.Name(), t.dtype)
		}
		if !v.Shape().CompatibleWith(t.shape) {
			return fmt.Errorf("tf: Session.Run: cannot feed a value of shape %v to %s, which has shape %v", v.Shape(), t.Name(), t.shape)
		}
	}
	return nil
}

func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func tensorKey(t *Tensor) uint64 { return uint64(t.op.id)<<8 | uint64(t.index) }

// signature hashes a Run request without allocating; plans compare the
// request exactly after a hash match.
func signature(feeds Feeds, fetches []*Tensor, targets []*Operation) uint64 {
	h := uint64(1469598103934665603)
	for _, t := range fetches {
		h = mix(h ^ tensorKey(t))
	}
	h = mix(h ^ 0xfe7c)
	for _, op := range targets {
		h = mix(h ^ uint64(op.id))
	}
	var fs uint64
	for t, v := range feeds {
		x := mix(tensorKey(t) + 0x9e37)
		for _, d := range v.Shape() {
			x = mix(x ^ uint64(d))
		}
		fs += x
	}
	return mix(h ^ fs)
}

// NewInteractiveSession returns a session for g (which must not be nil; see
// NewSession) that also becomes the default session (tf.InteractiveSession), so that
// Eval and Operation.Run work without naming it, as in a shell. Closing it
// stops it being the default.
func NewInteractiveSession(g *Graph, opts ...SessionOption) *Session {
	s := NewSession(g, opts...)
	defaultMu.Lock()
	defaultSession = s
	defaultMu.Unlock()
	return s
}

var defaultSession *Session

// DefaultSession returns the current interactive session, or nil.
func DefaultSession() *Session {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	return defaultSession
}

// sessionOrDefault resolves a nil session to the interactive one.
func sessionOrDefault(s *Session, what string) (*Session, error) {
	if s != nil {
		return s, nil
	}
	if d := DefaultSession(); d != nil {
		return d, nil
	}
	return nil, fmt.Errorf("tf: %s: no session given and no interactive session open (NewInteractiveSession)", what)
}

// Eval runs the session to compute t (a convenience for Session.Run). With a
// nil session it uses the interactive session. An eager tensor is its own
// value.
func (t *Tensor) Eval(s *Session, feeds Feeds) (*tensor.Tensor, error) {
	if t.graph == nil {
		return t.value, nil
	}
	s, err := sessionOrDefault(s, "Eval of "+t.Name())
	if err != nil {
		return nil, err
	}
	out, err := s.Run(feeds, []*Tensor{t})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Run runs op in session s (a convenience for Session.Run with a target);
// a nil session means the interactive one.
func (op *Operation) Run(s *Session, feeds Feeds) error {
	s, err := sessionOrDefault(s, "Run of "+op.Name())
	if err != nil {
		return err
	}
	_, err = s.Run(feeds, nil, op)
	return err
}

// NumPlans reports how many plans the session has compiled: one per Run
// signature (and per concurrent caller), so tests can check that steady
// training does not recompile.
func (s *Session) NumPlans() int { return s.numCompiles() }

func (s *Session) numCompiles() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.compiles
}
