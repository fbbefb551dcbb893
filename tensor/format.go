package tensor

import (
	"math"
	"strconv"
	"strings"
)

// Printing follows NumPy 1.24 (numpy.array_str, and str of a 0-d array):
// rows of aligned values, inner dimensions in nested brackets, rows wrapped
// at PrintOptions.LineWidth, and tensors of more than Threshold elements
// summarised with "...". Floats print with the fewest digits that read back
// as the same value of their own dtype (float32 values with float32's
// shortest digits), at most Precision after the point; the whole tensor
// switches to scientific notation when its nonzero magnitudes reach 1e8,
// fall below 1e-4 or span more than three orders of magnitude (unless
// Suppress is set). SetPrintOptions changes the defaults; StringWith and
// ValuesStringWith take options for one call.

// String prints the values, shape and dtype with the current print options,
// for example
//
//	tensor(
//	[[1. 2.]
//	 [3. 4.]], shape=(2, 2), dtype=float32)
//
// (values of rank 0 and 1 follow "tensor(" on the same line).
func (t *Tensor) String() string { return t.StringWith(CurrentPrintOptions()) }

// StringWith is String with the given options.
func (t *Tensor) StringWith(o PrintOptions) string {
	sep := ""
	if t.Rank() >= 2 {
		sep = "\n"
	}
	return "tensor(" + sep + t.ValuesStringWith(o) + ", shape=" + t.shape.String() + ", dtype=" + t.dtype.String() + ")"
}

// ValuesString prints only the values, as str of a NumPy array does, with
// the current print options.
func (t *Tensor) ValuesString() string { return t.ValuesStringWith(CurrentPrintOptions()) }

// ValuesStringWith is ValuesString with the given options. With Threshold
// math.MaxInt it prints every element, so that a model's weights can be
// written out in full.
func (t *Tensor) ValuesStringWith(o PrintOptions) string {
	if t.Rank() == 0 {
		return scalarString(t)
	}
	if t.Size() == 0 {
		return "[]"
	}
	p := printer{t: t, o: o, summarize: t.Size() > o.Threshold, strides: t.shape.Strides()}
	p.fit()
	return p.array(0, 0, " ", o.LineWidth)
}

// printer formats one tensor.
type printer struct {
	t         *Tensor
	o         PrintOptions
	summarize bool
	strides   []int
	f         floatFormat
	intWidth  int
}

// shown calls fn with the flat index of every element printing shows, in
// order.
func (p *printer) shown(dim, off int, fn func(int)) {
	n := p.t.shape[dim]
	for i := 0; i < n; i++ {
		if p.summarize && 2*p.o.EdgeItems < n && i == p.o.EdgeItems {
			i = n - p.o.EdgeItems
		}
		if dim == p.t.Rank()-1 {
			fn(off + i*p.strides[dim])
		} else {
			p.shown(dim+1, off+i*p.strides[dim], fn)
		}
	}
}

// fit chooses one format for every shown element, as NumPy's FloatingFormat
// and IntegerFormat do.
func (p *printer) fit() {
	t := p.t
	switch {
	case t.dtype.IsFloat() || t.dtype.IsHalf():
		var vals []float64
		p.shown(0, 0, func(i int) { vals = append(vals, t.Float(i)) })
		p.f = fitFloat(vals, floatBits(t.dtype), p.o)
	case t.dtype == Bool:
	default:
		p.shown(0, 0, func(i int) { p.intWidth = max(p.intWidth, len(p.intString(i))) })
	}
}

func (p *printer) intString(i int) string {
	switch d := p.t.data.(type) {
	case []int32:
		return strconv.FormatInt(int64(d[i]), 10)
	case []int64:
		return strconv.FormatInt(d[i], 10)
	case []uint8:
		return strconv.FormatUint(uint64(d[i]), 10)
	}
	return strconv.FormatFloat(p.t.Float(i), 'g', -1, 64)
}

func (p *printer) elem(i int) string {
	t := p.t
	switch {
	case t.dtype.IsFloat() || t.dtype.IsHalf():
		return p.f.format(t.Float(i))
	case t.dtype == Bool:
		if t.data.([]bool)[i] {
			return " True"
		}
		return "False"
	}
	s := p.intString(i)
	return strings.Repeat(" ", p.intWidth-len(s)) + s
}

