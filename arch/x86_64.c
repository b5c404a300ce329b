/*
 * arch/x86_64.c - the x86-64 GNU/Linux register list exactly as gdbserver's amd64-linux target
 * description numbers it (gdb/arch/amd64.c, features core, sse, linux, segments and, when XCR0
 * enables AVX, avx), with each register's DWARF number (System V psABI, AMD64 supplement,
 * figure 3.36 "DWARF Register Number Mapping"), lldb qRegisterInfo fields, and where Linux keeps
 * it: struct user_regs_struct (PTRACE_GETREGS), the FXSAVE image (PTRACE_GETFPREGS) or the XSAVE
 * image (PTRACE_GETREGSET NT_X86_XSTATE). Also the complete target.xml for both variants. Not for
 * AVX-512, MPX or PKU (gdb still works without them: it only loses those registers).
 */
#include <elf.h>

#include "arch/arch.h"

/* struct user_regs_struct (<sys/user.h>) byte offsets, all fields 8 bytes wide. */
// clang-format off
enum {
    U_R15 = 0, U_R14 = 8, U_R13 = 16, U_R12 = 24, U_RBP = 32, U_RBX = 40, U_R11 = 48, U_R10 = 56,
    U_R9 = 64, U_R8 = 72, U_RAX = 80, U_RCX = 88, U_RDX = 96, U_RSI = 104, U_RDI = 112,
    U_ORIG_RAX = 120, U_RIP = 128, U_CS = 136, U_EFLAGS = 144, U_RSP = 152, U_SS = 160,
    U_FS_BASE = 168, U_GS_BASE = 176, U_DS = 184, U_ES = 192, U_FS = 200, U_GS = 208,
};
// clang-format on

/* FXSAVE image (Intel SDM vol. 1, table 10-2, 64-bit format as Linux's user_fpregs_struct): FCW 0,
 * FSW 2, abridged FTW 4, FOP 6, FIP 8, FCS 12, FDP 16, FDS 20, MXCSR 24, ST/MM i at 32+16i (10
 * bytes used), XMM i at 160+16i. XSAVE keeps the AVX upper halves (YMM_Hi128 component) at 576+16i.
 */
#define FX_ST(i) (32u + 16u * (i))
#define FX_XMM(i) (160u + 16u * (i))
#define XS_YMMH(i) (576u + 16u * (i))

/* 'g' packet offsets: registers back to back in target-description order. */
#define G_GPR(i) (8u * (i))
#define G_SEG(i) (140u + 4u * (i)) /* cs ss ds es fs gs after eflags at 136 */
#define G_ST(i) (164u + 10u * (i))
#define G_FP(i) (244u + 4u * (i)) /* fctrl .. fop */
#define G_XMM(i) (276u + 16u * (i))
#define G_YMMH(i) (560u + 16u * (i))

#define SET_GPR "General Purpose Registers"
#define SET_FPR "Floating Point Registers"
#define SET_AVX "Advanced Vector Extensions"

// clang-format off
/* GPR(name, alt, generic, dwarf, user_regs offset, g offset): 64-bit integers from user_regs_struct. */
#define GPR(nm, alt, gen, dw, uoff, goff) \
    { nm, alt, gen, SET_GPR, 64, dw, dw, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_GPR, uoff, 8, goff }
/* 32-bit registers the kernel keeps in 64-bit user_regs_struct slots (eflags, segment selectors). */
#define GPR32(nm, alt, gen, dw, uoff, goff) \
    { nm, alt, gen, SET_GPR, 32, dw, dw, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_GPR, uoff, 4, goff }
/* x87 control words: the FXSAVE field is narrower than the 32-bit register gdb expects. */
#define FPC(nm, dw, fxoff, fxlen, goff) \
    { nm, NULL, NULL, SET_FPR, 32, dw, dw, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_FPR, fxoff, fxlen, goff }
#define ST(i) \
    { "st" #i, NULL, NULL, SET_FPR, 80, 33 + (i), 33 + (i), ARCH_ENC_VECTOR, ARCH_FMT_VECTOR_UINT8, \
      ARCH_REGSET_FPR, FX_ST(i), 10, G_ST(i) }
#define XMM(i) \
    { "xmm" #i, NULL, NULL, SET_FPR, 128, 17 + (i), 17 + (i), ARCH_ENC_VECTOR, ARCH_FMT_VECTOR_UINT8, \
      ARCH_REGSET_FPR, FX_XMM(i), 16, G_XMM(i) }
