package keras

import (
	"encoding/binary"
	"errors"
	"math"
)

// lossMean is the running mean of a loss over an epoch's batches, as
// metrics.Mean computes it (total += v*w, count += w, total/count), with a
// state a training checkpoint can save (encoding.BinaryMarshaler), so that
// a run resumed in the middle of an epoch logs the loss the uninterrupted
// run logs.
type lossMean struct {
	total, count float64
}

func (m *lossMean) Add(v, weight float64) { m.total += v * weight; m.count += weight }

func (m *lossMean) Result() float64 {
	if m.count == 0 {
		return 0
	}
	return m.total / m.count
}

func (m *lossMean) ResetState() { m.total, m.count = 0, 0 }

// MarshalBinary implements encoding.BinaryMarshaler: the total and count,
// bit for bit.
func (m *lossMean) MarshalBinary() ([]byte, error) {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b, math.Float64bits(m.total))
	binary.LittleEndian.PutUint64(b[8:], math.Float64bits(m.count))
	return b, nil
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler.
func (m *lossMean) UnmarshalBinary(b []byte) error {
	if len(b) != 16 {
		return errors.New("keras: a loss mean's state is 16 bytes")
	}
	m.total = math.Float64frombits(binary.LittleEndian.Uint64(b))
	m.count = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
	return nil
}
