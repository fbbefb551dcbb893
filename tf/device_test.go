package tf

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestParseDevice(t *testing.T) {
	for in, want := range map[string]string{
		"":              DefaultDevice,
		"/cpu:0":        DefaultDevice,
		"/CPU:0":        DefaultDevice,
		"/device:CPU:0": DefaultDevice,
		"/device:cpu:0": DefaultDevice,
		"/gpu:0":        "/job:localhost/replica:0/task:0/device:GPU:0",
		"/device:GPU:1": "/job:localhost/replica:0/task:0/device:GPU:1",
		"/job:worker":   "/job:worker/replica:0/task:0/device:CPU:0",
		"/job:worker/replica:0/task:0/device:CPU:0": "/job:worker/replica:0/task:0/device:CPU:0",
		"/job:ps/task:2":       "/job:ps/replica:0/task:2/device:CPU:0",
		"/task:1/device:REF:0": "/job:localhost/replica:0/task:1/device:REF:0",
		"/device:GPU:*":        "/job:localhost/replica:0/task:0/device:GPU:0",
		"/device:REF":          RefDevice,
	} {
		d, err := ParseDevice(in)
		if err != nil {
			t.Errorf("ParseDevice(%q): %v", in, err)
			continue
		}
		if got := d.String(); got != want {
			t.Errorf("ParseDevice(%q) = %q, want %q", in, got, want)
		}
	}
	d, _ := ParseDevice("/job:w/replica:1/task:2/device:GPU:3")
	if d != (DeviceSpec{Job: "w", Replica: 1, Task: 2, Type: "GPU", Index: 3}) {
		t.Errorf("parts %+v", d)
	}
	for _, bad := range []string{"/cpu:x", "/device:CPU:-1", "/job:", "/job:1x", "/replica:a", "/task:+1",
		"/task:-2", "/foo:1", "/job:a/job:b", "/cpu:0/device:GPU:0", "/device:C-PU:0", "garbage", "/cpu:0:1",
		"/device:GPU:0:1", "/job:a:b", "XPU:0"} {
		_, err := ParseDevice(bad)
		var de *DeviceError
		if !errors.As(err, &de) || de.Device != bad || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseDevice(%q): %v, want a *DeviceError naming it", bad, err)
		}
		err = Catch(func() { Device(bad) })
		if !errors.As(err, &de) {
			t.Errorf("Device(%q) did not panic with a *DeviceError: %v", bad, err)
		}
	}
}

// placement returns the device lines LogDevicePlacement prints by op name.
func placement(t *testing.T, s *Session, fetch ...*Tensor) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	s.logW = &buf
	if _, err := s.Run(nil, fetch); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		name, rest, _ := strings.Cut(line, ": ")
		_, dev, _ := strings.Cut(rest, ": ")
		m[name] = dev
	}
	return m
}

func TestSoftPlacementAndLog(t *testing.T) {
	g := NewGraph()
	a := Const(g, []float32{1, 2}, Name("a"))
	gpu := NewOp("Add", []*Tensor{a, a}, nil, Device("/gpu:0"), Name("on_gpu")).Output(0)
	cpu1 := NewOp("Mul", []*Tensor{gpu, a}, nil, Device("/device:CPU:3"), Name("on_cpu3")).Output(0)
	exit := g.DeviceScope("/job:worker/task:1/cpu:0")
	far := Sub(cpu1, a) // "Sub"
	exit()
	exit = g.DeviceScope(RefDevice)
	refd := Neg(far) // "Neg"
	exit()
	plain := Abs(refd) // "Abs": no device
	s := NewSession(g, LogDevicePlacement(true))
	m := placement(t, s, plain)
	for name, want := range map[string]string{"on_gpu": DefaultDevice, "on_cpu3": DefaultDevice, "Sub": DefaultDevice, "Neg": RefDevice, "Abs": DefaultDevice} {
		if m[name] != want {
			t.Errorf("%s runs on %q, want %q (log %v)", name, m[name], want, m)
		}
	}
	// The op keeps the device it asked for.
	if d := gpu.Op().Device(); d != "/job:localhost/replica:0/task:0/device:GPU:0" {
		t.Errorf("Device() = %q", d)
	}
	out, err := s.Run(nil, []*Tensor{refd})
	_ = plain
	if err != nil || out[0].Float(0) != -1 || out[0].Float(1) != -6 {
		t.Errorf("values %v, %v; want [-1 -6]", out, err)
	}
	if d := far.Op().Device(); d != "/job:worker/replica:0/task:1/device:CPU:0" {
		t.Errorf("device scope: Device() = %q", d)
	}
}

