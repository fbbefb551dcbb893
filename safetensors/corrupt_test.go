package safetensors

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

// file assembles a safetensors file from a header and a data area.
func file(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestCorruptFiles(t *testing.T) {
	f32x2 := make([]byte, 8)
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty input", nil, "shorter than"},
		{"header too long for file", binary.LittleEndian.AppendUint64(nil, 100), "runs past the end"},
		{"header over limit", binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1), "exceeds"},
		{"not an object", file(`[1,2]`, nil), "start with '{'"},
		{"leading space", file(` {}`, nil), "start with '{'"},
		{"bad json", file(`{"a":`, nil), "invalid header"},
		{"bytes after json", file(`{} x`, nil), "after the JSON"},
		{"invalid utf8", file("{\"\xff\":1}", nil), "UTF-8"},
		{"duplicate name", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, []byte{1, 2}), "twice"},
		{"unknown dtype", file(`{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}`, f32x2), "unknown dtype"},
		{"missing shape", file(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`, f32x2), "needs dtype"},
		{"negative dim", file(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, f32x2), "bad dimension"},
		{"fractional dim", file(`{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}`, f32x2), "bad dimension"},
		{"three offsets", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}`, f32x2), "want 2"},
		{"size mismatch", file(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, f32x2), "want 12"},
		{"gap", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}`, []byte{1, 2, 3}), "do not start where"},
		{"overlap", file(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, []byte{1, 2, 3}), "do not start where"},
		{"not from zero", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, []byte{1, 2}), "do not start where"},
		{"reversed offsets", file(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}`, []byte{1}), "do not start where"},
		{"trailing byte", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, append(f32x2, 0)), "cover 8 bytes of the 9-byte"},
		{"short data", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32x2[:7]), "cover 8 bytes of the 7-byte"},
		{"non-string metadata", file(`{"__metadata__":{"k":1}}`, nil), "strings to strings"},
		{"huge shape", file(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, f32x2), "too large"},
	}
	for _, c := range cases {
		_, err := Open(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Open error = %v, want one containing %q", c.name, err, c.want)
		}
		if _, _, err := Read(bytes.NewReader(c.b)); err == nil {
			t.Errorf("%s: Read succeeded", c.name)
		}
	}
}

// TestAcceptedEdgeCases checks inputs the reference reader accepts.
func TestAcceptedEdgeCases(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty object":  file(`{}`, nil),
		"padded header": file(`{}      `, nil),
		"null metadata": file(`{"__metadata__":null}`, nil),
		"tensors out of order": file(`{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`,
			[]byte{1, 2}),
		"zero-size tensors": file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]}}`, nil),
	} {
		if _, _, err := Decode(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestReadDoesNotTrustHeader gives Read a header that promises a terabyte
// of data followed by a few bytes: it must fail without allocating the
// promised size.
func TestReadDoesNotTrustHeader(t *testing.T) {
	b := file(`{"a":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}}`, []byte{1, 2, 3})
	if _, _, err := Read(bytes.NewReader(b)); err == nil {
		t.Fatal("Read succeeded")
	}
}

func TestTruncations(t *testing.T) {
	b, err := os.ReadFile("testdata/alltypes.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b); n++ {
		if _, _, err := Read(bytes.NewReader(b[:n])); err == nil {
			t.Errorf("Read of the first %d of %d bytes succeeded", n, len(b))
		}
	}
}
