package data_test

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/tensor"
)

// rangeDS is (x, y) with x[i] = [i, i+0.5] (float32) and y[i] = i (int64).
func rangeDS(n int) (*data.Dataset, *tensor.Tensor, *tensor.Tensor) {
	x := tensor.New(tensor.Float32, n, 2)
	y := tensor.New(tensor.Int64, n)
	for i := 0; i < n; i++ {
		x.SetFloat(2*i, float64(i))
		x.SetFloat(2*i+1, float64(i)+0.5)
		y.SetFloat(i, float64(i))
	}
	return data.FromTensorSlices(x, y), x, y
}

// labels runs ds and returns the concatenated label component (index c).
func labels(t *testing.T, ds *data.Dataset, c int) []int64 {
	t.Helper()
	var out []int64
	for e, err := range ds.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e[c].Int64s()...)
	}
	return out
}

func seq(lo, hi int) []int64 {
	var s []int64
	for i := lo; i < hi; i++ {
		s = append(s, int64(i))
	}
	return s
}

func TestFromTensorSlices(t *testing.T) {
	ds, _, _ := rangeDS(5)
	if ds.Cardinality() != 5 {
		t.Fatalf("cardinality %d", ds.Cardinality())
	}
	i := 0
	for e, err := range ds.All() {
		if err != nil {
			t.Fatal(err)
		}
		if len(e) != 2 || !e[0].Shape().Equal(tensor.Shape{2}) || e[1].Rank() != 0 {
			t.Fatalf("element %d shapes %v %v", i, e[0].Shape(), e[1].Shape())
		}
		if e[0].Float(0) != float64(i) || e[0].Float(1) != float64(i)+0.5 || e[1].Item() != float64(i) {
			t.Fatalf("element %d = %v, %v", i, e[0].Float32s(), e[1].Item())
		}
		i++
	}
	if i != 5 {
		t.Fatalf("got %d elements", i)
	}
}

func TestBatch(t *testing.T) {
	ds, _, _ := rangeDS(10)
	for _, drop := range []bool{false, true} {
		b := ds.Batch(4, drop)
		var sizes []int
		var ys []int64
		for e, err := range b.All() {
			if err != nil {
				t.Fatal(err)
			}
			n := e[0].Dim(0)
			sizes = append(sizes, n)
			if !e[0].Shape().Equal(tensor.Shape{n, 2}) || !e[1].Shape().Equal(tensor.Shape{n}) {
				t.Fatalf("batch shapes %v %v", e[0].Shape(), e[1].Shape())
			}
			for j := 0; j < n; j++ {
				if e[0].At(j, 1) != e[1].At(j)+0.5 {
					t.Fatalf("row %d of a batch: x=%v y=%v", j, e[0].At(j, 1), e[1].At(j))
				}
			}
			ys = append(ys, e[1].Int64s()...)
		}
		want, wantCard := []int{4, 4, 2}, int64(3)
		if drop {
			want, wantCard = []int{4, 4}, 2
		}
		if !slices.Equal(sizes, want) || b.Cardinality() != wantCard {
			t.Fatalf("drop=%v: batch sizes %v card %d, want %v card %d", drop, sizes, b.Cardinality(), want, wantCard)
		}
		if !slices.Equal(ys, seq(0, len(ys))) {
			t.Fatalf("labels %v", ys)
		}
	}
}

func TestBatchOfMappedElements(t *testing.T) {
	// Map materialises elements, so Batch takes its general (Stack) path.
	ds, _, _ := rangeDS(7)
	double := func(e data.Element) (data.Element, error) {
		y := tensor.Scalar(e[1].Int64s()[0] * 2)
		return data.Element{e[0], y}, nil
	}
	got := labels(t, ds.Map(double).Batch(3, false), 1)
	want := []int64{0, 2, 4, 6, 8, 10, 12}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
}

