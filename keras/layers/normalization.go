package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// BatchNormalizationLayer is Keras's BatchNormalization over the last
// axis (the channels). While training it normalises with the batch's mean
// and biased variance and moves the moving statistics towards them
// (moving = moving·momentum + batch·(1 − momentum)); at inference it uses
// the moving statistics. gamma and beta are trainable; the moving mean
// and variance are non-trainable weights (summary counts them so).
type BatchNormalizationLayer struct {
	Base
	Momentum, Epsilon          float64
	Center, Scale              bool
	Gamma, Beta                *tf.Variable // nil without Scale / Center
	MovingMean, MovingVariance *tf.Variable

	gammaInit, betaInit, meanInit, varInit initializers.Initializer
}

func normInit(opt string, v any, def initializers.Initializer) initializers.Initializer {
	if v == nil {
		return def
	}
	return toInit(opt, v)
}

func checkLastAxis(class string, s spatialConfig) {
	if s.axis != nil && *s.axis != -1 {
		panic(fmt.Sprintf("layers: %s: axis %d: only the last axis (-1, channels last) is supported", class, *s.axis))
	}
}

// BatchNormalization returns Keras's batch normalisation. Besides the
// options every layer takes, it takes Axis (only -1), Momentum (default
// 0.99), Epsilon (1e-3), Center (true), Scale (true), BetaInitializer
// (zeros), GammaInitializer (ones), MovingMeanInitializer (zeros) and
// MovingVarianceInitializer (ones). It has 4·channels parameters, half of
// them non-trainable (with Center and Scale).
func BatchNormalization(opts ...Option) *BatchNormalizationLayer {
	l := &BatchNormalizationLayer{Momentum: 0.99, Epsilon: 1e-3, Center: true, Scale: true}
	l.init(l, "BatchNormalization", []string{optAxis, optMomentum, optEpsilon, optCenter, optScale,
		optBetaInitializer, optGammaInitializer, optMovingMeanInit, optMovingVarianceInit}, opts)
	s := parseSpatial(opts)
	checkLastAxis("BatchNormalization", s)
	if s.momentum != nil {
		l.Momentum = *s.momentum
	}
	if s.epsilon != nil {
		l.Epsilon = *s.epsilon
	}
	if l.Momentum < 0 || l.Momentum > 1 || l.Epsilon <= 0 {
		panic(fmt.Sprintf("layers: BatchNormalization: momentum %v must be in [0, 1] and epsilon %v positive", l.Momentum, l.Epsilon))
	}
	if s.center != nil {
		l.Center = *s.center
	}
	if s.scale != nil {
		l.Scale = *s.scale
	}
	l.gammaInit = normInit(optGammaInitializer, s.gammaInit, initializers.Ones())
	l.betaInit = normInit(optBetaInitializer, s.betaInit, initializers.Zeros())
	l.meanInit = normInit(optMovingMeanInit, s.meanInit, initializers.Zeros())
	l.varInit = normInit(optMovingVarianceInit, s.varInit, initializers.Ones())
	return l
}

func channelsOf(name, class string, in tensor.Shape) int {
	if len(in) < 2 || in[len(in)-1] < 1 {
		panic(fmt.Sprintf("layers: %s (%s) needs an input of rank >= 2 with known channels (the last axis), got %v", name, class, in))
	}
	return in[len(in)-1]
}

// Build implements Layer.
func (l *BatchNormalizationLayer) Build(in tensor.Shape) {
	c := tensor.Shape{channelsOf(l.Name(), l.className, in)}
	if l.Scale {
		l.Gamma = l.AddWeight("gamma", c, l.gammaInit, nil, true)
	}
	if l.Center {
		l.Beta = l.AddWeight("beta", c, l.betaInit, nil, true)
	}
	l.MovingMean = l.AddWeight("moving_mean", c, l.meanInit, nil, false)
	l.MovingVariance = l.AddWeight("moving_variance", c, l.varInit, nil, false)
}

