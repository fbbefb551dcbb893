//go:build amd64 && !purego

#include "textflag.h"

// func markFirstAVX2(idx *int32, x, m *float32, n int, k int32)
TEXT ·markFirstAVX2(SB), NOSPLIT, $0-36
	MOVQ         idx+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVL         k+32(FP), AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15
mf_loop:
	VMOVUPS   (SI), Y0
	VMOVUPS   (DX), Y1
	VCMPPS    $0x00, Y1, Y0, Y2 // x == m (EQ_OQ)
	VCMPPS    $0x03, Y0, Y0, Y3 // x is NaN (UNORD_Q)
	VCMPPS    $0x03, Y1, Y1, Y4 // m is NaN
	VANDPS    Y4, Y3, Y3
	VORPS     Y3, Y2, Y2
	VMOVDQU   (DI), Y5
	VBLENDVPS Y2, Y15, Y5, Y5   // idx = match ? k : idx
	VMOVDQU   Y5, (DI)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	SUBQ      $8, CX
	JNZ       mf_loop
	VZEROUPPER
	RET

// func addMarkedAVX2(dst, src *float32, idx *int32, n int, k int32)
TEXT ·addMarkedAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         idx+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVL         k+32(FP), AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15
am_loop:
	VMOVDQU   (DX), Y0
	VPCMPEQD  Y15, Y0, Y0       // idx == k
	VMOVUPS   (DI), Y1
	VADDPS    (SI), Y1, Y2
	VBLENDVPS Y0, Y2, Y1, Y1    // dx = marked ? dx+g : dx
	VMOVUPS   Y1, (DI)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	SUBQ      $8, CX
	JNZ       am_loop
	VZEROUPPER
	RET

// func markWindowsAVX2(idx *int32, m, x *float32, rs, kh0, kh1, kw, c, n int)
//
// For each of n elements (a multiple of 8) of an output row's stretch: idx
// = the first window cell (kh, kw), kh in [kh0, kh1), whose x equals m (or
// both NaN), as kh*kw+kw, or -1. Cell (kh, kw) of element i is x[i +
// (kh-kh0)*rs + kw*c]; the cells are taken in reverse scan order, each match
// overwriting the last, with idx, k and m held in registers.
TEXT ·markWindowsAVX2(SB), NOSPLIT, $0-72
	MOVQ idx+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rs+24(FP), R8
	SHLQ $2, R8              // row stride, bytes
	MOVQ kh0+32(FP), R9
	MOVQ kh1+40(FP), R10
	MOVQ kw+48(FP), R11
	MOVQ c+56(FP), R12
	SHLQ $2, R12             // cell stride, bytes
	MOVQ n+64(FP), CX
	// The first cell taken, (kh1-1, kw-1): offset (kh1-1-kh0)*rs + (kw-1)*c
	// and index kh1*kw - 1.
	MOVQ  R10, AX
	SUBQ  R9, AX
	DECQ  AX
	IMULQ R8, AX
	MOVQ  R11, BX
	DECQ  BX
	IMULQ R12, BX
	ADDQ  BX, AX
	MOVQ  AX, R13            // start offset
	MOVQ  R10, AX
	IMULQ R11, AX
	DECQ  AX
	VMOVQ AX, X14
	VPBROADCASTD X14, Y14    // first index
	MOVQ  R11, AX
	IMULQ R12, AX
	SUBQ  R8, AX
	MOVQ  AX, R15            // back to the row above's last cell: kw*c - rs
	SUBQ  R9, R10            // rows
	VPCMPEQD Y13, Y13, Y13   // all ones: -1
	VPSRLD   $31, Y13, Y12   // ones
mw_vec:
	VMOVUPS  (SI), Y0
	VCMPPS   $0x03, Y0, Y0, Y1 // m is NaN
	VMOVDQA  Y13, Y2           // idx = -1
	VMOVDQA  Y14, Y6           // k
	MOVQ     R13, AX
	MOVQ     R10, BX
	VPTEST   Y1, Y1
	JNZ      mw_row
	// No NaN maximum (the usual case): equality alone decides.
