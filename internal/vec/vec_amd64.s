//go:build amd64 && !purego

#include "textflag.h"

// Go's operand order is Intel's reversed: VMAXPS b, a, r is r = a > b ? a : b
// (b when either is NaN); VCMPPS $p, b, a, r compares a with b.

// func reluAVX2(dst, src *float32, n int)
// y = 0 > y ? 0 : y keeps -0 and NaN, as the Go loop does.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y15, Y15, Y15
relu_loop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y15, Y0     // Y0 = 0 > src ? 0 : src
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JNZ     relu_loop
	VZEROUPPER
	RET

// func reluGradAVX2(dst, dy, x *float32, n int)
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   dy+8(FP), SI
	MOVQ   x+16(FP), DX
	MOVQ   n+24(FP), CX
	VXORPS Y15, Y15, Y15
rg_loop:
	VMOVUPS (DX), Y0
	VCMPPS  $0x1e, Y15, Y0, Y0 // x > 0 (GT_OQ: false for NaN)
	VANDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	SUBQ    $8, CX
	JNZ     rg_loop
	VZEROUPPER
	RET

// func addAVX2(acc, x *float32, n int)
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
add_loop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     add_loop
	VZEROUPPER
	RET

// tailmask<>+4*(8-t) holds a mask whose first t lanes are set: the
// strided loops do the last c%8 elements of a block with masked loads and
// stores, which never touch the lanes past the block.
DATA tailmask<>+0(SB)/4, $0xffffffff
DATA tailmask<>+4(SB)/4, $0xffffffff
DATA tailmask<>+8(SB)/4, $0xffffffff
DATA tailmask<>+12(SB)/4, $0xffffffff
DATA tailmask<>+16(SB)/4, $0xffffffff
DATA tailmask<>+20(SB)/4, $0xffffffff
DATA tailmask<>+24(SB)/4, $0xffffffff
DATA tailmask<>+28(SB)/4, $0xffffffff
DATA tailmask<>+32(SB)/4, $0
DATA tailmask<>+36(SB)/4, $0
DATA tailmask<>+40(SB)/4, $0
DATA tailmask<>+44(SB)/4, $0
DATA tailmask<>+48(SB)/4, $0
DATA tailmask<>+52(SB)/4, $0
DATA tailmask<>+56(SB)/4, $0
DATA tailmask<>+60(SB)/4, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// func maxStridedAVX2(acc *float32, as int, x *float32, xs int, blocks, c int)
// Max over blocks of c elements: block b of acc starts at acc+b*as and of
// x at x+b*xs (strides in elements).
TEXT ·maxStridedAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ as+8(FP), R10
	SHLQ $2, R10
	MOVQ x+16(FP), SI
	MOVQ xs+24(FP), R11
	SHLQ $2, R11
	MOVQ blocks+32(FP), BX
	MOVQ c+40(FP), R12
	MOVQ R12, R13
	ANDQ $7, R13             // tail
	ANDQ $-8, R12            // whole vectors
	LEAQ tailmask<>(SB), AX
	MOVQ $8, DX
	SUBQ R13, DX
	VMOVDQU (AX)(DX*4), Y14
ms_block:
	MOVQ  DI, R8
	MOVQ  SI, R9
	MOVQ  R12, CX
	TESTQ CX, CX
	JZ    ms_tail
ms_loop:
	VMOVUPS   (R9), Y1
	VMOVUPS   (R8), Y0
	VMAXPS    Y0, Y1, Y2
	VCMPPS    $3, Y1, Y1, Y3
	VBLENDVPS Y3, Y1, Y2, Y2
	VMOVUPS   Y2, (R8)
	ADDQ      $32, R8
	ADDQ      $32, R9
	SUBQ      $8, CX
	JNZ       ms_loop
ms_tail:
	TESTQ      R13, R13
	JZ         ms_next
	VMASKMOVPS (R9), Y14, Y1
	VMASKMOVPS (R8), Y14, Y0
	VMAXPS     Y0, Y1, Y2
	VCMPPS     $3, Y1, Y1, Y3
	VBLENDVPS  Y3, Y1, Y2, Y2
	VMASKMOVPS Y2, Y14, (R8)
ms_next:
	ADDQ R10, DI
	ADDQ R11, SI
	DECQ BX
	JNZ  ms_block
	VZEROUPPER
	RET

