//go:build race

package tf

// rnnRaceEnabled: the race detector makes sync.Pool (used by internal/gemm)
// drop items at random, so allocation counts mean nothing under it.
const rnnRaceEnabled = true
