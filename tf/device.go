package tf

import (
	"strconv"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// DeviceSpec is a parsed device string: a job, replica, task, device type
// and index, each possibly unset (a partial specification such as "/gpu:0"
// or "/job:worker").
type DeviceSpec struct {
	Job     string // "" when unset
	Replica int    // -1 when unset
	Task    int    // -1 when unset
	Type    string // device type in upper case ("CPU", "GPU", "REF"); "" when unset, "*" for any
	Index   int    // -1 when unset or "*"
}

// ParseDevice parses a device string as TensorFlow's DeviceSpec does:
// "/"-separated components, empty ones skipped, each "job:NAME",
// "replica:N", "task:N", "device:TYPE:N" or the short "TYPE:N" / "TYPE"
// for the known types (CPU, GPU, TPU and registered ones such as REF), the
// type in either case and "*" for any index. So
// "/job:worker/replica:0/task:0/device:CPU:0", "/job:worker", "/cpu:0",
// "GPU:1", "/device:GPU:1" and "" (nothing specified) all parse. Anything
// else is a *DeviceError naming the string.
func ParseDevice(s string) (DeviceSpec, error) {
	d := DeviceSpec{Replica: -1, Task: -1, Index: -1}
	bad := func(msg string) (DeviceSpec, error) { return DeviceSpec{}, &DeviceError{Device: s, Msg: msg} }
	seen := map[string]bool{}
	for _, p := range strings.Split(s, "/") {
		if p == "" {
			continue
		}
		parts := strings.Split(p, ":")
		key := strings.ToLower(parts[0])
		kind := key
		if key != "job" && key != "replica" && key != "task" {
			kind = "device"
		}
		if seen[kind] {
			return bad("the " + kind + " is given twice")
		}
		seen[kind] = true
		switch {
		case key == "job" && len(parts) == 2:
			if !isName(parts[1], true) {
				return bad("job name " + strconv.Quote(parts[1]) + " must be letters, digits, '_' or '-', starting with a letter")
			}
			d.Job = parts[1]
		case (key == "replica" || key == "task") && len(parts) == 2:
			n, err := parseIndex(parts[1])
			if err != nil || n < 0 {
				return bad(key + " " + strconv.Quote(parts[1]) + " is not a non-negative integer")
			}
			if key == "replica" {
				d.Replica = n
			} else {
				d.Task = n
			}
		case key == "device" && (len(parts) == 2 || len(parts) == 3):
			if parts[1] != "*" && !isName(parts[1], false) {
				return bad("device type " + strconv.Quote(parts[1]) + " must be letters, digits or '_'")
			}
			d.Type = strings.ToUpper(parts[1])
			if len(parts) == 3 {
				var err error
				if d.Index, err = parseIndex(parts[2]); err != nil {
					return bad("device index " + strconv.Quote(parts[2]) + " is not a non-negative integer or *")
				}
			}
		case len(parts) <= 2 && shortDeviceType(parts[0]):
			d.Type = strings.ToUpper(parts[0])
			if len(parts) == 2 {
				var err error
				if d.Index, err = parseIndex(parts[1]); err != nil {
					return bad("device index " + strconv.Quote(parts[1]) + " is not a non-negative integer or *")
				}
			}
		default:
			return bad("component " + strconv.Quote(p) + " is not job:NAME, replica:N, task:N, device:TYPE:N or a device type such as CPU:0")
		}
	}
	return d, nil
}

// shortDeviceType reports whether s names a device type usable without
// "device:" (TensorFlow's CPU, GPU and TPU, and the registered types).
func shortDeviceType(s string) bool {
	u := strings.ToUpper(s)
	if u == "GPU" || u == "TPU" {
		return true
	}
	return knownDeviceType(u)
}

func parseIndex(s string) (int, error) {
	if s == "*" {
		return -1, nil
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.Atoi(s)
	if err == nil && n < 0 {
		err = strconv.ErrRange
	}
	return n, err
}

func isName(s string, job bool) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9', r == '_':
			if job && i == 0 {
				return false
			}
		case r == '-' && job && i > 0:
		default:
			return false
		}
	}
	return true
}