// func routeStridedAVX2(dx, x *float32, xs int, m, gr *float32, done *uint32, ms int, blocks, c int, set bool)
// Route over blocks: dx and x step by xs elements per block, m, gr and
// done by ms. With set, dx is written (gr where routed, 0 elsewhere)
// rather than added to.
TEXT ·routeStridedAVX2(SB), NOSPLIT, $0-73
	MOVQ dx+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xs+16(FP), R13
	SHLQ $2, R13
	MOVQ m+24(FP), DX
	MOVQ gr+32(FP), R8
	MOVQ done+40(FP), R9
	MOVQ ms+48(FP), R14
	SHLQ $2, R14
	MOVQ blocks+56(FP), BX
	MOVQ c+64(FP), R12
	MOVQ R12, CX
	ANDQ $7, CX              // tail
	ANDQ $-8, R12            // whole vectors, in elements
	SHLQ $2, R12             // ... in bytes
	LEAQ tailmask<>(SB), AX
	MOVQ $8, R10
	SUBQ CX, R10
	VMOVDQU (AX)(R10*4), Y14
rs_block:
	XORQ  AX, AX             // byte offset within the block
	CMPQ  AX, R12
	JEQ   rs_tail
rs_loop:
	VMOVUPS   (SI)(AX*1), Y0
	VMOVUPS   (DX)(AX*1), Y1
	VCMPPS    $0, Y1, Y0, Y2
	VCMPPS    $3, Y0, Y0, Y3
	VCMPPS    $3, Y1, Y1, Y4
	VANDPS    Y4, Y3, Y3
	VORPS     Y3, Y2, Y2
	VMOVUPS   (R9)(AX*1), Y5
	VANDNPS   Y2, Y5, Y2
	VORPS     Y2, Y5, Y5
	VMOVUPS   Y5, (R9)(AX*1)
	CMPB      set+72(FP), $0
	JNE       rs_set
	VMOVUPS   (DI)(AX*1), Y6
	VADDPS    (R8)(AX*1), Y6, Y7
	VBLENDVPS Y2, Y7, Y6, Y6
	VMOVUPS   Y6, (DI)(AX*1)
	JMP       rs_step
rs_set:
	VANDPS    (R8)(AX*1), Y2, Y6
	VMOVUPS   Y6, (DI)(AX*1)
rs_step:
	ADDQ      $32, AX
	CMPQ      AX, R12
	JNE       rs_loop
rs_tail:
	TESTQ      CX, CX
	JZ         rs_next
	LEAQ       (SI)(AX*1), R10
	LEAQ       (DX)(AX*1), R11
	VMASKMOVPS (R10), Y14, Y0
	VMASKMOVPS (R11), Y14, Y1
	VCMPPS     $0, Y1, Y0, Y2
	VCMPPS     $3, Y0, Y0, Y3
	VCMPPS     $3, Y1, Y1, Y4
	VANDPS     Y4, Y3, Y3
	VORPS      Y3, Y2, Y2
	LEAQ       (R9)(AX*1), R10
	VMASKMOVPS (R10), Y14, Y5
	VANDNPS    Y2, Y5, Y2
	VORPS      Y2, Y5, Y5
	VMASKMOVPS Y5, Y14, (R10)
	LEAQ       (R8)(AX*1), R11
	VMASKMOVPS (R11), Y14, Y7
	LEAQ       (DI)(AX*1), R10
	CMPB       set+72(FP), $0
	JNE        rs_settail
	VMASKMOVPS (R10), Y14, Y6
	VADDPS     Y7, Y6, Y7
	VBLENDVPS  Y2, Y7, Y6, Y6
	VMASKMOVPS Y6, Y14, (R10)
	JMP        rs_next
rs_settail:
	VANDPS     Y7, Y2, Y6
	VMASKMOVPS Y6, Y14, (R10)
rs_next:
	ADDQ R13, DI
	ADDQ R13, SI
	ADDQ R14, DX
	ADDQ R14, R8
	ADDQ R14, R9
	DECQ BX
	JNZ  rs_block
	VZEROUPPER
	RET

