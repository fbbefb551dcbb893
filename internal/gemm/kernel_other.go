//go:build !amd64 || purego

package gemm

// kernels32 lists the float32 kernels this CPU can run, the default first.
func kernels32() []*kernel[float32] { return []*kernel[float32]{&goKernel32} }

// kernels64 lists the float64 kernels this CPU can run, the default first.
func kernels64() []*kernel[float64] { return []*kernel[float64]{&goKernel64} }
