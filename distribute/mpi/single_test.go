//go:build !mpi

package mpi

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// initForTest returns a fresh stand-in communicator, finalized (if the test
// has not done so) and forgotten at the end of the test.
func initForTest(t *testing.T) *Comm {
	t.Helper()
	resetForTest()
	c, err := Init()
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Finalize()
		resetForTest()
	})
	return c
}

func TestStandInRankSize(t *testing.T) {
	c := initForTest(t)
	if Enabled() {
		t.Error("Enabled() = true without the mpi build tag")
	}
	if c.Rank() != 0 || c.Size() != 1 {
		t.Errorf("stand-in is rank %d of %d, want 0 of 1", c.Rank(), c.Size())
	}
}

// Over one rank, Sum and Average (a sum divided by 1) leave every value,
// NaN, infinities and signed zeros included, bit for bit as it was.
func TestStandInAllreduceIdentity(t *testing.T) {
	c := initForTest(t)
	in := []float64{0, math.Copysign(0, -1), 1.5, -3e300, math.Inf(1), math.Inf(-1), math.NaN(), 5e-324}
	for _, op := range []Op{Sum, Average} {
		b64 := append([]float64(nil), in...)
		b32 := make([]float32, len(in))
		for i, v := range in {
			b32[i] = float32(v)
		}
		if err := c.AllreduceFloat64(b64, op); err != nil {
			t.Fatal(err)
		}
		if err := c.AllreduceFloat32(b32, op); err != nil {
			t.Fatal(err)
		}
		for i, v := range in {
			if math.Float64bits(b64[i]) != math.Float64bits(v) {
				t.Errorf("%v float64 [%d] = %g, want %g", op, i, b64[i], v)
			}
			if math.Float32bits(b32[i]) != math.Float32bits(float32(v)) {
				t.Errorf("%v float32 [%d] = %g, want %g", op, i, b32[i], float32(v))
			}
		}
	}
	if err := c.AllreduceFloat32(nil, Average); err != nil {
		t.Errorf("allreduce of nothing: %v", err)
	}
}

func TestStandInBroadcast(t *testing.T) {
	c := initForTest(t)
	b32, b64, bb := []float32{1, 2}, []float64{3, 4}, []byte("cfg")
	if err := c.BroadcastFloat32(b32, 0); err != nil || b32[0] != 1 || b32[1] != 2 {
		t.Errorf("BroadcastFloat32 from 0: %v, %v", b32, err)
	}
	if err := c.BroadcastFloat64(b64, 0); err != nil || b64[0] != 3 || b64[1] != 4 {
		t.Errorf("BroadcastFloat64 from 0: %v, %v", b64, err)
	}
	if err := c.BroadcastBytes(bb, 0); err != nil || string(bb) != "cfg" {
		t.Errorf("BroadcastBytes from 0: %q, %v", bb, err)
	}
	if got, err := c.BroadcastMessage([]byte(`{"seed":1}`), 0); err != nil || string(got) != `{"seed":1}` {
		t.Errorf("BroadcastMessage from 0 = %q, %v", got, err)
	}
	// Rank 1 does not exist in a one-rank job.
	for name, err := range map[string]error{
		"BroadcastFloat32": c.BroadcastFloat32(b32, 1),
		"BroadcastFloat64": c.BroadcastFloat64(b64, -1),
		"BroadcastBytes":   c.BroadcastBytes(bb, 1),
		"BroadcastMessage": second(c.BroadcastMessage(bb, 1)),
	} {
		if err == nil || !strings.Contains(err.Error(), "root") {
			t.Errorf("%s from a missing root: err = %v, want a root error", name, err)
		}
	}
}

func TestStandInBarrier(t *testing.T) {
	c := initForTest(t)
	if err := c.Barrier(); err != nil {
		t.Error(err)
	}
}

func TestStandInInvalidOp(t *testing.T) {
	c := initForTest(t)
	for _, op := range []Op{0, Average + 1} {
		if err := c.AllreduceFloat32([]float32{1}, op); err == nil || !strings.Contains(err.Error(), "unknown op") {
			t.Errorf("op %v: err = %v, want an unknown-op error", op, err)
		}
	}
}

