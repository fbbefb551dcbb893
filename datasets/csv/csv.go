// Package csv loads tables of numbers from CSV files into tensors: a header
// row naming the columns, numeric or categorical feature columns, and an
// optional label column whose values may be numbers or class names. Errors
// name the file, the line and the column.
package csv

import (
	"bufio"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/datasets/internal/quote"
	"github.com/tensorgo/tensorgo/tensor"
)

// Options describe a table. The zero value reads a comma-separated file
// with a header, every column a float32 feature, and no label.
type Options struct {
	// NoHeader says the first row is data; columns are then named by their
	// index: "0", "1", ...
	NoHeader bool
	// Comma is the field separator (',' if zero).
	Comma rune
	// Label names the label column ("" for none).
	Label string
	// Columns lists the feature columns to keep, in order (default: every
	// column but the label).
	Columns []string
	// Categorical lists feature columns whose values are names, encoded as
	// indices into their sorted distinct values (Table.Vocabularies).
	Categorical []string
	// DType is the features' type (Float32 if zero; Float64, Int32 and
	// Int64 are also allowed).
	DType tensor.DType
	// LabelDType is the labels' type (Int64 if zero). With an integer type,
	// labels that are not all integers are class names, encoded as indices
	// into Table.Classes (sorted); with a float type they must be numbers.
	LabelDType tensor.DType
	// AllowMissing replaces empty numeric fields with MissingValue instead
	// of returning an error.
	AllowMissing bool
	MissingValue float64
}

// Table is a loaded CSV file.
type Table struct {
	X       *tensor.Tensor // (rows, len(Columns))
	Y       *tensor.Tensor // (rows,), nil without a label column
	Columns []string       // the names of X's columns
	// Classes names the label values when they were strings: label k is
	// Classes[k]. Nil for numeric labels.
	Classes []string
	// Vocabularies gives, for each categorical column, the value of each
	// code.
	Vocabularies map[string][]string
}

// Load reads the CSV file at path.
func Load(path string, opt Options) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	defer f.Close()
	return Read(f, path, opt)
}

// Read reads a CSV table from r. name is used in error messages.
func Read(r io.Reader, name string, opt Options) (*Table, error) {
	t, err := read(r, opt)
	if err != nil {
		return nil, fmt.Errorf("csv: %s: %w", filepath.Base(name), err)
	}
	return t, nil
}

