package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
)

// runInspect lists a checkpoint's variables, as TensorFlow's
// inspect_checkpoint does; -values prints every value (the course's
// parameter extraction).
func runInspect(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := fs.Bool("values", false, "print every value of every tensor")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tensorgo inspect [-values] CHECKPOINT|DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	path := fs.Arg(0)
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		latest, err := checkpoint.LatestCheckpoint(path)
		if err != nil {
			return err
		}
		if latest == "" {
			return fmt.Errorf("%s holds no checkpoint (no index file naming one)", path)
		}
		path = latest
	}
	s, err := checkpoint.Read(path)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(s.Tensors))
	total, bytes := 0, 0
	for k, t := range s.Tensors {
		keys = append(keys, k)
		total += t.Size()
		bytes += t.Size() * t.DType().Size()
	}
	sort.Strings(keys)
	fmt.Fprintf(stdout, "%s: step %d, %d tensors, %d values (%s)\n", path, s.Step, len(keys), total, humanBytes(bytes))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "key\tdtype\tshape\tsize")
	for _, k := range keys {
		t := s.Tensors[k]
		fmt.Fprintf(tw, "%s\t%v\t%v\t%d\n", k, t.DType(), t.Shape(), t.Size())
	}
	tw.Flush()
	if len(s.Values) > 0 {
		vk := make([]string, 0, len(s.Values))
		for k := range s.Values {
			vk = append(vk, k)
		}
		sort.Strings(vk)
		fmt.Fprintf(stdout, "values: %s\n", strings.Join(vk, ", "))
	}
	if *values {
		for _, k := range keys {
			fmt.Fprintf(stdout, "\n%s %v\n", k, s.Tensors[k].Shape())
			writeValues(stdout, s.Tensors[k])
		}
	}
	return nil
}

// writeValues prints all of t's values, one row of the last dimension per
// line, with the shortest digits that read back to the same value.
func writeValues(w io.Writer, t *tensor.Tensor) {
	n := t.Size()
	row := n
	if t.Rank() > 0 && t.Dim(-1) > 0 {
		row = t.Dim(-1)
	}
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			if i%row == 0 {
				sb.WriteByte('\n')
			} else {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(formatValue(t, i))
	}
	sb.WriteByte('\n')
	io.WriteString(w, sb.String())
}

func formatValue(t *tensor.Tensor, i int) string {
	switch t.DType() {
	case tensor.Float32:
		return fmt.Sprint(t.Float32s()[i])
	case tensor.Bool:
		return fmt.Sprint(t.Bools()[i])
	}
	return fmt.Sprint(t.Float(i))
}

func humanBytes(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