// func biasActAVX2(y, b *float32, rows, o, ld int, relu bool)
// Each of rows rows of o elements, ld apart, gets b added, then, with
// relu, negatives set to zero.
TEXT ·biasActAVX2(SB), NOSPLIT, $0-41
	MOVQ    y+0(FP), DI
	MOVQ    b+8(FP), SI
	MOVQ    rows+16(FP), BX
	MOVQ    o+24(FP), R12
	MOVQ    ld+32(FP), R10
	SHLQ    $2, R10           // row stride in bytes
	MOVQ    R12, R14
	ANDQ    $7, R14           // tail
	ANDQ    $-8, R12          // whole vectors
	MOVBLZX relu+40(FP), R13
	LEAQ    tailmask<>(SB), AX
	MOVQ    $8, DX
	SUBQ    R14, DX
	VMOVDQU (AX)(DX*4), Y14
	VXORPS  Y15, Y15, Y15
ba_row:
	MOVQ  DI, R8
	MOVQ  SI, R9
	MOVQ  R12, CX
	TESTQ CX, CX
	JZ    ba_tail
ba_loop:
	VMOVUPS (R8), Y0
	VADDPS  (R9), Y0, Y0
	TESTQ   R13, R13
	JZ      ba_store
	VMAXPS  Y0, Y15, Y0
ba_store:
	VMOVUPS Y0, (R8)
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JNZ     ba_loop
ba_tail:
	TESTQ      R14, R14
	JZ         ba_next
	VMASKMOVPS (R8), Y14, Y0
	VMASKMOVPS (R9), Y14, Y1
	VADDPS     Y1, Y0, Y0
	TESTQ      R13, R13
	JZ         ba_tstore
	VMAXPS     Y0, Y15, Y0
ba_tstore:
	VMASKMOVPS Y0, Y14, (R8)
ba_next:
	ADDQ R10, DI
	DECQ BX
	JNZ  ba_row
	VZEROUPPER
	RET

// func copyStridedAVX2(dst *float32, ds int, src *float32, ss int, blocks, n int)
// Copies blocks blocks of n elements: block b from src+b*ss to dst+b*ds
// (strides in elements).
TEXT ·copyStridedAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), R10
	SHLQ $2, R10
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R11
	SHLQ $2, R11
	MOVQ blocks+32(FP), BX
	MOVQ n+40(FP), R12
	MOVQ R12, R13
	ANDQ $7, R13
	ANDQ $-8, R12
	LEAQ tailmask<>(SB), AX
	MOVQ $8, DX
	SUBQ R13, DX
	VMOVDQU (AX)(DX*4), Y14
	// Blocks of 4 to 32 elements (im2col's runs of taps × channels) take
	// loops of their own without an inner loop or branches: whole vectors
	// from the start and one more ending at the block's end, overlapping.
	MOVQ n+40(FP), CX
	CMPQ CX, $4
	JLT  cs_block
	CMPQ CX, $32
	JGT  cs_block
	MOVQ CX, R14
	SHLQ $2, R14
	CMPQ CX, $8
	JLT  cs_small4
	SUBQ $32, R14           // byte offset of the last whole vector
	CMPQ CX, $16
	JLE  cs_small16
	CMPQ CX, $24
	JLE  cs_small24
cs_small32:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS (SI)(R14*1), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, (DI)(R14*1)
	ADDQ    R10, DI
	ADDQ    R11, SI
	DECQ    BX
	JNZ     cs_small32
	VZEROUPPER
	RET
cs_small24:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS (SI)(R14*1), Y2
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, (DI)(R14*1)
	ADDQ    R10, DI
	ADDQ    R11, SI
	DECQ    BX
	JNZ     cs_small24
	VZEROUPPER
	RET
cs_small16:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R14*1), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R14*1)
	ADDQ    R10, DI
	ADDQ    R11, SI
	DECQ    BX
	JNZ     cs_small16
	VZEROUPPER
	RET
cs_small4:
	SUBQ    $16, R14        // 4 to 7 elements: two 4-element moves
cs_small4_loop:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(R14*1), X1
	VMOVUPS X0, (DI)
	VMOVUPS X1, (DI)(R14*1)
	ADDQ    R10, DI
	ADDQ    R11, SI
	DECQ    BX
	JNZ     cs_small4_loop
	VZEROUPPER
	RET
cs_block:
	MOVQ  DI, R8
	MOVQ  SI, R9
	MOVQ  R12, CX
	TESTQ CX, CX
	JZ    cs_tail
