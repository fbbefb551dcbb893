package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
)

// paramCounts are Keras's summary() totals for the course's models,
// computed by hand from Keras's rules: a Conv2D has (kh·kw·cin + 1)·cout
// parameters (no +1 without bias), a Dense (in + 1)·out, a
// BatchNormalization 4·c of which 2·c (moving mean and variance) are
// non-trainable.
var paramCounts = map[string]struct{ total, nonTrainable int }{
	// conv 5·5·3+1 = 76 ·6 = 456; BN 24; 32×32 "same" pooled to 16×16×6 =
	// 1,536 → Dense (1,537)·128 = 196,736; (129)·10 = 1,290.
	// 456 + 24 + 196,736 + 1,290 = 198,506; non-trainable 2·6 = 12.
	"baseline": {198506, 12},
	// 456; 32→28→14; (5·5·6+1)·16 = 2,416; 14→10→5, 400 → (401)·120 =
	// 48,120; (121)·84 = 10,164; (85)·10 = 850. Sum 62,006.
	"lenet5": {62006, 0},
	// (27+1)·96 = 2,688; BN 384; (864+1)·256 = 221,440; BN 1,024;
	// (2,304+1)·384 = 885,120; (3,456+1)·384 = 1,327,488; (3,456+1)·256 =
	// 884,992; 32→30→14→12→5→5→5→2: 2·2·256 = 1,024 → (1,025)·2,048 =
	// 2,099,200; (2,049)·2,048 = 4,196,352; (2,049)·10 = 20,490.
	// Sum 9,639,178; non-trainable 2·(96+256) = 704.
	"alexnet8": {9639178, 704},
	// convs: 1,792 + 36,928 + 73,856 + 147,584 + 295,168 + 2·590,080 +
	// 1,180,160 + 5·2,359,808 = 14,714,688; BN 4·(2·64 + 2·128 + 3·256 +
	// 6·512) = 16,896; 32→1 after five poolings: 512 → 2·(513·512) =
	// 525,312; 513·10 = 5,130. Sum 15,262,026; non-trainable 8,448.
	"vgg16": {15262026, 8448},
	// stem (27+1)·16 = 448 + BN 64. A block's six ConvBNRelus (1×1 ×4,
	// 3×3, 5×5 on ch channels, BN 4·ch each):
	//   cin 16, ch 16: 4·(17·16) + (144+1)·16 + (400+1)·16 + 6·64 = 10,208
	//   cin 64, ch 16: 4·(65·16) + 2,320 + 6,416 + 384 = 13,280
	//   cin 64, ch 32: 4·(65·32) + (288+1)·32 + (800+1)·32 + 6·128 = 43,968
	//   cin 128, ch 32: 4·(129·32) + 9,248 + 25,632 + 768 = 52,160
	// head (128+1)·10 = 1,290. Sum 121,418; non-trainable 2·(16 + 12·16 +
	// 12·32) = 1,184.
	"inception10": {121418, 1184},
	// stem 27·64 = 1,728 + BN 256; stage 1: 4 convs 576·64 = 36,864 + 4 BN
	// 256 = 148,480; stage 2: 576·128 + 3·(1,152·128) + 64·128 (shortcut)
	// + 5 BN 512 = 526,848; stage 3: 1,152·256 + 3·(2,304·256) + 128·256 +
	// 5·1,024 = 2,102,272; stage 4: 2,304·512 + 3·(4,608·512) + 256·512 +
	// 5·2,048 = 8,398,848; head 513·10 = 5,130. Sum 11,183,562;
	// non-trainable 2·(64 + 4·64 + 5·128 + 5·256 + 5·512) = 9,600.
	"resnet18": {11183562, 9600},
}

// keras formats a count as its summary does: 1,234,567.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func TestParamCountsMatchKeras(t *testing.T) {
	for _, name := range modelNames() {
		t.Run(name, func(t *testing.T) {
			want, ok := paramCounts[name]
			if !ok {
				t.Fatalf("no hand-computed count for %s", name)
			}
			keras.ClearSession()
			m, err := buildModel(name)
			if err != nil {
				t.Fatal(err)
			}
			if n := m.CountParams(); n != want.total {
				t.Errorf("CountParams %d, want %d", n, want.total)
			}
			s, err := m.SummaryString()
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range []string{
				" Total params: " + commas(want.total) + " ",
				" Trainable params: " + commas(want.total-want.nonTrainable) + " ",
				" Non-trainable params: " + commas(want.nonTrainable) + " ",
			} {
				if !strings.Contains(s, line) {
					t.Errorf("summary lacks %q:\n%s", line, s)
				}
			}
		})
	}
}

func TestUnknownModel(t *testing.T) {
	if _, err := buildModel("lenet"); err == nil || !strings.Contains(err.Error(), "baseline") {
		t.Fatalf("buildModel(\"lenet\") = %v, want an error listing the models", err)
	}
}