// affine returns gamma and beta where x lives, ones and zeros without them.
func affine(x *tf.Tensor, gamma, beta *tf.Variable) (g, b *tf.Tensor) {
	c := x.Shape()[x.Rank()-1]
	if gamma != nil {
		g = read(gamma, x)
	} else {
		g = tf.Const(x.Graph(), tensor.Ones(x.DType(), c))
	}
	if beta != nil {
		b = read(beta, x)
	} else {
		b = tf.Const(x.Graph(), tensor.New(x.DType(), c))
	}
	return g, b
}

// Call implements Layer.
func (l *BatchNormalizationLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	g, b := affine(x, l.Gamma, l.Beta)
	if !training || !l.trainable {
		// As Keras: a frozen BatchNormalization runs in inference mode.
		return tf.FusedBatchNormInference(x, g, b, read(l.MovingMean, x), read(l.MovingVariance, x), l.Epsilon)
	}
	y, mean, variance := tf.FusedBatchNorm(x, g, b, l.Epsilon)
	m := tf.Const(x.Graph(), tensor.Fill(x.DType(), l.Momentum))
	for _, u := range []struct {
		v     *tf.Variable
		batch *tf.Tensor
	}{{l.MovingMean, mean}, {l.MovingVariance, variance}} {
		cur := read(u.v, x)
		// moving − (moving − batch)·(1 − momentum), as Keras's assign.
		next := tf.Add(tf.Mul(cur, m), tf.Mul(tf.StopGradient(u.batch), tf.Sub(tf.OnesLike(m), m)))
		l.AddUpdate(u.v.Assign(next).Op())
	}
	return y
}

// ComputeOutputShape implements Layer.
func (l *BatchNormalizationLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }

// LayerNormalizationLayer is Keras's LayerNormalization over the last
// axis: each sample normalised by its own mean and variance, then scaled
// by gamma and shifted by beta.
type LayerNormalizationLayer struct {
	Base
	Epsilon       float64
	Center, Scale bool
	Gamma, Beta   *tf.Variable

	gammaInit, betaInit initializers.Initializer
}

// LayerNormalization returns Keras's layer normalisation. Besides the
// options every layer takes, it takes Axis (only -1), Epsilon (default
// 1e-3), Center, Scale, BetaInitializer and GammaInitializer. It has
// 2·features parameters.
func LayerNormalization(opts ...Option) *LayerNormalizationLayer {
	l := &LayerNormalizationLayer{Epsilon: 1e-3, Center: true, Scale: true}
	l.init(l, "LayerNormalization", []string{optAxis, optEpsilon, optCenter, optScale, optBetaInitializer, optGammaInitializer}, opts)
	s := parseSpatial(opts)
	checkLastAxis("LayerNormalization", s)
	if s.epsilon != nil {
		l.Epsilon = *s.epsilon
	}
	if s.center != nil {
		l.Center = *s.center
	}
	if s.scale != nil {
		l.Scale = *s.scale
	}
	l.gammaInit = normInit(optGammaInitializer, s.gammaInit, initializers.Ones())
	l.betaInit = normInit(optBetaInitializer, s.betaInit, initializers.Zeros())
	return l
}

// Build implements Layer.
func (l *LayerNormalizationLayer) Build(in tensor.Shape) {
	c := tensor.Shape{channelsOf(l.Name(), l.className, in)}
	if l.Scale {
		l.Gamma = l.AddWeight("gamma", c, l.gammaInit, nil, true)
	}
	if l.Center {
		l.Beta = l.AddWeight("beta", c, l.betaInit, nil, true)
	}
}

// Call implements Layer.
func (l *LayerNormalizationLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	var g, b *tf.Tensor
	if l.Gamma != nil {
		g = read(l.Gamma, x)
	}
	if l.Beta != nil {
		b = read(l.Beta, x)
	}
	return tf.LayerNormalization(x, g, b, l.Epsilon)
}

// ComputeOutputShape implements Layer.
func (l *LayerNormalizationLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }
