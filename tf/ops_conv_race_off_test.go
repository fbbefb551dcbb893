//go:build !race

package tf

const convRaceEnabled = false
