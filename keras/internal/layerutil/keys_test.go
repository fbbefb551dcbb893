package layerutil

import (
	"reflect"
	"testing"
)

func TestLocalKeys(t *testing.T) {
	for _, c := range []struct {
		bases []string
		given []bool
		want  []string
	}{
		// Automatic names count per base within the scope.
		{[]string{"dense", "dropout", "dense", "dense"}, []bool{false, false, false, false}, []string{"dense", "dropout", "dense_1", "dense_2"}},
		// A user's name keeps its spelling; automatic ones step around it.
		{[]string{"dense", "dense_1", "dense"}, []bool{false, true, false}, []string{"dense", "dense_1", "dense_2"}},
		{[]string{"dense", "dense"}, []bool{false, true}, []string{"dense_1", "dense"}},
		// A repeated user name is uniquified like an automatic one.
		{[]string{"head", "head"}, []bool{true, true}, []string{"head", "head_1"}},
		{nil, nil, []string{}},
	} {
		if got := LocalKeys(c.bases, c.given); !reflect.DeepEqual(got, c.want) {
			t.Errorf("LocalKeys(%v, %v) = %v, want %v", c.bases, c.given, got, c.want)
		}
	}
}
