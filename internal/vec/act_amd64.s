//go:build amd64 && !purego

// AVX2 versions of Sigmoid and Tanh (act.go): the same steps in
// the same order, eight lanes at a time, so that their results are the same
// bits as the Go code's. Change one only with the other.

#include "textflag.h"

// Each constant is eight copies of one float32 (or int32) bit pattern: a
// 256-bit memory operand. The values are those of act32.go.
DATA actc<>+0(SB)/4, $0x42b00000
DATA actc<>+4(SB)/4, $0x42b00000
DATA actc<>+8(SB)/4, $0x42b00000
DATA actc<>+12(SB)/4, $0x42b00000
DATA actc<>+16(SB)/4, $0x42b00000
DATA actc<>+20(SB)/4, $0x42b00000
DATA actc<>+24(SB)/4, $0x42b00000
DATA actc<>+28(SB)/4, $0x42b00000
DATA actc<>+32(SB)/4, $0xc2ae0000
DATA actc<>+36(SB)/4, $0xc2ae0000
DATA actc<>+40(SB)/4, $0xc2ae0000
DATA actc<>+44(SB)/4, $0xc2ae0000
DATA actc<>+48(SB)/4, $0xc2ae0000
DATA actc<>+52(SB)/4, $0xc2ae0000
DATA actc<>+56(SB)/4, $0xc2ae0000
DATA actc<>+60(SB)/4, $0xc2ae0000
DATA actc<>+64(SB)/4, $0x3fb8aa3b
DATA actc<>+68(SB)/4, $0x3fb8aa3b
DATA actc<>+72(SB)/4, $0x3fb8aa3b
DATA actc<>+76(SB)/4, $0x3fb8aa3b
DATA actc<>+80(SB)/4, $0x3fb8aa3b
DATA actc<>+84(SB)/4, $0x3fb8aa3b
DATA actc<>+88(SB)/4, $0x3fb8aa3b
DATA actc<>+92(SB)/4, $0x3fb8aa3b
DATA actc<>+96(SB)/4, $0x3f318000
DATA actc<>+100(SB)/4, $0x3f318000
DATA actc<>+104(SB)/4, $0x3f318000
DATA actc<>+108(SB)/4, $0x3f318000
DATA actc<>+112(SB)/4, $0x3f318000
DATA actc<>+116(SB)/4, $0x3f318000
DATA actc<>+120(SB)/4, $0x3f318000
DATA actc<>+124(SB)/4, $0x3f318000
DATA actc<>+128(SB)/4, $0xb95e8083
DATA actc<>+132(SB)/4, $0xb95e8083
DATA actc<>+136(SB)/4, $0xb95e8083
DATA actc<>+140(SB)/4, $0xb95e8083
DATA actc<>+144(SB)/4, $0xb95e8083
DATA actc<>+148(SB)/4, $0xb95e8083
DATA actc<>+152(SB)/4, $0xb95e8083
DATA actc<>+156(SB)/4, $0xb95e8083
DATA actc<>+160(SB)/4, $0x39506967
DATA actc<>+164(SB)/4, $0x39506967
DATA actc<>+168(SB)/4, $0x39506967
DATA actc<>+172(SB)/4, $0x39506967
DATA actc<>+176(SB)/4, $0x39506967
DATA actc<>+180(SB)/4, $0x39506967
DATA actc<>+184(SB)/4, $0x39506967
DATA actc<>+188(SB)/4, $0x39506967
DATA actc<>+192(SB)/4, $0x3ab743ce
DATA actc<>+196(SB)/4, $0x3ab743ce
DATA actc<>+200(SB)/4, $0x3ab743ce
DATA actc<>+204(SB)/4, $0x3ab743ce
DATA actc<>+208(SB)/4, $0x3ab743ce
DATA actc<>+212(SB)/4, $0x3ab743ce
DATA actc<>+216(SB)/4, $0x3ab743ce
DATA actc<>+220(SB)/4, $0x3ab743ce
DATA actc<>+224(SB)/4, $0x3c088908
DATA actc<>+228(SB)/4, $0x3c088908
DATA actc<>+232(SB)/4, $0x3c088908
DATA actc<>+236(SB)/4, $0x3c088908
DATA actc<>+240(SB)/4, $0x3c088908
DATA actc<>+244(SB)/4, $0x3c088908
DATA actc<>+248(SB)/4, $0x3c088908
DATA actc<>+252(SB)/4, $0x3c088908
DATA actc<>+256(SB)/4, $0x3d2aa9c1
DATA actc<>+260(SB)/4, $0x3d2aa9c1
DATA actc<>+264(SB)/4, $0x3d2aa9c1
DATA actc<>+268(SB)/4, $0x3d2aa9c1
DATA actc<>+272(SB)/4, $0x3d2aa9c1
DATA actc<>+276(SB)/4, $0x3d2aa9c1
DATA actc<>+280(SB)/4, $0x3d2aa9c1
DATA actc<>+284(SB)/4, $0x3d2aa9c1
DATA actc<>+288(SB)/4, $0x3e2aaaaa
DATA actc<>+292(SB)/4, $0x3e2aaaaa
DATA actc<>+296(SB)/4, $0x3e2aaaaa
DATA actc<>+300(SB)/4, $0x3e2aaaaa
DATA actc<>+304(SB)/4, $0x3e2aaaaa
DATA actc<>+308(SB)/4, $0x3e2aaaaa
DATA actc<>+312(SB)/4, $0x3e2aaaaa
DATA actc<>+316(SB)/4, $0x3e2aaaaa
DATA actc<>+320(SB)/4, $0x3f000000
DATA actc<>+324(SB)/4, $0x3f000000
DATA actc<>+328(SB)/4, $0x3f000000
DATA actc<>+332(SB)/4, $0x3f000000
DATA actc<>+336(SB)/4, $0x3f000000
DATA actc<>+340(SB)/4, $0x3f000000
DATA actc<>+344(SB)/4, $0x3f000000
DATA actc<>+348(SB)/4, $0x3f000000
DATA actc<>+352(SB)/4, $0x3f800000
DATA actc<>+356(SB)/4, $0x3f800000
DATA actc<>+360(SB)/4, $0x3f800000
DATA actc<>+364(SB)/4, $0x3f800000
DATA actc<>+368(SB)/4, $0x3f800000
DATA actc<>+372(SB)/4, $0x3f800000
DATA actc<>+376(SB)/4, $0x3f800000
DATA actc<>+380(SB)/4, $0x3f800000
DATA actc<>+384(SB)/4, $0x40000000
DATA actc<>+388(SB)/4, $0x40000000
DATA actc<>+392(SB)/4, $0x40000000
DATA actc<>+396(SB)/4, $0x40000000
DATA actc<>+400(SB)/4, $0x40000000
DATA actc<>+404(SB)/4, $0x40000000
DATA actc<>+408(SB)/4, $0x40000000
DATA actc<>+412(SB)/4, $0x40000000
DATA actc<>+416(SB)/4, $0x41100000
DATA actc<>+420(SB)/4, $0x41100000
DATA actc<>+424(SB)/4, $0x41100000
DATA actc<>+428(SB)/4, $0x41100000
DATA actc<>+432(SB)/4, $0x41100000
DATA actc<>+436(SB)/4, $0x41100000
DATA actc<>+440(SB)/4, $0x41100000
DATA actc<>+444(SB)/4, $0x41100000
DATA actc<>+448(SB)/4, $0x3f200000
DATA actc<>+452(SB)/4, $0x3f200000
DATA actc<>+456(SB)/4, $0x3f200000
DATA actc<>+460(SB)/4, $0x3f200000
DATA actc<>+464(SB)/4, $0x3f200000
DATA actc<>+468(SB)/4, $0x3f200000
DATA actc<>+472(SB)/4, $0x3f200000
DATA actc<>+476(SB)/4, $0x3f200000
DATA actc<>+480(SB)/4, $0xbbbaf0ea
DATA actc<>+484(SB)/4, $0xbbbaf0ea
DATA actc<>+488(SB)/4, $0xbbbaf0ea
DATA actc<>+492(SB)/4, $0xbbbaf0ea
DATA actc<>+496(SB)/4, $0xbbbaf0ea
DATA actc<>+500(SB)/4, $0xbbbaf0ea
DATA actc<>+504(SB)/4, $0xbbbaf0ea
DATA actc<>+508(SB)/4, $0xbbbaf0ea
DATA actc<>+512(SB)/4, $0x3ca9134e
DATA actc<>+516(SB)/4, $0x3ca9134e
DATA actc<>+520(SB)/4, $0x3ca9134e
DATA actc<>+524(SB)/4, $0x3ca9134e
DATA actc<>+528(SB)/4, $0x3ca9134e
DATA actc<>+532(SB)/4, $0x3ca9134e
DATA actc<>+536(SB)/4, $0x3ca9134e
DATA actc<>+540(SB)/4, $0x3ca9134e
DATA actc<>+544(SB)/4, $0xbd5c1e2d
DATA actc<>+548(SB)/4, $0xbd5c1e2d
DATA actc<>+552(SB)/4, $0xbd5c1e2d
DATA actc<>+556(SB)/4, $0xbd5c1e2d
DATA actc<>+560(SB)/4, $0xbd5c1e2d
DATA actc<>+564(SB)/4, $0xbd5c1e2d
DATA actc<>+568(SB)/4, $0xbd5c1e2d
DATA actc<>+572(SB)/4, $0xbd5c1e2d
DATA actc<>+576(SB)/4, $0x3e088393
DATA actc<>+580(SB)/4, $0x3e088393
DATA actc<>+584(SB)/4, $0x3e088393
DATA actc<>+588(SB)/4, $0x3e088393
DATA actc<>+592(SB)/4, $0x3e088393
DATA actc<>+596(SB)/4, $0x3e088393
DATA actc<>+600(SB)/4, $0x3e088393
DATA actc<>+604(SB)/4, $0x3e088393
DATA actc<>+608(SB)/4, $0xbeaaaa99
DATA actc<>+612(SB)/4, $0xbeaaaa99
DATA actc<>+616(SB)/4, $0xbeaaaa99
DATA actc<>+620(SB)/4, $0xbeaaaa99
DATA actc<>+624(SB)/4, $0xbeaaaa99
DATA actc<>+628(SB)/4, $0xbeaaaa99
DATA actc<>+632(SB)/4, $0xbeaaaa99
DATA actc<>+636(SB)/4, $0xbeaaaa99
DATA actc<>+640(SB)/4, $0x3f800000
DATA actc<>+644(SB)/4, $0x3f800000
DATA actc<>+648(SB)/4, $0x3f800000
DATA actc<>+652(SB)/4, $0x3f800000
DATA actc<>+656(SB)/4, $0x3f800000
DATA actc<>+660(SB)/4, $0x3f800000
DATA actc<>+664(SB)/4, $0x3f800000
DATA actc<>+668(SB)/4, $0x3f800000
DATA actc<>+672(SB)/4, $0x80000000
DATA actc<>+676(SB)/4, $0x80000000
DATA actc<>+680(SB)/4, $0x80000000
DATA actc<>+684(SB)/4, $0x80000000
DATA actc<>+688(SB)/4, $0x80000000
DATA actc<>+692(SB)/4, $0x80000000
DATA actc<>+696(SB)/4, $0x80000000
DATA actc<>+700(SB)/4, $0x80000000
DATA actc<>+704(SB)/4, $0x7fffffff
DATA actc<>+708(SB)/4, $0x7fffffff
DATA actc<>+712(SB)/4, $0x7fffffff
DATA actc<>+716(SB)/4, $0x7fffffff
DATA actc<>+720(SB)/4, $0x7fffffff
DATA actc<>+724(SB)/4, $0x7fffffff
DATA actc<>+728(SB)/4, $0x7fffffff
DATA actc<>+732(SB)/4, $0x7fffffff
DATA actc<>+736(SB)/4, $0x00800000
DATA actc<>+740(SB)/4, $0x00800000
DATA actc<>+744(SB)/4, $0x00800000
DATA actc<>+748(SB)/4, $0x00800000
DATA actc<>+752(SB)/4, $0x00800000
DATA actc<>+756(SB)/4, $0x00800000
DATA actc<>+760(SB)/4, $0x00800000
DATA actc<>+764(SB)/4, $0x00800000
GLOBL actc<>(SB), RODATA|NOPTR, $768