cs_loop:
	VMOVUPS (R9), Y0
	VMOVUPS Y0, (R8)
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JNZ     cs_loop
cs_tail:
	MOVQ  R13, CX
	TESTQ CX, CX
	JZ    cs_next
	// With a whole vector before it, the tail is the block's last 8
	// elements, overlapping what is already copied. Shorter blocks go one
	// element at a time: a masked store costs more than a few moves.
	TESTQ R12, R12
	JZ    cs_one
	VMOVUPS -32(R9)(R13*4), Y0
	VMOVUPS Y0, -32(R8)(R13*4)
	JMP     cs_next
cs_one:
	MOVL (R9), AX
	MOVL AX, (R8)
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ CX
	JNZ  cs_one
cs_next:
	ADDQ R10, DI
	ADDQ R11, SI
	DECQ BX
	JNZ  cs_block
	VZEROUPPER
	RET

// func rowsOpAVX2(y, x, b *float32, rows, o, op int)
// Row r of y (o elements) = row r of x op b: op 0 x+b, 1 x−b, 2 b−x, 3 x·b.
// The last o%8 of a row with masked moves.
TEXT ·rowsOpAVX2(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ rows+24(FP), BX
	MOVQ o+32(FP), R10
	MOVQ op+40(FP), R13
	MOVQ R10, R12
	SHLQ $2, R10              // row stride in bytes
	MOVQ R12, R14
	ANDQ $7, R14              // tail
	ANDQ $-8, R12             // whole vectors
	LEAQ tailmask<>(SB), AX
	MOVQ $8, CX
	SUBQ R14, CX
	VMOVDQU (AX)(CX*4), Y14
ro_row:
	MOVQ  DI, R8
	MOVQ  SI, R9
	MOVQ  DX, R11
	MOVQ  R12, CX
	TESTQ CX, CX
	JZ    ro_tail
ro_loop:
	VMOVUPS (R9), Y0
	VMOVUPS (R11), Y1
	CALL    rowop<>(SB)
	VMOVUPS Y0, (R8)
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R11
	SUBQ    $8, CX
	JNZ     ro_loop
ro_tail:
	TESTQ      R14, R14
	JZ         ro_next
	VMASKMOVPS (R9), Y14, Y0
	VMASKMOVPS (R11), Y14, Y1
	CALL       rowop<>(SB)
	VMASKMOVPS Y0, Y14, (R8)
ro_next:
	ADDQ R10, DI
	ADDQ R10, SI
	DECQ BX
	JNZ  ro_row
	VZEROUPPER
	RET

// rowop sets Y0 = Y0 op Y1 for op R13 (see rowsOpAVX2).
TEXT rowop<>(SB), NOSPLIT|NOFRAME, $0-0
	CMPQ   R13, $1
	JEQ    op_sub
	JGT    op_more
	VADDPS Y1, Y0, Y0
	RET
op_sub:
	VSUBPS Y1, Y0, Y0
	RET
op_more:
	CMPQ   R13, $2
	JNE    op_mul
	VSUBPS Y0, Y1, Y0
	RET
op_mul:
	VMULPS Y1, Y0, Y0
	RET

// func sumRowsAVX2(acc, x *float32, rows, xs, c int)
// acc[i] += row r of x (rows xs elements apart) [i], for each row in
// order, i < c; the last c%8 with masked moves.
TEXT ·sumRowsAVX2(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), BX
	MOVQ xs+24(FP), R10
	SHLQ $2, R10
	MOVQ c+32(FP), R12
	MOVQ R12, R14
	ANDQ $7, R14
	ANDQ $-8, R12
	LEAQ tailmask<>(SB), AX
	MOVQ $8, CX
	SUBQ R14, CX
	VMOVDQU (AX)(CX*4), Y14
sr_row:
	MOVQ  DI, R8
	MOVQ  SI, R9
	MOVQ  R12, CX
	TESTQ CX, CX
	JZ    sr_tail
sr_loop:
	VMOVUPS (R8), Y0
	VADDPS  (R9), Y0, Y0
	VMOVUPS Y0, (R8)
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JNZ     sr_loop
sr_tail:
	TESTQ      R14, R14
	JZ         sr_next
	VMASKMOVPS (R8), Y14, Y0
	VMASKMOVPS (R9), Y14, Y1
	VADDPS     Y1, Y0, Y0
	VMASKMOVPS Y0, Y14, (R8)
sr_next:
	ADDQ R10, SI
	DECQ BX
	JNZ  sr_row
	VZEROUPPER
	RET

// func sumRowsRegAVX2(acc, x *float32, rows, xs, c int)
// SumRows for c ≤ 32: the sums stay in Y0–Y3 across the rows (chunk i
// under a mask of its min(max(c−8i, 0), 8) lanes) and are stored once, so
// that no row waits on the last one's store.
TEXT ·sumRowsRegAVX2(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), BX
	MOVQ xs+24(FP), R10
	SHLQ $2, R10
	MOVQ c+32(FP), R12
	LEAQ tailmask<>(SB), AX
	MOVQ $8, R13
	MOVQ R12, CX
	CMPQ CX, R13
	CMOVQGT R13, CX
	MOVQ $8, DX
	SUBQ CX, DX
	VMOVDQU (AX)(DX*4), Y10
	MOVQ R12, CX
	SUBQ $8, CX
	XORQ R11, R11
	CMPQ CX, R11
	CMOVQLT R11, CX
	CMPQ CX, R13
	CMOVQGT R13, CX
	MOVQ $8, DX
	SUBQ CX, DX
	VMOVDQU (AX)(DX*4), Y11
	MOVQ R12, CX
	SUBQ $16, CX
	XORQ R11, R11
	CMPQ CX, R11
	CMOVQLT R11, CX
	CMPQ CX, R13
	CMOVQGT R13, CX
	MOVQ $8, DX
	SUBQ CX, DX
	VMOVDQU (AX)(DX*4), Y12
	MOVQ R12, CX
	SUBQ $24, CX
	XORQ R11, R11
	CMPQ CX, R11
	CMOVQLT R11, CX
	CMPQ CX, R13
	CMOVQGT R13, CX
	MOVQ $8, DX
	SUBQ CX, DX
	VMOVDQU (AX)(DX*4), Y13
	VMASKMOVPS 0(DI), Y10, Y0
	VMASKMOVPS 32(DI), Y11, Y1
	VMASKMOVPS 64(DI), Y12, Y2
	VMASKMOVPS 96(DI), Y13, Y3
srr_row:
	VMASKMOVPS 0(SI), Y10, Y4
	VADDPS     Y4, Y0, Y0
	VMASKMOVPS 32(SI), Y11, Y5
	VADDPS     Y5, Y1, Y1
	VMASKMOVPS 64(SI), Y12, Y6
	VADDPS     Y6, Y2, Y2
	VMASKMOVPS 96(SI), Y13, Y7
	VADDPS     Y7, Y3, Y3
	ADDQ       R10, SI
	DECQ       BX
	JNZ        srr_row
	VMASKMOVPS Y0, Y10, 0(DI)
	VMASKMOVPS Y1, Y11, 32(DI)
	VMASKMOVPS Y2, Y12, 64(DI)
	VMASKMOVPS Y3, Y13, 96(DI)
	VZEROUPPER
	RET

// func patternOpAVX2(y, x, p *float32, n, plen, op int, relu bool)
// y[i] = x[i] op p[i mod plen] for i < n (n and plen multiples of 8), then
// max(·, 0) under relu: rows of a few channels, as one flat loop whose
// vector of b values repeats every plen elements (no masked store a row).
TEXT ·patternOpAVX2(SB), NOSPLIT, $0-49
	MOVQ    y+0(FP), R8
	MOVQ    x+8(FP), R9
	MOVQ    p+16(FP), DX
	MOVQ    n+24(FP), CX
	MOVQ    plen+32(FP), R12
	SHLQ    $2, R12
	MOVQ    op+40(FP), R13
	MOVBQZX relu+48(FP), R10
	VXORPS  Y15, Y15, Y15
	XORQ    R11, R11
po_loop:
	VMOVUPS (R9), Y0
	VMOVUPS (DX)(R11*1), Y1
	CALL    rowop<>(SB)
	TESTQ   R10, R10
	JZ      po_store
	VMAXPS  Y0, Y15, Y0 // 0 > v ? 0 : v
po_store:
	VMOVUPS Y0, (R8)
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R11
	CMPQ    R11, R12
	JLT     po_next
	XORQ    R11, R11
po_next:
	SUBQ    $8, CX
	JNZ     po_loop
	VZEROUPPER
	RET
