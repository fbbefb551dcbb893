//go:build mpi

// These tests run on every rank of an MPI job: build the test binary with
// "go test -c -tags mpi" and start it with "mpirun -np 2 ./mpi.test
// -mpi.size 2" (see .ci/mpi_test.sh). Each rank checks its own results; a
// failing rank aborts the job, so mpirun's exit status tells. Every test
// makes the same collective calls on every rank, and reports mismatches
// with t.Errorf rather than stopping early, so the ranks stay in step.

package mpi

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	wantSize = flag.Int("mpi.size", 0, "the number of ranks the job must have (0: any)")
	failMode = flag.String("mpi.fail", "", "make TestRankFailure's last rank fail: exit, panic or kill")
)

// world is the communicator every test uses: MPI is initialised once per
// process.
var world *Comm

func TestMain(m *testing.M) {
	flag.Parse()
	c, err := Init()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	world = c
	if *wantSize > 0 && c.Size() != *wantSize {
		fmt.Fprintf(os.Stderr, "rank %d: the job has %d ranks, -mpi.size wants %d\n", c.Rank(), c.Size(), *wantSize)
		c.Abort(2)
		os.Exit(2)
	}
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "rank %d: tests failed; aborting the job\n", c.Rank())
		c.Abort(code)
		os.Exit(code)
	}
	if err := c.Finalize(); err != nil {
		fmt.Fprintf(os.Stderr, "rank %d: Finalize: %v\n", c.Rank(), err)
		os.Exit(1)
	}
	if failures := checkFinalized(c); len(failures) > 0 {
		fmt.Fprintf(os.Stderr, "rank %d: after Finalize:\n\t%s\n", c.Rank(), strings.Join(failures, "\n\t"))
		os.Exit(1)
	}
	fmt.Printf("rank %d of %d: calls after Finalize fail as they should\n", c.Rank(), c.Size())
	os.Exit(0)
}

// checkFinalized returns what is wrong with a finalized communicator's
// calls: each must fail with ErrFinalized, and Init must not work again.
func checkFinalized(c *Comm) []string {
	var failures []string
	for name, err := range callAll(c) {
		if !errors.Is(err, ErrFinalized) {
			failures = append(failures, fmt.Sprintf("%s returned %v, want ErrFinalized", name, err))
		}
	}
	if err := c.Finalize(); !errors.Is(err, ErrFinalized) {
		failures = append(failures, fmt.Sprintf("a second Finalize returned %v, want ErrFinalized", err))
	}
	if c2, err := Init(); c2 != nil || !errors.Is(err, ErrFinalized) {
		failures = append(failures, fmt.Sprintf("Init after Finalize returned (%v, %v), want ErrFinalized", c2, err))
	}
	return failures
}

func TestEnabled(t *testing.T) {
	if !Enabled() {
		t.Error("Enabled() = false in a build with the mpi tag")
	}
}

// Each rank marks its own slot; the sum shows the ranks are 0..Size-1, each
// once.
func TestRankSize(t *testing.T) {
	rank, size := world.Rank(), world.Size()
	if size < 1 || rank < 0 || rank >= size {
		t.Fatalf("rank %d of %d", rank, size)
	}
	buf := make([]float64, size)
	buf[rank] = 1
	if err := world.AllreduceFloat64(buf, Sum); err != nil {
		t.Fatal(err)
	}
	for r, v := range buf {
		if v != 1 {
			t.Errorf("%g ranks call themselves rank %d, want 1", v, r)
		}
	}
}

// rankValue is what rank r contributes at index i: small integers, so that
// sums and the averages below are exact in float32.
func rankValue(r, i int) float64 { return float64(i%1000) + 10*float64(r) - 3 }

