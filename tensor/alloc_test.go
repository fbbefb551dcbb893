package tensor

import (
	"fmt"
	"testing"
)

// The Into forms run inside training steps and must not allocate, on the
// single-goroutine path (small tensors) and the parallel one (large).
func TestIntoFormsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	for _, n := range []int{8, 400} { // 8*128 elements stays serial; 400*1024 splits
		cols := 128
		if n > 8 {
			cols = 1024
		}
		x := RandomNormal(Float32, Shape{n, cols}, 0, 1, 1)
		y := RandomNormal(Float32, Shape{n, cols}, 0, 1, 2)
		bias := RandomNormal(Float32, Shape{cols}, 0, 1, 3)
		col := RandomNormal(Float32, Shape{n, 1}, 0, 1, 4)
		w := RandomNormal(Float32, Shape{cols, 16}, 0, 1, 5)
		out := New(Float32, n, cols)
		outT := New(Float32, cols, n)
		rowOut := New(Float32, n)
		colOut := New(Float32, cols)
		total := New(Float32)
		mm := New(Float32, n, 16)
		mask := New(Bool, n, cols)
		ints := New(Int32, n, cols)
		ids := From([]int32{0, 3, 1})
		gathered := New(Float32, 3, cols)
		two := Scalar[float32](2)
		argOut := New(Int64, n)
		cases := []struct {
			name string
			f    func()
		}{
			{"BinaryInto same shape", func() { BinaryInto(out, OpAdd, x, y) }},
			{"BinaryInto row broadcast", func() { BinaryInto(out, OpAdd, x, bias) }},
			{"BinaryInto column broadcast", func() { BinaryInto(out, OpMul, x, col) }},
			{"BinaryInto scalar", func() { BinaryInto(out, OpMul, x, two) }},
			{"BinaryInto compare", func() { BinaryInto(mask, OpGreater, x, y) }},
			{"UnaryInto", func() { UnaryInto(out, OpTanh, x) }},
			{"UnaryInto in place", func() { UnaryInto(out, OpRelu, out) }},
			{"WhereInto", func() { WhereInto(out, mask, x, y) }},
			{"ClipInto", func() { ClipInto(out, x, -1, 1) }},
			{"ReduceInto rows", func() { ReduceInto(rowOut, OpSum, x, []int{1}) }},
			{"ReduceInto columns", func() { ReduceInto(colOut, OpSum, x, []int{0}) }},
			{"ReduceInto all", func() { ReduceInto(total, OpMean, x, nil) }},
			{"ReduceInto max", func() { ReduceInto(rowOut, OpMax, x, []int{-1}) }},
			{"SumToShapeInto", func() { SumToShapeInto(colOut, x) }},
			{"SoftmaxInto", func() { SoftmaxInto(out, x, -1) }},
			{"LogSoftmaxInto", func() { LogSoftmaxInto(out, x, -1) }},
			{"MatMulInto", func() { MatMulInto(mm, x, w, false, false) }},
			{"TransposeInto", func() { TransposeInto(outT, x, 1, 0) }},
			{"CastInto", func() { CastInto(ints, x) }},
			{"BroadcastToInto", func() { BroadcastToInto(out, bias) }},
			{"GatherInto", func() { GatherInto(gathered, x, ids, 0) }},
			{"ArgMaxInto", func() { ArgMaxInto(argOut, x, 1) }},
			{"ArgMinInto", func() { ArgMinInto(argOut, x, -1) }},
		}
		for _, c := range cases {
			if a := testing.AllocsPerRun(20, c.f); a != 0 {
				t.Errorf("%s (%d rows): %v allocations per run, want 0", c.name, n, a)
			}
		}
	}
}

func BenchmarkAdd(b *testing.B) {
	for _, c := range []struct {
		name   string
		sa, sb Shape
	}{
		{"same/32x128", Shape{32, 128}, Shape{32, 128}},
		{"row/32x128+128", Shape{32, 128}, Shape{128}},
		{"col/32x128+32x1", Shape{32, 128}, Shape{32, 1}},
		{"scalar/32x128", Shape{32, 128}, Shape{}},
		{"same/1Mi", Shape{1 << 20}, Shape{1 << 20}},
		{"row/1024x1024+1024", Shape{1024, 1024}, Shape{1024}},
	} {
		b.Run(c.name, func(b *testing.B) {
			x := RandomUniform(Float32, c.sa, -1, 1, 1)
			y := RandomUniform(Float32, c.sb, -1, 1, 2)
			dst := New(Float32, c.sa...)
			b.ReportAllocs()
			for b.Loop() {
				BinaryInto(dst, OpAdd, x, y)
			}
			b.ReportMetric(float64(dst.Size())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}

func BenchmarkUnary(b *testing.B) {
	for _, op := range []UnaryOp{OpRelu, OpExp, OpTanh, OpSigmoid} {
		for _, n := range []int{4096, 1 << 20} {
			b.Run(fmt.Sprintf("%v/n=%d", op, n), func(b *testing.B) {
				x := RandomUniform(Float32, Shape{n}, -1, 1, 1)
				dst := New(Float32, n)
				b.ReportAllocs()
				for b.Loop() {
					UnaryInto(dst, op, x)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		}
	}
}

func BenchmarkSum(b *testing.B) {
	for _, c := range []struct {
		name  string
		shape Shape
		axes  []int
	}{
		{"rows/32x128", Shape{32, 128}, []int{1}},
		{"cols/32x128", Shape{32, 128}, []int{0}},
		{"all/1Mi", Shape{1 << 20}, nil},
		{"rows/1024x1024", Shape{1024, 1024}, []int{1}},
		{"cols/1024x1024", Shape{1024, 1024}, []int{0}},
	} {
		b.Run(c.name, func(b *testing.B) {
			x := RandomUniform(Float32, c.shape, -1, 1, 1)
			dst := Sum(x, c.axes, false)
			b.ReportAllocs()
			for b.Loop() {
				ReduceInto(dst, OpSum, x, c.axes)
			}
			b.ReportMetric(float64(x.Size())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}

func BenchmarkSoftmax(b *testing.B) {
	for _, s := range []Shape{{32, 10}, {1024, 1000}} {
		b.Run(s.String(), func(b *testing.B) {
			x := RandomUniform(Float32, s, -5, 5, 1)
			dst := New(Float32, s...)
			b.ReportAllocs()
			for b.Loop() {
				SoftmaxInto(dst, x, -1)
			}
			b.ReportMetric(float64(x.Size())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}

func BenchmarkTranspose(b *testing.B) {
	for _, n := range []int{128, 1024} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := RandomUniform(Float32, Shape{n, n}, -1, 1, 1)
			dst := New(Float32, n, n)
			b.ReportAllocs()
			for b.Loop() {
				TransposeInto(dst, x, 1, 0)
			}
			b.ReportMetric(float64(n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
