package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
)

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "board") {
		t.Fatalf("no arguments: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"nope"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "nope"`) {
		t.Fatalf("unknown command: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"board", t.TempDir() + "/missing"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not a directory") {
		t.Fatalf("missing log dir: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"board"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage: tensorgo board") {
		t.Fatalf("board without a log dir: exit %d, stderr %q", code, errb.String())
	}
}

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	m, err := checkpoint.NewManager(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := &checkpoint.State{Step: 7, Tensors: map[string]*tensor.Tensor{
		"dense/kernel": tensor.FromSlice([]float32{0.1, -2, 3.25, 4}, 2, 2),
		"dense/bias":   tensor.FromSlice([]float32{0.5, 1e-7}, 2),
	}}
	s.SetValue("epoch", 3)
	if _, err := m.Save(s); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"inspect", "-values", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{"step 7, 2 tensors, 6 values (24 B)", "dense/kernel  float32  (2, 2)  4", "dense/bias    float32  (2,)    2",
		"values: epoch", "dense/kernel (2, 2)\n0.1 -2\n3.25 4\n", "0.5 1e-07\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	errb.Reset()
	bad := filepath.Join(dir, "bad"+checkpoint.Ext)
	os.WriteFile(bad, []byte("not a checkpoint at all, just text"), 0o644)
	if code := run([]string{"inspect", bad}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "damaged") {
		t.Fatalf("corrupt file: exit %d, %s", code, errb.String())
	}
}