// array is NumPy's _formatArray: dimension dim of the block at off, its
// continuation lines starting with hanging, wrapped before width columns.
func (p *printer) array(dim, off int, hanging string, width int) string {
	n := p.t.shape[dim]
	lead, trail := 0, n
	summary := p.summarize && 2*p.o.EdgeItems < n
	if summary {
		lead, trail = p.o.EdgeItems, p.o.EdgeItems
	}
	at := func(i int) int { return off + i*p.strides[dim] }
	var s strings.Builder
	if dim == p.t.Rank()-1 {
		elemWidth := width - 1 // room for "]"
		line := hanging
		word := func(w string, last bool) {
			wrap := len(line)+len(w) > elemWidth && len(line) > len(hanging)
			if wrap {
				s.WriteString(strings.TrimRight(line, " "))
				s.WriteByte('\n')
				line = hanging
			}
			line += w
			if !last {
				line += " "
			}
		}
		for i := 0; i < lead; i++ {
			word(p.elem(at(i)), false)
		}
		if summary {
			word("...", false)
		}
		for i := trail; i > 1; i-- {
			word(p.elem(at(n-i)), false)
		}
		word(p.elem(at(n-1)), true)
		s.WriteString(line)
	} else {
		sep := strings.Repeat("\n", p.t.Rank()-dim-1)
		next := hanging + " "
		for i := 0; i < lead; i++ {
			s.WriteString(hanging + p.array(dim+1, at(i), next, width-1) + sep)
		}
		if summary {
			s.WriteString(hanging + "..." + sep)
		}
		for i := trail; i > 1; i-- {
			s.WriteString(hanging + p.array(dim+1, at(n-i), next, width-1) + sep)
		}
		s.WriteString(hanging + p.array(dim+1, at(n-1), next, width-1))
	}
	return "[" + s.String()[len(hanging):] + "]"
}

// floatFormat is NumPy's FloatingFormat in its default "maxprec" mode.
type floatFormat struct {
	bits      int // 64, 32 or 16 (float16), -16 (bfloat16): whose shortest digits
	sci       bool
	precision int // most digits after the point
	minDigits int // scientific: digits after the point, always
	padLeft   int // width of the integer part, sign included
	padRight  int // positional: width of the fraction
	expDigits int // scientific: digits of the exponent, at least
}

func fitFloat(vals []float64, bits int, o PrintOptions) floatFormat {
	f := floatFormat{bits: bits, precision: o.Precision}
	var finite []float64
	minAbs, maxAbs := math.Inf(1), 0.0
	negInf, nonFinite := false, false
	for _, v := range vals {
		switch {
		case math.IsNaN(v):
			nonFinite = true
		case math.IsInf(v, 0):
			nonFinite = true
			negInf = negInf || v < 0
		default:
			finite = append(finite, v)
			if a := math.Abs(v); a != 0 {
				minAbs, maxAbs = min(minAbs, a), max(maxAbs, a)
			}
		}
	}
	if maxAbs > 0 {
		// NumPy divides in the array's own type: float16's 100/0.09998 is
		// exactly 1000, not above it.
		ratio := maxAbs / minAbs
		switch bits {
		case 32:
			ratio = float64(float32(ratio))
		case 16:
			ratio = roundFloat16(ratio)
		case -16:
			ratio = roundBFloat16(ratio)
		}
		f.sci = maxAbs >= 1e8 || !o.Suppress && (minAbs < 1e-4 || ratio > 1e3)
	}
	switch {
	case len(finite) == 0:
		f.sci = false
	case f.sci:
		prec := 0
		for _, v := range finite {
			m, frac, exp := scientific(v, bits, f.precision)
			prec = max(prec, len(frac))
			f.padLeft = max(f.padLeft, len(m))
			f.expDigits = max(f.expDigits, len(exp)-1)
		}
		f.precision, f.minDigits = prec, prec
		f.padRight = f.expDigits + 2 + prec
	default:
		for _, v := range finite {
			ip, frac := positional(v, bits, f.precision)
			f.padLeft = max(f.padLeft, len(ip))
			f.padRight = max(f.padRight, len(frac))
		}
	}
	if nonFinite {
		off := f.padRight + 1
		inf := 3
		if negInf {
			inf = 4
		}
		f.padLeft = max(f.padLeft, 3-off, inf-off)
	}
	return f
}

