//go:build amd64

#include "textflag.h"

// func adamAVX2(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)
TEXT ·adamAVX2(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ v+16(FP), DX
	MOVQ gr+24(FP), CX
	MOVQ n+32(FP), BX
	VMOVSS lrt+40(FP), X8
	VBROADCASTSS X8, Y8
	VMOVSS b1+44(FP), X9
	VBROADCASTSS X9, Y9
	VMOVSS c1+48(FP), X12
	VBROADCASTSS X12, Y12
	VMOVSS b2+52(FP), X10
	VBROADCASTSS X10, Y10
	VMOVSS c2+56(FP), X13
	VBROADCASTSS X13, Y13
	VMOVSS eps+60(FP), X11
	VBROADCASTSS X11, Y11

loop:
	CMPQ BX, $8
	JL   done
	VMOVUPS (CX), Y0        // g
	VMOVUPS (SI), Y1        // m
	VMULPS  Y9, Y1, Y1      // m = b1*m
	VFMADD231PS Y0, Y12, Y1 // m += c1*g
	VMOVUPS Y1, (SI)
	VMOVUPS (DX), Y2        // v
	VMULPS  Y10, Y2, Y2     // v = b2*v
	VMULPS  Y0, Y0, Y3      // g*g
	VFMADD231PS Y3, Y13, Y2 // v += c2*g*g
	VMOVUPS Y2, (DX)
	VSQRTPS Y2, Y4
	VADDPS  Y11, Y4, Y4     // sqrt(v) + eps
	VMULPS  Y8, Y1, Y5      // lrt*m
	VDIVPS  Y4, Y5, Y5      // lrt*m / (sqrt(v)+eps)
	VMOVUPS (DI), Y6
	VSUBPS  Y5, Y6, Y6
	VMOVUPS Y6, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, CX
	SUBQ $8, BX
	JMP  loop

done:
	VZEROUPPER
	RET
