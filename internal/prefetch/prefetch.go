// Package prefetch asks the CPU to start loading memory that code is about to
// read. Gathering rows at random from an array larger than the caches (a
// shuffled MNIST batch) waits on one cache miss after another; announcing
// every row of a batch first lets those misses overlap.
package prefetch

import "unsafe"

// Rows prefetches rows idx (each rowLen elements long) of src. It has no
// effect on the program's results, only on its speed; on platforms without
// a prefetch instruction it does nothing.
func Rows[T any](src []T, idx []int, rowLen int) {
	if !supported || rowLen <= 0 {
		return
	}
	var z T
	bytes := rowLen * int(unsafe.Sizeof(z))
	for _, i := range idx {
		if i < 0 || i >= len(src)/rowLen { // no (i+1)*rowLen: it can overflow
			continue // the copy that follows reports bad indices
		}
		lines(unsafe.Pointer(&src[i*rowLen]), bytes)
	}
}