func read(r io.Reader, opt Options) (*Table, error) {
	if opt.DType == tensor.Invalid {
		opt.DType = tensor.Float32
	}
	if opt.LabelDType == tensor.Invalid {
		opt.LabelDType = tensor.Int64
	}
	for _, d := range []tensor.DType{opt.DType, opt.LabelDType} {
		if d != tensor.Float32 && d != tensor.Float64 && d != tensor.Int32 && d != tensor.Int64 {
			return nil, fmt.Errorf("unsupported dtype %v (want float32, float64, int32 or int64)", d)
		}
	}
	br := bufio.NewReader(r)
	// A UTF-8 byte-order mark, as spreadsheet programs write, is not part
	// of the first field (and would hide the quote of a quoted one).
	if b, _ := br.Peek(len(bom)); string(b) == bom {
		br.Discard(len(bom))
	}
	cr := stdcsv.NewReader(br)
	if opt.Comma != 0 {
		cr.Comma = opt.Comma
	}
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = false
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *stdcsv.ParseError
			if errors.As(err, &pe) {
				where := ""
				if pe.StartLine != pe.Line {
					where = fmt.Sprintf(" (in the record starting on line %d)", pe.StartLine)
				}
				return nil, fmt.Errorf("line %d, column %d%s: malformed CSV: %v", pe.Line, pe.Column, where, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		return nil, errors.New("empty file")
	}
	width := len(records[0])
	var names []string
	if opt.NoHeader {
		for i := 0; i < width; i++ {
			names = append(names, strconv.Itoa(i))
		}
	} else {
		for i, h := range records[0] {
			h = strings.TrimSpace(h)
			if j := slices.Index(names, h); j >= 0 {
				return nil, fmt.Errorf("line %d: columns %d and %d are both named %s", lines[0], j+1, i+1, quote.String(h))
			}
			names = append(names, h)
		}
		records, lines = records[1:], lines[1:]
	}
	for i, rec := range records {
		if len(rec) != width {
			return nil, fmt.Errorf("line %d: %d fields, want %d (as in the first row)", lines[i], len(rec), width)
		}
	}
	index := func(col string) (int, error) {
		if i := slices.Index(names, col); i >= 0 {
			return i, nil
		}
		return 0, fmt.Errorf("no column named %s (columns: %s)", quote.String(col), columnList(names))
	}
	label := -1
	if opt.Label != "" {
		var err error
		if label, err = index(opt.Label); err != nil {
			return nil, err
		}
	}
	var cols []int
	if opt.Columns != nil {
		for _, c := range opt.Columns {
			i, err := index(c)
			if err != nil {
				return nil, err
			}
			cols = append(cols, i)
		}
	} else {
		for i := range names {
			if i != label {
				cols = append(cols, i)
			}
		}
	}
	categorical := map[int]bool{}
	for _, c := range opt.Categorical {
		i, err := index(c)
		if err != nil {
			return nil, err
		}
		categorical[i] = true
	}
	t := &Table{}
	for _, c := range cols {
		t.Columns = append(t.Columns, names[c])
	}
	n := len(records)
	t.X = tensor.New(opt.DType, n, len(cols))
	codes := map[int]map[string]int{}
	for c := range categorical {
		vocab := distinct(records, c)
		if t.Vocabularies == nil {
			t.Vocabularies = map[string][]string{}
		}
		t.Vocabularies[names[c]] = vocab
		codes[c] = indexOf(vocab)
	}
	for i, rec := range records {
		for j, c := range cols {
			var v number
			if m, ok := codes[c]; ok {
				code := m[strings.TrimSpace(rec[c])]
				v = number{f: float64(code), i: int64(code)}
			} else {
				var err error
				if v, err = parse(rec[c], opt.DType, opt); err != nil {
					return nil, fmt.Errorf("line %d, column %d (%s): %w", lines[i], c+1, quote.String(names[c]), err)
				}
			}
			v.set(t.X, i*len(cols)+j)
		}
	}
	if label < 0 {
		return t, nil
	}
	t.Y = tensor.New(opt.LabelDType, n)
	byName := false
	if !opt.LabelDType.IsFloat() {
		for _, rec := range records {
			if _, err := strconv.ParseInt(strings.TrimSpace(rec[label]), 10, 64); err != nil {
				byName = true
				break
			}
		}
	}
	if byName {
		t.Classes = distinct(records, label)
		m := indexOf(t.Classes)
		for i, rec := range records {
			s := strings.TrimSpace(rec[label])
			if s == "" {
				return nil, fmt.Errorf("line %d, column %d (%s): missing label", lines[i], label+1, quote.String(names[label]))
			}
			t.Y.SetFloat(i, float64(m[s]))
		}
		return t, nil
	}
	for i, rec := range records {
		v, err := parse(rec[label], opt.LabelDType, Options{})
		if err != nil {
			return nil, fmt.Errorf("line %d, column %d (%s): label: %w", lines[i], label+1, quote.String(names[label]), err)
		}
		v.set(t.Y, i)
	}
	return t, nil
}

const bom = "\ufeff"

// number is a parsed field: f for float columns, i (exact) for integer
// ones, so that an int64 such as 9223372036854775807 never passes through
// a float64.
type number struct {
	f float64
	i int64
}

// set stores v as element k of t, by t's dtype.
func (v number) set(t *tensor.Tensor, k int) {
	switch t.DType() {
	case tensor.Int64:
		t.Int64s()[k] = v.i
	case tensor.Int32:
		t.Int32s()[k] = int32(v.i)
	default:
		t.SetFloat(k, v.f)
	}
}

func parse(s string, dt tensor.DType, opt Options) (number, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if opt.AllowMissing {
			return number{f: opt.MissingValue, i: int64(opt.MissingValue)}, nil
		}
		return number{}, errors.New("missing value")
	}
	if dt.IsFloat() {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return number{}, fmt.Errorf("cannot parse %s as a number", quote.String(s))
		}
		if dt == tensor.Float32 && !math.IsInf(v, 0) && math.Abs(v) > math.MaxFloat32 {
			return number{}, fmt.Errorf("%s is out of the float32 range", quote.String(s))
		}
		return number{f: v}, nil
	}
	bits := 64
	if dt == tensor.Int32 {
		bits = 32
	}
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return number{}, fmt.Errorf("cannot parse %s as %v", quote.String(s), dt)
	}
	return number{i: v}, nil
}

// columnList names the columns for an error message: the first ten, each
// quoted through package quote, and how many more there are.
func columnList(names []string) string {
	const show = 10
	var parts []string
	for _, n := range names[:min(len(names), show)] {
		parts = append(parts, quote.String(n))
	}
	s := strings.Join(parts, ", ")
	if len(names) > show {
		s += fmt.Sprintf(" and %d more", len(names)-show)
	}
	return s
}

func distinct(records [][]string, c int) []string {
	seen := map[string]bool{}
	var out []string
	for _, rec := range records {
		s := strings.TrimSpace(rec[c])
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func indexOf(vocab []string) map[string]int {
	m := make(map[string]int, len(vocab))
	for i, s := range vocab {
		m[s] = i
	}
	return m
}
