package tfrecord

import (
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"testing"
)

// The masked CRC is checked against a value computed here by the formula
// TensorFlow documents (crc32c rotated right by 15, plus 0xa282ead8),
// starting from the standard CRC-32C check value of "123456789"
// (0xe3069283, from the CRC catalogue).
func TestMaskedCRC(t *testing.T) {
	c := crc32.Checksum([]byte("123456789"), crc32.MakeTable(crc32.Castagnoli))
	if c != 0xe3069283 {
		t.Fatalf("crc32c check value = %#x, want 0xe3069283", c)
	}
	want := uint32((uint64(0xe3069283>>15|0xe3069283<<17&0xffffffff) + 0xa282ead8) & 0xffffffff)
	if got := MaskedCRC([]byte("123456789")); got != want {
		t.Fatalf("MaskedCRC = %#x, want %#x", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	recs := [][]byte{[]byte("hello"), {}, bytes.Repeat([]byte{7}, 70000)}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if want := 3*16 + 5 + 70000; buf.Len() != want {
		t.Fatalf("framed size %d, want %d", buf.Len(), want)
	}
	r := NewReader(bytes.NewReader(buf.Bytes()))
	for i, want := range recs {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("record %d differs", i)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last record: %v, want io.EOF", err)
	}
}

func TestCorruptAndTruncated(t *testing.T) {
	var buf bytes.Buffer
	NewWriter(&buf).Write([]byte("payload"))
	good := buf.Bytes()
	for i := range good {
		b := append([]byte(nil), good...)
		b[i] ^= 0x40
		_, err := NewReader(bytes.NewReader(b)).Next()
		var ce *CorruptError
		if !errors.As(err, &ce) && !errors.Is(err, ErrTruncated) {
			t.Fatalf("flipped byte %d: err %v, want a CorruptError", i, err)
		}
	}
	for n := 1; n < len(good); n++ {
		_, err := NewReader(bytes.NewReader(good[:n])).Next()
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: err %v, want ErrTruncated", n, err)
		}
	}
}

func TestLengthLimit(t *testing.T) {
	var buf bytes.Buffer
	NewWriter(&buf).Write(make([]byte, 100))
	r := NewReader(bytes.NewReader(buf.Bytes()))
	r.MaxRecord = 99
	var ce *CorruptError
	if _, err := r.Next(); !errors.As(err, &ce) {
		t.Fatalf("err %v, want a CorruptError for a record over the limit", err)
	}
}

func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Write([]byte("first"))
	w.Write([]byte("second record"))
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:20])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		r.MaxRecord = 1 << 20
		for i := 0; i < 1000; i++ {
			rec, err := r.Next()
			if err != nil {
				return
			}
			// A record that reads back must re-frame to the same bytes.
			var out bytes.Buffer
			NewWriter(&out).Write(rec)
			start := r.Offset() - int64(out.Len())
			if !bytes.Equal(out.Bytes(), b[start:r.Offset()]) {
				t.Fatalf("record %d does not re-frame to its input bytes", i)
			}
		}
	})
}
