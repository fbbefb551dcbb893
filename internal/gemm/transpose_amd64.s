//go:build amd64 && !purego

#include "textflag.h"

// func transpose4x4s(kc int, src *float32, ld int, dst *float32, ldd int)
//
// dst[p*ldd+r] = src[r*ld+p] for r < 4 and p < kc&^3: four rows of src
// become kc rows of four in dst, 4×4 blocks at a time. Packing uses it for
// the operands whose panels run across the source rows.
TEXT ·transpose4x4s(SB), NOSPLIT, $0-40
	MOVQ kc+0(FP), CX
	SHRQ $2, CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R8
	SHLQ $2, R8
	LEAQ (DX)(DX*2), R9
	LEAQ (R8)(R8*2), R10
	TESTQ CX, CX
	JZ done

loop:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(DX*1), X1
	VMOVUPS (SI)(DX*2), X2
	VMOVUPS (SI)(R9*1), X3
	VUNPCKLPS X1, X0, X4 // a0 b0 a1 b1
	VUNPCKHPS X1, X0, X5 // a2 b2 a3 b3
	VUNPCKLPS X3, X2, X6 // c0 d0 c1 d1
	VUNPCKHPS X3, X2, X7 // c2 d2 c3 d3
	VMOVLHPS X6, X4, X0  // a0 b0 c0 d0
	VMOVHLPS X4, X6, X1  // a1 b1 c1 d1
	VMOVLHPS X7, X5, X2  // a2 b2 c2 d2
	VMOVHLPS X5, X7, X3  // a3 b3 c3 d3
	VMOVUPS X0, (DI)
	VMOVUPS X1, (DI)(R8*1)
	VMOVUPS X2, (DI)(R8*2)
	VMOVUPS X3, (DI)(R10*1)
	ADDQ $16, SI
	LEAQ (DI)(R8*4), DI
	DECQ CX
	JNZ loop

done:
	RET

// func transpose8x8s(kc int, src *float32, ld int, dst *float32, ldd int)
//
// transpose4x4s for eight rows and kc&^7 columns, in 8×8 blocks (AVX).
TEXT ·transpose8x8s(SB), NOSPLIT, $0-40
	MOVQ kc+0(FP), CX
	SHRQ $3, CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R8
	SHLQ $2, R8
	LEAQ (DX)(DX*2), R9   // 3*ld
	LEAQ (R8)(R8*2), R10  // 3*ldd
	LEAQ (SI)(DX*4), R11  // row 4 of src
	LEAQ (DI)(R8*4), R12  // row 4 of dst
	MOVQ R8, R13
	SHLQ $3, R13          // 8*ldd
	TESTQ CX, CX
	JZ done8

loop8:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(DX*1), Y1
	VMOVUPS (SI)(DX*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(DX*1), Y5
	VMOVUPS (R11)(DX*2), Y6
	VMOVUPS (R11)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8  // a0 b0 a1 b1 | a4 b4 a5 b5
	VUNPCKHPS Y1, Y0, Y9  // a2 b2 a3 b3 | a6 b6 a7 b7
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0  // a0 b0 c0 d0 | a4 b4 c4 d4
	VSHUFPS $0xEE, Y10, Y8, Y1  // a1 b1 c1 d1 | a5 b5 c5 d5
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4 // e0 f0 g0 h0 | e4 f4 g4 h4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8  // column 0
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12 // column 4
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R8*1)
	VMOVUPS Y10, (DI)(R8*2)
	VMOVUPS Y11, (DI)(R10*1)
	VMOVUPS Y12, (R12)
	VMOVUPS Y13, (R12)(R8*1)
	VMOVUPS Y14, (R12)(R8*2)
	VMOVUPS Y15, (R12)(R10*1)
	ADDQ $32, SI
	ADDQ $32, R11
	ADDQ R13, DI
	ADDQ R13, R12
	DECQ CX
	JNZ loop8

done8:
	VZEROUPPER
	RET

// func transpose4x4d(kc int, src *float64, ld int, dst *float64, ldd int)
//
// transpose4x4s for float64, 4×4 blocks in ymm registers (AVX).
TEXT ·transpose4x4d(SB), NOSPLIT, $0-40
	MOVQ kc+0(FP), CX
	SHRQ $2, CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $3, DX
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R8
	SHLQ $3, R8
	LEAQ (DX)(DX*2), R9
	LEAQ (R8)(R8*2), R10
	TESTQ CX, CX
	JZ doned

