package keras_test

import (
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
)

// A functional model that branches gets Keras 3's "Connected to" column:
// "<layer>[<node>][<tensor>]" per inbound tensor, "-" for an input. The
// widths are Keras's for an 80-column console (rich reduces the
// positions 0.3, 0.56, 0.74, 1.0 of 76 columns to 19, 17, 10 and 17),
// widened where a cell is longer — where Keras would wrap it.
func TestSummaryConnectedTo(t *testing.T) {
	keras.ClearSession()
	in := keras.Input(4)
	a := layers.Dense(3).Apply(in)
	b := layers.Dense(3).Apply(in)
	m := keras.NewModel(in, layers.Add().Apply(a, b))
	got, err := m.SummaryString()
	if err != nil {
		t.Fatal(err)
	}
	want := `Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)             ┃ Output Shape      ┃    Param # ┃ Connected to               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer) │ (None, 4)         │          0 │ -                          │
├──────────────────────────┼───────────────────┼────────────┼────────────────────────────┤
│ dense (Dense)            │ (None, 3)         │         15 │ input_layer[0][0]          │
├──────────────────────────┼───────────────────┼────────────┼────────────────────────────┤
│ dense_1 (Dense)          │ (None, 3)         │         15 │ input_layer[0][0]          │
├──────────────────────────┼───────────────────┼────────────┼────────────────────────────┤
│ add (Add)                │ (None, 3)         │          0 │ dense[0][0], dense_1[0][0] │
└──────────────────────────┴───────────────────┴────────────┴────────────────────────────┘
 Total params: 30 (120.00 B)
 Trainable params: 30 (120.00 B)
 Non-trainable params: 0 (0.00 B)

`
	if got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	// A chain of layers stays a three-column table.
	keras.ClearSession()
	in = keras.Input(4)
	s, err := keras.NewModel(in, layers.Dense(2).Apply(layers.Dense(3).Apply(in))).SummaryString()
	if err != nil {
		t.Fatal(err)
	}
	if want := "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"; !strings.Contains(s, want) {
		t.Errorf("chain summary:\n%s\nwant the three-column header %q", s, want)
	}
}
