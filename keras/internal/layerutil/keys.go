package layerutil

import "fmt"

// LocalKeys makes names unique within one scope (a model, or a layer and
// its sublayers), independently of any process-wide counter: given[i]
// marks a name the user chose, which keeps its spelling when it is the
// first of that spelling; every other name becomes base, base_1, base_2,
// ... in order, skipping keys already taken. The result depends only on
// the arguments.
func LocalKeys(bases []string, given []bool) []string {
	keys := make([]string, len(bases))
	used := map[string]bool{}
	for i, b := range bases {
		if given[i] && !used[b] {
			keys[i] = b
			used[b] = true
		}
	}
	next := map[string]int{}
	for i, b := range bases {
		if keys[i] != "" {
			continue
		}
		for {
			n := next[b]
			next[b] = n + 1
			k := b
			if n > 0 {
				k = fmt.Sprintf("%s_%d", b, n)
			}
			if !used[k] {
				keys[i] = k
				used[k] = true
				break
			}
		}
	}
	return keys
}
