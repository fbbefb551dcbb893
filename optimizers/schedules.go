package optimizers

import "math"

// LearningRateSchedule gives the learning rate for a step (the number of
// updates already applied), as Keras's LearningRateSchedule.
type LearningRateSchedule interface {
	At(step int64) float64
}

// ScheduleFunc adapts a function to LearningRateSchedule.
type ScheduleFunc func(step int64) float64

// At calls f.
func (f ScheduleFunc) At(step int64) float64 { return f(step) }

type expDecay struct {
	lr        float64
	steps     float64
	rate      float64
	staircase bool
}

// ExponentialDecay returns initial * rate^(step/decaySteps), the exponent
// floored when staircase (tf.keras.optimizers.schedules.ExponentialDecay).
func ExponentialDecay(initial float64, decaySteps int64, rate float64, staircase bool) LearningRateSchedule {
	return expDecay{initial, float64(decaySteps), rate, staircase}
}

func (e expDecay) At(step int64) float64 {
	p := float64(step) / e.steps
	if e.staircase {
		p = math.Floor(p)
	}
	return e.lr * math.Pow(e.rate, p)
}

type piecewise struct {
	bounds []int64
	values []float64
}

// PiecewiseConstant returns values[0] up to and including step boundaries[0],
// values[1] up to boundaries[1], ..., values[len(boundaries)] after the last
// (tf.keras.optimizers.schedules.PiecewiseConstantDecay). It panics unless
// len(values) == len(boundaries)+1.
func PiecewiseConstant(boundaries []int64, values []float64) LearningRateSchedule {
	if len(values) != len(boundaries)+1 {
		panic("optimizers: PiecewiseConstant: need one more value than boundaries")
	}
	return piecewise{append([]int64(nil), boundaries...), append([]float64(nil), values...)}
}

func (p piecewise) At(step int64) float64 {
	for i, b := range p.bounds {
		if step <= b {
			return p.values[i]
		}
	}
	return p.values[len(p.values)-1]
}

type cosine struct {
	lr    float64
	steps float64
	alpha float64
}

// CosineDecay returns initial * ((1-alpha) * 0.5*(1+cos(pi*min(step,
// decaySteps)/decaySteps)) + alpha) (tf.keras.optimizers.schedules.CosineDecay).
func CosineDecay(initial float64, decaySteps int64, alpha float64) LearningRateSchedule {
	return cosine{initial, float64(decaySteps), alpha}
}

func (c cosine) At(step int64) float64 {
	s := math.Min(float64(step), c.steps)
	cd := 0.5 * (1 + math.Cos(math.Pi*s/c.steps))
	return c.lr * ((1-c.alpha)*cd + c.alpha)
}
