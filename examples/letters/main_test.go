package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Every course task predicts every letter right after its training, for
// a few seeds; the predictions name the right next letter.
func TestEveryTaskPredictsEveryLetter(t *testing.T) {
	for _, seed := range []string{"1", "2", "3"} {
		var out, errs bytes.Buffer
		if err := run([]string{"-json", "-seed", seed}, &out, &errs); err != nil {
			t.Fatalf("seed %s: %v\n%s", seed, err, errs.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(tasks) {
			t.Fatalf("seed %s: %d result lines, want %d", seed, len(lines), len(tasks))
		}
		for i, line := range lines {
			var r Result
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			tk := tasks[i]
			want := len(tk.alphabet)
			if tk.in == 4 && tk.alphabet != "abcde" {
				want = len(tk.alphabet) - 4
			}
			if r.Task != tk.name || r.Total != want || r.Correct != r.Total {
				t.Errorf("seed %s: %s: %d of %d right (want %d of %d): %v", seed, tk.name, r.Correct, r.Total, want, want, r.Predictions)
			}
			// Check the printed predictions independently of Correct.
			for k, p := range r.Predictions {
				in, next, ok := strings.Cut(p, "->")
				if !ok || len(next) != 1 {
					t.Fatalf("%s: prediction %q is not in the a->b style", tk.name, p)
				}
				l := tk.alphabet
				last := strings.IndexByte(l, in[len(in)-1])
				if next[0] != l[(last+1)%len(l)] {
					t.Errorf("seed %s: %s: sample %d predicts %q", seed, tk.name, k, p)
				}
			}
		}
	}
}

func TestTextOutputAndBadTask(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run([]string{"-task", "onehot1"}, &out, &errs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"onehot1", "a->b", "e->a", "5 of 5 right"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run([]string{"-task", "nope"}, &out, &errs); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("an unknown task: %v", err)
	}
}
