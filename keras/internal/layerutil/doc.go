// Package layerutil is the plumbing shared by keras and keras/layers and
// hidden from users: the call context of a graph (training flag, the hook a
// model installs to see every layer call, the stack of layers being called),
// the tracing of functional models into nodes, and Keras's automatic names.
//
// Layers are held as values of type any, since this package sits below
// keras/layers; keras asserts them back to layers.Layer.
package layerutil
