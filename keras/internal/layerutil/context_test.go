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
	p0, exitA := Enter(g, "a")
	p1, exitB := Enter(g, "b")
	exitB()
	p2, exitC := Enter(g, "c")
	exitC()
	exitA()
	if p0 != nil || p1 != "a" || p2 != "a" || len(ctxs) != 0 {
		t.Errorf("parents %v %v %v, contexts %v", p0, p1, p2, ctxs)
	}
}