#define C_expHi actc<>+0(SB)
#define C_expLo actc<>+32(SB)
#define C_log2e actc<>+64(SB)
#define C_ln2Hi actc<>+96(SB)
#define C_ln2Lo actc<>+128(SB)
#define C_p0 actc<>+160(SB)
#define C_p1 actc<>+192(SB)
#define C_p2 actc<>+224(SB)
#define C_p3 actc<>+256(SB)
#define C_p4 actc<>+288(SB)
#define C_p5 actc<>+320(SB)
#define C_one actc<>+352(SB)
#define C_two actc<>+384(SB)
#define C_nine actc<>+416(SB)
#define C_tanhSmall actc<>+448(SB)
#define C_q0 actc<>+480(SB)
#define C_q1 actc<>+512(SB)
#define C_q2 actc<>+544(SB)
#define C_q3 actc<>+576(SB)
#define C_q4 actc<>+608(SB)
#define C_bias actc<>+640(SB)
#define C_sign actc<>+672(SB)
#define C_abs actc<>+704(SB)
#define C_minNormal actc<>+736(SB)

// EXP computes exp(Y0) into Y0 as exp32 does, lane by lane, with
// Y1-Y3 as scratch. No fused multiply-adds: every step rounds as Go's
// float32 arithmetic does, so the lanes match exp32 bit for bit.
#define EXP \
	VMOVUPS   C_expHi, Y1 \
	VMINPS    Y0, Y1, Y0 \
	VMOVUPS   C_expLo, Y1 \
	VMAXPS    Y0, Y1, Y0 \
	VMULPS    C_log2e, Y0, Y1 \
	VROUNDPS  $8, Y1, Y1 \
	VMULPS    C_ln2Hi, Y1, Y2 \
	VSUBPS    Y2, Y0, Y0 \
	VMULPS    C_ln2Lo, Y1, Y2 \
	VSUBPS    Y2, Y0, Y0 \
	VMULPS    Y0, Y0, Y3 \
	VMULPS    C_p0, Y0, Y2 \
	VADDPS    C_p1, Y2, Y2 \
	VMULPS    Y0, Y2, Y2 \
	VADDPS    C_p2, Y2, Y2 \
	VMULPS    Y0, Y2, Y2 \
	VADDPS    C_p3, Y2, Y2 \
	VMULPS    Y0, Y2, Y2 \
	VADDPS    C_p4, Y2, Y2 \
	VMULPS    Y0, Y2, Y2 \
	VADDPS    C_p5, Y2, Y2 \
	VMULPS    Y3, Y2, Y2 \
	VADDPS    Y0, Y2, Y2 \
	VADDPS    C_one, Y2, Y2 \
	VCVTPS2DQ Y1, Y1 \
	VPSLLD    $23, Y1, Y1 \
	VPADDD    C_bias, Y1, Y1 \
	VMULPS    Y1, Y2, Y0

