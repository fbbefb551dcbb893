//go:build amd64 && !purego

#include "textflag.h"

// The Winograd F(2×2, 3×3) transforms (winograd.go), 8 channels a step;
// n is a positive multiple of 8. Go's operand order is Intel's reversed:
// VSUBPS b, a, r is r = a - b.

// WIROW computes row r of Bᵀ d B from e_b = p_b OP q_b (p and q point at
// two rows of the patch, column b at offset b·cs) and stores its four
// values at (D), (D)(ldd), (D)(2ldd), (D)(3ldd).
#define WIROW(p, q, OP, D) \
	VMOVUPS (p), Y0; \
	OP      (q), Y0, Y0; \
	VMOVUPS (p)(R9*1), Y1; \
	OP      (q)(R9*1), Y1, Y1; \
	VMOVUPS (p)(R9*2), Y2; \
	OP      (q)(R9*2), Y2, Y2; \
	VMOVUPS (p)(R10*1), Y3; \
	OP      (q)(R10*1), Y3, Y3; \
	VSUBPS  Y2, Y0, Y4; \
	VADDPS  Y2, Y1, Y5; \
	VSUBPS  Y1, Y2, Y6; \
	VSUBPS  Y3, Y1, Y7; \
	VMOVUPS Y4, (D); \
	VMOVUPS Y5, (D)(R11*1); \
	VMOVUPS Y6, (D)(R11*2); \
	VMOVUPS Y7, (D)(R12*1)

// func winoInputAVX2(dst *float32, ldd int, src *float32, rs, cs int, n int)
TEXT ·winoInputAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	MOVQ src+16(FP), AX
	MOVQ rs+24(FP), R8
	MOVQ cs+32(FP), R9
	MOVQ n+40(FP), CX
	SHLQ $2, R11
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	LEAQ (R11)(R11*2), R12
	LEAQ (AX)(R8*1), BX
	LEAQ (BX)(R8*1), DX
	LEAQ (DX)(R8*1), R13

wi_loop:
	WIROW(AX, DX, VSUBPS, DI)
	LEAQ (DI)(R11*4), R8
	WIROW(BX, DX, VADDPS, R8)
	LEAQ (DI)(R11*8), R8
	WIROW(DX, BX, VSUBPS, R8)
	LEAQ (R8)(R11*4), R8
	WIROW(BX, R13, VSUBPS, R8)
	ADDQ $32, AX
	ADDQ $32, BX
	ADDQ $32, DX
	ADDQ $32, R13
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  wi_loop
	VZEROUPPER
	RET

// WOS loads s_b = (P_b OP1 Q_b) OP2 R_b for b = 0..3 into Y0..Y3, where
// column b of a row of products is at offset b·lds.
#define WOS(P, Q, R, OP1, OP2) \
	VMOVUPS (P), Y0; \
	OP1     (Q), Y0, Y0; \
	OP2     (R), Y0, Y0; \
	VMOVUPS (P)(R11*1), Y1; \
	OP1     (Q)(R11*1), Y1, Y1; \
	OP2     (R)(R11*1), Y1, Y1; \
	VMOVUPS (P)(R11*2), Y2; \
	OP1     (Q)(R11*2), Y2, Y2; \
	OP2     (R)(R11*2), Y2, Y2; \
	VMOVUPS (P)(R12*1), Y3; \
	OP1     (Q)(R12*1), Y3, Y3; \
	OP2     (R)(R12*1), Y3, Y3

// WOY stores (s0 + s1) + s2 at (D) and (s1 - s2) - s3 at (D)(cs).
#define WOY(D) \
	VADDPS  Y1, Y0, Y4; \
	VADDPS  Y2, Y4, Y4; \
	VSUBPS  Y2, Y1, Y5; \
	VSUBPS  Y3, Y5, Y5; \
	VMOVUPS Y4, (D); \
	VMOVUPS Y5, (D)(R9*1)

// func winoOutputAVX2(dst *float32, rs, cs int, src *float32, lds int, n int)
TEXT ·winoOutputAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ rs+8(FP), R8
	MOVQ cs+16(FP), R9
	MOVQ src+24(FP), AX
	MOVQ lds+32(FP), R11
	MOVQ n+40(FP), CX
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R11
	LEAQ (R11)(R11*2), R12
	LEAQ (AX)(R11*4), BX
	LEAQ (BX)(R11*4), DX
	LEAQ (DX)(R11*4), R13
	ADDQ DI, R8

