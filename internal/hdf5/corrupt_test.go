package hdf5

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// groupHeader returns the messages of a group header whose links are given.
func groupHeader(links map[string]uint64, names ...string) []hmsg {
	var linfo enc
	linfo.u8(0)
	linfo.u8(0)
	linfo.u64(undef)
	linfo.u64(undef)
	msgs := []hmsg{{msgLinkInfo, 0, linfo.b}, {msgGroupInfo, 0, []byte{0, 0}}}
	for _, n := range names {
		var e enc
		e.u8(1)
		e.u8(0)
		e.u8(uint8(len(n)))
		e.str(n)
		e.u64(links[n])
		msgs = append(msgs, hmsg{msgLink, 0, e.b})
	}
	return msgs
}

// nextAddr is the address the Writer's next header will get.
func nextAddr(w *Writer) uint64 { return (w.eof + 7) &^ 7 }

func TestGroupCycleIsError(t *testing.T) {
	var m memFile
	w := Create(&m)
	a := nextAddr(w)
	if got, err := w.writeHeader("/a", groupHeader(map[string]uint64{"self": a}, "self")); err != nil || got != a {
		t.Fatalf("writeHeader = %#x, %v; want %#x", got, err, a)
	}
	root, err := w.writeHeader("/", groupHeader(map[string]uint64{"a": a}, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.writeSuperblock(root); err != nil {
		t.Fatal(err)
	}
	_, err = Open(bytes.NewReader(m.b), int64(len(m.b)))
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("Open = %v, want a cycle error", err)
	}
}

// TestSharedSubgroupsAreBounded links each of 40 groups twice to the next
// one: a 40-level tree with 2^40 paths in a file of a few kilobytes. Open
// must stop at its node budget instead of walking them all.
func TestSharedSubgroupsAreBounded(t *testing.T) {
	var m memFile
	w := Create(&m)
	next, err := w.writeHeader("/leaf", groupHeader(nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		next, err = w.writeHeader("/g", groupHeader(map[string]uint64{"x": next, "y": next}, "x", "y"))
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.writeSuperblock(next); err != nil {
		t.Fatal(err)
	}
	_, err = Open(bytes.NewReader(m.b), int64(len(m.b)))
	if err == nil || !strings.Contains(err.Error(), "more objects than") {
		t.Fatalf("Open = %v, want a node budget error", err)
	}
}

// seedFiles returns the testdata files and a Writer-made file. It leaves out
// files over 32 KiB: the fuzzer minimises every new input it finds, which
// takes minutes on large ones.
func seedFiles(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	files, _ := filepath.Glob("testdata/*.h5")
	for _, p := range files {
		if st, err := os.Stat(p); err == nil && st.Size() > 32<<10 {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	var m memFile
	w := Create(&m)
	g, _ := w.Group("layers/dense/vars")
	g.SetAttr("name", "dense")
	g.CreateDataset("0", Float32, []int{2, 2}, []float32{1, 2, 3, 4})
	w.SetAttr("names", []string{"a", "bc"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out["writer.h5"] = m.b
	return out
}

// exercise opens b and reads everything in it, as the fuzz target does.
func exercise(b []byte) error {
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	return f.Root().Walk(func(g *Group) error {
		for _, d := range g.Datasets() {
			d.Read()
		}
		return nil
	})
}

// TestTruncatedAndCorruptFiles cuts every seed file at many lengths and
// flips bytes throughout it: each must give an error or a file, never a
// panic.
func TestTruncatedAndCorruptFiles(t *testing.T) {
	for name, b := range seedFiles(t) {
		if err := exercise(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for n := 0; n < len(b); n += 1 + n/8 {
			exercise(b[:n])
		}
		// A file cut before its end-of-file address is an error.
		if _, err := Open(bytes.NewReader(b[:len(b)-1]), int64(len(b)-1)); err == nil {
			t.Errorf("%s: truncated by one byte, Open succeeded", name)
		}
		c := append([]byte(nil), b...)
		for i := 0; i < len(c); i += max(7, len(c)/1000) {
			old := c[i]
			for _, v := range []byte{0, 0xff, old ^ 0x80} {
				c[i] = v
				exercise(c)
			}
			c[i] = old
		}
	}
}

func TestNotHDF5(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("hello"), bytes.Repeat([]byte{0}, 4096)} {
		if _, err := Open(bytes.NewReader(b), int64(len(b))); err == nil || !strings.Contains(err.Error(), "signature") {
			t.Errorf("Open(%d bytes) = %v, want a signature error", len(b), err)
		}
	}
}

func TestChecksumMismatch(t *testing.T) {
	b := seedFiles(t)["writer.h5"]
	c := append([]byte(nil), b...)
	c[30] ^= 1 // inside the superblock's end-of-file address
	if _, err := Open(bytes.NewReader(c), int64(len(c))); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("Open = %v, want a checksum error", err)
	}
}

// TestShuffleElementSizeBounded is a regression test: a shuffle filter whose
// element size parameter was corrupted to 2^31 made unshuffle loop over 2^31
// byte planes of an 8-byte chunk (found by the fuzzer; took over a minute).
func TestShuffleElementSizeBounded(t *testing.T) {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(i)
	}
	done := make(chan []byte)
	go func() { done <- unshuffle(b, math.MaxInt) }()
	select {
	case got := <-done:
		if !bytes.Equal(got, b) {
			t.Errorf("unshuffle with an element size past the data changed it: % x", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("unshuffle with element size 2^31 did not return within 5s")
	}
	// An ordinary unshuffle, worked by hand: elements 0x0100 and 0x0302
	// (little-endian) are stored as low bytes then high bytes.
	if got := unshuffle([]byte{0x00, 0x02, 0x01, 0x03}, 2); !bytes.Equal(got, []byte{0x00, 0x01, 0x02, 0x03}) {
		t.Errorf("unshuffle = % x, want 00 01 02 03", got)
	}
}
