package hdf5

import (
	"bytes"
	"reflect"
	"sync"
	"testing"
)

// TestConcurrentReads reads every dataset of one File from several
// goroutines at once, as the File's documentation allows (run with -race).
func TestConcurrentReads(t *testing.T) {
	b := seedFiles(t)["basic_v0.h5"]
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var all []*Dataset
	f.Root().Walk(func(g *Group) error {
		all = append(all, g.Datasets()...)
		return nil
	})
	want := make([]any, len(all))
	for i, d := range all {
		if want[i], err = d.Read(); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, d := range all {
				v, err := d.Read()
				if err != nil || !reflect.DeepEqual(v, want[i]) {
					t.Errorf("%s: concurrent read = %v, %v", d.Path, v, err)
				}
			}
		}()
	}
	wg.Wait()
}
