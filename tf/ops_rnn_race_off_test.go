//go:build !race

package tf

const rnnRaceEnabled = false
