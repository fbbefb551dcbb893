package safetensors

import (
	"bytes"
	"reflect"
	"sync"
	"testing"
)

// TestConcurrentReads reads every tensor of one File from several
// goroutines at once, as the File's documentation allows (run with -race).
func TestConcurrentReads(t *testing.T) {
	b, err := Encode(sample(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name, want := range sample() {
				got, err := f.Tensor(name)
				if err != nil || !reflect.DeepEqual(got.Data(), want.Data()) {
					t.Errorf("%s: concurrent read = %v, %v", name, got, err)
				}
			}
		}()
	}
	wg.Wait()
}
