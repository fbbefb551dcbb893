package tensor_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
)

// Print options work as numpy.set_printoptions: globally, or for one call.
func ExampleSetPrintOptions() {
	x := tensor.From([]float64{1e-5, 2.5e-5, 1})
	fmt.Println(x.ValuesString())

	o := tensor.DefaultPrintOptions()
	o.Suppress, o.Precision = true, 3
	old := tensor.SetPrintOptions(o)
	fmt.Println(x.ValuesString())
	tensor.SetPrintOptions(old)

	// Every element, never summarised: how to write out a whole model's
	// weights.
	all := tensor.DefaultPrintOptions()
	all.Threshold = math.MaxInt
	fmt.Println(len(strings.Fields(tensor.Ones(tensor.Float32, 2000).ValuesStringWith(all))))
	// Output:
	// [1.0e-05 2.5e-05 1.0e+00]
	// [0. 0. 1.]
	// 2000
}

// Float16 and BFloat16 are storage types: cast to them to store, cast back
// to Float32 to compute.
func ExampleCast_float16() {
	x := tensor.From([]float32{0.1, 1.0 / 3, 65520})
	h := tensor.Cast(x, tensor.Float16)
	fmt.Println(h)
	fmt.Printf("% x\n", h.Bytes())
	fmt.Println(tensor.Cast(h, tensor.Float32))
	// Output:
	// tensor([0.1    0.3333    inf], shape=(3,), dtype=float16)
	// 66 2e 55 35 00 7c
	// tensor([0.09997559 0.33325195        inf], shape=(3,), dtype=float32)
}
