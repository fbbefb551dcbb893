package tf

// SessionDevice places every op that names no device of its own on d
// (RefDevice, say, to run a whole graph on the reference kernels). Ops whose
// device does not exist, or has no kernel for them, run on the CPU. An
// invalid device string panics with a *DeviceError.
func SessionDevice(d string) SessionOption {
	c := canonicalDeviceOrEmpty(d)
	return func(s *Session) { s.device = c }
}

// WithAllocator makes the session's plans take their buffers from a (the
// default is HostAllocator).
func WithAllocator(a Allocator) SessionOption { return func(s *Session) { s.alloc = a } }
