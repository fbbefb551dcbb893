package distribute

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/distribute/mpi"
)

// NewLocalGroup returns the n ranks of a job whose ranks are goroutines of
// this process: the i-th Communicator is rank i, to be used by one
// goroutine (or by goroutines that agree on the order of their calls, as
// with MPI). Its collective calls block until every rank has made the same
// call; sums are taken in rank order, so every rank gets the same bits. It
// is meant for tests and for trying data parallelism without MPI; unlike
// MPI it allocates scratch memory on a call with a longer buffer than
// before. It panics if n < 1.
func NewLocalGroup(n int) []Communicator {
	if n < 1 {
		panic(fmt.Sprintf("distribute: NewLocalGroup(%d): want at least one rank", n))
	}
	g := &localGroup{n: n, f32: make([][]float32, n), f64: make([][]float64, n), b8: make([][]byte, n), call: make([]localCall, n)}
	g.cond = sync.NewCond(&g.mu)
	cs := make([]Communicator, n)
	for i := range cs {
		cs[i] = &localComm{g: g, rank: i}
	}
	return cs
}

// localGroup is the shared state of a local job: a reusable barrier and the
// buffers the ranks pass to the call in progress.
type localGroup struct {
	n    int
	mu   sync.Mutex
	cond *sync.Cond
	// barrier state: arrivals in the current generation
	arrived, gen int
	// each rank's buffer in the call in progress, by type (not as an any:
	// boxing a slice allocates)
	f32  [][]float32
	f64  [][]float64
	b8   [][]byte
	call []localCall // each rank's call, to catch mismatches
}

// localCall is a collective call as the ranks must agree on it.
type localCall struct {
	name    string
	n, root int
}

func (c localCall) String() string {
	return fmt.Sprintf("%s of %d elements (root %d)", c.name, c.n, c.root)
}

// wait returns once all n ranks have called it (one generation).
func (g *localGroup) wait() {
	g.mu.Lock()
	gen := g.gen
	g.arrived++
	if g.arrived == g.n {
		g.arrived = 0
		g.gen++
		g.cond.Broadcast()
	} else {
		for gen == g.gen {
			g.cond.Wait()
		}
	}
	g.mu.Unlock()
}

// localComm is one rank of a localGroup.
type localComm struct {
	g    *localGroup
	rank int
	s32  []float32
	s64  []float64
}

func (c *localComm) Rank() int { return c.rank }
func (c *localComm) Size() int { return c.g.n }

// exchange publishes buf as this rank's part of call, waits for every rank
// and checks that they all made the same call with the same length; it
// returns the error every rank sees. The caller must call c.g.wait() once
// more when it has read the others' buffers.
func (c *localComm) exchange(call localCall, f32 []float32, f64 []float64, b8 []byte) error {
	g := c.g
	g.mu.Lock()
	g.f32[c.rank], g.f64[c.rank], g.b8[c.rank] = f32, f64, b8
	g.call[c.rank] = call
	g.mu.Unlock()
	g.wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	for r, cl := range g.call {
		if cl != g.call[0] {
			return fmt.Errorf("distribute: local group: rank %d called %s while rank 0 called %s", r, cl, g.call[0])
		}
	}
	return nil
}

func (c *localComm) AllreduceFloat32(buf []float32, op mpi.Op) error {
	if err := checkOp(op); err != nil {
		return err
	}
	err := c.exchange(localCall{"AllreduceFloat32", len(buf), 0}, buf, nil, nil)
	if err == nil {
		if cap(c.s32) < len(buf) {
			c.s32 = make([]float32, len(buf))
		}
		s := c.s32[:len(buf)]
		clear(s)
		for _, b := range c.g.f32 {
			for i, v := range b {
				s[i] += v
			}
		}
		if op == mpi.Average {
			for i := range s {
				s[i] /= float32(c.g.n)
			}
		}
	}
	c.g.wait() // every rank has read the others' buffers
	if err == nil {
		copy(buf, c.s32)
	}
	return err
}

func (c *localComm) AllreduceFloat64(buf []float64, op mpi.Op) error {
	if err := checkOp(op); err != nil {
		return err
	}
	err := c.exchange(localCall{"AllreduceFloat64", len(buf), 0}, nil, buf, nil)
	if err == nil {
		if cap(c.s64) < len(buf) {
			c.s64 = make([]float64, len(buf))
		}
		s := c.s64[:len(buf)]
		clear(s)
		for _, b := range c.g.f64 {
			for i, v := range b {
				s[i] += v
			}
		}
		if op == mpi.Average {
			for i := range s {
				s[i] /= float64(c.g.n)
			}
		}
	}
	c.g.wait()
	if err == nil {
		copy(buf, c.s64)
	}
	return err
}

func (c *localComm) BroadcastBytes(buf []byte, root int) error {
	if root < 0 || root >= c.g.n {
		return fmt.Errorf("distribute: local group: broadcast root %d is not a rank of %d", root, c.g.n)
	}
	err := c.exchange(localCall{"BroadcastBytes", len(buf), root}, nil, nil, buf)
	if err == nil && c.rank != root {
		copy(buf, c.g.b8[root])
	}
	c.g.wait()
	return err
}

func checkOp(op mpi.Op) error {
	if op != mpi.Sum && op != mpi.Average {
		return fmt.Errorf("distribute: local group: unknown op %v (want mpi.Sum or mpi.Average)", op)
	}
	return nil
}