func TestOpString(t *testing.T) {
	for op, want := range map[Op]string{Sum: "Sum", Average: "Average", 7: "Op(7)"} {
		if got := op.String(); got != want {
			t.Errorf("Op(%d).String() = %q, want %q", int(op), got, want)
		}
	}
}

func TestStandInInitTwice(t *testing.T) {
	initForTest(t)
	if c, err := Init(); c != nil || !errors.Is(err, ErrInitialized) {
		t.Errorf("second Init = %v, %v; want ErrInitialized", c, err)
	}
}

func TestStandInFinalized(t *testing.T) {
	c := initForTest(t)
	if err := c.Finalize(); err != nil {
		t.Fatal(err)
	}
	for name, err := range callAll(c) {
		if !errors.Is(err, ErrFinalized) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s after Finalize: err = %v, want ErrFinalized naming the call", name, err)
		}
	}
	if err := c.Finalize(); !errors.Is(err, ErrFinalized) {
		t.Errorf("second Finalize: err = %v, want ErrFinalized", err)
	}
	if c2, err := Init(); c2 != nil || !errors.Is(err, ErrFinalized) {
		t.Errorf("Init after Finalize = %v, %v; want ErrFinalized", c2, err)
	}
	if c.Rank() != 0 || c.Size() != 1 {
		t.Errorf("after Finalize: rank %d of %d, want 0 of 1", c.Rank(), c.Size())
	}
}

func TestStandInNotInitialized(t *testing.T) {
	for _, c := range []*Comm{nil, {}} {
		if c.Rank() != 0 || c.Size() != 0 {
			t.Errorf("%#v: rank %d of %d, want 0 of 0", c, c.Rank(), c.Size())
		}
		for name, err := range callAll(c) {
			if !errors.Is(err, ErrNotInitialized) {
				t.Errorf("%s on %#v: err = %v, want ErrNotInitialized", name, c, err)
			}
		}
		if err := c.Finalize(); !errors.Is(err, ErrNotInitialized) {
			t.Errorf("Finalize on %#v: err = %v, want ErrNotInitialized", c, err)
		}
	}
}

func TestStandInNoAlloc(t *testing.T) {
	c := initForTest(t)
	buf := make([]float32, 1024)
	if n := testing.AllocsPerRun(50, func() {
		if err := c.AllreduceFloat32(buf, Average); err != nil {
			t.Error(err)
		}
	}); n != 0 {
		t.Errorf("AllreduceFloat32 allocates %v times per call, want 0", n)
	}
}

// Abort ends the process with the code: run in a child process.
func TestStandInAbort(t *testing.T) {
	if os.Getenv("TENSORGO_MPI_ABORT_CHILD") == "1" {
		c, err := Init()
		if err != nil {
			os.Exit(100)
		}
		_ = c.Abort(7)
		os.Exit(101) // Abort returned
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStandInAbort$")
	cmd.Env = append(os.Environ(), "TENSORGO_MPI_ABORT_CHILD=1")
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 7 {
		t.Errorf("child calling Abort(7) ended with %v, want exit status 7", err)
	}
}

// Calls racing with Finalize either complete or fail with ErrFinalized
// (run under -race: the Comm's state is guarded).
func TestStandInConcurrentFinalize(t *testing.T) {
	c := initForTest(t)
	const workers = 4
	errs := make(chan error, workers)
	started := make(chan struct{}, workers)
	for range workers {
		go func() {
			buf := make([]float32, 64)
			for i := 0; ; i++ {
				err := c.AllreduceFloat32(buf, Average)
				if i == 0 {
					started <- struct{}{}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range workers {
		<-started
	}
	if err := c.Finalize(); err != nil {
		t.Fatal(err)
	}
	for range workers {
		if err := <-errs; !errors.Is(err, ErrFinalized) {
			t.Errorf("a call racing with Finalize: err = %v, want ErrFinalized", err)
		}
	}
}
