//go:build race

package keras

// raceEnabled: the race detector makes sync.Pool (used by the kernels'
// scratch) drop items at random, so allocation counts mean nothing.
const raceEnabled = true
