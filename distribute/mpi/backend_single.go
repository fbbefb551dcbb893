//go:build !mpi

package mpi

import (
	"fmt"
	"os"
)

// The single-rank stand-in: the job is this process alone.

const enabled = false

func backendInit() (rank, size int, err error) { return 0, 1, nil }

func backendFinalize() error { return nil }

// An allreduce over one rank leaves the values as they are.
func backendAllreduceSum32([]float32, int) error { return nil }

func backendAllreduceSum64([]float64, int) error { return nil }

// A broadcast from rank 0 to itself copies nothing; any other root does not
// exist.
func backendBcast32(_ []float32, root int) error { return checkRoot(root) }

func backendBcast64(_ []float64, root int) error { return checkRoot(root) }

func backendBcastBytes(_ []byte, root int) error { return checkRoot(root) }

func checkRoot(root int) error {
	if root != 0 {
		return fmt.Errorf("mpi: broadcast: root %d is not a rank of this one-rank job (built without the mpi tag)", root)
	}
	return nil
}

func backendBarrier() error { return nil }

func backendAbort(code int) error {
	os.Exit(code)
	return nil
}
