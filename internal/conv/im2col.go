package conv

import (
	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// im2col writes rows [r0, r1) of group g's im2col matrix into col (row
// stride k = KH*KW*Cg): row r is output pixel r (image-major), holding for
// each kernel tap (kh, kw) the Cg input channels the tap reads, or zeros
// where it falls in the padding.
func im2col[T Float](ws *Workspace[T], p *Params, x []T, g, r0, r1 int, col []T) {
	ws.bind()
	ws.j = job[T]{p: p, x: x, col: col, g: g, r0: r0, r1: r1}
	parallel.For(r1-r0, 64, ws.im2colFn)
}

func (j *job[T]) im2col(lo, hi int) {
	p, col, r0 := j.p, j.col, j.r0
	cg := p.C / p.Groups
	k := p.KH * p.KW * cg
	img := p.OH * p.OW
	r, end := r0+lo, r0+hi
	n, rem := r/img, r%img
	oh, ow := rem/p.OW, rem%p.OW
	// im2colStretch's scratch row, on the stack (zeroed once per chunk,
	// not per row).
	var padBuf [2048]T
	for r < end {
		// A stretch of one output row at a time: its pixels' kernel rows
		// are strided copies of the input's rows.
		ow1 := min(p.OW, ow+(end-r))
		if p.Groups == 1 && p.DilW == 1 && ow1-ow >= 4 {
			j.im2colStretch(n, oh, ow, ow1, col[(r-r0)*k:], padBuf[:])
		} else {
			for o := ow; o < ow1; o++ {
				j.im2colPixel(n, oh, o, col[(r-r0+o-ow)*k:][:k])
			}
		}
		r += ow1 - ow
		if ow = ow1; ow == p.OW {
			ow = 0
			if oh++; oh == p.OH {
				oh = 0
				n++
			}
		}
	}
}

// im2colPixel writes the im2col row (k elements) of output pixel (n, oh,
// ow) for group j.g.
func (j *job[T]) im2colPixel(n, oh, ow int, dst []T) {
	p, x, g := j.p, j.x, j.g
	cg := p.C / p.Groups
	base := n * p.H * p.W * p.C
	iw0 := ow*p.StrideW - p.PadL
	for kh := 0; kh < p.KH; kh++ {
		ih := oh*p.StrideH - p.PadT + kh*p.DilH
		drow := dst[kh*p.KW*cg : (kh+1)*p.KW*cg]
		if ih < 0 || ih >= p.H {
			clear(drow)
			continue
		}
		if p.Groups == 1 && p.DilW == 1 {
			// The kernel columns [kw0, kw1) inside the input are one
			// contiguous run of the input row.
			kw0, kw1 := max(0, -iw0), min(p.KW, p.W-iw0)
			if kw0 >= kw1 {
				clear(drow)
				continue
			}
			clear(drow[:kw0*cg])
			clear(drow[kw1*cg:])
			d := drow[kw0*cg : kw1*cg]
			copy(d, x[base+(ih*p.W+iw0+kw0)*p.C:][:len(d)])
			continue
		}
		for kw := 0; kw < p.KW; kw++ {
			iw := iw0 + kw*p.DilW
			d := drow[kw*cg : (kw+1)*cg]
			if iw < 0 || iw >= p.W {
				clear(d)
				continue
			}
			off := base + (ih*p.W+iw)*p.C + g*cg
			copy(d, x[off:off+cg])
		}
	}
}

// im2colStretch writes the im2col rows of output pixels [ow0, ow1) of
// output row (n, oh) into dst (rows k apart), for one group and no
// dilation along the width: for each kernel row, the pixels whose window
// lies inside the input take their KW·C elements with one strided copy.
func (j *job[T]) im2colStretch(n, oh, ow0, ow1 int, dst, padBuf []T) {
	p, x := j.p, j.x
	span := p.KW * p.C
	k := p.KH * span
	base := n * p.H * p.W * p.C
	// Output columns whose whole window row is inside: iw0 >= 0 and
	// iw0+KW <= W, with iw0 = ow*StrideW - PadL.
	owA := max(ow0, (p.PadL+p.StrideW-1)/p.StrideW)
	owB := ow1
	if lim := p.W - p.KW + p.PadL; lim < 0 {
		owB = owA
	} else {
		owB = max(owA, min(ow1, lim/p.StrideW+1))
	}
	// With border pixels and few channels, each kernel row's input row is
	// first copied between zeros into a scratch row, so that the border
	// pixels too take their elements in the one strided copy (filling
	// them a few elements at a time cost twelve times as much per element).
	iwStart, iwEnd := ow0*p.StrideW-p.PadL, (ow1-1)*p.StrideW-p.PadL+p.KW
	padded := (owA > ow0 || owB < ow1) && (iwEnd-iwStart)*p.C <= len(padBuf)
	for kh := 0; kh < p.KH; kh++ {
		ih := oh*p.StrideH - p.PadT + kh*p.DilH
		if ih < 0 || ih >= p.H {
			for o := ow0; o < ow1; o++ {
				clear(dst[(o-ow0)*k+kh*span:][:span])
			}
			continue
		}
		if padded {
			row := padBuf[:(iwEnd-iwStart)*p.C]
			a, b := max(0, iwStart), min(p.W, iwEnd)
			clear(row[:(a-iwStart)*p.C])
			copy(row[(a-iwStart)*p.C:(b-iwStart)*p.C], x[base+(ih*p.W+a)*p.C:])
			clear(row[(b-iwStart)*p.C:])
			copyRows(dst[kh*span:], k, row, vec.Strided{Blocks: ow1 - ow0, C: span, Stride: p.StrideW * p.C})
			continue
		}
		if owA < owB {
			src := x[base+(ih*p.W+owA*p.StrideW-p.PadL)*p.C:]
			copyRows(dst[(owA-ow0)*k+kh*span:], k, src, vec.Strided{Blocks: owB - owA, C: span, Stride: p.StrideW * p.C})
		}
	}
	if padded {
		return
	}
	// The border pixels, whose windows reach into the padding.
	for o := ow0; o < min(owA, ow1); o++ {
		j.im2colPixel(n, oh, o, dst[(o-ow0)*k:][:k])
	}
	for o := max(owB, ow0); o < ow1; o++ {
		j.im2colPixel(n, oh, o, dst[(o-ow0)*k:][:k])
	}
}

// copyRows is vec.CopyStrided for either float type.
func copyRows[T Float](dst []T, ds int, src []T, s vec.Strided) {
	if d, ok := any(dst).([]float32); ok {
		vec.CopyStrided(d, ds, any(src).([]float32), s)
		return
	}
	for b := 0; b < s.Blocks; b++ {
		copy(dst[b*ds:b*ds+s.C], src[b*s.Stride:b*s.Stride+s.C])
	}
}

// col2im adds rows [r0, r1) of group g's im2col-shaped gradient into dx:
// the transpose of im2col. Images are independent, so they run in
// parallel; within an image the rows are added in order.
func col2im[T Float](ws *Workspace[T], p *Params, col []T, g, r0, r1 int, dx []T) {
	ws.bind()
	img := p.OH * p.OW
	n0, n1 := r0/img, (r1-1)/img+1
	ws.j = job[T]{p: p, col: col, dx: dx, g: g, r0: r0, r1: r1, n0: n0}
	parallel.For(n1-n0, 1, ws.col2imFn)
}

func (j *job[T]) col2im(lo, hi int) {
	p, col, dx, g, r0, r1, n0 := j.p, j.col, j.dx, j.g, j.r0, j.r1, j.n0
	cg := p.C / p.Groups
	k := p.KH * p.KW * cg
	img := p.OH * p.OW
	// As in im2col: with one group and no dilation a kernel row's taps
	// cover KW·C consecutive elements of dx, each once, so one vector add
	// does them in the same order as tap by tap.
	span := 0
	if p.Groups == 1 && p.DilW == 1 {
		span = p.KW * cg
	}
	for n := n0 + lo; n < n0+hi; n++ {
		ra, rb := max(r0, n*img), min(r1, (n+1)*img)
		base := n * p.H * p.W * p.C
		for r := ra; r < rb; r++ {
			rem := r % img
			oh, ow := rem/p.OW, rem%p.OW
			src := col[(r-r0)*k : (r-r0+1)*k]
			iw0 := ow*p.StrideW - p.PadL
			inside := span > 0 && iw0 >= 0 && iw0+p.KW <= p.W
			for kh := 0; kh < p.KH; kh++ {
				ih := oh*p.StrideH - p.PadT + kh*p.DilH
				if ih < 0 || ih >= p.H {
					continue
				}
				if inside {
					addTo(dx[base+(ih*p.W+iw0)*p.C:][:span], src[kh*span:(kh+1)*span])
					continue
				}
				for kw := 0; kw < p.KW; kw++ {
					iw := iw0 + kw*p.DilW
					if iw < 0 || iw >= p.W {
						continue
					}
					s := src[(kh*p.KW+kw)*cg : (kh*p.KW+kw+1)*cg]
					addTo(dx[base+(ih*p.W+iw)*p.C+g*cg:][:cg], s)
				}
			}
		}
	}
}

// addTo adds x to acc elementwise.
func addTo[T Float](acc, x []T) {
	if a, ok := any(acc).([]float32); ok {
		vec.Add(a, any(x).([]float32))
		return
	}
	x = x[:len(acc)]
	for i, v := range x {
		acc[i] += v
	}
}