/* ymmNh has no DWARF number of its own (DWARF 17-32 name the whole xmm/ymm register). */
#define YMMH(i) \
    { "ymm" #i "h", NULL, NULL, SET_AVX, 128, -1, -1, ARCH_ENC_VECTOR, ARCH_FMT_VECTOR_UINT8, \
      ARCH_REGSET_XSTATE, XS_YMMH(i), 16, G_YMMH(i) }

static const struct arch_reg x86_64_regs[] = {
    /* org.gnu.gdb.i386.core: 0-15 in gdb's order (not the psABI's DWARF order) */
    GPR("rax", NULL, NULL, 0, U_RAX, G_GPR(0)),
    GPR("rbx", NULL, NULL, 3, U_RBX, G_GPR(1)),
    GPR("rcx", NULL, "arg4", 2, U_RCX, G_GPR(2)),
    GPR("rdx", NULL, "arg3", 1, U_RDX, G_GPR(3)),
    GPR("rsi", NULL, "arg2", 4, U_RSI, G_GPR(4)),
    GPR("rdi", NULL, "arg1", 5, U_RDI, G_GPR(5)),
    GPR("rbp", "fp", "fp", 6, U_RBP, G_GPR(6)),
    GPR("rsp", "sp", "sp", 7, U_RSP, G_GPR(7)),
    GPR("r8", NULL, "arg5", 8, U_R8, G_GPR(8)),
    GPR("r9", NULL, "arg6", 9, U_R9, G_GPR(9)),
    GPR("r10", NULL, NULL, 10, U_R10, G_GPR(10)),
    GPR("r11", NULL, NULL, 11, U_R11, G_GPR(11)),
    GPR("r12", NULL, NULL, 12, U_R12, G_GPR(12)),
    GPR("r13", NULL, NULL, 13, U_R13, G_GPR(13)),
    GPR("r14", NULL, NULL, 14, U_R14, G_GPR(14)),
    GPR("r15", NULL, NULL, 15, U_R15, G_GPR(15)),
    GPR("rip", "pc", "pc", 16, U_RIP, G_GPR(16)),                     /* 16 */
    GPR32("eflags", "flags", "flags", 49, U_EFLAGS, 136),             /* 17 */
    GPR32("cs", NULL, NULL, 51, U_CS, G_SEG(0)),                      /* 18 */
    GPR32("ss", NULL, NULL, 52, U_SS, G_SEG(1)),
    GPR32("ds", NULL, NULL, 53, U_DS, G_SEG(2)),
    GPR32("es", NULL, NULL, 50, U_ES, G_SEG(3)),
    GPR32("fs", NULL, NULL, 54, U_FS, G_SEG(4)),
    GPR32("gs", NULL, NULL, 55, U_GS, G_SEG(5)),                      /* 23 */
    ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),           /* 24-31 */
    FPC("fctrl", 65, 0, 2, G_FP(0)),                                  /* 32 */
    FPC("fstat", 66, 2, 2, G_FP(1)),
    /* ftag: the abridged 8-bit FXSAVE tag, expanded to gdb's 16-bit tag word by the stub */
    { "ftag", NULL, NULL, SET_FPR, 32, -1, -1, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_FTAG, 4, 1, G_FP(2) },
    FPC("fiseg", -1, 12, 2, G_FP(3)),
    FPC("fioff", -1, 8, 4, G_FP(4)),
    FPC("foseg", -1, 20, 2, G_FP(5)),
    FPC("fooff", -1, 16, 4, G_FP(6)),
    FPC("fop", -1, 6, 2, G_FP(7)),                                    /* 39: 11 bits used */
    /* org.gnu.gdb.i386.sse */
    XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),   /* 40-47 */
    XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
    FPC("mxcsr", 64, 24, 4, 532),                                     /* 56 */
    /* org.gnu.gdb.i386.linux: the syscall number at entry, -1 otherwise; gdb writes it to stop restarts */
    GPR("orig_rax", NULL, NULL, -1, U_ORIG_RAX, 536),                 /* 57 */
    /* org.gnu.gdb.i386.segments */
    GPR("fs_base", NULL, NULL, 58, U_FS_BASE, 544),                   /* 58 */
    GPR("gs_base", NULL, NULL, 59, U_GS_BASE, 552),                   /* 59 */
    /* org.gnu.gdb.i386.avx */
    YMMH(0), YMMH(1), YMMH(2), YMMH(3), YMMH(4), YMMH(5), YMMH(6), YMMH(7), /* 60-67 */
    YMMH(8), YMMH(9), YMMH(10), YMMH(11), YMMH(12), YMMH(13), YMMH(14), YMMH(15),
};

/* ---- target.xml, as gdbserver 13 serves it for amd64-linux (one document, no xi:include) ---- */

