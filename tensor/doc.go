// Package tensor holds tensorgo's values: dense, row-major n-dimensional
// arrays of one element type (DType), and the CPU kernels that compute with
// them.
//
// # Values
//
// A *Tensor has a DType (Float32, the default everywhere, Float64, Int32,
// Int64, Uint8, Bool, or the 16-bit storage types Float16 and BFloat16) and
// a Shape. Create one from Go data with From
// (nested slices, copied) or FromSlice (a flat slice, shared), or with
// Zeros, Ones, Fill, Range, Linspace, Eye and the seeded random generators
// RandomUniform, RandomNormal and TruncatedNormal (SetSeed sets the global
// seed; a per-call seed may follow, as in TensorFlow). Data[T] and
// Float32s, ... return the backing slice, Bytes and FromBytes the raw
// little-endian bytes; fmt.Println prints a tensor as NumPy does, with its
// shape and dtype (SetPrintOptions and StringWith as numpy.set_printoptions).
//
// Float16 and BFloat16 tensors hold Float16Value and BFloat16Value elements.
// They can be created, copied, reshaped, sliced, gathered, printed and Cast
// to and from every other dtype (rounding to nearest even); arithmetic is
// float32-only, so Cast them to Float32 first.
//
// # Ops
//
// The functions mirror TensorFlow's: elementwise math (Add, Mul, Exp, Relu,
// Sigmoid, ...) with NumPy broadcasting, comparisons and logical ops
// returning Bool, Where and Clip; reductions over any set of axes (Sum,
// Mean, Max, Min, Prod, LogSumExp, ArgMax, ArgMin); Softmax and LogSoftmax;
// MatMul with transpose flags and broadcast batch dimensions; and shape ops
// (Reshape, Transpose, Concat, Stack, Split, Slice, Gather, OneHot, Cast,
// ExpandDims, Squeeze, BroadcastTo, SumToShape). Every op returns a new
// tensor, except Reshape, ExpandDims and Squeeze, which share memory.
//
// For code that runs the same computation many times (a compiled training
// step), the ops also come as values (UnaryOp, BinaryOp, ReduceOp) applied
// with Unary, Binary and Reduce, and as Into forms (BinaryInto, ReduceInto,
// SoftmaxInto, MatMulInto, TransposeInto, ...) that write into a tensor the
// caller allocated and do not allocate themselves.
//
// # Errors
//
// Ops check their arguments and panic on programming errors — shapes that
// do not broadcast, a reshape to another number of elements, an axis out of
// range, a dtype the op does not support, mixed dtypes — with a message
// naming the op, the shapes or axis and what was expected, for example
//
//	Add: shapes (2, 3) and (4,) are not broadcast-compatible (dimension 1: 3 vs 4)
//
// # Performance and threads
//
// Kernels split large tensors across the shared worker pool (see
// tensorgo.SetNumThreads); tensors of a few thousand elements stay on the
// calling goroutine. Results are bit-for-bit identical for the same inputs
// whatever the thread count and whichever instruction set the matrix
// kernels use (tensorgo.SetISA): splits never change an element's order of
// operations, and reductions block their inputs the same way every time. Ops may be called from many goroutines at once, and from inside work
// the pool is already running. A tensor may be read from many goroutines at
// once; writing one while others read it is a data race.
package tensor