mw_frow:
	MOVQ R11, R14
mw_fcell:
	VCMPPS    $0x00, (DX)(AX*1), Y0, Y4 // x == m
	VBLENDVPS Y4, Y6, Y2, Y2
	VPSUBD    Y12, Y6, Y6
	SUBQ      R12, AX
	DECQ      R14
	JNZ       mw_fcell
	ADDQ      R15, AX
	DECQ      BX
	JNZ       mw_frow
	JMP       mw_store
mw_row:
	MOVQ R11, R14
mw_cell:
	VMOVUPS   (DX)(AX*1), Y3
	VCMPPS    $0x00, Y0, Y3, Y4 // x == m
	VCMPPS    $0x03, Y3, Y3, Y5 // x is NaN
	VANDPS    Y1, Y5, Y5
	VORPS     Y5, Y4, Y4
	VBLENDVPS Y4, Y6, Y2, Y2
	VPSUBD    Y12, Y6, Y6
	SUBQ      R12, AX
	DECQ      R14
	JNZ       mw_cell
	ADDQ      R15, AX
	DECQ      BX
	JNZ       mw_row
mw_store:
	VMOVDQU   Y2, (DI)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	SUBQ      $8, CX
	JNZ       mw_vec
	VZEROUPPER
	RET

// func gatherMarkedAVX2(dst, src *float32, idx *int32, rs, kh0, kh1, kw, c, n int)
//
// For each of n elements (a multiple of 8) of an input row's stretch: dst
// = the sum, from +0, of the gradients g of the windows whose winning
// cell (idx, from markWindows) it is. Window (kh, kw) of element i, kh in
// [kh0, kh1), has its g and idx at [i + (kh1-1-kh)*rs + (kw'-1-kw)*c],
// kw' the window width; they are added in
// the order kh down, kw up: the windows' output rows down, then their
// columns right to left, as maxGrad adds them.
TEXT ·gatherMarkedAVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ idx+16(FP), DX
	MOVQ rs+24(FP), R8
	SHLQ $2, R8
	MOVQ kh0+32(FP), R9
	MOVQ kh1+40(FP), R10
	MOVQ kw+48(FP), R11
	MOVQ c+56(FP), R12
	SHLQ $2, R12
	MOVQ n+64(FP), CX
	// The first window, (kh1-1, 0): offset (kw-1)*c, index (kh1-1)*kw.
	MOVQ  R10, BX
	DECQ  BX
	MOVQ  R11, AX
	DECQ  AX
	IMULQ R12, AX
	MOVQ  AX, R13            // start offset
	IMULQ R11, BX
	VMOVQ BX, X14
	VPBROADCASTD X14, Y14    // first index
	MOVQ  R11, AX
	IMULQ R12, AX
	ADDQ  R8, AX
	MOVQ  AX, R15            // to the row below's first window: kw*c + rs
	MOVQ  R11, AX
	SHLQ  $1, AX
	VMOVQ AX, X11
	VPBROADCASTD X11, Y11    // 2*kw: from past a row's last index to the next row's first
	SUBQ  R9, R10            // rows
	VPCMPEQD Y13, Y13, Y13
	VPSRLD   $31, Y13, Y12   // ones
mg_vec:
	VXORPS  Y2, Y2, Y2       // the sum, +0
	VMOVDQA Y14, Y6
	MOVQ    R13, AX
	MOVQ    R10, BX
mg_row:
	MOVQ R11, R14
mg_cell:
	VMOVDQU   (DX)(AX*1), Y3
	VPCMPEQD  Y6, Y3, Y3
	VADDPS    (SI)(AX*1), Y2, Y4
	VBLENDVPS Y3, Y4, Y2, Y2
	VPADDD    Y12, Y6, Y6
	SUBQ      R12, AX
	DECQ      R14
	JNZ       mg_cell
	ADDQ      R15, AX
	VPSUBD    Y11, Y6, Y6
	DECQ      BX
	JNZ       mg_row
	VMOVUPS   Y2, (DI)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	SUBQ      $8, CX
	JNZ       mg_vec
	VZEROUPPER
	RET
