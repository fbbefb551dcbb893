//go:build amd64 && !purego

#include "textflag.h"

// Batch normalisation's float32 row loops in float64, four channels a
// lane, with the Go loops' operations in their order and no fused
// multiply-adds, so that each element gets the Go code's bits. Each
// routine does the first c4 (a multiple of 4) of each row's c channels.

// func bnSumsAVX2(x *float32, mean, s, q *float64, rows, c, c4 int)
// For each row, d = x − mean; s += d; q += d·d.
TEXT ·bnSumsAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ mean+8(FP), R8
	MOVQ s+16(FP), R9
	MOVQ q+24(FP), R10
	MOVQ rows+32(FP), BX
	MOVQ c+40(FP), R11
	SHLQ $2, R11
	MOVQ c4+48(FP), R12
bs_row:
	XORQ AX, AX                // channel
	MOVQ SI, DX
bs_loop:
	VCVTPS2PD (DX), Y0
	VSUBPD    (R8)(AX*8), Y0, Y0
	VADDPD    (R9)(AX*8), Y0, Y1
	VMOVUPD   Y1, (R9)(AX*8)
	VMULPD    Y0, Y0, Y2
	VADDPD    (R10)(AX*8), Y2, Y2
	VMOVUPD   Y2, (R10)(AX*8)
	ADDQ      $16, DX
	ADDQ      $4, AX
	CMPQ      AX, R12
	JLT       bs_loop
	ADDQ R11, SI
	DECQ BX
	JNZ  bs_row
	VZEROUPPER
	RET