#define REG(nm, bits, type, num) "<reg name=\"" nm "\" bitsize=\"" #bits "\" type=\"" type "\" regnum=\"" #num "\"/>\n"
#define REGG(nm, bits, type, num, grp) \
    "<reg name=\"" nm "\" bitsize=\"" #bits "\" type=\"" type "\" regnum=\"" #num "\" group=\"" grp "\"/>\n"
#define FLAG(nm, bit) "<field name=\"" nm "\" start=\"" #bit "\" end=\"" #bit "\" type=\"bool\"/>\n"

#define XML_HEAD \
    "<?xml version=\"1.0\"?>\n" \
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n" \
    "<target>\n" \
    "<architecture>i386:x86-64</architecture>\n" \
    "<osabi>GNU/Linux</osabi>\n"

#define XML_CORE \
    "<feature name=\"org.gnu.gdb.i386.core\">\n" \
    "<flags id=\"i386_eflags\" size=\"4\">\n" \
    FLAG("CF", 0) FLAG("", 1) FLAG("PF", 2) FLAG("AF", 4) FLAG("ZF", 6) FLAG("SF", 7) FLAG("TF", 8) \
    FLAG("IF", 9) FLAG("DF", 10) FLAG("OF", 11) FLAG("NT", 14) FLAG("RF", 16) FLAG("VM", 17) \
    FLAG("AC", 18) FLAG("VIF", 19) FLAG("VIP", 20) FLAG("ID", 21) \
    "</flags>\n" \
    REG("rax", 64, "int64", 0) REG("rbx", 64, "int64", 1) REG("rcx", 64, "int64", 2) \
    REG("rdx", 64, "int64", 3) REG("rsi", 64, "int64", 4) REG("rdi", 64, "int64", 5) \
    REG("rbp", 64, "data_ptr", 6) REG("rsp", 64, "data_ptr", 7) \
    REG("r8", 64, "int64", 8) REG("r9", 64, "int64", 9) REG("r10", 64, "int64", 10) \
    REG("r11", 64, "int64", 11) REG("r12", 64, "int64", 12) REG("r13", 64, "int64", 13) \
    REG("r14", 64, "int64", 14) REG("r15", 64, "int64", 15) \
    REG("rip", 64, "code_ptr", 16) REG("eflags", 32, "i386_eflags", 17) \
    REG("cs", 32, "int32", 18) REG("ss", 32, "int32", 19) REG("ds", 32, "int32", 20) \
    REG("es", 32, "int32", 21) REG("fs", 32, "int32", 22) REG("gs", 32, "int32", 23) \
    REG("st0", 80, "i387_ext", 24) REG("st1", 80, "i387_ext", 25) REG("st2", 80, "i387_ext", 26) \
    REG("st3", 80, "i387_ext", 27) REG("st4", 80, "i387_ext", 28) REG("st5", 80, "i387_ext", 29) \
    REG("st6", 80, "i387_ext", 30) REG("st7", 80, "i387_ext", 31) \
    REGG("fctrl", 32, "int", 32, "float") REGG("fstat", 32, "int", 33, "float") \
    REGG("ftag", 32, "int", 34, "float") REGG("fiseg", 32, "int", 35, "float") \
    REGG("fioff", 32, "int", 36, "float") REGG("foseg", 32, "int", 37, "float") \
    REGG("fooff", 32, "int", 38, "float") REGG("fop", 32, "int", 39, "float") \
    "</feature>\n"

