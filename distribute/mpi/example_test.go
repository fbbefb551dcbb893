//go:build !mpi

package mpi_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/distribute/mpi"
)

// Each rank computes gradients on its own shard of the data, then all ranks
// average them so that every replica applies the same update. Built without
// the mpi tag the program is a one-rank job; with it, start it with
// mpirun -np N and every rank prints the same lines.
func Example() {
	comm, err := mpi.Init()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer comm.Finalize()

	// The root shares the run's configuration with the others.
	config, err := comm.BroadcastMessage([]byte(`{"lr": 0.01}`), 0)
	if err != nil {
		fmt.Println(err)
		return
	}

	// Every rank's gradient here is the same; in training each differs.
	grads := []float32{0.5, -1, 2}
	if err := comm.AllreduceFloat32(grads, mpi.Average); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("config %s\n", config)
	fmt.Println("averaged gradients:", grads)
	// Output:
	// config {"lr": 0.01}
	// averaged gradients: [0.5 -1 2]
}
