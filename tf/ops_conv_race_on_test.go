//go:build race

package tf

// convRaceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts mean nothing under it.
const convRaceEnabled = true