func TestAllreduceSum(t *testing.T) {
	const n = 1001
	rank, size := world.Rank(), world.Size()
	b32 := make([]float32, n)
	b64 := make([]float64, n)
	for i := range n {
		b32[i] = float32(rankValue(rank, i))
		b64[i] = rankValue(rank, i) + 0.25
	}
	if err := world.AllreduceFloat32(b32, Sum); err != nil {
		t.Fatal(err)
	}
	if err := world.AllreduceFloat64(b64, Sum); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		var want float64 // a direct loop over the ranks
		for r := range size {
			want += rankValue(r, i)
		}
		if b32[i] != float32(want) {
			t.Errorf("float32 sum [%d] = %g, want %g", i, b32[i], want)
		}
		if want64 := want + 0.25*float64(size); b64[i] != want64 {
			t.Errorf("float64 sum [%d] = %g, want %g", i, b64[i], want64)
		}
	}
}

func TestAllreduceAverage(t *testing.T) {
	const n = 257
	rank, size := world.Rank(), world.Size()
	b32 := make([]float32, n)
	b64 := make([]float64, n)
	for i := range n {
		b32[i] = float32(rankValue(rank, i))
		b64[i] = rankValue(rank, i)
	}
	if err := world.AllreduceFloat32(b32, Average); err != nil {
		t.Fatal(err)
	}
	if err := world.AllreduceFloat64(b64, Average); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		// The mean of i-3, i+7, i+17, ... over size ranks, in closed form.
		want := float64(i%1000) - 3 + 5*float64(size-1)
		if b32[i] != float32(want) || b64[i] != want {
			t.Errorf("average [%d] = %g (float32), %g (float64), want %g", i, b32[i], b64[i], want)
		}
	}
}

// Buffers longer than one MPI call's count go in pieces.
func TestChunked(t *testing.T) {
	defer func(m int) { maxCount = m }(maxCount)
	maxCount = 7
	const n = 100
	rank, size := world.Rank(), world.Size()
	buf := make([]float32, n)
	for i := range buf {
		buf[i] = float32(rankValue(rank, i))
	}
	if err := world.AllreduceFloat32(buf, Sum); err != nil {
		t.Fatal(err)
	}
	root := size - 1
	bc := make([]float64, n)
	for i := range bc {
		if rank == root {
			bc[i] = float64(i) * 1.5
		} else {
			bc[i] = -1
		}
	}
	if err := world.BroadcastFloat64(bc, root); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		var want float64
		for r := range size {
			want += rankValue(r, i)
		}
		if buf[i] != float32(want) {
			t.Errorf("chunked sum [%d] = %g, want %g", i, buf[i], want)
		}
		if bc[i] != float64(i)*1.5 {
			t.Errorf("chunked broadcast [%d] = %g, want %g", i, bc[i], float64(i)*1.5)
		}
	}
}

func TestBroadcastFromRoot1(t *testing.T) {
	if world.Size() < 2 {
		t.Skip("needs 2 ranks or more: run under mpirun -np 2")
	}
	const root = 1
	rank := world.Rank()
	const n = 513
	b32, b64, bb := make([]float32, n), make([]float64, n), make([]byte, n)
	for i := range n {
		if rank == root {
			b32[i], b64[i], bb[i] = float32(i)+0.5, -float64(i)/4, byte(i*7)
		} else {
			b32[i], b64[i], bb[i] = -1, -1, 0xff
		}
	}
	if err := world.BroadcastFloat32(b32, root); err != nil {
		t.Error(err)
	}
	if err := world.BroadcastFloat64(b64, root); err != nil {
		t.Error(err)
	}
	if err := world.BroadcastBytes(bb, root); err != nil {
		t.Error(err)
	}
	for i := range n {
		if b32[i] != float32(i)+0.5 || b64[i] != -float64(i)/4 || bb[i] != byte(i*7) {
			t.Errorf("rank %d after broadcast from %d: [%d] = %g, %g, %d; want %g, %g, %d",
				rank, root, i, b32[i], b64[i], bb[i], float32(i)+0.5, -float64(i)/4, byte(i*7))
			break
		}
	}

	config := `{"seed": 42, "batch_size": 32}`
	var msg []byte
	if rank == root {
		msg = []byte(config)
	}
	got, err := world.BroadcastMessage(msg, root)
	if err != nil || string(got) != config {
		t.Errorf("rank %d: BroadcastMessage = %q, %v; want %q", rank, got, err, config)
	}
	got, err = world.BroadcastMessage([]byte("ignored on other ranks"), root)
	if rank == root {
		// The root sent its own message.
		if string(got) != "ignored on other ranks" || err != nil {
			t.Errorf("root: BroadcastMessage = %q, %v", got, err)
		}
	} else if string(got) != "ignored on other ranks" || err != nil {
		t.Errorf("rank %d: BroadcastMessage = %q, %v", rank, got, err)
	}
	var empty []byte
	if rank != root {
		empty = []byte("stale")
	}
	if got, err := world.BroadcastMessage(empty, root); len(got) != 0 || err != nil {
		t.Errorf("rank %d: BroadcastMessage of nothing = %q, %v; want empty", rank, got, err)
	}
}

