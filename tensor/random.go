package tensor

import (
	"math"
	"math/rand/v2"
	"sync"
)

// Random numbers follow TensorFlow's two-level seeds: a global seed (SetSeed)
// and an optional per-call seed. With both unset a call is nondeterministic;
// with only the global seed set, each call takes the next seed from a counter,
// so a program that makes the same calls in the same order repeats itself;
// with a per-call seed the call depends only on the two seeds.

var (
	seedMu     sync.Mutex
	globalSeed *int64
	opCounter  uint64
)

// SetSeed sets the global random seed (tf.random.set_seed). It also resets the
// per-call counter, so the same program after SetSeed(s) draws the same
// numbers.
func SetSeed(seed int64) {
	seedMu.Lock()
	defer seedMu.Unlock()
	s := seed
	globalSeed = &s
	opCounter = 0
}

// NewRNG returns a generator for one random call. seed, if given, is the
// per-call seed.
func NewRNG(seed ...int64) *rand.Rand {
	seedMu.Lock()
	defer seedMu.Unlock()
	var hi, lo uint64
	switch {
	case globalSeed != nil && len(seed) > 0:
		hi, lo = uint64(*globalSeed), uint64(seed[0])
	case globalSeed != nil:
		opCounter++
		hi, lo = uint64(*globalSeed), opCounter^0x9e3779b97f4a7c15
	case len(seed) > 0:
		hi, lo = 0x5eed, uint64(seed[0])
	default:
		hi, lo = rand.Uint64(), rand.Uint64()
	}
	return rand.New(rand.NewPCG(hi, lo))
}

// RandomUniform returns values drawn uniformly from [minval, maxval).
func RandomUniform(dtype DType, shape Shape, minval, maxval float64, seed ...int64) *Tensor {
	r := NewRNG(seed...)
	t := New(dtype, shape...)
	for i := 0; i < t.Size(); i++ {
		t.SetFloat(i, minval+float64((maxval-minval)*r.Float64()))
	}
	return t
}

// RandomNormal returns values drawn from a normal distribution.
func RandomNormal(dtype DType, shape Shape, mean, stddev float64, seed ...int64) *Tensor {
	r := NewRNG(seed...)
	t := New(dtype, shape...)
	for i := 0; i < t.Size(); i++ {
		t.SetFloat(i, mean+float64(stddev*r.NormFloat64()))
	}
	return t
}

// TruncatedNormal returns normal values, redrawing any more than two standard
// deviations from the mean, as tf.random.truncated_normal.
func TruncatedNormal(dtype DType, shape Shape, mean, stddev float64, seed ...int64) *Tensor {
	r := NewRNG(seed...)
	t := New(dtype, shape...)
	for i := 0; i < t.Size(); i++ {
		v := r.NormFloat64()
		for math.Abs(v) > 2 {
			v = r.NormFloat64()
		}
		t.SetFloat(i, mean+float64(stddev*v))
	}
	return t
}

// Permutation returns a random permutation of 0..n-1 drawn from r.
func Permutation(r *rand.Rand, n int) []int { return r.Perm(n) }
