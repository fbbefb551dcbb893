package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// Both ways of training the course's Iris network reach 0.9 test accuracy
// on the course's 30 held-out rows with the example's defaults.
func TestBothWaysReachAccuracy(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(epochs, batch int, lr float64, logs io.Writer) (map[string]any, error)
	}{{"keras", runKeras}, {"eager", runEager}} {
		t.Run(c.name, func(t *testing.T) {
			tensor.SetSeed(1)
			res, err := c.run(500, 32, 0.1, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			acc, ok := res["test_accuracy"].(float64)
			if !ok || acc < 0.9 {
				t.Fatalf("test accuracy %v, want >= 0.9", res["test_accuracy"])
			}
		})
	}
}

// With -json the example writes one line, the JSON, to standard output,
// and the epochs' lines, the evaluation and the summary to standard error.
func TestJSONAloneOnStdout(t *testing.T) {
	for _, mode := range [][]string{nil, {"-eager"}} {
		var stdout, stderr bytes.Buffer
		if err := run(append([]string{"-json", "-epochs", "100"}, mode...), &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		var res map[string]any
		if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &res) != nil || res["epochs"] != 100.0 {
			t.Fatalf("%v: standard output is not one JSON line:\n%s", mode, stdout.String())
		}
		for _, want := range []string{"epoch 100: loss", "test accuracy:"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%v: standard error lacks %q:\n%s", mode, want, stderr.String())
			}
		}
		if mode == nil && !strings.Contains(stderr.String(), "Total params: 15") {
			t.Errorf("the summary is not on standard error:\n%s", stderr.String())
		}
	}
}