// Rank 0 arrives late; the others must wait for it in the barrier.
func TestBarrier(t *testing.T) {
	const delay = 300 * time.Millisecond
	if err := world.Barrier(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if world.Rank() == 0 {
		time.Sleep(delay)
	}
	if err := world.Barrier(); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); world.Rank() != 0 && waited < delay*2/3 {
		t.Errorf("rank %d left the barrier after %v, before rank 0 (which slept %v) arrived", world.Rank(), waited, delay)
	}
}

// An invalid root is reported by MPI, as an *Error, on every rank; the
// communicator still works afterwards.
func TestBroadcastInvalidRoot(t *testing.T) {
	size := world.Size()
	for _, root := range []int{size + 3, -7} {
		buf := []float32{1, 2, 3}
		err := world.BroadcastFloat32(buf, root)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("root %d: err = %v (%T), want an *Error", root, err, err)
			continue
		}
		if e.Func != "MPI_Bcast" || e.Class != errClassRoot || e.Message == "" {
			t.Errorf("root %d: err = %+v, want MPI_Bcast with class MPI_ERR_ROOT (%d) and a message", root, e, errClassRoot)
		}
		if !strings.Contains(err.Error(), "MPI_Bcast") || !strings.Contains(err.Error(), e.Message) {
			t.Errorf("err.Error() = %q, want the function and MPI's message", err.Error())
		}
		if buf[0] != 1 || buf[1] != 2 || buf[2] != 3 {
			t.Errorf("a failed broadcast changed the buffer: %v", buf)
		}
	}
	b := []float64{1}
	if err := world.AllreduceFloat64(b, Sum); err != nil || b[0] != float64(size) {
		t.Errorf("allreduce after the failed broadcasts = %v, %v; want %d", b[0], err, size)
	}
}

func TestInvalidOp(t *testing.T) {
	buf := []float32{5}
	for _, op := range []Op{0, Average + 1, -1} {
		if err := world.AllreduceFloat32(buf, op); err == nil || !strings.Contains(err.Error(), "unknown op") {
			t.Errorf("AllreduceFloat32 with %v: err = %v, want an unknown-op error", op, err)
		}
		if err := world.AllreduceFloat64([]float64{5}, op); err == nil {
			t.Errorf("AllreduceFloat64 with %v: no error", op)
		}
	}
	if buf[0] != 5 {
		t.Errorf("buffer changed to %g", buf[0])
	}
}