#define XML_SSE \
    "<feature name=\"org.gnu.gdb.i386.sse\">\n" \
    "<vector id=\"v8bf16\" type=\"bfloat16\" count=\"8\"/>\n" \
    "<vector id=\"v8h\" type=\"ieee_half\" count=\"8\"/>\n" \
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n" \
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n" \
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n" \
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n" \
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n" \
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n" \
    "<union id=\"vec128\">\n" \
    "<field name=\"v8_bfloat16\" type=\"v8bf16\"/>\n" \
    "<field name=\"v8_half\" type=\"v8h\"/>\n" \
    "<field name=\"v4_float\" type=\"v4f\"/>\n" \
    "<field name=\"v2_double\" type=\"v2d\"/>\n" \
    "<field name=\"v16_int8\" type=\"v16i8\"/>\n" \
    "<field name=\"v8_int16\" type=\"v8i16\"/>\n" \
    "<field name=\"v4_int32\" type=\"v4i32\"/>\n" \
    "<field name=\"v2_int64\" type=\"v2i64\"/>\n" \
    "<field name=\"uint128\" type=\"uint128\"/>\n" \
    "</union>\n" \
    "<flags id=\"i386_mxcsr\" size=\"4\">\n" \
    FLAG("IE", 0) FLAG("DE", 1) FLAG("ZE", 2) FLAG("OE", 3) FLAG("UE", 4) FLAG("PE", 5) \
    FLAG("DAZ", 6) FLAG("IM", 7) FLAG("DM", 8) FLAG("ZM", 9) FLAG("OM", 10) FLAG("UM", 11) \
    FLAG("PM", 12) FLAG("FZ", 15) \
    "</flags>\n" \
    REG("xmm0", 128, "vec128", 40) REG("xmm1", 128, "vec128", 41) REG("xmm2", 128, "vec128", 42) \
    REG("xmm3", 128, "vec128", 43) REG("xmm4", 128, "vec128", 44) REG("xmm5", 128, "vec128", 45) \
    REG("xmm6", 128, "vec128", 46) REG("xmm7", 128, "vec128", 47) REG("xmm8", 128, "vec128", 48) \
    REG("xmm9", 128, "vec128", 49) REG("xmm10", 128, "vec128", 50) REG("xmm11", 128, "vec128", 51) \
    REG("xmm12", 128, "vec128", 52) REG("xmm13", 128, "vec128", 53) REG("xmm14", 128, "vec128", 54) \
    REG("xmm15", 128, "vec128", 55) \
    REGG("mxcsr", 32, "i386_mxcsr", 56, "vector") \
    "</feature>\n"

#define XML_LINUX \
    "<feature name=\"org.gnu.gdb.i386.linux\">\n" \
    REG("orig_rax", 64, "int", 57) \
    "</feature>\n"

#define XML_SEGMENTS \
    "<feature name=\"org.gnu.gdb.i386.segments\">\n" \
    REG("fs_base", 64, "int", 58) REG("gs_base", 64, "int", 59) \
    "</feature>\n"

#define XML_AVX \
    "<feature name=\"org.gnu.gdb.i386.avx\">\n" \
    REG("ymm0h", 128, "uint128", 60) REG("ymm1h", 128, "uint128", 61) \
    REG("ymm2h", 128, "uint128", 62) REG("ymm3h", 128, "uint128", 63) \
    REG("ymm4h", 128, "uint128", 64) REG("ymm5h", 128, "uint128", 65) \
    REG("ymm6h", 128, "uint128", 66) REG("ymm7h", 128, "uint128", 67) \
    REG("ymm8h", 128, "uint128", 68) REG("ymm9h", 128, "uint128", 69) \
    REG("ymm10h", 128, "uint128", 70) REG("ymm11h", 128, "uint128", 71) \
    REG("ymm12h", 128, "uint128", 72) REG("ymm13h", 128, "uint128", 73) \
    REG("ymm14h", 128, "uint128", 74) REG("ymm15h", 128, "uint128", 75) \
    "</feature>\n"

#define XML_TAIL "</target>\n"
// clang-format on

/* gdbserver's amd64_expedite_regs: rbp, rsp, rip. */
static const int x86_64_expedite[] = {6, 7, 16, -1};

static const uint8_t x86_64_trap[] = {0xcc}; /* int3 */

const struct arch_desc arch_x86_64 = {
    .name = "x86_64",
    .gdb_arch = "i386:x86-64",
    .triple = "x86_64-pc-linux-gnu",
    .elf_machine = EM_X86_64,
    .regs = x86_64_regs,
    .nregs = 60,
    .g_len = 560,
    .pc_regno = 16,
    .sp_regno = 7,
    .fp_regno = 6,
    .expedite = x86_64_expedite,
    .target_xml = XML_HEAD XML_CORE XML_SSE XML_LINUX XML_SEGMENTS XML_TAIL,
    .trap = x86_64_trap,
    .trap_len = sizeof x86_64_trap,
    .bp_kind = 1,
    .pc_after_trap_advanced = true,
    .ptr_size = 8,
};

const struct arch_desc arch_x86_64_avx = {
    .name = "x86_64",
    .gdb_arch = "i386:x86-64",
    .triple = "x86_64-pc-linux-gnu",
    .elf_machine = EM_X86_64,
    .regs = x86_64_regs,
    .nregs = sizeof x86_64_regs / sizeof x86_64_regs[0],
    .g_len = 816,
    .pc_regno = 16,
    .sp_regno = 7,
    .fp_regno = 6,
    .expedite = x86_64_expedite,
    .target_xml = XML_HEAD XML_CORE XML_SSE XML_LINUX XML_SEGMENTS XML_AVX XML_TAIL,
    .trap = x86_64_trap,
    .trap_len = sizeof x86_64_trap,
    .bp_kind = 1,
    .pc_after_trap_advanced = true,
    .ptr_size = 8,
};
