package hdf5_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/tensorgo/tensorgo/internal/hdf5"
)

// buffer is an in-memory io.WriterAt.
type buffer struct{ b []byte }

func (m *buffer) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	copy(m.b[off:], p)
	return len(p), nil
}

// Write a Dense layer's weights the way Keras 3 lays out model.weights.h5,
// then read them back. CreateFile and OpenFile do the same with a path.
func Example() {
	var buf buffer
	w := hdf5.Create(&buf)
	vars, err := w.Group("layers/dense/vars")
	if err != nil {
		log.Fatal(err)
	}
	vars.SetAttr("name", "dense")
	vars.CreateDataset("0", hdf5.Float32, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}) // kernel
	vars.CreateDataset("1", hdf5.Float32, []int{3}, []float32{0, 0.5, 1})           // bias
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	f, err := hdf5.Open(bytes.NewReader(buf.b), int64(len(buf.b)))
	if err != nil {
		log.Fatal(err)
	}
	f.Root().Walk(func(g *hdf5.Group) error {
		for _, d := range g.Datasets() {
			v, err := d.Read()
			if err != nil {
				return err
			}
			fmt.Println(d.Path, d.DType, d.Shape, v)
		}
		return nil
	})
	g, _ := f.Root().Group("layers/dense/vars")
	name, _ := g.Attr("name")
	fmt.Println("name:", name.Value)
	// Output:
	// /layers/dense/vars/0 float32 [2 3] [1 2 3 4 5 6]
	// /layers/dense/vars/1 float32 [3] [0 0.5 1]
	// name: dense
}