func TestBatchMismatchedShapes(t *testing.T) {
	ds := data.FromElements(
		data.Element{tensor.New(tensor.Float32, 2)},
		data.Element{tensor.New(tensor.Float32, 3)},
	).Batch(2, false)
	_, err := ds.Collect()
	if err == nil || !contains(err.Error(), "(3,)") {
		t.Fatalf("want an error naming the shapes, got %v", err)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestShuffle(t *testing.T) {
	ds, _, _ := rangeDS(100)
	a := labels(t, ds.Shuffle(100, 7, true), 1)
	sorted := slices.Clone(a)
	slices.Sort(sorted)
	if !slices.Equal(sorted, seq(0, 100)) {
		t.Fatalf("shuffle is not a permutation: %v", a)
	}
	if slices.Equal(a, seq(0, 100)) {
		t.Fatal("shuffle left the order unchanged")
	}
	// Same seed, fresh dataset: same order, epoch by epoch.
	s1, s2 := ds.Shuffle(100, 7, true), ds.Shuffle(100, 7, true)
	e1a, e1b := labels(t, s1, 1), labels(t, s1, 1)
	e2a, e2b := labels(t, s2, 1), labels(t, s2, 1)
	if !slices.Equal(e1a, e2a) || !slices.Equal(e1b, e2b) {
		t.Fatal("same seed gave different orders")
	}
	if slices.Equal(e1a, e1b) {
		t.Fatal("reshuffleEachIteration gave the same order twice")
	}
	fixed := ds.Shuffle(100, 7, false)
	if !slices.Equal(labels(t, fixed, 1), labels(t, fixed, 1)) {
		t.Fatal("without reshuffle the order changed between iterations")
	}
	if slices.Equal(labels(t, ds.Shuffle(100, 8, false), 1), labels(t, fixed, 1)) {
		t.Fatal("different seeds gave the same order")
	}
	// A small buffer only moves elements a bounded distance ahead.
	small := labels(t, ds.Shuffle(4, 1, false), 1)
	for pos, v := range small {
		if int(v) > pos+3 {
			t.Fatalf("buffer 4: element %d came out at position %d", v, pos)
		}
	}
}

func TestMapParallelKeepsOrder(t *testing.T) {
	ds, _, _ := rangeDS(200)
	slow := func(e data.Element) (data.Element, error) {
		v := e[1].Int64s()[0]
		if v%7 == 0 {
			time.Sleep(time.Millisecond) // make workers finish out of order
		}
		return data.Element{tensor.Scalar(v * 3)}, nil
	}
	got := labels(t, ds.Map(slow, 4), 0)
	want := make([]int64, 200)
	for i := range want {
		want[i] = int64(3 * i)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("parallel map order: %v", got[:20])
	}
}

func TestMapErrorPropagates(t *testing.T) {
	ds, _, _ := rangeDS(50)
	boom := errors.New("boom")
	for _, workers := range []int{1, 3} {
		fn := func(e data.Element) (data.Element, error) {
			if e[1].Int64s()[0] == 20 {
				return nil, boom
			}
			return e, nil
		}
		n := 0
		var gotErr error
		for _, err := range ds.Map(fn, workers).Prefetch(2).All() {
			if err != nil {
				gotErr = err
				continue
			}
			n++
		}
		if !errors.Is(gotErr, boom) || n != 20 {
			t.Fatalf("workers=%d: %d elements then %v; want 20 then boom", workers, n, gotErr)
		}
	}
}

func TestFilterRepeatTakeSkip(t *testing.T) {
	ds, _, _ := rangeDS(10)
	even := ds.Filter(func(e data.Element) (bool, error) { return e[1].Int64s()[0]%2 == 0, nil })
	if got := labels(t, even, 1); !slices.Equal(got, []int64{0, 2, 4, 6, 8}) {
		t.Fatalf("filter: %v", got)
	}
	if got := labels(t, ds.Skip(3).Take(4), 1); !slices.Equal(got, []int64{3, 4, 5, 6}) {
		t.Fatalf("skip/take: %v", got)
	}
	for _, c := range []struct {
		skip int
		want []int64
	}{{0, seq(0, 10)}, {8, []int64{8, 9}}, {10, nil}, {12, nil}, {-1, nil}} {
		sk := ds.Skip(c.skip)
		if got := labels(t, sk, 1); !slices.Equal(got, c.want) || sk.Cardinality() != int64(len(c.want)) {
			t.Fatalf("skip(%d): %v, cardinality %d", c.skip, got, sk.Cardinality())
		}
	}
	rep := ds.Take(3).Repeat(3)
	if got := labels(t, rep, 1); !slices.Equal(got, []int64{0, 1, 2, 0, 1, 2, 0, 1, 2}) || rep.Cardinality() != 9 {
		t.Fatalf("repeat: %v card %d", got, rep.Cardinality())
	}
	inf := ds.Repeat(-1)
	if inf.Cardinality() != data.Infinite {
		t.Fatalf("infinite repeat cardinality %d", inf.Cardinality())
	}
	if got := labels(t, inf.Take(25), 1); len(got) != 25 || got[24] != 4 {
		t.Fatalf("infinite repeat then take: %v", got)
	}
	empty := ds.Filter(func(data.Element) (bool, error) { return false, nil }).Repeat(-1)
	if got := labels(t, empty, 1); len(got) != 0 {
		t.Fatalf("repeat of empty: %v", got)
	}
}

func TestCache(t *testing.T) {
	calls := 0
	ds, _, _ := rangeDS(6)
	cached := ds.Map(func(e data.Element) (data.Element, error) { calls++; return e, nil }).Cache()
	a, b := labels(t, cached, 1), labels(t, cached, 1)
	if !slices.Equal(a, b) || !slices.Equal(a, seq(0, 6)) || calls != 6 {
		t.Fatalf("cache: %v %v, map called %d times", a, b, calls)
	}
	// A partial first pass must not be cached.
	calls = 0
	partial := ds.Map(func(e data.Element) (data.Element, error) { calls++; return e, nil }).Cache()
	for range partial.Take(2).All() {
	}
	if got := labels(t, partial, 1); !slices.Equal(got, seq(0, 6)) {
		t.Fatalf("after a partial pass: %v", got)
	}
}

func TestZipAndConcatenate(t *testing.T) {
	a, _, _ := rangeDS(5)
	b, _, _ := rangeDS(3)
	z := data.Zip(a, b)
	n := 0
	for e, err := range z.All() {
		if err != nil {
			t.Fatal(err)
		}
		if len(e) != 4 || e[1].Item() != e[3].Item() {
			t.Fatalf("zip element %v", e)
		}
		n++
	}
	if n != 3 || z.Cardinality() != 3 {
		t.Fatalf("zip: %d elements, card %d", n, z.Cardinality())
	}
	c := a.Concatenate(b)
	if got := labels(t, c, 1); !slices.Equal(got, []int64{0, 1, 2, 3, 4, 0, 1, 2}) || c.Cardinality() != 8 {
		t.Fatalf("concatenate: %v", got)
	}
}

func TestFromGenerator(t *testing.T) {
	gen := func() iter.Seq2[data.Element, error] {
		return func(yield func(data.Element, error) bool) {
			for i := 0; i < 4; i++ {
				if !yield(data.Element{tensor.Scalar(int64(i))}, nil) {
					return
				}
			}
			yield(nil, fmt.Errorf("generator failed"))
		}
	}
	ds := data.FromGenerator(gen)
	var got []int64
	var gotErr error
	for e, err := range ds.All() {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, e[0].Int64s()...)
	}
	if !slices.Equal(got, seq(0, 4)) || gotErr == nil {
		t.Fatalf("generator: %v, %v", got, gotErr)
	}
	// Stopping early stops the generator.
	for range ds.Take(2).All() {
	}
}

func TestIterator(t *testing.T) {
	ds, _, _ := rangeDS(3)
	it := ds.Batch(2, false).Prefetch(1).Iter()
	defer it.Close()
	n := 0
	for {
		e, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n += e[0].Dim(0)
	}
	if n != 3 {
		t.Fatalf("iterator saw %d rows", n)
	}
	it.Close()
}

// pipeline is the Keras-style input pipeline: shuffle, batch, cast, prefetch.
func pipeline(ds *data.Dataset, seed int64) *data.Dataset {
	return ds.Shuffle(1000, seed, true).Batch(32, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0), data.Autotune).Prefetch(data.Autotune)
}

