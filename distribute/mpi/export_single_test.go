//go:build !mpi

package mpi

// resetForTest forgets the stand-in's process state, so that each test may
// call Init afresh (MPI itself allows one Init per process).
func resetForTest() {
	initMu.Lock()
	initState = stateNew
	initMu.Unlock()
}
