package layerutil

import (
	"fmt"
	"strings"
	"sync"
)

// Keras uniquifies automatic names per process (reset by
// keras.ClearSession).
var (
	nameMu     sync.Mutex
	nameCounts = map[string]int{}
)

// UniqueName returns base the first time, then base_1, base_2, ...
func UniqueName(base string) string {
	nameMu.Lock()
	defer nameMu.Unlock()
	n := nameCounts[base]
	nameCounts[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s_%d", base, n)
}

// ResetNames forgets the automatic names given so far (keras.ClearSession).
func ResetNames() {
	nameMu.Lock()
	defer nameMu.Unlock()
	nameCounts = map[string]int{}
}

// SnakeCase converts a class name to Keras's automatic layer name:
// "Dense" -> "dense", "BatchNormalization" -> "batch_normalization",
// "Conv2D" -> "conv2d".
func SnakeCase(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		upper := r >= 'A' && r <= 'Z'
		if upper && i > 0 {
			prevLower := rs[i-1] >= 'a' && rs[i-1] <= 'z'
			nextLower := i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z'
			prevUpper := rs[i-1] >= 'A' && rs[i-1] <= 'Z'
			if prevLower || (prevUpper && nextLower) {
				b.WriteByte('_')
			}
		}
		if upper {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