func TestPipelineDeterministic(t *testing.T) {
	n := 1000
	x := tensor.New(tensor.Uint8, n, 4, 4)
	y := tensor.New(tensor.Uint8, n)
	for i := range x.Uint8s() {
		x.Uint8s()[i] = uint8(i * 7)
	}
	for i := range y.Uint8s() {
		y.Uint8s()[i] = uint8(i % 10)
	}
	run := func() [][]float32 {
		p := pipeline(data.FromTensorSlices(x, y), 42)
		var out [][]float32
		for epoch := 0; epoch < 2; epoch++ {
			for e, err := range p.All() {
				if err != nil {
					t.Fatal(err)
				}
				if e[0].DType() != tensor.Float32 || e[1].DType() != tensor.Uint8 {
					t.Fatalf("dtypes %v %v", e[0].DType(), e[1].DType())
				}
				out = append(out, slices.Clone(e[0].Float32s()))
			}
		}
		return out
	}
	a, b := run(), run()
	if len(a) != 2*32 || len(a[len(a)-1]) != (1000%32)*16 {
		t.Fatalf("got %d batches", len(a))
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatalf("batch %d differs between runs with the same seed", i)
		}
	}
	if slices.Equal(a[0], a[32]) {
		t.Fatal("epochs 1 and 2 have the same first batch")
	}
	// Each row equals the original row scaled by 1/255.
	for _, v := range a[0][:16] {
		if v < 0 || v > 1 {
			t.Fatalf("scaled value %v", v)
		}
	}
}