// func sigmoidAVX2(x *float32, n int)
// Replaces x[i] by 1/(1+exp(-x[i])) for i < n&^7, a subnormal result by 0.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ   sdone

sloop:
	VMOVUPS (SI), Y0
	VXORPS  C_sign, Y0, Y0
	EXP
	VADDPS  C_one, Y0, Y0
	VMOVUPS C_one, Y1
	VDIVPS  Y0, Y1, Y0
	VCMPPS  $0x11, C_minNormal, Y0, Y1 // y < 2^-126 (LT_OQ): a subnormal
	VANDNPS Y0, Y1, Y0                 // ... is flushed to zero
	VMOVUPS Y0, (SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     sloop

sdone:
	VZEROUPPER
	RET

// func tanhAVX2(x *float32, n int)
// Replaces x[i] by tanh(x[i]) for i < n&^7, as tanh32 does: a polynomial
// below |x| = 0.625, 1 − 2/(exp(2|x|)+1) with x's sign above.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ   tdone

tloop:
	VMOVUPS (SI), Y4
	VANDPS  C_abs, Y4, Y5
	VMULPS  Y4, Y4, Y6
	VMULPS  C_q0, Y6, Y7
	VADDPS  C_q1, Y7, Y7
	VMULPS  Y6, Y7, Y7
	VADDPS  C_q2, Y7, Y7
	VMULPS  Y6, Y7, Y7
	VADDPS  C_q3, Y7, Y7
	VMULPS  Y6, Y7, Y7
	VADDPS  C_q4, Y7, Y7
	VMULPS  Y6, Y7, Y7
	VMULPS  Y4, Y7, Y7
	VADDPS  Y4, Y7, Y7
	VMOVUPS C_nine, Y1
	VMINPS  Y5, Y1, Y0
	VADDPS  Y0, Y0, Y0
	EXP
	VADDPS  C_one, Y0, Y0
	VMOVUPS C_two, Y1
	VDIVPS  Y0, Y1, Y0
	VMOVUPS C_one, Y1
	VSUBPS  Y0, Y1, Y0
	VANDPS  C_sign, Y4, Y1
	VORPS   Y1, Y0, Y0
	VCMPPS  $0x11, C_tanhSmall, Y5, Y1
	VBLENDVPS Y1, Y7, Y0, Y0
	VMOVUPS Y0, (SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     tloop

tdone:
	VZEROUPPER
	RET
