// Package conv holds the CPU kernels of convolutional networks in
// TensorFlow's layouts — NHWC images, HWIO filters — for float32 and
// float64: 2-D convolution (strides, dilation, groups) forward and both
// backward passes as packed im2col onto the GEMM micro-kernels, pooling,
// and batch normalisation. Float32 3×3 stride-1 convolutions with at least
// 16 channels each way run by Winograd's F(2×2, 3×3) instead (winograd.go;
// the filter gradient from 32 channels), and the input gradient of other
// stride-1 convolutions runs as the forward convolution of the output's
// gradient with the turned filter. The tf package wraps them as ops; this package
// knows nothing of graphs.
//
// Padding follows TensorFlow: "VALID" uses no padding; "SAME" gives
// ceil(in/stride) outputs and pads max((out-1)*stride + effective kernel -
// in, 0) cells, half (rounded down) before and the rest after, so an odd
// extra cell goes to the bottom / right.
package conv

import (
	"fmt"
	"strings"
)

// Float is the element type the kernels take.
type Float interface{ float32 | float64 }

// Padding is "VALID" or "SAME".
type Padding string

// The paddings TensorFlow knows.
const (
	Valid Padding = "VALID"
	Same  Padding = "SAME"
)

// ParsePadding accepts Keras's and TensorFlow's spellings ("valid",
// "same", any case).
func ParsePadding(s string) (Padding, error) {
	switch strings.ToUpper(s) {
	case "VALID":
		return Valid, nil
	case "SAME":
		return Same, nil
	}
	return "", fmt.Errorf("padding %q: want \"valid\" or \"same\"", s)
}

// Window computes one spatial dimension's output size and padding before
// and after for an input of size in, a kernel of size k, a stride and a
// dilation, with TensorFlow's rules. It reports an error when the sizes
// make no output (a kernel larger than the padded input) or are not
// positive.
func Window(in, k, stride, dilation int, pad Padding) (out, before, after int, err error) {
	if in < 1 || k < 1 || stride < 1 || dilation < 1 {
		return 0, 0, 0, fmt.Errorf("input %d, kernel %d, stride %d, dilation %d: each must be at least 1", in, k, stride, dilation)
	}
	eff := (k-1)*dilation + 1
	switch pad {
	case Valid:
		if eff > in {
			return 0, 0, 0, fmt.Errorf("kernel %d (dilated to %d) is larger than the input %d with \"valid\" padding", k, eff, in)
		}
		return (in-eff)/stride + 1, 0, 0, nil
	case Same:
		out = (in + stride - 1) / stride
		total := (out-1)*stride + eff - in
		if total < 0 {
			total = 0
		}
		return out, total / 2, total - total/2, nil
	}
	return 0, 0, 0, fmt.Errorf("padding %q: want VALID or SAME", pad)
}

// Params describes a 2-D convolution of an NHWC input with an HWIO filter
// (KH×KW×(C/Groups)×O), giving an N×OH×OW×O output.
type Params struct {
	N, H, W, C       int // input
	KH, KW, O        int // filter height, width and output channels
	StrideH, StrideW int
	DilH, DilW       int
	PadT, PadL       int // padding before (top, left); after follows from the output size
	OH, OW           int // output
	Groups           int // C and O are split into Groups independent groups
}

// NewParams checks a convolution's shapes and works out its output size
// and padding. in is NHWC, filter HWIO; strides and dilations are (height,
// width).
func NewParams(in, filter [4]int, strides, dilations [2]int, pad Padding, groups int) (Params, error) {
	p := Params{N: in[0], H: in[1], W: in[2], C: in[3], KH: filter[0], KW: filter[1], O: filter[3],
		StrideH: strides[0], StrideW: strides[1], DilH: dilations[0], DilW: dilations[1], Groups: groups}
	if groups < 1 {
		return p, fmt.Errorf("groups %d must be at least 1", groups)
	}
	if p.N < 0 || p.C < 1 || p.O < 1 {
		return p, fmt.Errorf("input %v and filter %v: batch must be ≥ 0, channels ≥ 1", in, filter)
	}
	if p.C%groups != 0 || p.O%groups != 0 {
		return p, fmt.Errorf("input channels %d and filters %d must both be divisible by groups %d", p.C, p.O, groups)
	}
	if filter[2] != p.C/groups {
		return p, fmt.Errorf("filter %v expects %d input channels per group, the input has %d channels in %d groups (%d each)",
			filter, filter[2], p.C, groups, p.C/groups)
	}
	var err error
	if p.OH, p.PadT, _, err = Window(p.H, p.KH, p.StrideH, p.DilH, pad); err != nil {
		return p, fmt.Errorf("height: %w", err)
	}
	if p.OW, p.PadL, _, err = Window(p.W, p.KW, p.StrideW, p.DilW, pad); err != nil {
		return p, fmt.Errorf("width: %w", err)
	}
	return p, nil
}

// InSize, FilterSize and OutSize are the element counts of the three
// tensors.
func (p *Params) InSize() int     { return p.N * p.H * p.W * p.C }
func (p *Params) FilterSize() int { return p.KH * p.KW * (p.C / p.Groups) * p.O }
func (p *Params) OutSize() int    { return p.N * p.OH * p.OW * p.O }

// pointwise reports a 1×1 convolution with stride 1 and no padding, whose
// im2col matrix is the input itself.
func (p *Params) pointwise() bool {
	return p.KH == 1 && p.KW == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadT == 0 && p.PadL == 0
}
