//go:build !purego

package prefetch

import "unsafe"

const supported = true

// lines issues PREFETCHT0 for every 64-byte line of [p, p+n).
//
//go:noescape
func lines(p unsafe.Pointer, n int)
