//go:build !amd64

package prefetch

import "unsafe"

const supported = false

func lines(p unsafe.Pointer, n int) {}
