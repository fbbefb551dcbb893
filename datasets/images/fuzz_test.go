package images_test

import (
	"bytes"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/images"
)

// FuzzImageDecode feeds PNG, GIF and JPEG files, real and corrupt, to the
// header check and the decoder: no panics, and nothing above the pixel
// limit is decoded.
func FuzzImageDecode(f *testing.F) {
	img := solid(5, 3, color.RGBA{200, 100, 50, 255})
	var p, g, j bytes.Buffer
	png.Encode(&p, img)
	gif.Encode(&g, img, nil)
	jpeg.Encode(&j, img, nil)
	for _, b := range [][]byte{p.Bytes(), g.Bytes(), j.Bytes()} {
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(b[:min(len(b), 40)])
	}
	// Headers that declare 20000x20000 and 1x1 with the data cut off.
	huge := hugeHeader(20000, 20000)
	f.Add(huge)
	f.Add(hugeHeader(1, 1))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("GIF89a\xff\xff\xff\xff"))
	f.Add([]byte("\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03"))
	const limit = 1 << 16
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := images.Decode(bytes.NewReader(b), "fuzz", images.Options{MaxPixels: limit})
		if err != nil {
			if x != nil {
				t.Fatal("a tensor together with an error")
			}
			return
		}
		if x.Rank() != 3 || x.Dim(2) != 3 || x.Dim(0)*x.Dim(1) > limit {
			t.Fatalf("decoded %v past the %d-pixel limit", x.Shape(), limit)
		}
	})
}

// hugeHeader is the signature and IHDR chunk of a w x h grayscale PNG,
// without its data.
func hugeHeader(w, h int) []byte {
	b := hugePNG(nil, 1, 1)
	// Put w and h into the 1x1 PNG's IHDR (bytes 16..23) and keep only
	// the signature and that chunk; the CRC no longer matches, which a
	// decoder must report rather than trust.
	b = append([]byte{}, b[:33]...)
	for i, v := range []int{w, h} {
		b[16+4*i], b[17+4*i], b[18+4*i], b[19+4*i] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	return b
}
