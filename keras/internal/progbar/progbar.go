// Package progbar draws Keras's training progress bar:
//
//	1875/1875 [==============================] - 3s 1ms/step - loss: 0.2960 - accuracy: 0.9140
//
// On a terminal the bar is redrawn in place (carriage return), at most every
// Interval; elsewhere (a file, a pipe) only the finished line is written, so
// logs stay short. Verbose 2 writes one line per epoch:
//
//	1875/1875 - 3s - loss: 0.2960 - accuracy: 0.9140 - 3s/epoch - 2ms/step
package progbar

import (
	"io"
	"math"
	"os"
	"strconv"
	"time"
)

// Interval is the minimum time between redraws of a live bar.
const Interval = 50 * time.Millisecond

const width = 30

// Bar is one progress bar (one epoch, or one evaluation).
type Bar struct {
	w        io.Writer
	target   int
	verbose  int
	dynamic  bool
	unit     string
	start    time.Time
	last     time.Time
	prevLen  int
	buf      []byte
	stepFrom time.Time // time of step 1 end, to leave compile time out of per-step estimates
	seenFrom int
}

// IsTerminal reports whether w is a character device (a terminal), where the
// bar is redrawn in place.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// New starts a bar of target steps. verbose is Keras's: 0 silent, 1 bar, 2
// one line at the end. unit is "step" in Keras.
func New(w io.Writer, target, verbose int, unit string) *Bar {
	now := time.Now()
	return &Bar{w: w, target: target, verbose: verbose, dynamic: IsTerminal(w), unit: unit,
		start: now, buf: make([]byte, 0, 256)}
}

// SetDynamic forces in-place redrawing on or off (tests, notebooks).
func (b *Bar) SetDynamic(d bool) { b.dynamic = d }

// Update reports that current steps are done, with the named values to show
// (already averaged, as Keras's stateful metrics). finalize writes the
// finished line. Between redraws Update does no formatting and allocates
// nothing.
func (b *Bar) Update(current int, names []string, values []float64, finalize bool) {
	if b.verbose == 0 {
		return
	}
	now := time.Now()
	if finalize && b.target <= 0 {
		// An unknown number of steps is known at the end (Keras's
		// ProgbarLogger sets the target to the steps seen).
		b.target = current
	}
	if current == 1 && b.stepFrom.IsZero() {
		b.stepFrom, b.seenFrom = now, 1
	}
	if b.verbose == 2 || !b.dynamic {
		if finalize {
			b.writeFinal(now, current, names, values)
		}
		return
	}
	if !finalize && now.Sub(b.last) < Interval {
		return
	}
	b.last = now
	buf := b.buf[:0]
	buf = append(buf, '\r')
	line := len(buf)
	buf = b.appendBar(buf, current)
	if finalize {
		buf = append(buf, " - "...)
		buf = appendSeconds(buf, now.Sub(b.start).Seconds())
		buf = b.appendPerStep(buf, now, current)
	} else if b.target <= 0 {
		buf = append(buf, " - "...)
		buf = appendSeconds(buf, now.Sub(b.start).Seconds())
		buf = b.appendPerStep(buf, now, current)
	} else {
		buf = append(buf, " - ETA: "...)
		buf = appendETA(buf, b.perStep(now, current)*float64(b.target-current))
	}
	buf = appendValues(buf, names, values)
	n := len(buf) - line
	for i := n; i < b.prevLen; i++ {
		buf = append(buf, ' ')
	}
	b.prevLen = n
	if finalize {
		buf = append(buf, '\n')
	}
	b.buf = buf
	b.w.Write(buf)
}

func (b *Bar) writeFinal(now time.Time, current int, names []string, values []float64) {
	buf := b.buf[:0]
	if b.verbose == 1 {
		buf = b.appendBar(buf, current)
		buf = append(buf, " - "...)
		buf = appendSeconds(buf, now.Sub(b.start).Seconds())
		buf = b.appendPerStep(buf, now, current)
		buf = appendValues(buf, names, values)
	} else {
		buf = appendCount(buf, current, b.target)
		buf = append(buf, " - "...)
		buf = appendSeconds(buf, now.Sub(b.start).Seconds())
		buf = appendValues(buf, names, values)
		elapsed := now.Sub(b.start).Seconds()
		buf = append(buf, " -"...)
		buf = appendTime(buf, elapsed, "epoch")
		buf = append(buf, " -"...)
		buf = appendTime(buf, elapsed/float64(max(1, b.target)), b.unit)
	}
	buf = append(buf, '\n')
	b.buf = buf
	b.w.Write(buf)
}

