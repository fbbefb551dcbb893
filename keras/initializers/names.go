package initializers

import (
	"fmt"
	"sort"
	"strings"
)

// byName maps Keras 3's initializer names to constructors with Keras's
// default arguments: the snake_case names, the class names (matched in
// any case, so "GlorotUniform" and "glorotuniform" both work) and Keras's
// aliases ("normal", "uniform", "one", "zero", "IdentityInitializer",
// "OrthogonalInitializer"), plus the "xavier_*" names of other frameworks.
var byName = map[string]func() Initializer{
	"glorot_uniform":        func() Initializer { return GlorotUniform() },
	"glorotuniform":         func() Initializer { return GlorotUniform() },
	"xavier_uniform":        func() Initializer { return GlorotUniform() },
	"glorot_normal":         func() Initializer { return GlorotNormal() },
	"glorotnormal":          func() Initializer { return GlorotNormal() },
	"xavier_normal":         func() Initializer { return GlorotNormal() },
	"he_uniform":            func() Initializer { return HeUniform() },
	"heuniform":             func() Initializer { return HeUniform() },
	"he_normal":             func() Initializer { return HeNormal() },
	"henormal":              func() Initializer { return HeNormal() },
	"lecun_uniform":         func() Initializer { return LecunUniform() },
	"lecununiform":          func() Initializer { return LecunUniform() },
	"lecun_normal":          func() Initializer { return LecunNormal() },
	"lecunnormal":           func() Initializer { return LecunNormal() },
	"variance_scaling":      func() Initializer { return VarianceScaling(1, "fan_in", "truncated_normal") },
	"variancescaling":       func() Initializer { return VarianceScaling(1, "fan_in", "truncated_normal") },
	"zeros":                 func() Initializer { return Zeros() },
	"zero":                  func() Initializer { return Zeros() },
	"ones":                  func() Initializer { return Ones() },
	"one":                   func() Initializer { return Ones() },
	"constant":              func() Initializer { return Constant(0) },
	"random_normal":         func() Initializer { return RandomNormal(0, 0.05) },
	"randomnormal":          func() Initializer { return RandomNormal(0, 0.05) },
	"normal":                func() Initializer { return RandomNormal(0, 0.05) },
	"random_uniform":        func() Initializer { return RandomUniform(-0.05, 0.05) },
	"randomuniform":         func() Initializer { return RandomUniform(-0.05, 0.05) },
	"uniform":               func() Initializer { return RandomUniform(-0.05, 0.05) },
	"truncated_normal":      func() Initializer { return TruncatedNormal(0, 0.05) },
	"truncatednormal":       func() Initializer { return TruncatedNormal(0, 0.05) },
	"orthogonal":            func() Initializer { return Orthogonal(1) },
	"orthogonalinitializer": func() Initializer { return Orthogonal(1) },
	"identity":              func() Initializer { return Identity(1) },
	"identityinitializer":   func() Initializer { return Identity(1) },
}

// Names lists the names Get knows (lower case), sorted.
func Names() []string {
	out := make([]string, 0, len(byName))
	for n := range byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns a new initializer Keras knows by name ("glorot_uniform",
// "he_normal", "variance_scaling", "orthogonal", "zeros", ...), with
// Keras's default arguments: random_normal and truncated_normal N(0,
// 0.05²), random_uniform U(-0.05, 0.05), constant 0, orthogonal and
// identity gain 1, variance_scaling scale 1, fan_in, truncated normal. An
// unknown name is an error listing the known ones.
func Get(name string) (Initializer, error) {
	if f, ok := byName[strings.ToLower(name)]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("initializers: unknown initializer %q (known: %s)", name, strings.Join(Names(), ", "))
}

// MustGet is Get that panics on an unknown name (for building models, where a
// wrong name is a programming error).
func MustGet(name string) Initializer {
	i, err := Get(name)
	if err != nil {
		panic(err)
	}
	return i
}
