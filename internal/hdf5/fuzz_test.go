package hdf5

import "testing"

// FuzzOpen feeds arbitrary bytes to Open and reads every dataset of what it
// accepts: corrupt input must give an error, never a panic or a huge
// allocation.
func FuzzOpen(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
		f.Add(b[:len(b)/2])
		c := append([]byte(nil), b...)
		for i := 40; i < len(c); i += 97 {
			c[i] ^= 0x5a
		}
		f.Add(c)
	}
	f.Add([]byte("\x89HDF\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		exercise(b)
	})
}
