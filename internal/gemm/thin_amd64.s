//go:build amd64 && !purego

#include "textflag.h"

// thinmask<>+4*(8-n) holds a mask with the first n lanes set.
DATA thinmask<>+0(SB)/4, $0xffffffff
DATA thinmask<>+4(SB)/4, $0xffffffff
DATA thinmask<>+8(SB)/4, $0xffffffff
DATA thinmask<>+12(SB)/4, $0xffffffff
DATA thinmask<>+16(SB)/4, $0xffffffff
DATA thinmask<>+20(SB)/4, $0xffffffff
DATA thinmask<>+24(SB)/4, $0xffffffff
DATA thinmask<>+28(SB)/4, $0xffffffff
DATA thinmask<>+32(SB)/4, $0
DATA thinmask<>+36(SB)/4, $0
DATA thinmask<>+40(SB)/4, $0
DATA thinmask<>+44(SB)/4, $0
DATA thinmask<>+48(SB)/4, $0
DATA thinmask<>+52(SB)/4, $0
DATA thinmask<>+56(SB)/4, $0
DATA thinmask<>+60(SB)/4, $0
GLOBL thinmask<>(SB), RODATA|NOPTR, $64

// func sgemmThinAVX2(m, k int, a *float32, lda int, b *float32, c *float32, ldc, n int, beta bool)
// C (m×n, n ≤ 8) = A (m×k, rows lda apart) · B (k×8, zero-padded rows of 8)
// (+ C when beta): each element is one fused multiply-add chain over k
// from zero, then one addition of C, as the blocked kernels compute it.
// Rows go 8 at a time (8 independent chains), the rest one at a time.
TEXT ·sgemmThinAVX2(SB), NOSPLIT, $0-65
	MOVQ    m+0(FP), BX
	MOVQ    k+8(FP), R12
	MOVQ    a+16(FP), R8
	MOVQ    lda+24(FP), R9
	SHLQ    $2, R9                // lda in bytes
	MOVQ    b+32(FP), SI
	MOVQ    c+40(FP), DI
	MOVQ    ldc+48(FP), R13
	SHLQ    $2, R13               // ldc in bytes
	MOVQ    n+56(FP), AX
	MOVBLZX beta+64(FP), R14
	LEAQ    thinmask<>(SB), DX
	MOVQ    $8, CX
	SUBQ    AX, CX
	VMOVDQU (DX)(CX*4), Y15       // the mask of n lanes
	LEAQ    (R9)(R9*2), R11       // 3·lda

rows8:
	CMPQ   BX, $8
	JL     rows1
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   R8, DX                 // row 0 at step p
	LEAQ   (R8)(R11*1), R10       // row 3 at step p
	MOVQ   SI, CX                 // B row p
	MOVQ   R12, AX
k8:
	VMOVUPS      (CX), Y8
	VBROADCASTSS (DX), Y9
	VFMADD231PS  Y8, Y9, Y0
	VBROADCASTSS (DX)(R9*1), Y10
	VFMADD231PS  Y8, Y10, Y1
	VBROADCASTSS (DX)(R9*2), Y11
	VFMADD231PS  Y8, Y11, Y2
	VBROADCASTSS (R10), Y12
	VFMADD231PS  Y8, Y12, Y3
	VBROADCASTSS (DX)(R9*4), Y9
	VFMADD231PS  Y8, Y9, Y4
	VBROADCASTSS (R10)(R9*2), Y10
	VFMADD231PS  Y8, Y10, Y5
	VBROADCASTSS (DX)(R11*2), Y11
	VFMADD231PS  Y8, Y11, Y6
	VBROADCASTSS (R10)(R9*4), Y12
	VFMADD231PS  Y8, Y12, Y7
	ADDQ         $4, DX
	ADDQ         $4, R10
	ADDQ         $32, CX
	DECQ         AX
	JNZ          k8
	// Store the 8 rows, each plus C with beta.
	MOVQ DI, DX
	TESTQ R14, R14
	JZ    st8
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y0, Y0
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y1, Y1
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y2, Y2
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y3, Y3
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y4, Y4
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y5, Y5
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y6, Y6
	ADDQ       R13, DX
	VMASKMOVPS (DX), Y15, Y9
	VADDPS     Y9, Y7, Y7
	MOVQ       DI, DX
st8:
	VMASKMOVPS Y0, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y1, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y2, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y3, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y4, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y5, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y6, Y15, (DX)
	ADDQ       R13, DX
	VMASKMOVPS Y7, Y15, (DX)
	ADDQ       R13, DX
	MOVQ       DX, DI              // C row 8 on
	LEAQ       (R8)(R9*8), R8      // A row 8 on
	SUBQ       $8, BX
	JMP        rows8

rows1:
	TESTQ  BX, BX
	JZ     done
	VXORPS Y0, Y0, Y0
	MOVQ   R8, DX
	MOVQ   SI, CX
	MOVQ   R12, AX
k1:
	VMOVUPS      (CX), Y8
	VBROADCASTSS (DX), Y9
	VFMADD231PS  Y8, Y9, Y0
	ADDQ         $4, DX
	ADDQ         $32, CX
	DECQ         AX
	JNZ          k1
	TESTQ        R14, R14
	JZ           st1
	VMASKMOVPS   (DI), Y15, Y9
	VADDPS       Y9, Y0, Y0
st1:
	VMASKMOVPS Y0, Y15, (DI)
	ADDQ       R13, DI
	ADDQ       R9, R8
	DECQ       BX
	JMP        rows1

done:
	VZEROUPPER
	RET
