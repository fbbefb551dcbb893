// Package checkpoint saves and restores the state of a training run: named
// tensors (variables, optimizer slots, step counters) and named JSON values
// (random-generator states, the position in the data, callbacks' state), so
// that a run killed at any moment continues from its latest checkpoint
// exactly where it stopped.
//
// Files are written atomically (a temporary file, fsync, rename, fsync of
// the directory) and carry CRC-32C checksums of the header, of each tensor
// and of the whole file; Read checks all of them and every size against the
// file before it allocates, and reports a damaged file as a *CorruptError
// naming it. A Manager keeps a directory of checkpoints with an index that
// names the latest (TensorFlow's "checkpoint" file, in its text form) and
// removes all but the newest MaxToKeep; LatestCheckpoint reads the index as
// tf.train.latest_checkpoint does.
//
//	m, err := checkpoint.NewManager("ckpt", 3)
//	...
//	s := &checkpoint.State{Step: step, Tensors: map[string]*tensor.Tensor{"dense/kernel": k}}
//	s.SetValue("epoch", epoch)
//	path, err := m.Save(s)
//	...
//	latest, err := checkpoint.LatestCheckpoint("ckpt")
//	s, err = checkpoint.Read(latest)
package checkpoint