func (f *floatFormat) format(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		s := nonFiniteString(v)
		return strings.Repeat(" ", max(0, f.padLeft+f.padRight+1-len(s))) + s
	}
	if f.sci {
		m, frac, exp := scientific(v, f.bits, f.precision)
		if len(frac) < f.minDigits {
			// NumPy's min_digits: more digits of the exact value, not zeros
			// (float16 0.1 prints as 9.998e-02 beside values needing three).
			mant, e, _ := strings.Cut(strconv.FormatFloat(v, 'e', f.minDigits, 64), "e")
			m, frac, _ = strings.Cut(mant, ".")
			exp = e
		}
		digits := exp[1:]
		exp = exp[:1] + strings.Repeat("0", max(0, f.expDigits-len(digits))) + digits
		return strings.Repeat(" ", max(0, f.padLeft-len(m))) + m + "." + frac + "e" + exp
	}
	ip, frac := positional(v, f.bits, f.precision)
	return strings.Repeat(" ", max(0, f.padLeft-len(ip))) + ip + "." + frac + strings.Repeat(" ", max(0, f.padRight-len(frac)))
}

func nonFiniteString(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case v > 0:
		return "inf"
	}
	return "-inf"
}

// positional returns v's integer part (with its sign) and fraction in
// fixed-point notation: the shortest digits that identify v among values of
// its type, rounded to at most precision fraction digits, trailing zeros
// dropped.
func positional(v float64, bits, precision int) (ip, frac string) {
	s := shortest(v, bits, 'f')
	ip, frac, _ = strings.Cut(s, ".")
	if len(frac) > precision {
		s = strconv.FormatFloat(v, 'f', max(precision, 0), 64)
		ip, frac, _ = strings.Cut(s, ".")
		frac = strings.TrimRight(frac, "0")
	}
	return ip, frac
}

// scientific returns v's mantissa's integer digit (with its sign), the
// mantissa's fraction and the exponent with its sign ("-05"), for the
// shortest digits rounded to at most precision fraction digits.
func scientific(v float64, bits, precision int) (m, frac, exp string) {
	s := shortest(v, bits, 'e')
	mant, exp, _ := strings.Cut(s, "e")
	m, frac, _ = strings.Cut(mant, ".")
	if len(frac) > precision {
		s = strconv.FormatFloat(v, 'e', max(precision, 0), 64)
		mant, exp, _ = strings.Cut(s, "e")
		m, frac, _ = strings.Cut(mant, ".")
		frac = strings.TrimRight(frac, "0")
	}
	return m, frac, exp
}

// shortest formats v ('f' or 'e') with the fewest digits that read back as
// v in its own type: float64, float32, or a 16-bit float (bits 16 float16,
// -16 bfloat16).
func shortest(v float64, bits int, fmtc byte) string {
	switch bits {
	case 64, 32:
		return strconv.FormatFloat(v, fmtc, -1, bits)
	}
	round := roundFloat16
	if bits == -16 {
		round = roundBFloat16
	}
	for digits := 0; digits < 17; digits++ {
		s := strconv.FormatFloat(v, 'e', digits, 64)
		if w, err := strconv.ParseFloat(s, 64); err == nil && round(w) == v {
			if fmtc == 'e' {
				return s
			}
			// The same digits in fixed point: digits+1 significant ones.
			_, e, _ := strings.Cut(s, "e")
			exp, _ := strconv.Atoi(e)
			return strconv.FormatFloat(v, 'f', max(0, digits-exp), 64)
		}
	}
	return strconv.FormatFloat(v, fmtc, -1, 64)
}

// scalarString prints a rank-0 tensor as NumPy prints a scalar: floats in
// fixed point from 1e-4 up to 1e16 (with at least one fraction digit,
// "21.0"), in scientific notation outside ("1e-05"), with their type's
// shortest digits.
func scalarString(t *Tensor) string {
	switch {
	case t.dtype.IsFloat() || t.dtype.IsHalf():
		v := t.Float(0)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nonFiniteString(v)
		}
		bits := floatBits(t.dtype)
		if a := math.Abs(v); a == 0 || a >= 1e-4 && a < 1e16 {
			s := shortest(v, bits, 'f')
			if !strings.Contains(s, ".") {
				s += ".0"
			}
			return s
		}
		return shortest(v, bits, 'e')
	case t.dtype == Bool:
		if t.data.([]bool)[0] {
			return "True"
		}
		return "False"
	}
	p := printer{t: t}
	return p.intString(0)
}

// floatBits names a float dtype's format for shortest: 64, 32, 16 for
// float16 and -16 for bfloat16.
func floatBits(d DType) int {
	switch d {
	case Float32:
		return 32
	case Float16:
		return 16
	case BFloat16:
		return -16
	}
	return 64
}