// String returns the full device string with unset parts filled as
// tensorgo places ops: job localhost, replica 0, task 0, device CPU:0.
func (d DeviceSpec) String() string {
	job, typ := d.Job, d.Type
	if job == "" {
		job = "localhost"
	}
	if typ == "" || typ == "*" {
		typ = "CPU"
	}
	return "/job:" + job + "/replica:" + strconv.Itoa(max(d.Replica, 0)) + "/task:" + strconv.Itoa(max(d.Task, 0)) +
		"/device:" + typ + ":" + strconv.Itoa(max(d.Index, 0))
}

// canonicalDevice turns a device request into a full device string; an
// invalid one panics with a *DeviceError.
func canonicalDevice(s string) string {
	if s == "" {
		return DefaultDevice
	}
	d, err := ParseDevice(s)
	if err != nil {
		panic(err)
	}
	return d.String()
}

// RefDevice is the reference device: plain loops written apart from the
// CPU kernels, slow and simple, that check them. Place an op on it with
// Device(RefDevice), or a whole session with SessionDevice(RefDevice).
const RefDevice = "/job:localhost/replica:0/task:0/device:REF:0"

var (
	devMu       sync.RWMutex
	deviceTypes = map[string]int{"CPU": 1, "REF": 1} // type -> number of local devices
)

// RegisterDeviceType makes a device type known with count local devices
// (indices 0 to count-1), so that kernels can be registered for it and ops
// placed on it. A backend calls it once, from an init function.
func RegisterDeviceType(typ string, count int) {
	devMu.Lock()
	defer devMu.Unlock()
	if !isName(typ, false) || typ != strings.ToUpper(typ) || count < 1 {
		panic("tf: RegisterDeviceType: want an upper-case type name and count >= 1, got " + strconv.Quote(typ) + " " + strconv.Itoa(count))
	}
	if _, dup := deviceTypes[typ]; dup {
		panic("tf: RegisterDeviceType: device type " + typ + " registered twice")
	}
	deviceTypes[typ] = count
}

func knownDeviceType(typ string) bool {
	devMu.RLock()
	defer devMu.RUnlock()
	_, ok := deviceTypes[typ]
	return ok
}

// placeOp returns the device an op really runs on and its kernel there:
// the op's own device, else def (the session's device), else the CPU. A
// device this process does not have (another job or task, a GPU that is
// not there, an index past the last) or one without a kernel for the op
// falls back to the CPU, as TensorFlow's soft placement does.
func placeOp(op *Operation, def string) (string, KernelFunc) {
	req := op.device
	if req == "" {
		req = def
	}
	if req != "" && req != DefaultDevice {
		d, err := ParseDevice(req)
		if err == nil && (d.Job == "" || d.Job == "localhost") && d.Replica <= 0 && d.Task <= 0 {
			devMu.RLock()
			n := deviceTypes[d.Type]
			devMu.RUnlock()
			if d.Index < n {
				if k := op.def.KernelFor(d.Type); k != nil {
					return d.String(), k
				}
			}
		}
	}
	return DefaultDevice, op.def.KernelFor("CPU")
}

// Allocator provides the buffers a plan computes into: flat tensors of n
// elements that the plan reshapes. The default, HostAllocator, returns
// ordinary host tensors; a device backend supplies its own.
type Allocator interface {
	Allocate(dtype tensor.DType, n int) *tensor.Tensor
}

// HostAllocator allocates host tensors (tensor.New).
type HostAllocator struct{}

// Allocate returns a zeroed host tensor of n elements.
func (HostAllocator) Allocate(dtype tensor.DType, n int) *tensor.Tensor { return tensor.New(dtype, n) }

// canonicalDeviceOrEmpty is canonicalDevice keeping "" (no device asked).
func canonicalDeviceOrEmpty(s string) string {
	if s == "" {
		return ""
	}
	return canonicalDevice(s)
}

// DeviceScope places the ops built in g until exit is called on device d,
// unless they name their own (tf.device): defer g.DeviceScope("/gpu:0")().
// Scopes nest; "" returns to no device. An invalid string panics with a
// *DeviceError naming it.
func (g *Graph) DeviceScope(d string) (exit func()) {
	c := canonicalDeviceOrEmpty(d)
	n := len(g.devScopes)
	g.devScopes = append(g.devScopes, c)
	return func() { g.devScopes = g.devScopes[:n] }
}
