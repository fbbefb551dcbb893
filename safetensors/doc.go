// Package safetensors reads and writes tensors in the safetensors format
// (https://github.com/huggingface/safetensors), the weight format of the
// Hugging Face ecosystem: an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then the tensors'
// little-endian, row-major bytes.
//
// Reading follows the rules of the reference implementation: the header is
// at most 100,000,000 bytes and starts with '{'; names are unique; every
// tensor's byte range matches its shape and dtype; and the ranges, taken in
// order, cover the data area exactly, with no gap, overlap or trailing byte.
// "__metadata__" holds a string-to-string map.
//
// The dtypes a tensor.Tensor holds map as F32 = Float32, F64 = Float64,
// I32 = Int32, I64 = Int64, U8 = Uint8 and BOOL = Bool. A file may hold
// other dtypes (F16, BF16, I16, I8, ...): it still opens, File.Raw returns
// their bytes, and File.Tensor reports that the tensor package cannot hold
// them.
//
// Write lays files out as the reference writer (v0.5.3) does, byte for byte
// when metadata has at most one key (the reference orders metadata keys at
// random; Write sorts them): tensors ordered by dtype (I64, F64, F32, I32,
// U8, BOOL) and then by name, and the header padded with spaces so that the
// data starts at a multiple of 8.
package safetensors