wo_loop:
	WOS(AX, BX, DX, VADDPS, VADDPS)
	WOY(DI)
	WOS(BX, DX, R13, VSUBPS, VSUBPS)
	WOY(R8)
	ADDQ $32, AX
	ADDQ $32, BX
	ADDQ $32, DX
	ADDQ $32, R13
	ADDQ $32, DI
	ADDQ $32, R8
	SUBQ $8, CX
	JNZ  wo_loop
	VZEROUPPER
	RET

DATA wino_half<>+0(SB)/4, $0x3f000000
GLOBL wino_half<>(SB), RODATA|NOPTR, $4

// WFT sets t0..t3 of kernel column at offset off (rows of taps at AX, BX,
// DX): t0 = g0, t1 = ½((g0+g1)+g2), t2 = ½((g0-g1)+g2), t3 = g2.
#define WFT(off, T0, T1, T2, T3) \
	VMOVUPS off(AX), T0; \
	VMOVUPS off(DX), T3; \
	VADDPS  off(BX), T0, T1; \
	VADDPS  T3, T1, T1; \
	VMULPS  Y15, T1, T1; \
	VSUBPS  off(BX), T0, T2; \
	VADDPS  T3, T2, T2; \
	VMULPS  Y15, T2, T2

// WFU stores row r of G g Gᵀ from its t_r0, t_r1, t_r2 at (D)...(D)(3ldd).
#define WFU(A, B, C, D) \
	VMOVUPS A, (D); \
	VADDPS  B, A, Y12; \
	VADDPS  C, Y12, Y12; \
	VMULPS  Y15, Y12, Y12; \
	VMOVUPS Y12, (D)(R11*1); \
	VSUBPS  B, A, Y13; \
	VADDPS  C, Y13, Y13; \
	VMULPS  Y15, Y13, Y13; \
	VMOVUPS Y13, (D)(R11*2); \
	VMOVUPS C, (D)(R12*1)

// func winoFilterAVX2(dst *float32, ldd int, src *float32, ss int, n int)
TEXT ·winoFilterAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	MOVQ src+16(FP), AX
	MOVQ ss+24(FP), R9
	MOVQ n+32(FP), CX
	SHLQ $2, R11
	SHLQ $2, R9
	LEAQ (R11)(R11*2), R12
	LEAQ (R9)(R9*2), R10
	LEAQ (AX)(R10*1), BX
	LEAQ (BX)(R10*1), DX
	VBROADCASTSS wino_half<>(SB), Y15

wf_loop:
	// Column kw of the taps is at offset kw·ss: the row pointers move
	// by ss between columns.
	WFT(0, Y0, Y1, Y2, Y3)
	ADDQ R9, AX
	ADDQ R9, BX
	ADDQ R9, DX
	WFT(0, Y4, Y5, Y6, Y7)
	ADDQ R9, AX
	ADDQ R9, BX
	ADDQ R9, DX
	WFT(0, Y8, Y9, Y10, Y11)
	SUBQ R9, AX
	SUBQ R9, BX
	SUBQ R9, DX
	SUBQ R9, AX
	SUBQ R9, BX
	SUBQ R9, DX
	WFU(Y0, Y4, Y8, DI)
	LEAQ (DI)(R11*4), R8
	WFU(Y1, Y5, Y9, R8)
	LEAQ (DI)(R11*8), R8
	WFU(Y2, Y6, Y10, R8)
	LEAQ (R8)(R11*4), R8
	WFU(Y3, Y7, Y11, R8)
	ADDQ $32, AX
	ADDQ $32, BX
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  wf_loop
	VZEROUPPER
	RET

DATA wino_sign<>+0(SB)/4, $0x80000000
GLOBL wino_sign<>(SB), RODATA|NOPTR, $4

// WOTROW stores row r of A dy Aᵀ from its pair (A, B): A, A+B, A-B, -B.
#define WOTROW(A, B, D) \
	VMOVUPS A, (D); \
	VADDPS  B, A, Y10; \
	VMOVUPS Y10, (D)(R11*1); \
	VSUBPS  B, A, Y11; \
	VMOVUPS Y11, (D)(R11*2); \
	VXORPS  Y15, B, Y12; \
	VMOVUPS Y12, (D)(R12*1)

