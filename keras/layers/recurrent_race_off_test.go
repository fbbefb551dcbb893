//go:build !race

package layers_test

const recurrentRace = false
