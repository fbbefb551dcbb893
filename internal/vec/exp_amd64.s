//go:build amd64 && !purego

#include "textflag.h"

// Exp64 four lanes at a time: the same float64 operations in the same
// order as the Go code (each product rounded, no FMA), so the same bits.

DATA exp64c<>+0(SB)/8, $0x3ff71547652b82fe // log2e
DATA exp64c<>+8(SB)/8, $0x4338000000000000 // round
DATA exp64c<>+16(SB)/8, $0x3fe62e42fefa39ef // ln2
DATA exp64c<>+24(SB)/8, $0x3f2a01a01a01a01a // 1/5040
DATA exp64c<>+32(SB)/8, $0x3f56c16c16c16c17 // 1/720
DATA exp64c<>+40(SB)/8, $0x3f81111111111111 // 1/120
DATA exp64c<>+48(SB)/8, $0x3fa5555555555555 // 1/24
DATA exp64c<>+56(SB)/8, $0x3fc5555555555555 // 1/6
DATA exp64c<>+64(SB)/8, $0x3fe0000000000000 // 1/2
DATA exp64c<>+72(SB)/8, $0x3ff0000000000000 // 1
DATA exp64c<>+80(SB)/8, $0x4056400000000000 // 89
DATA exp64c<>+88(SB)/8, $0xc05a000000000000 // -104
DATA exp64c<>+96(SB)/8, $0x7ff0000000000000 // +inf
DATA exp64c<>+104(SB)/8, $1023
GLOBL exp64c<>(SB), RODATA|NOPTR, $112

// func exp64sAVX2(dst, src *float64, n int)
TEXT ·exp64sAVX2(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD exp64c<>+0(SB), Y8   // log2e
	VBROADCASTSD exp64c<>+8(SB), Y9   // round
	VBROADCASTSD exp64c<>+16(SB), Y10 // ln2
	VBROADCASTSD exp64c<>+80(SB), Y11 // 89
	VBROADCASTSD exp64c<>+88(SB), Y12 // -104
	VBROADCASTSD exp64c<>+96(SB), Y13 // +inf
	VPBROADCASTQ exp64c<>+104(SB), Y14 // 1023
ex_loop:
	VMOVUPD      (SI), Y0
	VMULPD       Y8, Y0, Y1
	VADDPD       Y9, Y1, Y1
	VSUBPD       Y9, Y1, Y1           // kf, x/ln2 rounded to an integer
	VMULPD       Y10, Y1, Y2
	VSUBPD       Y2, Y0, Y2           // r = x - kf*ln2
	VBROADCASTSD exp64c<>+24(SB), Y3
	VMULPD       Y2, Y3, Y3
	VBROADCASTSD exp64c<>+32(SB), Y4
	VADDPD       Y4, Y3, Y3           // p = 1/720 + r/5040
	VMULPD       Y2, Y3, Y3
	VBROADCASTSD exp64c<>+40(SB), Y4
	VADDPD       Y4, Y3, Y3           // 1/120 + r*p
	VMULPD       Y2, Y3, Y3
	VBROADCASTSD exp64c<>+48(SB), Y4
	VADDPD       Y4, Y3, Y3           // 1/24 + r*p
	VMULPD       Y2, Y3, Y3
	VBROADCASTSD exp64c<>+56(SB), Y4
	VADDPD       Y4, Y3, Y3           // 1/6 + r*p
	VMULPD       Y2, Y3, Y3
	VBROADCASTSD exp64c<>+64(SB), Y4
	VADDPD       Y4, Y3, Y3           // 1/2 + r*p
	VBROADCASTSD exp64c<>+72(SB), Y4
	VMULPD       Y2, Y3, Y3
	VADDPD       Y4, Y3, Y3           // 1 + r*p
	VMULPD       Y2, Y3, Y3
	VADDPD       Y4, Y3, Y3           // 1 + r*p
	VCVTPD2DQY   Y1, X5
	VPMOVSXDQ    X5, Y5
	VPADDQ       Y14, Y5, Y5
	VPSLLQ       $52, Y5, Y5          // 2^kf
	VMULPD       Y5, Y3, Y3
	VCMPPD       $0x1e, Y11, Y0, Y5   // x > 89: +inf
	VBLENDVPD    Y5, Y13, Y3, Y3
	VCMPPD       $0x11, Y12, Y0, Y5   // x < -104: 0
	VANDNPD      Y3, Y5, Y3
	VCMPPD       $0x03, Y0, Y0, Y5    // NaN: x
	VBLENDVPD    Y5, Y0, Y3, Y3
	VMOVUPD      Y3, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	SUBQ         $4, CX
	JNZ          ex_loop
	VZEROUPPER
	RET
