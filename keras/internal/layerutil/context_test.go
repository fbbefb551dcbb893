package layerutil

import (
	"reflect"
	"testing"

	"github.com/tensorgo/tensorgo/tf"
)

func TestWithTrainingNestsModesAndHooks(t *testing.T) {
	g := tf.NewGraph()
	var got []string
	outer := func(c Call) { got = append(got, "outer:"+c.Layer.(string)) }
	inner := func(c Call) { got = append(got, "inner:"+c.Layer.(string)) }
	WithTraining(g, true, outer, func() {
		HookOf(g)(Call{Layer: "a"})
		WithTraining(g, false, inner, func() {
			if Training(g) {
				t.Error("inner mode not set")
			}
			HookOf(g)(Call{Layer: "b"})
		})
		if !Training(g) {
			t.Error("outer mode not restored")
		}
		HookOf(g)(Call{Layer: "c"})
	})
	want := []string{"outer:a", "inner:b", "outer:b", "outer:c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hook calls %v, want %v", got, want)
	}
	if HookOf(g) != nil || Training(g) || len(ctxs) != 0 {
		t.Errorf("context left behind: %v", ctxs)
	}
}

func TestEnterStacksParents(t *testing.T) {
	g := tf.NewGraph()
	p0 := Enter(g, "a")
	p1 := Enter(g, "b")
	Exit(g)
	p2 := Enter(g, "c")
	Exit(g)
	Exit(g)
	if p0 != nil || p1 != "a" || p2 != "a" || len(ctxs) != 0 {
		t.Errorf("parents %v %v %v, contexts %v", p0, p1, p2, ctxs)
	}
}

// Models built in several goroutines at once, each in its own graph, keep
// their own contexts (run with -race).
func TestContextsPerGraphConcurrently(t *testing.T) {
	done := make(chan string)
	for i := 0; i < 4; i++ {
		go func() {
			g := tf.NewGraph()
			msg := ""
			for j := 0; j < 200; j++ {
				training := j%2 == 0
				WithTraining(g, training, func(Call) {}, func() {
					p := Enter(g, j)
					if p != nil || Training(g) != training || HookOf(g) == nil {
						msg = "context of another graph seen"
					}
					Exit(g)
				})
				UniqueName("x")
			}
			done <- msg
		}()
	}
	for i := 0; i < 4; i++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
