package images_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/images"
)

// hugePNG writes, chunk by chunk from the PNG specification, a valid 8-bit
// grayscale PNG of w x h black pixels, its rows streamed through zlib: a
// 20000x20000 one is about 400 KB. t may be nil (fuzz seeds).
func hugePNG(t *testing.T, w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, c.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // depth 8, grayscale, deflate, no filter, no interlace
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+w) // filter type 0, then the pixels
	for y := 0; y < h; y++ {
		zw.Write(row)
	}
	if err := zw.Close(); err != nil && t != nil {
		t.Fatal(err)
	}
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// A 20000x20000 PNG of a few hundred KB is refused from its header: decoded
// it took 6.7 GB.
func TestHugeImageRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.png")
	b := hugePNG(t, 20000, 20000)
	if len(b) > 1<<20 {
		t.Fatalf("the PNG is %d bytes", len(b))
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := images.Load(p, images.Options{})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "huge.png") || !strings.Contains(err.Error(), "20000x20000 = 400000000 pixels, more than the limit of 89478485") {
		t.Fatalf("huge PNG: %v", err)
	}
	if !errors.Is(err, datasets.ErrTooLarge) {
		t.Errorf("the error does not wrap datasets.ErrTooLarge")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Fatalf("refusing it allocated %d MB", alloc>>20)
	}
}

// The limit is the caller's: a 10x10 image is refused under 99 pixels and
// decoded, through the replayed header, under 100.
func TestMaxPixelsOption(t *testing.T) {
	for _, ext := range []string{".png", ".gif", ".jpg"} {
		p := filepath.Join(t.TempDir(), "ten"+ext)
		save(t, p, solid(10, 10, color.White))
		if _, err := images.Load(p, images.Options{MaxPixels: 99}); err == nil || !strings.Contains(err.Error(), "10x10 = 100 pixels") {
			t.Fatalf("%s under 99 pixels: %v", ext, err)
		}
		x, err := images.Load(p, images.Options{MaxPixels: 100})
		if err != nil || x.Dim(0) != 10 || x.Dim(1) != 10 || x.At(9, 9, 2) < 250 {
			t.Fatalf("%s under 100 pixels: %v", ext, err)
		}
	}
}

// Hidden files and folders (.DS_Store, .ipynb_checkpoints, ._x.png) are not
// classes or images, as in Keras.
func TestLoadDirectorySkipsHidden(t *testing.T) {
	dir := t.TempDir()
	save(t, filepath.Join(dir, "cat", "a.png"), solid(2, 2, color.White))
	save(t, filepath.Join(dir, "cat", "._a.png"), solid(2, 2, color.Black))
	if err := os.WriteFile(filepath.Join(dir, "cat", ".DS_Store"), []byte("\x00\x00\x00\x01Bud1"), 0o644); err != nil {
		t.Fatal(err)
	}
	save(t, filepath.Join(dir, ".ipynb_checkpoints", "b.png"), solid(2, 2, color.Black))
	save(t, filepath.Join(dir, "dog", "b.png"), solid(2, 2, color.Black))
	if err := os.WriteFile(filepath.Join(dir, "dog", "._b.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	x, y, classes, err := images.LoadDirectory(dir, images.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(classes, ",") != "cat,dog" || x.Dim(0) != 2 || y.Int32s()[0] != 0 || y.Int32s()[1] != 1 {
		t.Fatalf("classes %v, %d images, labels %v", classes, x.Dim(0), y.Int32s())
	}
	if x.At(0, 0, 0, 0) != 255 || x.At(1, 0, 0, 0) != 0 {
		t.Fatalf("images %v, %v: a hidden file was read", x.At(0, 0, 0, 0), x.At(1, 0, 0, 0))
	}
}
