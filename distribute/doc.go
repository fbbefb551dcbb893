// Package distribute trains one model on several processes at once (data
// parallelism) over MPI, for Keras models and for graph-mode code.
//
// Every process (a rank, or replica) holds the whole model and trains on
// its own part of the data. At the start, rank 0's initial weights are
// broadcast to all ranks; after every step's backward pass the gradients
// are averaged across the ranks with an allreduce, so that all replicas
// apply the same update and stay equal. Small gradients are packed into
// fused buffers ("buckets", [BucketBytes]) so that a step makes a few large
// allreduce calls rather than one per weight; with [Overlap] the allreduce
// of a bucket runs while the backward pass computes the next one.
//
// # Batch size and learning rate
//
// Each rank trains on its own batches, so one step sees the global batch:
// the per-rank batch size times the number of ranks. Training on 2 ranks
// with BatchSize(32) is (up to rounding) one rank with BatchSize(64). The
// learning rate is not changed: scale it yourself if the global batch calls
// for it (a common rule for SGD multiplies it by the number of ranks, with
// a few epochs of warm-up).
//
// # Keras
//
// [Strategy] implements [keras.Replicas]; pass it to Compile with
// keras.DataParallel:
//
//	s, err := distribute.InitMPI()
//	if err != nil { ... }
//	defer s.Close()
//	model.Compile("adam", "sparse_categorical_crossentropy",
//		keras.Metrics("accuracy"), keras.DataParallel(s))
//	cbs := append(distribute.ChiefOnly(s, keras.NewModelCheckpoint("model.tgckpt")),
//		keras.NewBackupAndRestore(distribute.RankDir("backup", s), "epoch", true))
//	_, err = model.Fit(xTrain, yTrain, keras.BatchSize(32), keras.Callbacks(cbs...))
//	if err != nil { s.Abort(err) }
//
// Fit then shards arrays by itself (rank k trains on rows k, k+n, ...);
// a *data.Dataset is sharded by the caller with Dataset.Shard(s.Size(),
// s.Rank()). The loss and metrics are averaged across ranks; only rank 0
// prints. Callbacks run on every rank, so that decisions such as
// EarlyStopping's are the same everywhere; wrap those that write files
// (checkpoints, TensorBoard events, CSV logs) in [ChiefOnly].
//
// # Graph mode
//
// Average the gradients between computing and applying them:
//
//	grads := tf.VariableGradients([]*tf.Tensor{loss}, vars)
//	train := opt.ApplyGradientsOp(s.ReduceGradients(grads, vars), vars)
//	... run the initializers, then:
//	err = s.BroadcastVariables(tf.GlobalVariables(g))
//
// # Checkpoints and restarts
//
// Only rank 0 writes model files and logs: wrap keras.ModelCheckpoint,
// keras.TensorBoard and keras.CSVLogger in [ChiefOnly]. To make a killed
// job resume where it stopped, give every rank a keras.BackupAndRestore
// of its own, unwrapped, in a directory of its own ([RankDir]): every rank
// then saves and restores its whole training state (its weights, optimizer
// state, position in its shard of the data, random generators), and a new
// job started the same way goes on from the last epoch all ranks backed
// up. Without BackupAndRestore, restore a checkpoint before Fit on rank 0
// (Fit broadcasts rank 0's weights and optimizer state to the others when
// training starts) and pass the same InitialEpoch everywhere
// ([Strategy.BroadcastInt] shares rank 0's); examples/mnist_distributed
// does that. Fit returns an error, rather than waiting forever, when the
// ranks would run different numbers of epochs or steps (a rank restored
// another epoch than the others).

// # Failures
//
// A rank that fails must not leave the others waiting in an allreduce: end
// the job with [Strategy.Abort], which prints the error and makes mpirun
// stop every rank. A rank that dies (a crash, kill -9) makes mpirun end
// the job within seconds too.
//
// # Devices
//
// Ranks are named by TensorFlow's device strings "/job:worker/task:K"
// ([WorkerDevice], [TaskOf], [Strategy.Device]).
//
// # Builds
//
// The MPI binding, [mpi], needs the build tag mpi (cgo and Open MPI).
// Without it the package still builds and works, as a job of one rank;
// [NewLocalGroup] runs several ranks as goroutines of one process, for
// tests and for trying the package without MPI.
package distribute
