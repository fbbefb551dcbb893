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
// preallocated feed tensors, so a steady-state step allocates (almost)
// nothing. Evaluate and Predict run compiled inference plans the same way.
//
// Losses, metrics, initializers, regularizers and activations live in the
// sub-packages of the same names; layers in keras/layers.
package keras