// perStep estimates seconds per step, leaving out the first step (which
// includes compiling the plan) once there are later steps to go by.
func (b *Bar) perStep(now time.Time, current int) float64 {
	if current > b.seenFrom && !b.stepFrom.IsZero() {
		return now.Sub(b.stepFrom).Seconds() / float64(current-b.seenFrom)
	}
	if current == 0 {
		return 0
	}
	return now.Sub(b.start).Seconds() / float64(current)
}

func (b *Bar) appendPerStep(buf []byte, now time.Time, current int) []byte {
	return appendTime(buf, b.perStep(now, current), b.unit)
}

func appendCount(buf []byte, current, target int) []byte {
	digits := len(strconv.Itoa(target))
	c := strconv.Itoa(current)
	for i := len(c); i < digits; i++ {
		buf = append(buf, ' ')
	}
	buf = append(buf, c...)
	buf = append(buf, '/')
	return strconv.AppendInt(buf, int64(target), 10)
}

func (b *Bar) appendBar(buf []byte, current int) []byte {
	if b.target <= 0 {
		// Keras's "%7d/Unknown" while the number of steps is unknown.
		c := strconv.Itoa(current)
		for i := len(c); i < 7; i++ {
			buf = append(buf, ' ')
		}
		buf = append(buf, c...)
		return append(buf, "/Unknown"...)
	}
	buf = appendCount(buf, current, b.target)
	buf = append(buf, " ["...)
	prog := 0
	if b.target > 0 {
		prog = int(width * float64(current) / float64(b.target))
	}
	prog = min(prog, width)
	if prog > 0 {
		for i := 0; i < prog-1; i++ {
			buf = append(buf, '=')
		}
		if current < b.target {
			buf = append(buf, '>')
		} else {
			buf = append(buf, '=')
		}
	}
	for i := prog; i < width; i++ {
		buf = append(buf, '.')
	}
	return append(buf, ']')
}

// appendSeconds writes Keras's "%.0fs".
func appendSeconds(buf []byte, s float64) []byte {
	buf = strconv.AppendFloat(buf, s, 'f', 0, 64)
	return append(buf, 's')
}

// appendTime writes Keras's _format_time: " 3s/step", " 12ms/step", " 850us/step".
func appendTime(buf []byte, t float64, unit string) []byte {
	buf = append(buf, ' ')
	switch {
	case t >= 1 || t == 0:
		buf = strconv.AppendFloat(buf, t, 'f', 0, 64)
		buf = append(buf, 's')
	case t >= 1e-3:
		buf = strconv.AppendFloat(buf, t*1e3, 'f', 0, 64)
		buf = append(buf, "ms"...)
	default:
		buf = strconv.AppendFloat(buf, t*1e6, 'f', 0, 64)
		buf = append(buf, "us"...)
	}
	buf = append(buf, '/')
	return append(buf, unit...)
}

func appendETA(buf []byte, eta float64) []byte {
	e := int(eta)
	switch {
	case eta > 3600:
		buf = strconv.AppendInt(buf, int64(e/3600), 10)
		buf = append(buf, ':')
		buf = append2(buf, (e%3600)/60)
		buf = append(buf, ':')
		buf = append2(buf, e%60)
	case eta > 60:
		buf = strconv.AppendInt(buf, int64(e/60), 10)
		buf = append(buf, ':')
		buf = append2(buf, e%60)
	default:
		buf = strconv.AppendInt(buf, int64(e), 10)
		buf = append(buf, 's')
	}
	return buf
}

func append2(buf []byte, v int) []byte {
	if v < 10 {
		buf = append(buf, '0')
	}
	return strconv.AppendInt(buf, int64(v), 10)
}

// AppendValue formats a metric value as Keras does: "%.4f", or "%.4e" when
// its magnitude is at most 1e-3; NaN and infinities as Python writes them
// ("nan", "inf", "-inf").
func AppendValue(buf []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(buf, "nan"...)
	case math.IsInf(v, 1):
		return append(buf, "inf"...)
	case math.IsInf(v, -1):
		return append(buf, "-inf"...)
	}
	if math.Abs(v) > 1e-3 {
		return strconv.AppendFloat(buf, v, 'f', 4, 64)
	}
	// Python's %.4e writes a two-digit exponent at least: 1.0000e-04.
	s := strconv.AppendFloat(buf, v, 'e', 4, 64)
	return s
}

func appendValues(buf []byte, names []string, values []float64) []byte {
	for i, n := range names {
		buf = append(buf, " - "...)
		buf = append(buf, n...)
		buf = append(buf, ": "...)
		buf = AppendValue(buf, values[i])
	}
	return buf
}
