package main

import (
	"bytes"
	"strings"
	"testing"
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