// func bnApplyAVX2(x, y *float32, mean, invstd, gm, b *float64, rows, c, c4 int)
// y = float32(((x − mean)·invstd)·gm + b).
TEXT ·bnApplyAVX2(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ mean+16(FP), R8
	MOVQ invstd+24(FP), R9
	MOVQ gm+32(FP), R10
	MOVQ b+40(FP), R13
	MOVQ rows+48(FP), BX
	MOVQ c+56(FP), R11
	SHLQ $2, R11
	MOVQ c4+64(FP), R12
ba_row:
	XORQ AX, AX
	MOVQ SI, DX
	MOVQ DI, CX
ba_loop:
	VCVTPS2PD  (DX), Y0
	VSUBPD     (R8)(AX*8), Y0, Y0
	VMULPD     (R9)(AX*8), Y0, Y0
	VMULPD     (R10)(AX*8), Y0, Y0
	VADDPD     (R13)(AX*8), Y0, Y0
	VCVTPD2PSY Y0, X1
	VMOVUPS    X1, (CX)
	ADDQ       $16, DX
	ADDQ       $16, CX
	ADDQ       $4, AX
	CMPQ       AX, R12
	JLT        ba_loop
	ADDQ R11, SI
	ADDQ R11, DI
	DECQ BX
	JNZ  ba_row
	VZEROUPPER
	RET

// func bnGradSumsAVX2(x, dy *float32, mean, invstd, s, q *float64, rows, c, c4 int)
// g = dy; s += g; q += g·((x − mean)·invstd).
TEXT ·bnGradSumsAVX2(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ dy+8(FP), DI
	MOVQ mean+16(FP), R8
	MOVQ invstd+24(FP), R9
	MOVQ s+32(FP), R10
	MOVQ q+40(FP), R13
	MOVQ rows+48(FP), BX
	MOVQ c+56(FP), R11
	SHLQ $2, R11
	MOVQ c4+64(FP), R12
bg_row:
	XORQ AX, AX
	MOVQ SI, DX
	MOVQ DI, CX
bg_loop:
	VCVTPS2PD (CX), Y1         // g
	VADDPD    (R10)(AX*8), Y1, Y2
	VMOVUPD   Y2, (R10)(AX*8)
	VCVTPS2PD (DX), Y0
	VSUBPD    (R8)(AX*8), Y0, Y0
	VMULPD    (R9)(AX*8), Y0, Y0
	VMULPD    Y0, Y1, Y0       // g·x̂
	VADDPD    (R13)(AX*8), Y0, Y0
	VMOVUPD   Y0, (R13)(AX*8)
	ADDQ      $16, DX
	ADDQ      $16, CX
	ADDQ      $4, AX
	CMPQ      AX, R12
	JLT       bg_loop
	ADDQ R11, SI
	ADDQ R11, DI
	DECQ BX
	JNZ  bg_row
	VZEROUPPER
	RET

// func bnGradApplyAVX2(x, dy, dx *float32, mean, invstd, dgamma, dbeta, coef *float64, m float64, rows, c, c4 int)
// dx = float32(coef·((m·dy − dbeta) − x̂·dgamma)), x̂ = (x − mean)·invstd.
TEXT ·bnGradApplyAVX2(SB), NOSPLIT, $0-96
	MOVQ         x+0(FP), SI
	MOVQ         dy+8(FP), DI
	MOVQ         dx+16(FP), R14
	MOVQ         mean+24(FP), R8
	MOVQ         invstd+32(FP), R9
	MOVQ         dgamma+40(FP), R10
	MOVQ         dbeta+48(FP), R13
	MOVQ         coef+56(FP), DX
	VBROADCASTSD m+64(FP), Y7
	MOVQ         rows+72(FP), BX
	MOVQ         c+80(FP), R11
	SHLQ         $2, R11
	MOVQ         c4+88(FP), R12
ga_row:
	XORQ AX, AX
	XORQ CX, CX                // byte offset in the float32 rows
ga_loop:
	VCVTPS2PD  (SI)(CX*1), Y0
	VSUBPD     (R8)(AX*8), Y0, Y0
	VMULPD     (R9)(AX*8), Y0, Y0    // x̂
	VCVTPS2PD  (DI)(CX*1), Y1
	VMULPD     Y1, Y7, Y1            // m·dy
	VSUBPD     (R13)(AX*8), Y1, Y1   // − dbeta
	VMULPD     (R10)(AX*8), Y0, Y0   // x̂·dgamma
	VSUBPD     Y0, Y1, Y1
	VMULPD     (DX)(AX*8), Y1, Y1    // coef·(...)
	VCVTPD2PSY Y1, X2
	VMOVUPS    X2, (R14)(CX*1)
	ADDQ       $16, CX
	ADDQ       $4, AX
	CMPQ       AX, R12
	JLT        ga_loop
	ADDQ R11, SI
	ADDQ R11, DI
	ADDQ R11, R14
	DECQ BX
	JNZ  ga_row
	VZEROUPPER
	RET

// func bnAffineAVX2(x, y *float32, scale, shift *float64, rows, c, c4 int, relu bool)
TEXT ·bnAffineAVX2(SB), NOSPLIT, $0-57
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   scale+16(FP), R8
	MOVQ   shift+24(FP), R9
	MOVQ   rows+32(FP), BX
	MOVQ   c+40(FP), R11
	SHLQ   $2, R11
	MOVQ   c4+48(FP), R12
	MOVBQZX relu+56(FP), R13
	VXORPS X15, X15, X15
bf_row:
	XORQ AX, AX
	MOVQ SI, DX
	MOVQ DI, CX
bf_loop:
	VCVTPS2PD  (DX), Y0
	VMULPD     (R8)(AX*8), Y0, Y0
	VADDPD     (R9)(AX*8), Y0, Y0
	VCVTPD2PSY Y0, X1
	TESTQ      R13, R13
	JZ         bf_store
	VMAXPS     X1, X15, X1 // 0 > v ? 0 : v, as the Go loop's v < 0 test
bf_store:
	VMOVUPS    X1, (CX)
	ADDQ       $16, DX
	ADDQ       $16, CX
	ADDQ       $4, AX
	CMPQ       AX, R12
	JLT        bf_loop
	ADDQ R11, SI
	ADDQ R11, DI
	DECQ BX
	JNZ  bf_row
	VZEROUPPER
	RET

// func bnScaleAVX2(x, y *float32, scale *float64, rows, c, c4 int)
TEXT ·bnScaleAVX2(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ scale+16(FP), R8
	MOVQ rows+24(FP), BX
	MOVQ c+32(FP), R11
	SHLQ $2, R11
	MOVQ c4+40(FP), R12
bs_row:
	XORQ AX, AX
	MOVQ SI, DX
	MOVQ DI, CX
bs_loop:
	VCVTPS2PD  (DX), Y0
	VMULPD     (R8)(AX*8), Y0, Y0
	VCVTPD2PSY Y0, X1
	VMOVUPS    X1, (CX)
	ADDQ       $16, DX
	ADDQ       $16, CX
	ADDQ       $4, AX
	CMPQ       AX, R12
	JLT        bs_loop
	ADDQ R11, SI
	ADDQ R11, DI
	DECQ BX
	JNZ  bs_row
	VZEROUPPER
	RET

// func bnGradSumsReluAVX2(x, dy, y *float32, mean, invstd, s, q *float64, rows, c, c4 int)
// bnGradSumsAVX2 with dy taken as zero where y > 0 fails (ReLU's gradient,
// fused).
TEXT ·bnGradSumsReluAVX2(SB), NOSPLIT, $0-80
	MOVQ   x+0(FP), SI
	MOVQ   dy+8(FP), DI
	MOVQ   y+16(FP), R14
	MOVQ   mean+24(FP), R8
	MOVQ   invstd+32(FP), R9
	MOVQ   s+40(FP), R10
	MOVQ   q+48(FP), R13
	MOVQ   rows+56(FP), BX
	MOVQ   c+64(FP), R11
	SHLQ   $2, R11
	MOVQ   c4+72(FP), R12
	VXORPS X15, X15, X15
bgr_row:
	XORQ AX, AX
	MOVQ SI, DX
	MOVQ DI, CX
bgr_loop:
	VMOVUPS   (R14)(AX*4), X2
	VCMPPS    $14, X15, X2, X3 // y > 0
	VANDPS    (CX), X3, X1
	VCVTPS2PD X1, Y1           // g
	VADDPD    (R10)(AX*8), Y1, Y2
	VMOVUPD   Y2, (R10)(AX*8)
	VCVTPS2PD (DX), Y0
	VSUBPD    (R8)(AX*8), Y0, Y0
	VMULPD    (R9)(AX*8), Y0, Y0
	VMULPD    Y0, Y1, Y0       // g·x̂
	VADDPD    (R13)(AX*8), Y0, Y0
	VMOVUPD   Y0, (R13)(AX*8)
	ADDQ      $16, DX
	ADDQ      $16, CX
	ADDQ      $4, AX
	CMPQ      AX, R12
	JLT       bgr_loop
	ADDQ R11, SI
	ADDQ R11, DI
	ADDQ R11, R14
	DECQ BX
	JNZ  bgr_row
	VZEROUPPER
	RET

// func bnScaleReluAVX2(x, y, mask *float32, scale *float64, rows, c, c4 int)
// bnScaleAVX2 with x taken as zero where mask > 0 fails.
TEXT ·bnScaleReluAVX2(SB), NOSPLIT, $0-56
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   mask+16(FP), R14
	MOVQ   scale+24(FP), R8
	MOVQ   rows+32(FP), BX
	MOVQ   c+40(FP), R11
	SHLQ   $2, R11
	MOVQ   c4+48(FP), R12
	VXORPS X15, X15, X15
bsr_row:
	XORQ AX, AX
	MOVQ SI, DX
	MOVQ DI, CX
bsr_loop:
	VMOVUPS    (R14)(AX*4), X2
	VCMPPS     $14, X15, X2, X3 // mask > 0
	VANDPS     (DX), X3, X1
	VCVTPS2PD  X1, Y0
	VMULPD     (R8)(AX*8), Y0, Y0
	VCVTPD2PSY Y0, X1
	VMOVUPS    X1, (CX)
	ADDQ       $16, DX
	ADDQ       $16, CX
	ADDQ       $4, AX
	CMPQ       AX, R12
	JLT        bsr_loop
	ADDQ R11, SI
	ADDQ R11, DI
	ADDQ R11, R14
	DECQ BX
	JNZ  bsr_row
	VZEROUPPER
	RET
