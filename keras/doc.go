// Package keras builds and trains models the Keras way: Sequential models,
// functional models (Input -> layers -> NewModel) and subclassed models
// (a struct holding its layers and defining Call), with Compile, Fit,
// Evaluate, Predict and Summary, callbacks and a History.
//
// The seeds' six steps in Go:
//
//	model := keras.NewSequential(
//		layers.Flatten(layers.InputShape(28, 28)),
//		layers.Dense(128, layers.Activation("relu")),
//		layers.Dropout(0.2),
//		layers.Dense(10, layers.Activation("softmax")),
//	)
//	err := model.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy"))
//	history, err := model.Fit(xTrain, yTrain, keras.Epochs(5))
//	loss, metrics, err := model.Evaluate(xTest, yTest, keras.Verbose(2))
//	model.Summary()
//
// Fit compiles one training step (forward pass, loss, gradients and the
// optimizer's update) into a tf graph once, and a tf.Session plans it once
// and replays the plan for every batch: batches are copied into
// preallocated feed tensors, so a steady-state step allocates nothing.
// Evaluate and Predict run compiled inference plans the same way.
//
// # Data
//
// Fit, Evaluate and Predict take in-memory tensors (a *tensor.Tensor, or a
// []*tensor.Tensor for several inputs or outputs) or a *data.Dataset of
// batches whose elements hold the model's inputs, then its labels, then
// optionally sample weights: (x, y), (x, y, sample_weight), (x1, x2, y1,
// y2), ... Both become one internal source of batches that one training
// loop, one evaluation loop and one prediction loop read (Keras's data
// adapters and epoch iterator). Numeric inputs of another dtype than the
// model's (float64, int32, int64, uint8 for a float32 model) are cast to it
// batch by batch, as Keras does; labels are cast to the output's dtype
// except for sparse losses, whose class indices keep theirs.
//
// # Callbacks
//
// Callbacks (EarlyStopping, ReduceLROnPlateau, LearningRateScheduler,
// CSVLogger, TerminateOnNaN, ModelCheckpoint, BackupAndRestore,
// LambdaCallback or your own embedding
// CallbackBase) run around each epoch and batch. A hook that returns an
// error stops Fit, which returns it. History runs last and records every
// log.
//
// # Saving and resuming
//
// SaveWeights and LoadWeights write and read a model's weights by their
// NamedVariables keys (".tgckpt" files of package checkpoint; other
// formats register by file ending); WriteWeightsText writes them as text.
// ModelCheckpoint saves weights during training, as Keras's does.
// BackupAndRestore saves the whole state of a training run (weights,
// optimizer state, position in the data and shuffle state, callbacks'
// state) so that a run killed at any moment and started again continues
// exactly, bit for bit, where it stopped.
//
// # Concurrency
//
// Building, compiling, changing (Add, Pop, SetWeights) and training (Fit)
// a model are single-goroutine: nothing else may use the model meanwhile.
// A model that is not training may serve Evaluate, Predict and PredictAll
// from any number of goroutines at once: each call has its own batch
// buffers, feeds and metric state, and the steps they need are built once
// under the model's lock. Metric objects given to Compile
// (metrics.Metric values rather than names) are the caller's and shared by
// every call, so Evaluate calls on such a model run one after the other.
// Callbacks run on Fit's goroutine.
//
// Losses, metrics, initializers, regularizers and activations live in the
// sub-packages of the same names; layers in keras/layers.
package keras