// func winoOutputTAVX2(dst *float32, ldd int, src *float32, rs, cs int, n int)
TEXT ·winoOutputTAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	MOVQ src+16(FP), SI
	MOVQ rs+24(FP), R8
	MOVQ cs+32(FP), R9
	MOVQ n+40(FP), CX
	SHLQ $2, R11
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R11)(R11*2), R12
	ADDQ SI, R8
	VBROADCASTSS wino_sign<>(SB), Y15

wot_loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R9*1), Y1
	VMOVUPS (R8), Y2
	VMOVUPS (R8)(R9*1), Y3
	VADDPS  Y2, Y0, Y4
	VADDPS  Y3, Y1, Y5
	VSUBPS  Y2, Y0, Y6
	VSUBPS  Y3, Y1, Y7
	VXORPS  Y15, Y2, Y8
	VXORPS  Y15, Y3, Y9
	WOTROW(Y0, Y1, DI)
	LEAQ (DI)(R11*4), AX
	WOTROW(Y4, Y5, AX)
	LEAQ (DI)(R11*8), AX
	WOTROW(Y6, Y7, AX)
	LEAQ (AX)(R11*4), AX
	WOTROW(Y8, Y9, AX)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  wot_loop
	VZEROUPPER
	RET

// WFTT sets column j of t = Gᵀ u (rows of products at AX, BX, DX, R13,
// column j at offset 0 of each): h = ½(u1+u2), t0 = u0+h, t1 = ½(u1-u2),
// t2 = h+u3.
#define WFTT(T0, T1, T2) \
	VMOVUPS (BX), Y12; \
	VADDPS  (DX), Y12, Y12; \
	VMULPS  Y15, Y12, Y12; \
	VMOVUPS (AX), T0; \
	VADDPS  Y12, T0, T0; \
	VMOVUPS (BX), T1; \
	VSUBPS  (DX), T1, T1; \
	VMULPS  Y15, T1, T1; \
	VADDPS  (R13), Y12, T2

// WFTW stores kernel row kh of t G from its t_kh0..t_kh3 at (D), (D)(ds),
// (D)(2ds): h = ½(t1+t2), t0+h, ½(t1-t2), h+t3.
#define WFTW(A, B, C, E, D) \
	VADDPS  C, B, Y12; \
	VMULPS  Y15, Y12, Y12; \
	VADDPS  Y12, A, Y13; \
	VMOVUPS Y13, (D); \
	VSUBPS  C, B, Y14; \
	VMULPS  Y15, Y14, Y14; \
	VMOVUPS Y14, (D)(R9*1); \
	VADDPS  E, Y12, Y13; \
	VMOVUPS Y13, (D)(R9*2)

// func winoFilterTAVX2(dst *float32, ds int, src *float32, lds int, n int)
TEXT ·winoFilterTAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), R9
	MOVQ src+16(FP), AX
	MOVQ lds+24(FP), R11
	MOVQ n+32(FP), CX
	SHLQ $2, R9
	SHLQ $2, R11
	LEAQ (R9)(R9*2), R10
	LEAQ (AX)(R11*4), BX
	LEAQ (BX)(R11*4), DX
	LEAQ (DX)(R11*4), R13
	VBROADCASTSS wino_half<>(SB), Y15

wftt_loop:
	// Column j of the products is at offset j·lds: the row pointers
	// move by lds between columns, and back after the fourth.
	WFTT(Y0, Y4, Y8)
	ADDQ R11, AX
	ADDQ R11, BX
	ADDQ R11, DX
	ADDQ R11, R13
	WFTT(Y1, Y5, Y9)
	ADDQ R11, AX
	ADDQ R11, BX
	ADDQ R11, DX
	ADDQ R11, R13
	WFTT(Y2, Y6, Y10)
	ADDQ R11, AX
	ADDQ R11, BX
	ADDQ R11, DX
	ADDQ R11, R13
	WFTT(Y3, Y7, Y11)
	LEAQ (R11)(R11*2), R8
	SUBQ R8, AX
	SUBQ R8, BX
	SUBQ R8, DX
	SUBQ R8, R13
	WFTW(Y0, Y1, Y2, Y3, DI)
	LEAQ (DI)(R10*1), R8
	WFTW(Y4, Y5, Y6, Y7, R8)
	LEAQ (DI)(R10*2), R8
	WFTW(Y8, Y9, Y10, Y11, R8)
	ADDQ $32, AX
	ADDQ $32, BX
	ADDQ $32, DX
	ADDQ $32, R13
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  wftt_loop
	VZEROUPPER
	RET
