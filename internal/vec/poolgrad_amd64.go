//go:build amd64 && !purego

package vec

// markFirstAVX2 and addMarkedAVX2 (poolgrad_amd64.s) are MarkFirst and
// AddMarked over n elements, n a multiple of 8.
//
//go:noescape
func markFirstAVX2(idx *int32, x, m *float32, n int, k int32)

//go:noescape
func addMarkedAVX2(dst, src *float32, idx *int32, n int, k int32)

//go:noescape
func markWindowsAVX2(idx *int32, m, x *float32, rs, kh0, kh1, kw, c, n int)

//go:noescape
func gatherMarkedAVX2(dst, src *float32, idx *int32, rs, kh0, kh1, kw, c, n int)