loopd:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(DX*1), Y1
	VMOVUPD (SI)(DX*2), Y2
	VMOVUPD (SI)(R9*1), Y3
	VUNPCKLPD Y1, Y0, Y4         // a0 b0 | a2 b2
	VUNPCKHPD Y1, Y0, Y5         // a1 b1 | a3 b3
	VUNPCKLPD Y3, Y2, Y6         // c0 d0 | c2 d2
	VUNPCKHPD Y3, Y2, Y7         // c1 d1 | c3 d3
	VPERM2F128 $0x20, Y6, Y4, Y0 // a0 b0 c0 d0
	VPERM2F128 $0x20, Y7, Y5, Y1
	VPERM2F128 $0x31, Y6, Y4, Y2
	VPERM2F128 $0x31, Y7, Y5, Y3
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, (DI)(R8*1)
	VMOVUPD Y2, (DI)(R8*2)
	VMOVUPD Y3, (DI)(R10*1)
	ADDQ $32, SI
	LEAQ (DI)(R8*4), DI
	DECQ CX
	JNZ loopd

doned:
	VZEROUPPER
	RET

// func transpose2x4s(kc int, src *float32, ld int, dst *float32, ldd int)
//
// transpose4x4s for two rows: pairs of them interleaved, four columns a
// step, for the last two rows of the AVX2 kernels' six-row panels.
TEXT ·transpose2x4s(SB), NOSPLIT, $0-40
	MOVQ kc+0(FP), CX
	SHRQ $2, CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R10
	TESTQ CX, CX
	JZ t2_done

t2_loop:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(DX*1), X1
	VUNPCKLPS X1, X0, X4 // a0 b0 a1 b1
	VUNPCKHPS X1, X0, X5 // a2 b2 a3 b3
	VMOVLPS X4, (DI)
	VMOVHPS X4, (DI)(R8*1)
	VMOVLPS X5, (DI)(R8*2)
	VMOVHPS X5, (DI)(R10*1)
	ADDQ $16, SI
	LEAQ (DI)(R8*4), DI
	DECQ CX
	JNZ t2_loop

t2_done:
	RET

// func transpose6x8s(kc int, src *float32, ld int, dst *float32)
//
// transpose8x8s for the six rows of an AVX2 kernel's panel into its packed
// layout, six values a step (dst[p*6+r] = src[r*ld+p] for p < kc&^7): one
// pass, where the 4×4 and 2×4 blocks took two with four times the stores.
// Each step's eight lanes are stored over the next step's start (lanes 6
// and 7 come from rows that are not loaded), in order, so the next store
// overwrites them; the last step of a block is stored as 4 + 2 values, so
// nothing past the block is written.
TEXT ·transpose6x8s(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	SHRQ $3, CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ dst+24(FP), DI
	LEAQ (DX)(DX*2), R9   // 3*ld
	LEAQ (SI)(DX*4), R11  // row 4 of src
	TESTQ CX, CX
	JZ done6
loop6:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(DX*1), Y1
	VMOVUPS (SI)(DX*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(DX*1), Y5
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VSHUFPS $0x44, Y10, Y8, Y0  // a0 b0 c0 d0 | a4 b4 c4 d4
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y12, Y12, Y4 // e0 f0 e0 f0 | e4 f4 e4 f4
	VSHUFPS $0xEE, Y12, Y12, Y5
	VSHUFPS $0x44, Y13, Y13, Y6
	VSHUFPS $0xEE, Y13, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8  // step 0: a0 b0 c0 d0 e0 f0 (e0 f0)
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12 // step 4
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 24(DI)
	VMOVUPS Y10, 48(DI)
	VMOVUPS Y11, 72(DI)
	VMOVUPS Y12, 96(DI)
	VMOVUPS Y13, 120(DI)
	VMOVUPS Y14, 144(DI)
	VMOVUPS X15, 168(DI)
	VEXTRACTF128 $1, Y15, X15
	VMOVSD X15, 184(DI)
	ADDQ $32, SI
	ADDQ $32, R11
	ADDQ $192, DI
	DECQ CX
	JNZ loop6
done6:
	VZEROUPPER
	RET
