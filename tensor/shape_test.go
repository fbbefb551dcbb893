package tensor

import (
	"strings"
	"testing"
)

func TestCompatibleWith(t *testing.T) {
	for _, c := range []struct {
		a, b Shape
		want bool
	}{
		{Shape{-1, 3}, Shape{5, 3}, true},
		{Shape{5, 3}, Shape{5, -1}, true},
		{Shape{5, 3}, Shape{5, 4}, false},
		{Shape{5, 3}, Shape{5, 3, 1}, false},
		{Shape{}, Shape{}, true},
	} {
		if got := c.a.CompatibleWith(c.b); got != c.want {
			t.Errorf("%v.CompatibleWith(%v) = %v", c.a, c.b, got)
		}
	}
}

func TestSplitSizes(t *testing.T) {
	if got, err := SplitSizes(10, []int{3, -1, 2}); err != nil || !Shape(got).Equal(Shape{3, 5, 2}) {
		t.Errorf("resolve -1: %v %v", got, err)
	}
	if got, err := SplitSizes(-1, []int{3, -1}); err != nil || !Shape(got).Equal(Shape{3, -1}) {
		t.Errorf("unknown dimension, last -1: %v %v", got, err)
	}
	for _, c := range []struct {
		dim   int
		sizes []int
		want  string
	}{
		{10, []int{3, 3}, "add up to 6"},
		{10, []int{-1, -1}, "at most one -1"},
		{-1, []int{-1, 3}, "only the last size"},
		{4, []int{3, -1, 2}, "add up to 5"},
	} {
		if _, err := SplitSizes(c.dim, c.sizes); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SplitSizes(%d, %v): %v, want an error containing %q", c.dim, c.sizes, err, c.want)
		}
	}
}
