// Package tf is tensorgo's op layer: one set of ops that builds a
// TensorFlow-1 graph run by a Session, or computes eagerly as TensorFlow 2
// does, with a gradient for every differentiable op.
//
// Graph mode: build a Graph with Placeholder, Const, NewVariable and ops
// (Add, MatMul, ReduceMean, ...); ops take their graph from their inputs.
// Ops are named "<type>", "<type>_1", ... (or by the Name option) inside
// name scopes ("loss/Mean"), their outputs "<op>:<index>". A Session runs only what its fetches need: each
// Run signature is compiled once into a plan (execution order, buffers
// reused by liveness, variables updated in place) and replayed, so a
// steady-state training step allocates nothing. Run returns errors (unfed
// placeholders, bad feeds, uninitialised variables, tensors of another
// graph); building a graph with impossible shapes panics naming the op and
// the shapes. As in TensorFlow 1, Graph.VariableScope and GetVariable name
// and share variables ("layer1/w"), Tensor.Eval and Operation.Run are
// shorthands for Session.Run, and NewInteractiveSession makes a session the
// default one so that Eval needs no session (as in a shell).
//
// Eager mode: ops on eager tensors (Constant, variables created with a nil
// graph) compute at once. A GradientTape returns gradients: there is no
// hidden current tape; an eager result remembers its op and inputs whenever
// an input is watched (GradientTape.Watch) or reads a trainable variable, as
// PyTorch's autograd does. Gradients are themselves built from ops, so
// gradients of gradients work in both modes.
//
// A nil *Graph means eager mode, everywhere: Const(nil, v) and
// NewVariable(nil, v) are eager values, GlobalVariables(nil) is empty, and
// the constructors that exist only in a graph (Placeholder, NewSession,
// NewInteractiveSession, GetVariable) panic with a *GraphError when given
// nil. A graph is never chosen implicitly: TF1-style code passes
// DefaultGraph() (or a NewGraph) where a graph is wanted; an op takes its
// graph from its inputs, and eager inputs of a graph op become constants of
// that graph.
//
// Variables keep their value themselves and are shared by graphs and eager
// code (Variable.In reads any variable inside a graph).
//
// Every op is registered once (RegisterOp) with its attributes (declared
// with name, type and default, listed by Operation.Attrs for a GraphDef or
// ONNX writer), shape inference, a CPU kernel, a gradient and the
// properties plans go by (Stateful, ReadsVariable, AssignsVariable, View,
// ...); packages such as keras add their own ops the same way.
//
// Devices: kernels are kept by (op type, device type). Device strings
// ("/cpu:0", "/gpu:0", "/job:worker/replica:0/task:0/device:CPU:0") are
// validated (ParseDevice); an op asks for one with the Device option or
// Graph.DeviceScope, a session for the ops that name none with
// SessionDevice. A plan picks each op's kernel when it compiles; a device
// this process lacks, or one without a kernel for the op, runs it on the
// CPU (soft placement), and LogDevicePlacement prints where each op really
// runs. Besides the CPU there is RefDevice, plain reference loops that the
// tests compare every CPU kernel with. Plans take their buffers from the
// session's Allocator.
//
// Errors: building an op with impossible inputs panics with a typed value
// (*ShapeError, *DTypeError, *OpError, ... all tf.Error) whose message
// names the op, its inputs' shapes and what was expected; Catch and
// Recover turn exactly those panics into errors (errors.As finds the
// type), and Session.Run returns them, while any other panic, a bug, keeps
// crashing with its stack.
//
// Concurrency: build a graph from one goroutine. Session.Run may be called
// concurrently (each concurrent call gets its own plan); eager ops on
// distinct tensors may run concurrently, but a GradientTape and the
// variables it updates belong to one goroutine at a time.
package tf