func TestPrefetchStopsEarlyWithoutLeaks(t *testing.T) {
	ds, _, _ := rangeDS(10000)
	base := runtime.NumGoroutine()
	slow := func(e data.Element) (data.Element, error) { return e, nil }
	p := ds.Repeat(-1).Map(slow, 4).Prefetch(8).Batch(16, true).Prefetch(2)
	for i := 0; i < 5; i++ {
		n := 0
		for _, err := range p.All() {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 3 {
				break
			}
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > base {
		t.Fatalf("%d goroutines left running (started with %d)", g, base)
	}
}

func TestCastScale(t *testing.T) {
	x := tensor.FromSlice([]uint8{0, 51, 255}, 3)
	y := tensor.FromSlice([]int64{1}, 1)
	e, err := data.CastScale(tensor.Float32, 1.0/255, 0)(data.Element{x, y})
	if err != nil {
		t.Fatal(err)
	}
	got := e[0].Float32s()
	want := []float32{0, 0.2, 1}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-7 || d < -1e-7 {
			t.Fatalf("cast: %v want %v", got, want)
		}
	}
	if e[1] != y {
		t.Fatal("labels were not passed through")
	}
	e, err = data.CastScale(tensor.Float64, 2)(data.Element{x, y})
	if err != nil || e[1].DType() != tensor.Float64 || e[1].Float64s()[0] != 2 || e[0].Float64s()[2] != 510 {
		t.Fatalf("cast all to float64: %v %v", e, err)
	}
	if _, err := data.CastScale(tensor.Float32, 1, 5)(data.Element{x}); err == nil {
		t.Fatal("no error for a missing component")
	}
}

func TestAssertCardinality(t *testing.T) {
	ds, _, _ := rangeDS(5)
	if got := labels(t, ds.AssertCardinality(5), 1); len(got) != 5 {
		t.Fatalf("asserted 5: %v", got)
	}
	for _, n := range []int64{4, 6} {
		_, err := ds.AssertCardinality(n).Collect()
		if err == nil || !contains(err.Error(), fmt.Sprint(n)) {
			t.Fatalf("asserted %d: %v", n, err)
		}
	}
}

// A panic in a map function running on a pipeline goroutine reaches the
// consumer's goroutine, where it can be recovered, and leaves no goroutines.
func TestPanicReachesConsumer(t *testing.T) {
	ds, _, _ := rangeDS(100)
	bad := func(e data.Element) (data.Element, error) {
		if e[1].Int64s()[0] == 30 {
			panic("bad element")
		}
		return e, nil
	}
	base := runtime.NumGoroutine()
	for _, p := range []*data.Dataset{ds.Map(bad, 3), ds.Map(bad).Prefetch(4)} {
		got := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			for _, err := range p.All() {
				if err != nil {
					t.Fatal(err)
				}
			}
			return "no panic"
		}()
		if !contains(got, "bad element") {
			t.Fatalf("recovered %q", got)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > base {
		t.Fatalf("%d goroutines left (started with %d)", g, base)
	}
}

func TestShuffleHugeBufferUnknownSize(t *testing.T) {
	ds, _, _ := rangeDS(50)
	unknown := ds.Filter(func(data.Element) (bool, error) { return true, nil })
	got := labels(t, unknown.Shuffle(math.MaxInt, 3, false), 1)
	slices.Sort(got)
	if !slices.Equal(got, seq(0, 50)) {
		t.Fatalf("got %v", got)
	}
}

func TestGatherInto(t *testing.T) {
	src := tensor.FromSlice([]uint8{0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3)
	dst := tensor.New(tensor.Float32, 2, 3)
	if err := data.GatherInto(dst, src, []int{2, 0}, 0.5); err != nil {
		t.Fatal(err)
	}
	if want := []float32{3, 3.5, 4, 0, 0.5, 1}; !slices.Equal(dst.Float32s(), want) {
		t.Fatalf("got %v want %v", dst.Float32s(), want)
	}
	f := tensor.FromSlice([]int32{1, 2, 3, 4}, 2, 2)
	d64 := tensor.New(tensor.Float64, 1, 2)
	if err := data.GatherInto(d64, f, []int{1}, 2); err != nil || !slices.Equal(d64.Float64s(), []float64{6, 8}) {
		t.Fatalf("int32 -> float64: %v %v", d64.Float64s(), err)
	}
	if err := data.GatherInto(dst, src, []int{3, 0}, 1); err == nil {
		t.Fatal("no error for an out-of-range row")
	}
	if err := data.GatherInto(dst, src, []int{0}, 1); err == nil {
		t.Fatal("no error for a size mismatch")
	}
}

// Prefetch(n) runs at most n elements ahead of the consumer (plus the one
// its goroutine holds while the buffer is full): it is bounded.
func TestPrefetchIsBounded(t *testing.T) {
	var produced atomic.Int64
	gen := func() iter.Seq2[data.Element, error] {
		return func(yield func(data.Element, error) bool) {
			for i := 0; ; i++ {
				produced.Add(1)
				if !yield(data.Element{tensor.Scalar(int64(i))}, nil) {
					return
				}
			}
		}
	}
	const n = 3
	it := data.FromGenerator(gen).Prefetch(n).Iter()
	defer it.Close()
	for consumed := 1; consumed <= 5; consumed++ {
		e, err := it.Next()
		if err != nil || e[0].Int64s()[0] != int64(consumed-1) {
			t.Fatalf("element %d: %v %v", consumed, e, err)
		}
		// Give the producer time to run ahead as far as it can.
		deadline := time.Now().Add(200 * time.Millisecond)
		for produced.Load() < int64(consumed+n) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(10 * time.Millisecond)
		if p := produced.Load(); p > int64(consumed+n+1) {
			t.Fatalf("after consuming %d with Prefetch(%d): %d produced, want at most %d", consumed, n, p, consumed+n+1)
		}
	}
}

func TestFromTensorsAndElements(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3}, 3)
	y := tensor.Scalar(int64(7))
	ds := data.FromTensors(x, y)
	got, err := ds.Collect()
	if err != nil || ds.Cardinality() != 1 || len(got) != 1 || got[0][0] != x || got[0][1] != y {
		t.Fatalf("FromTensors: %v %v card %d", got, err, ds.Cardinality())
	}
	els := data.FromElements(data.Element{tensor.Scalar(int64(4))}, data.Element{tensor.Scalar(int64(5))})
	if got := labels(t, els.Repeat(2), 0); !slices.Equal(got, []int64{4, 5, 4, 5}) {
		t.Fatalf("FromElements: %v", got)
	}
}
