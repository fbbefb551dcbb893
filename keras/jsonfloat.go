package keras

import (
	"fmt"
	"math"
	"strconv"
)

// JSONFloat is a float64 that encodes to JSON exactly, infinities and NaN
// included (as the strings "Infinity", "-Infinity" and "NaN").
type JSONFloat float64

// MarshalJSON implements json.Marshaler.
func (f JSONFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *JSONFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = JSONFloat(math.NaN())
		return nil
	case `"Infinity"`:
		*f = JSONFloat(math.Inf(1))
		return nil
	case `"-Infinity"`:
		*f = JSONFloat(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("keras: %s is not a number", b)
	}
	*f = JSONFloat(v)
	return nil
}