func TestSessionDevice(t *testing.T) {
	g := NewGraph()
	x := Const(g, []float32{1, -2, 3}, Name("x"))
	y := ReduceSum(Relu(x), nil, false)
	z := NewOp("Square", []*Tensor{y}, nil, Device("/cpu:0")).Output(0)
	s := NewSession(g, LogDevicePlacement(true), SessionDevice("/device:REF:0"))
	m := placement(t, s, z)
	if m["Relu"] != RefDevice || m["Sum"] != RefDevice || m["Square"] != DefaultDevice {
		t.Errorf("placement %v: want relu and sum on %s, sq on the CPU it asked for", m, RefDevice)
	}
	err := Catch(func() { SessionDevice("nonsense") })
	var de *DeviceError
	if !errors.As(err, &de) {
		t.Errorf("SessionDevice(nonsense): %v", err)
	}
}

// countingAllocator counts the buffers a plan asks for.
type countingAllocator struct{ n, elems int }

func (c *countingAllocator) Allocate(dtype tensor.DType, n int) *tensor.Tensor {
	c.n++
	c.elems += n
	return tensor.New(dtype, n)
}

func TestAllocator(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{-1, 4})
	y := ReduceSum(Exp(Mul(x, x)), []int{1}, false)
	var al countingAllocator
	s := NewSession(g, WithAllocator(&al))
	xv := tensor.Ones(Float32, 3, 4)
	out, err := s.Run(Feeds{x: xv}, []*Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	if al.n == 0 {
		t.Errorf("the plan took no buffer from the session's allocator")
	}
	if v := out[0].Float(0); v < 10.87 || v > 10.88 { // 4e
		t.Errorf("sum = %v, want 4e", v)
	}
	n := al.n
	if _, err := s.Run(Feeds{x: xv}, []*Tensor{y}); err != nil || al.n != n {
		t.Errorf("a replayed plan allocated again: %d -> %d buffers (%v)", n, al.n, err)
	}
}

// FuzzParseDevice: ParseDevice never panics, and a parsed spec's full
// string parses back to itself.
func FuzzParseDevice(f *testing.F) {
	for _, s := range []string{"", "/cpu:0", "/gpu:1", "/device:GPU:*", "/job:worker/replica:0/task:0/device:CPU:0",
		"/job:ps/task:2", RefDevice, "/device:REF", "cpu:0", "/cpu", "//", "/job:", "/job:a/job:b", "/device:C-PU:0",
		"/task:-1", "/replica:99999999999999999999", "/device:GPU:0:1", "/\x00:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDevice(s)
		if err != nil {
			var de *DeviceError
			if !errors.As(err, &de) || de.Device != s {
				t.Fatalf("ParseDevice(%q): error %v is not a *DeviceError naming the string", s, err)
			}
			return
		}
		full := d.String()
		d2, err := ParseDevice(full)
		if err != nil || d2.String() != full {
			t.Fatalf("ParseDevice(%q) = %q, which parses as %v, %v", s, full, d2, err)
		}
	})
}

// Eager ops run on the device they ask for too.
func TestEagerOnReferenceDevice(t *testing.T) {
	a := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float64{1, 0, -1, 2, 1, 0}, 2, 3)
	cpu := NewOp("MatMul", []*Tensor{Constant(a), Constant(b)}, map[string]any{"transpose_b": true}).Output(0).Value()
	ref := NewOp("MatMul", []*Tensor{Constant(a), Constant(b)}, map[string]any{"transpose_b": true}, Device(RefDevice)).Output(0).Value()
	// a x b^T by hand: rows (1,2,3),(4,5,6) against (1,0,-1),(2,1,0)
	want := []float64{-2, 4, -2, 13}
	for i, w := range want {
		if cpu.Float(i) != w || ref.Float(i) != w {
			t.Errorf("element %d: CPU %v, reference %v, want %v", i, cpu.Float(i), ref.Float(i), w)
		}
	}
}
