package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// With -json the example writes one line, the JSON, to standard output;
// the progress lines and the summary go to standard error. Without it they
// go to standard output.
func TestJSONAloneOnStdout(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-json", "-num_iterations", "50"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	var res map[string]any
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &res) != nil || res["steps"] != 50.0 {
		t.Fatalf("standard output is not one JSON line:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "iteration ") {
		t.Fatalf("the progress lines are not on standard error:\n%s", stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if err := run([]string{"-num_iterations", "50"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 || !strings.Contains(stdout.String(), "iteration ") || strings.Contains(stdout.String(), "{") {
		t.Fatalf("without -json: stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}
