//go:build !amd64 || purego

package prefetch

import "unsafe"

const supported = false

func lines(p unsafe.Pointer, n int) {}
