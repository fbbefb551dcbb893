package safetensors

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Open and reads every tensor of what
// it accepts; accepted input must also survive a write and re-read.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.safetensors")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-1])
		c := append([]byte(nil), b...)
		c[20] ^= 0x04
		f.Add(c)
	}
	if b, err := Encode(sample(), map[string]string{"k": "v"}); err == nil {
		f.Add(b)
	}
	f.Add(file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, []byte{1, 2}))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		ts := map[string]bool{}
		for _, name := range sf.Names() {
			if _, err := sf.Raw(name); err != nil {
				t.Fatalf("Raw(%q) of an accepted file: %v", name, err)
			}
			if tt, err := sf.Tensor(name); err == nil {
				ts[name] = tt != nil
			}
		}
		all, meta, err := Decode(b)
		if err != nil {
			return // a dtype the tensor package lacks
		}
		again, err := Encode(all, meta)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		back, _, err := Decode(again)
		if err != nil || len(back) != len(all) {
			t.Fatalf("re-decode: %v (%d tensors, want %d)", err, len(back), len(all))
		}
	})
}
