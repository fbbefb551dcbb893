package keras

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// formatFields fills a Python str.format template, as ModelCheckpoint's
// filepath is filled in Keras ("weights.{epoch:02d}-{val_loss:.2f}"): each
// {name} or {name:spec} is replaced by the named value, formatted by
// Python's format mini-language for numbers; {{ and }} are literal braces.
// ints holds the integer fields (epoch, batch), floats the others. An
// unknown name, a bad spec or a lone brace is an error.
func formatFields(tmpl string, ints map[string]int, floats map[string]float64) (string, error) {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch c {
		case '}':
			if i+1 < len(tmpl) && tmpl[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return "", fmt.Errorf("single '}' encountered in format string")
		case '{':
			if i+1 < len(tmpl) && tmpl[i+1] == '{' {
				b.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("single '{' encountered in format string")
			}
			field := tmpl[i+1 : i+end]
			i += end
			name, spec, _ := strings.Cut(field, ":")
			if strings.ContainsAny(name, "{[.!") || strings.Contains(spec, "{") {
				return "", fmt.Errorf("field %q: only plain names with an optional format spec are supported", field)
			}
			var s string
			var err error
			if v, ok := ints[name]; ok {
				s, err = formatInt(v, spec)
			} else if v, ok := floats[name]; ok {
				s, err = formatFloat(v, spec)
			} else {
				return "", fmt.Errorf("no value named %q (KeyError)", name)
			}
			if err != nil {
				return "", fmt.Errorf("field %q: %w", field, err)
			}
			b.WriteString(s)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// pySpec is a parsed format spec:
// [[fill]align][sign][z][#][0][width][grouping][.precision][type].
type pySpec struct {
	fill      rune
	align     byte // 0, '<', '>', '^', '='
	sign      byte // 0, '+', '-', ' '
	zero      bool
	width     int
	grouping  byte // 0, ',', '_'
	precision int  // -1: none
	typ       byte // 0 or the type letter
}

func parseSpec(spec string) (pySpec, error) {
	p := pySpec{fill: ' ', precision: -1}
	r := []rune(spec)
	i := 0
	isAlign := func(c rune) bool { return c == '<' || c == '>' || c == '^' || c == '=' }
	if len(r) >= 2 && isAlign(r[1]) {
		p.fill, p.align, i = r[0], byte(r[1]), 2
	} else if len(r) >= 1 && isAlign(r[0]) {
		p.align, i = byte(r[0]), 1
	}
	if i < len(r) && (r[i] == '+' || r[i] == '-' || r[i] == ' ') {
		p.sign = byte(r[i])
		i++
	}
	if i < len(r) && (r[i] == 'z' || r[i] == '#') {
		return p, fmt.Errorf("the %q option is not supported", r[i])
	}
	if i < len(r) && r[i] == '0' {
		p.zero = true
		i++
	}
	num := func() (int, bool) {
		j := i
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
		}
		if j == i {
			return 0, false
		}
		n, err := strconv.Atoi(string(r[j:i]))
		if err != nil || n > 1000 {
			return 0, false
		}
		return n, true
	}
	if n, ok := num(); ok {
		p.width = n
	} else if i < len(r) && r[i] >= '0' && r[i] <= '9' {
		return p, fmt.Errorf("width too large")
	}
	if i < len(r) && (r[i] == ',' || r[i] == '_') {
		p.grouping = byte(r[i])
		i++
	}
	if i < len(r) && r[i] == '.' {
		i++
		n, ok := num()
		if !ok {
			return p, fmt.Errorf("format specifier missing precision")
		}
		p.precision = n
	}
	if i < len(r) {
		if i != len(r)-1 || r[i] > 127 {
			return p, fmt.Errorf("invalid format specifier %q", spec)
		}
		p.typ = byte(r[i])
	}
	if p.zero && p.align == 0 {
		p.fill, p.align = '0', '='
	}
	return p, nil
}

func formatInt(v int, spec string) (string, error) {
	p, err := parseSpec(spec)
	if err != nil {
		return "", err
	}
	switch p.typ {
	case 0, 'd':
		if p.precision >= 0 {
			return "", fmt.Errorf("precision not allowed in integer format specifier")
		}
		digits := strconv.FormatUint(uint64(abs(v)), 10)
		return p.pad(signOf(v < 0, p.sign), group(digits, p.grouping), ""), nil
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		return formatFloat(float64(v), spec)
	}
	return "", fmt.Errorf("unknown format code '%c' for object of type 'int'", p.typ)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func signOf(neg bool, sign byte) string {
	switch {
	case neg:
		return "-"
	case sign == '+':
		return "+"
	case sign == ' ':
		return " "
	}
	return ""
}

// group inserts a separator every three digits of an integer part.
func group(digits string, sep byte) string {
	if sep == 0 || len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// pad lays out sign, number and suffix in the spec's width, right-aligned
// by default as Python aligns numbers.
func (p pySpec) pad(sign, num, suffix string) string {
	body := sign + num + suffix
	n := p.width - len([]rune(body))
	if n <= 0 {
		return body
	}
	fill := strings.Repeat(string(p.fill), n)
	switch p.align {
	case '<':
		return body + fill
	case '^':
		l := n / 2
		return fill[:l*len(string(p.fill))] + body + fill[l*len(string(p.fill)):]
	case '=':
		return sign + fill + num + suffix
	}
	return fill + body
}

func formatFloat(v float64, spec string) (string, error) {
	p, err := parseSpec(spec)
	if err != nil {
		return "", err
	}
	neg := math.Signbit(v) && !math.IsNaN(v)
	a := math.Abs(v)
	upper := p.typ == 'E' || p.typ == 'F' || p.typ == 'G'
	if math.IsInf(v, 0) || math.IsNaN(v) {
		s := "inf"
		if math.IsNaN(v) {
			s = "nan"
		}
		if upper {
			s = strings.ToUpper(s)
		}
		switch p.typ {
		case 0, 'e', 'E', 'f', 'F', 'g', 'G':
		case '%':
			s += "%"
		default:
			return "", fmt.Errorf("unknown format code '%c' for object of type 'float'", p.typ)
		}
		return p.pad(signOf(neg, p.sign), s, ""), nil
	}
	prec := p.precision
	var s, suffix string
	switch p.typ {
	case 'f', 'F':
		if prec < 0 {
			prec = 6
		}
		s = strconv.FormatFloat(a, 'f', prec, 64)
	case 'e', 'E':
		if prec < 0 {
			prec = 6
		}
		s = strconv.FormatFloat(a, 'e', prec, 64)
	case '%':
		if prec < 0 {
			prec = 6
		}
		s, suffix = strconv.FormatFloat(a*100, 'f', prec, 64), "%"
	case 'g', 'G':
		if prec < 0 {
			prec = 6
		}
		s = pyGeneral(a, max(prec, 1), false)
	case 0:
		if prec < 0 {
			s = pyRepr(a)
		} else {
			s = pyGeneral(a, max(prec, 1), true)
		}
	default:
		return "", fmt.Errorf("unknown format code '%c' for object of type 'float'", p.typ)
	}
	if upper {
		s = strings.ToUpper(s)
	}
	if p.grouping != 0 {
		intPart, rest := s, ""
		if k := strings.IndexAny(s, ".e"); k >= 0 {
			intPart, rest = s[:k], s[k:]
		}
		s = group(intPart, p.grouping) + rest
	}
	return p.pad(signOf(neg, p.sign), s, suffix), nil
}

// pyGeneral is Python's 'g' format of a >= 0 with prec significant digits
// (trailing zeros removed); noType is the format with a precision and no
// type, which switches to exponents one digit sooner and keeps ".0".
func pyGeneral(a float64, prec int, noType bool) string {
	e := strconv.FormatFloat(a, 'e', prec-1, 64) // d.ddde±XX, rounded
	mant, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	limit := prec
	if noType {
		limit = prec - 1
	}
	if a != 0 && (exp < -4 || exp >= limit) {
		mant = trimZeros(mant)
		return mant + "e" + exps[:1] + fmt.Sprintf("%02d", abs(exp))
	}
	if a == 0 {
		exp = 0
	}
	s := trimZeros(strconv.FormatFloat(a, 'f', max(prec-1-exp, 0), 64))
	if noType && !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// pyRepr is Python's repr of a float a >= 0: the shortest digits that
// read back the same, with an exponent below 1e-4 and from 1e16, and ".0"
// on whole numbers.
func pyRepr(a float64) string {
	e := strconv.FormatFloat(a, 'e', -1, 64)
	mant, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	if a != 0 && (exp < -4 || exp >= 16) {
		return mant + "e" + exps[:1] + fmt.Sprintf("%02d", abs(exp))
	}
	s := strconv.FormatFloat(a, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
