package hdf5

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"reflect"
	"testing"
)

func openTestdata(t *testing.T, name string) *File {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func readDataset(t *testing.T, f *File, path string) (*Dataset, any) {
	t.Helper()
	d, ok := f.Root().Dataset(path)
	if !ok {
		t.Fatalf("no dataset %s", path)
	}
	v, err := d.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d, v
}

func expectDataset(t *testing.T, f *File, path string, dtype DType, shape []int, want any) {
	t.Helper()
	d, v := readDataset(t, f, path)
	if d.DType != dtype || !reflect.DeepEqual(d.Shape, shape) {
		t.Errorf("%s: %v %v, want %v %v", path, d.DType, d.Shape, dtype, shape)
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("%s = %v, want %v", path, v, want)
	}
}

func expectAttr(t *testing.T, attrs []Attr, name string, shape []int, want any) {
	t.Helper()
	a, ok := findAttr(attrs, name)
	if !ok {
		t.Errorf("no attribute %q", name)
		return
	}
	if !reflect.DeepEqual(a.Value, want) || !reflect.DeepEqual(a.Shape, shape) {
		t.Errorf("attribute %q = %#v shape %v, want %#v shape %v", name, a.Value, a.Shape, want, shape)
	}
}

// TestReadH5pyBasic reads the files make_testdata.py's fill_basic wrote
// with h5py's default format (superblock 0, symbol tables) and with
// libver="latest" (superblock 3, link messages). The expected values are
// the ones the script stores, recomputed here.
func TestReadH5pyBasic(t *testing.T) {
	for _, name := range []string{"basic_v0.h5", "basic_latest.h5"} {
		t.Run(name, func(t *testing.T) {
			f := openTestdata(t, name)
			wantSB := map[string]int{"basic_v0.h5": 0, "basic_latest.h5": 3}[name]
			if f.SuperblockVersion != wantSB {
				t.Errorf("superblock version %d, want %d", f.SuperblockVersion, wantSB)
			}
			root := f.Root()
			expectAttr(t, root.Attrs, "title", nil, "tensorgo test")
			expectAttr(t, root.Attrs, "fixed", nil, "abc")
			expectAttr(t, root.Attrs, "count", nil, int64(42))
			expectAttr(t, root.Attrs, "ratio", nil, 0.25)
			expectAttr(t, root.Attrs, "i32s", []int{3}, []int32{1, -2, 3})
			expectAttr(t, root.Attrs, "f32s", []int{2, 2}, []float32{0.5, 1.5, 2.5, -3.5})
			expectAttr(t, root.Attrs, "names", []int{3}, []string{"alpha", "beta", "gamma"})
			if len(root.Attrs) != 7 {
				t.Errorf("root has %d attributes, want 7", len(root.Attrs))
			}
			c, ok := root.Group("a/b/c")
			if !ok {
				t.Fatal("no group a/b/c")
			}
			if c.Path != "/a/b/c" || c.Name != "c" {
				t.Errorf("group path %q name %q", c.Path, c.Name)
			}
			expectAttr(t, c.Attrs, "depth", nil, int32(3))

			f32 := make([]float32, 24)
			for i := range f32 {
				f32[i] = float32(i) / 8
			}
			expectDataset(t, f, "a/f32", Float32, []int{2, 3, 4}, f32)
			d, _ := root.Dataset("a/f32")
			expectAttr(t, d.Attrs, "unit", nil, "m")
			expectDataset(t, f, "a/f64", Float64, []int{4}, []float64{1, -2.5, 1e300, math.Pi})
			expectDataset(t, f, "a/b/i32", Int32, []int{2, 2}, []int32{1, -2, 3, math.MaxInt32})
			expectDataset(t, f, "a/b/i64", Int64, []int{2}, []int64{-(1 << 62), 5})
			expectDataset(t, f, "a/b/c/u8", Uint8, []int{3}, []uint8{0, 1, 255})
			// IEEE half bits of 1, -0.5, 65504 and 2^-14.
			expectDataset(t, f, "f16", Float16, []int{4}, []uint16{0x3c00, 0xb800, 0x7bff, 0x0400})
			expectDataset(t, f, "scalar", Float32, []int{}, []float32{7.5})
			expectDataset(t, f, "empty", Float32, []int{0, 3}, []float32{})

			var paths []string
			root.Walk(func(g *Group) error {
				paths = append(paths, g.Path)
				for _, d := range g.Datasets() {
					paths = append(paths, d.Path)
				}
				return nil
			})
			want := []string{"/", "/empty", "/f16", "/scalar", "/a", "/a/f32", "/a/f64", "/a/b", "/a/b/i32", "/a/b/i64", "/a/b/c", "/a/b/c/u8"}
			if !reflect.DeepEqual(paths, want) {
				t.Errorf("walk order %v, want %v", paths, want)
			}
		})
	}
}

// denseWeights returns the weights make_testdata.py and keras_real.py give
// a Dense layer: kernel[i, j] = (i*nOut + j + 1) / 8 * (-1)^j and
// bias[j] = -(j + 1) / 4.
func denseWeights(nIn, nOut int) (kernel, bias []float32) {
	kernel = make([]float32, nIn*nOut)
	for i := 0; i < nIn; i++ {
		for j := 0; j < nOut; j++ {
			v := float32(i*nOut+j+1) / 8
			if j%2 == 1 {
				v = -v
			}
			kernel[i*nOut+j] = v
		}
	}
	bias = make([]float32, nOut)
	for j := range bias {
		bias[j] = -float32(j+1) / 4
	}
	return kernel, bias
}

// TestReadRealKerasFile reads a weights file written by real Keras 3
// (model.save_weights, testdata/keras_real.py).
func TestReadRealKerasFile(t *testing.T) {
	f := openTestdata(t, "keras_real.weights.h5")
	for _, l := range []struct {
		name      string
		nIn, nOut int
	}{{"dense", 4, 3}, {"dense_1", 3, 2}} {
		kernel, bias := denseWeights(l.nIn, l.nOut)
		expectDataset(t, f, "layers/"+l.name+"/vars/0", Float32, []int{l.nIn, l.nOut}, kernel)
		expectDataset(t, f, "layers/"+l.name+"/vars/1", Float32, []int{l.nOut}, bias)
		g, _ := f.Root().Group("layers/" + l.name + "/vars")
		expectAttr(t, g.Attrs, "name", nil, l.name)
	}
	v, ok := f.Root().Group("vars")
	if !ok {
		t.Fatal("no root vars group")
	}
	expectAttr(t, v.Attrs, "name", nil, "sequential")
}

// TestReadKerasLayout reads a file laid out as Keras 3's model.weights.h5.
func TestReadKerasLayout(t *testing.T) {
	f := openTestdata(t, "keras_weights.h5")
	for _, l := range []struct {
		name        string
		nIn, nOut   int
		wantAttrVal string
	}{{"dense", 4, 3, "dense"}, {"dense_1", 3, 2, "dense_1"}} {
		kernel, bias := denseWeights(l.nIn, l.nOut)
		expectDataset(t, f, "layers/"+l.name+"/vars/0", Float32, []int{l.nIn, l.nOut}, kernel)
		expectDataset(t, f, "layers/"+l.name+"/vars/1", Float32, []int{l.nOut}, bias)
		g, _ := f.Root().Group("layers/" + l.name + "/vars")
		expectAttr(t, g.Attrs, "name", nil, l.wantAttrVal)
	}
	expectDataset(t, f, "optimizer/vars/0", Int64, []int{}, []int64{10})
	expectDataset(t, f, "optimizer/vars/1", Float32, []int{}, []float32{0.001})
	v, ok := f.Root().Group("vars")
	if !ok || len(v.Datasets()) != 0 {
		t.Errorf("root vars group: found %v, %d datasets", ok, len(v.Datasets()))
	}
	expectAttr(t, v.Attrs, "name", nil, "sequential")
}

// TestReadChunked reads chunked datasets (edge chunks included, plain,
// deflated and shuffled) indexed by a version 1 B-tree (chunked.h5) and by
// the data layout version 4 indexes (chunked_latest.h5: fixed arrays, paged
// for 2100 chunks, and single chunks).
func TestReadChunked(t *testing.T) {
	a := make([]float32, 60)
	for i := range a {
		a[i] = float32(i - 20)
	}
	s := make([]int64, 100)
	for i := range s {
		s[i] = int64(i)
	}
	for _, name := range []string{"chunked.h5", "chunked_latest.h5"} {
		f := openTestdata(t, name)
		expectDataset(t, f, "plain", Float32, []int{6, 10}, a)
		expectDataset(t, f, "gzip", Float32, []int{6, 10}, a)
		expectDataset(t, f, "shuffle", Int64, []int{100}, s)
	}
	f := openTestdata(t, "chunked_latest.h5")
	expectDataset(t, f, "single", Float32, []int{6, 10}, a)
	expectDataset(t, f, "single_gzip", Float32, []int{6, 10}, a)
	p := make([]uint8, 2100)
	for i := range p {
		p[i] = uint8(i % 251)
	}
	expectDataset(t, f, "paged", Uint8, []int{2100}, p)
}

// TestReadDenseStorage reads groups and attributes that newer HDF5 keeps in
// fractal heaps indexed by version 2 B-trees (libver="latest" with more than
// 8 members): 20 datasets and 13 attributes on the root of dense_links.h5,
// and 1500 hard links to one dataset in many_links.h5's /many (a B-tree of
// depth 2, an indirect heap block).
func TestReadDenseStorage(t *testing.T) {
	f := openTestdata(t, "dense_links.h5")
	root := f.Root()
	if len(root.Datasets()) != 20 {
		t.Errorf("root has %d datasets, want 20", len(root.Datasets()))
	}
	for i := 0; i < 20; i++ {
		expectDataset(t, f, fmt.Sprintf("d%02d", i), Int32, []int{1}, []int32{int32(i)})
	}
	if len(root.Attrs) != 13 {
		t.Errorf("root has %d attributes, want 13", len(root.Attrs))
	}
	for i := 0; i < 12; i++ {
		expectAttr(t, root.Attrs, fmt.Sprintf("a%02d", i), nil, int64(i*i))
	}
	expectAttr(t, root.Attrs, "s", nil, "dense string")

	m, ok := openTestdata(t, "many_links.h5").Root().Group("many")
	if !ok {
		t.Fatal("no group /many")
	}
	if n := len(m.Datasets()); n != 1501 {
		t.Fatalf("/many has %d datasets, want 1501", n)
	}
	for i, d := range m.Datasets()[:1500] {
		if want := fmt.Sprintf("link%04d", i); d.Name != want {
			t.Fatalf("dataset %d is %q, want %q", i, d.Name, want)
		}
	}
	for _, name := range []string{"link0000", "link1499", "target"} {
		d, _ := m.Dataset(name)
		if v, err := d.Read(); err != nil || !reflect.DeepEqual(v, []float64{2.5, -1}) {
			t.Errorf("/many/%s = %v, %v; want [2.5 -1]", name, v, err)
		}
	}
}

// TestReadBigEndianWithUserBlock reads big-endian data (converted to
// little-endian) from a file whose superblock follows a 512-byte user block.
func TestReadBigEndianWithUserBlock(t *testing.T) {
	f := openTestdata(t, "bigendian.h5")
	expectDataset(t, f, "i32", Int32, []int{3}, []int32{1, -2, 70000})
	expectDataset(t, f, "f64", Float64, []int{1, 2}, []float64{0.5, -1.5})
	expectAttr(t, f.Root().Attrs, "u16", []int{2}, []uint16{1, 513})
}
