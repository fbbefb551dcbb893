package mpi

import "iter"

// callAll makes every call of c that returns an error (but Finalize and a
// successful Abort, which would end the test) and yields each call's name
// and error; for a communicator that is not usable each must fail without
// reaching MPI.
func callAll(c *Comm) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		_ = yield("AllreduceFloat32", c.AllreduceFloat32([]float32{1}, Sum)) &&
			yield("AllreduceFloat64", c.AllreduceFloat64([]float64{1}, Average)) &&
			yield("BroadcastFloat32", c.BroadcastFloat32([]float32{1}, 0)) &&
			yield("BroadcastFloat64", c.BroadcastFloat64([]float64{1}, 0)) &&
			yield("BroadcastBytes", c.BroadcastBytes([]byte{1}, 0)) &&
			yield("BroadcastMessage", second(c.BroadcastMessage([]byte{1}, 0))) &&
			yield("Barrier", c.Barrier()) &&
			yield("Abort", c.Abort(9))
	}
}

func second(_ []byte, err error) error { return err }
