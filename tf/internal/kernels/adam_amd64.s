//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)
//
// Denormal inputs and results are flushed to zero (MXCSR DAZ|FTZ, restored
// on return), as in adamAVX512, so that both give the same bits.
TEXT ·adamAVX2(SB), NOSPLIT, $8-64
	STMXCSR 0(SP)
	MOVL    0(SP), AX
	MOVL    AX, 4(SP)
	ORL     $0x8040, AX
	MOVL    AX, 0(SP)
	LDMXCSR 0(SP)
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
	LDMXCSR 4(SP)
	RET

// func adamAVX512(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)
//
// The same step 16 lanes at a time. Denormal inputs and results are flushed
// to zero (MXCSR DAZ|FTZ, restored on return): moments of weights whose
// gradient has died out decay through the denormal range, where every
// instruction would otherwise take a slow microcode path.
TEXT ·adamAVX512(SB), NOSPLIT, $8-64
	STMXCSR 0(SP)
	MOVL    0(SP), AX
	MOVL    AX, 4(SP)
	ORL     $0x8040, AX
	MOVL    AX, 0(SP)
	LDMXCSR 0(SP)
	MOVQ w+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ v+16(FP), DX
	MOVQ gr+24(FP), CX
	MOVQ n+32(FP), BX
	VBROADCASTSS lrt+40(FP), Z8
	VBROADCASTSS b1+44(FP), Z9
	VBROADCASTSS c1+48(FP), Z12
	VBROADCASTSS b2+52(FP), Z10
	VBROADCASTSS c2+56(FP), Z13
	VBROADCASTSS eps+60(FP), Z11

loop512:
	CMPQ BX, $16
	JL   done512
	VMOVUPS (CX), Z0
	VMOVUPS (SI), Z1
	VMULPS  Z9, Z1, Z1
	VFMADD231PS Z0, Z12, Z1
	VMOVUPS Z1, (SI)
	VMOVUPS (DX), Z2
	VMULPS  Z10, Z2, Z2
	VMULPS  Z0, Z0, Z3
	VFMADD231PS Z3, Z13, Z2
	VMOVUPS Z2, (DX)
	VSQRTPS Z2, Z4
	VADDPS  Z11, Z4, Z4
	VMULPS  Z8, Z1, Z5
	VDIVPS  Z4, Z5, Z5
	VMOVUPS (DI), Z6
	VSUBPS  Z5, Z6, Z6
	VMOVUPS Z6, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, CX
	SUBQ $16, BX
	JMP  loop512

done512:
	VZEROUPPER
	LDMXCSR 4(SP)
	RET