func TestNotInitialized(t *testing.T) {
	for _, c := range []*Comm{nil, {}} {
		if c.Rank() != 0 || c.Size() != 0 {
			t.Errorf("%v: rank %d of %d, want 0 of 0", c, c.Rank(), c.Size())
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

func TestInitTwice(t *testing.T) {
	c, err := Init()
	if c != nil || !errors.Is(err, ErrInitialized) {
		t.Errorf("second Init = %v, %v; want ErrInitialized", c, err)
	}
}

func TestThreadLevel(t *testing.T) {
	if err := checkThreadLevel(threadMultiple); err != nil {
		t.Errorf("MPI_THREAD_MULTIPLE refused: %v", err)
	}
	for _, level := range []int{threadSingle, threadFunneled, threadSerialized} {
		err := checkThreadLevel(level)
		if err == nil || !strings.Contains(err.Error(), threadLevelName(level)) {
			t.Errorf("level %d: err = %v, want a refusal naming %s", level, err, threadLevelName(level))
		}
	}
}

// A steady-state allreduce allocates nothing.
func TestAllreduceNoAlloc(t *testing.T) {
	buf := make([]float32, 4096)
	allocs := testing.AllocsPerRun(20, func() {
		if err := world.AllreduceFloat32(buf, Average); err != nil {
			t.Error(err)
		}
	})
	if allocs != 0 {
		t.Errorf("AllreduceFloat32 allocates %v times per call, want 0", allocs)
	}
}

// Calls from goroutines locked to other threads work
// (MPI_THREAD_MULTIPLE), one after another.
func TestOtherThreads(t *testing.T) {
	for k := range 4 {
		done := make(chan error)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			buf := []float64{float64(k)}
			err := world.AllreduceFloat64(buf, Sum)
			if err == nil && buf[0] != float64(k*world.Size()) {
				err = fmt.Errorf("sum = %g, want %d", buf[0], k*world.Size())
			}
			done <- err
		}()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// Open MPI installs signal handlers at Init; Go's own handling of SIGSEGV
// (a nil dereference becomes a panic that can be recovered) must survive.
func TestNilDereferenceStillPanics(t *testing.T) {
	var p *[4]float32
	defer func() {
		if recover() == nil {
			t.Error("a nil dereference did not panic")
		}
	}()
	_ = p[1]
}

// TestRankFailure shows what a failing rank does to the job. It runs only
// with -mpi.fail: the last rank exits with status 3, panics or kills itself
// while the others wait in a barrier it never reaches; mpirun must end them
// and exit with a failure status (.ci/mpi_test.sh checks that and the time
// taken).
func TestRankFailure(t *testing.T) {
	if *failMode == "" {
		t.Skip("run with -mpi.fail=exit, panic or kill under mpirun")
	}
	if err := world.Barrier(); err != nil {
		t.Fatal(err)
	}
	rank := world.Rank()
	if rank == world.Size()-1 {
		fmt.Fprintf(os.Stderr, "rank %d: failing on purpose (-mpi.fail=%s)\n", rank, *failMode)
		switch *failMode {
		case "exit":
			os.Exit(3)
		case "panic":
			panic(fmt.Sprintf("rank %d panics on purpose", rank))
		case "kill":
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		default:
			t.Fatalf("-mpi.fail=%q: want exit, panic or kill", *failMode)
		}
	}
	err := world.Barrier()
	t.Fatalf("rank %d: the barrier returned (%v) although rank %d never entered it", rank, err, world.Size()-1)
}

// BenchmarkAllreduceFloat32_1M averages 1M float32 (4 MB) across the ranks.
// Under mpirun every rank must run the same number of iterations, so give
// -test.benchtime a count (such as 100x), not a duration.
func BenchmarkAllreduceFloat32_1M(b *testing.B) {
	if f := flag.Lookup("test.benchtime"); world.Size() > 1 && !strings.HasSuffix(f.Value.String(), "x") {
		b.Skipf("-test.benchtime=%s: with %d ranks use a count such as 100x, so that all ranks run the same iterations",
			f.Value.String(), world.Size())
	}
	buf := make([]float32, 1<<20)
	for i := range buf {
		buf[i] = float32(i % 97)
	}
	b.SetBytes(4 << 20)
	b.ReportAllocs()
	for b.Loop() {
		if err := world.AllreduceFloat32(buf, Average); err != nil {
			b.Fatal(err)
		}
	}
}
