/*
 * tests/unit/test_regcache.c - stub/regcache.c and stub/hwdebug.c against real traced children: the
 * child loads known values (xmm0, ymm1, an x87 stack) and stops itself; the test reads them through
 * the regcache, cross-checks the GPRs with PTRACE_PEEKUSER, writes registers and sees the child use
 * them; then hardware watchpoints and breakpoints fire in a child and DR6 names the slot. The
 * debug-register table logic is also tested without a child. x86-64 only (the tests are skipped
 * elsewhere).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/arch.h"
#include "stub/hwdebug.h"
#include "stub/regcache.h"

#if defined(__x86_64__)

/* ------------------------------------------------------------------ helpers */

/* Forks a child that runs fn under PTRACE_TRACEME; returns once the child is in its first stop (fn
 * stops itself with SIGSTOP). The child dies with the test process (PTRACE_O_EXITKILL). */
static pid_t spawn_traced(void (*fn)(void))
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
            _exit(127);
        fn();
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, __WALL), pid);
    ck_assert_msg(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "status %#x", status);
    ck_assert_int_eq(ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_EXITKILL), 0);
    return pid;
}

/* Continues the child and returns its next wait status. */
static int cont_and_wait(pid_t pid)
{
    int status;
    ck_assert_int_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
    ck_assert_int_eq(waitpid(pid, &status, __WALL), pid);
    return status;
}

static uint64_t peek_user(pid_t pid, size_t off)
{
    errno = 0;
    long v = ptrace(PTRACE_PEEKUSER, pid, (void *)off, NULL);
    ck_assert_int_eq(errno, 0);
    return (uint64_t)v;
}

static uint64_t le64(const uint8_t *b, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | b[i];
    return v;
}

static unsigned regno(const struct arch_desc *a, const char *name)
{
    int r = arch_regno_by_name(a, name);
    ck_assert_msg(r >= 0, "no register %s in %s", name, a->name);
    return (unsigned)r;
}

static uint64_t read_u64(struct regcache *rc, const char *name)
{
    unsigned r = regno(rc->arch, name);
    uint8_t buf[8];
    size_t len = rc->arch->regs[r].size_bits / 8;
    ck_assert_uint_le(len, sizeof buf);
    ck_assert_int_eq(regcache_read(rc, r, buf, len), 0);
    return le64(buf, len);
}

/* ------------------------------------------------------------------ regcache */

static const uint8_t ymm_pattern[32] = {
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

/* Loads xmm0 (and ymm1 when AVX is there), pushes 1.0 and 0.0 on the x87 stack, stops itself with a
 * raw kill(getpid(), SIGSTOP) so no library code runs between, then exits with whatever rax the
 * syscall "returned" - the tracer rewrites it. */
static void regs_child(void)
{
    long pid = getpid(), ret;
    if (__builtin_cpu_supports("avx"))
        __asm__ volatile("vmovdqu (%0), %%ymm1" ::"r"(ymm_pattern) : "xmm1");
    __asm__ volatile("movdqu (%[x]), %%xmm0\n\t"
                     "finit\n\t"
                     "fld1\n\t"
                     "fldz\n\t"
                     "syscall\n\t"
                     "fstp %%st(0)\n\t"
                     "fstp %%st(0)\n\t"
                     : "=a"(ret)
                     : "a"(62L /* SYS_kill */), "D"(pid), "S"((long)SIGSTOP), [x] "r"(ymm_pattern)
                     : "rcx", "r11", "xmm0", "memory", "cc");
    _exit((int)(ret & 0xff));
}

START_TEST(test_regcache_live)
{
    pid_t pid = spawn_traced(regs_child);
    uint64_t xcr0 = 0;
    ck_assert_int_eq(regcache_xcr0(pid, &xcr0), 0);
    ck_assert_uint_ne(xcr0 & 3, 0); /* x87 and SSE are always enabled on x86-64 */
    const struct arch_desc *arch = regcache_host_arch(pid);
    bool avx = __builtin_cpu_supports("avx");
    ck_assert_ptr_eq(arch, avx ? &arch_x86_64_avx : &arch_x86_64);
    ck_assert_int_eq(!!(xcr0 & 4), avx);

    struct regcache rc;
    regcache_init(&rc, pid, arch);

    /* GPRs agree with PTRACE_PEEKUSER */
    uint64_t rip = read_u64(&rc, "rip"), rsp = read_u64(&rc, "rsp");
    ck_assert_uint_eq(rip, peek_user(pid, offsetof(struct user_regs_struct, rip)));
    ck_assert_uint_eq(rsp, peek_user(pid, offsetof(struct user_regs_struct, rsp)));
    ck_assert_uint_ne(rsp, 0);
    uint64_t pc;
    ck_assert_int_eq(regcache_get_pc(&rc, &pc), 0);
    ck_assert_uint_eq(pc, rip);
    ck_assert_uint_eq(read_u64(&rc, "orig_rax"), 62);
    ck_assert_uint_eq(read_u64(&rc, "cs"), 0x33);
    uint64_t fs_base = read_u64(&rc, "fs_base");
    ck_assert_uint_ne(fs_base, 0);
    ck_assert_uint_eq(fs_base, peek_user(pid, offsetof(struct user_regs_struct, fs_base)));
    ck_assert_uint_eq(read_u64(&rc, "eflags") & 0x2, 0x2); /* bit 1 always reads 1 */

    /* SSE and x87 */
    uint8_t v[16];
    ck_assert_int_eq(regcache_read(&rc, regno(arch, "xmm0"), v, 16), 0);
    ck_assert_mem_eq(v, ymm_pattern, 16);
    ck_assert_uint_eq(read_u64(&rc, "fctrl"), 0x37f);         /* finit */
    ck_assert_uint_eq((read_u64(&rc, "fstat") >> 11) & 7, 6); /* TOP after two pushes */
    /* physical 7 = ST(1) = 1.0: valid (00); physical 6 = ST(0) = 0.0: zero (01); rest empty (11) */
    ck_assert_uint_eq(read_u64(&rc, "ftag"), 0x1fff);
    static const uint8_t one[10] = {0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f}, zero[10] = {0};
    uint8_t st[10];
    ck_assert_int_eq(regcache_read(&rc, regno(arch, "st0"), st, 10), 0);
    ck_assert_mem_eq(st, zero, 10);
    ck_assert_int_eq(regcache_read(&rc, regno(arch, "st1"), st, 10), 0);
    ck_assert_mem_eq(st, one, 10);
    ck_assert_uint_eq(read_u64(&rc, "mxcsr") & 0x1f80, 0x1f80); /* default: all exceptions masked */

    /* AVX upper half of ymm1 */
    if (avx) {
        ck_assert_int_eq(regcache_read(&rc, regno(arch, "ymm1h"), v, 16), 0);
        ck_assert_mem_eq(v, ymm_pattern + 16, 16);
    }

    /* bad arguments */
    ck_assert_int_eq(regcache_read(&rc, arch->nregs, v, 8), -EINVAL);
    ck_assert_int_eq(regcache_read(&rc, regno(arch, "rax"), v, 4), -EINVAL);

    /* writes go through to the thread */
    uint8_t w[16];
    memset(w, 0, sizeof w);
    w[0] = 0x2a;
    ck_assert_int_eq(regcache_write(&rc, regno(arch, "rax"), w, 8), 0);
    regcache_invalidate(&rc);
    ck_assert_uint_eq(read_u64(&rc, "rax"), 0x2a);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user_regs_struct, rax)), 0x2a);

    for (int i = 0; i < 16; i++)
        w[i] = (uint8_t)(0xc0 + i);
    ck_assert_int_eq(regcache_write(&rc, regno(arch, "xmm2"), w, 16), 0);
    regcache_invalidate(&rc);
    ck_assert_int_eq(regcache_read(&rc, regno(arch, "xmm2"), v, 16), 0);
    ck_assert_mem_eq(v, w, 16);
    if (avx) {
        uint8_t h[16];
        for (int i = 0; i < 16; i++)
            h[i] = (uint8_t)(0x50 + i);
        ck_assert_int_eq(regcache_write(&rc, regno(arch, "ymm2h"), h, 16), 0);
        regcache_invalidate(&rc);
        ck_assert_int_eq(regcache_read(&rc, regno(arch, "ymm2h"), v, 16), 0);
        ck_assert_mem_eq(v, h, 16);
        ck_assert_int_eq(regcache_read(&rc, regno(arch, "xmm2"), v, 16), 0);
        ck_assert_mem_eq(v, w, 16); /* the XSAVE write kept the lower half */
        ck_assert_int_eq(regcache_read(&rc, regno(arch, "ymm1h"), v, 16), 0);
        ck_assert_mem_eq(v, ymm_pattern + 16, 16);
    }
    /* ftag: gdb's full word is stored abridged and rebuilt from the contents */
    uint8_t tag[4] = {0xff, 0x3f, 0, 0}; /* only physical 7 in use */
    ck_assert_int_eq(regcache_write(&rc, regno(arch, "ftag"), tag, 4), 0);
    regcache_invalidate(&rc);
    ck_assert_uint_eq(read_u64(&rc, "ftag"), 0x3fff);

    /* values the kernel refuses */
    uint8_t bad[8] = {0, 0, 0, 0, 0, 0x80, 0xff, 0xff}; /* a kernel address */
    ck_assert_int_eq(regcache_write(&rc, regno(arch, "fs_base"), bad, 8), -EINVAL);
    uint8_t bad_cs[4] = {0x34, 0x12, 0, 0}; /* RPL 0: not a user selector */
    ck_assert_int_eq(regcache_write(&rc, regno(arch, "cs"), bad_cs, 4), -EINVAL);
    ck_assert_int_eq(regcache_write(&rc, regno(arch, "rax"), bad, 4), -EINVAL); /* wrong size */
    regcache_invalidate(&rc);
    ck_assert_uint_eq(read_u64(&rc, "fs_base"), fs_base);
    ck_assert_uint_eq(read_u64(&rc, "cs"), 0x33);

    ck_assert_int_eq(regcache_set_pc(&rc, rip), 0);
    ck_assert_int_eq(regcache_get_pc(&rc, &pc), 0);
    ck_assert_uint_eq(pc, rip);

    /* the child sees the rax we wrote as the syscall's result */
    int status = cont_and_wait(pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0x2a, "status %#x", status);

    /* the thread is gone */
    regcache_init(&rc, pid, arch);
    ck_assert_int_eq(regcache_read(&rc, regno(arch, "rip"), v, 8), -ESRCH);
    ck_assert_int_eq(regcache_xcr0(pid, &xcr0), -ESRCH);
}
END_TEST

/* ------------------------------------------------------------------ hwdebug: the table */

START_TEST(test_hwdebug_table)
{
    struct hwdebug hw;
    hwdebug_init(&hw);
    ck_assert(hwdebug_empty(&hw));

    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_READ, 0x1000, 4), -ENOTSUP);
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x1000, 0), -EINVAL);
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, ~0ull - 2, 8), -EINVAL);
    ck_assert_int_eq(hwdebug_insert(&hw, 0, 0x1000, 4), -EINVAL);

    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x1000, 4), 0);
    ck_assert(!hwdebug_empty(&hw));
    ck_assert_uint_eq(hw.addr[0], 0x1000);
    ck_assert_uint_eq(hw.dr7, arch_x86_dr7_set(0, 0, ARCH_DR_WRITE, 4));
    /* the same request again shares the slot */
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x1000, 4), 0);
    ck_assert_uint_eq(hw.slot_req[0].refs, 2);
    ck_assert(!arch_x86_dr7_slot_enabled(hw.dr7, 1));

    /* an unaligned 8-byte range takes three slots: 0x2002/2, 0x2004/4, 0x2008/2 */
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_ACCESS, 0x2002, 8), 0);
    ck_assert_uint_eq(hw.addr[1], 0x2002);
    ck_assert_uint_eq(hw.addr[2], 0x2004);
    ck_assert_uint_eq(hw.addr[3], 0x2008);
    uint64_t dr7 = arch_x86_dr7_set(0, 0, ARCH_DR_WRITE, 4);
    dr7 = arch_x86_dr7_set(dr7, 1, ARCH_DR_ACCESS, 2);
    dr7 = arch_x86_dr7_set(dr7, 2, ARCH_DR_ACCESS, 4);
    dr7 = arch_x86_dr7_set(dr7, 3, ARCH_DR_ACCESS, 2);
    ck_assert_uint_eq(hw.dr7, dr7);
    for (unsigned s = 1; s < 4; s++) {
        ck_assert_int_eq(hw.slot_req[s].kind, HWDEBUG_ACCESS);
        ck_assert_uint_eq(hw.slot_req[s].addr, 0x2002);
        ck_assert_uint_eq(hw.slot_req[s].len, 8);
    }
    /* full */
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_EXEC, 0x401000, 1), -ENOSPC);
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_ACCESS, 0x2002, 4), -ENOENT);
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_WRITE, 0x2002, 8), -ENOENT);
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_ACCESS, 0x2002, 8), 0);
    ck_assert_uint_eq(hw.dr7, arch_x86_dr7_set(0, 0, ARCH_DR_WRITE, 4));

    /* a range that can never fit */
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x3000, 40), -ENOSPC);
    ck_assert_uint_eq(hw.dr7, arch_x86_dr7_set(0, 0, ARCH_DR_WRITE, 4));

    /* exec breakpoints: one slot, LEN 00, whatever kind gdb sent */
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_EXEC, 0x401003, 1), 0);
    ck_assert_uint_eq(hw.addr[1], 0x401003);
    ck_assert_uint_eq((hw.dr7 >> 20) & 0xf, 0);
    ck_assert(arch_x86_dr7_slot_enabled(hw.dr7, 1));
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_EXEC, 0x401003, 1), 0);

    /* refcounted: the first remove keeps the slot */
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_WRITE, 0x1000, 4), 0);
    ck_assert(!hwdebug_empty(&hw));
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_WRITE, 0x1000, 4), 0);
    ck_assert(hwdebug_empty(&hw));
    ck_assert_uint_eq(hw.dr7, 0);
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_WRITE, 0x1000, 4), -ENOENT);

    /* four slots, then -ENOSPC for the fifth */
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x5000 + 8 * i, 8), 0);
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x5020, 8), -ENOSPC);
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, 0x5000, 8), 0); /* shared, still fits */
}
END_TEST

/* ------------------------------------------------------------------ hwdebug: a live child */

static volatile int watched_var;
static volatile long unused_var; /* watched, never written */

__attribute__((noinline)) static void hw_target_func(void)
{
    __asm__ volatile("" ::: "memory");
    watched_var++;
}

static void hw_child(void)
{
    raise(SIGSTOP);
    watched_var = 42; /* the watchpoint fires here */
    hw_target_func(); /* the exec breakpoint fires here */
    _exit(watched_var == 43 ? 0 : 1);
}

START_TEST(test_hwdebug_live)
{
    pid_t pid = spawn_traced(hw_child);
    struct hwdebug hw;
    hwdebug_init(&hw);
    uint64_t var = (uint64_t)(uintptr_t)&watched_var;
    uint64_t func = (uint64_t)(uintptr_t)&hw_target_func;
    enum hwdebug_kind kind;
    uint64_t addr;

    /* nothing fired yet */
    ck_assert_int_eq(hwdebug_check_hit(&hw, pid, &kind, &addr), 0);
    ck_assert_int_eq(kind, 0);

    /* a write watchpoint in slot 1 (slot 0 holds an unrelated one) */
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, (uint64_t)(uintptr_t)&unused_var, 8), 0);
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_WRITE, var, sizeof watched_var), 0);
    ck_assert_int_eq(hwdebug_apply(&hw, pid), 0);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user, u_debugreg[1])), var);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user, u_debugreg[7])), hw.dr7);

    int status = cont_and_wait(pid);
    ck_assert_msg(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP, "status %#x", status);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user, u_debugreg[6])) & ARCH_X86_DR6_HIT_MASK,
                      0x2);
    ck_assert_int_eq(hwdebug_check_hit(&hw, pid, &kind, &addr), 0);
    ck_assert_int_eq(kind, HWDEBUG_WRITE);
    ck_assert_uint_eq(addr, var);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user, u_debugreg[6])) & ARCH_X86_DR6_HIT_MASK,
                      0);
    /* x86 traps after the write */
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)var, NULL);
    ck_assert_int_eq(errno, 0);
    ck_assert_int_eq((int)word, 42);

    /* an exec breakpoint on a function stops before its first instruction */
    ck_assert_int_eq(hwdebug_remove(&hw, HWDEBUG_WRITE, var, sizeof watched_var), 0);
    ck_assert_int_eq(hwdebug_insert(&hw, HWDEBUG_EXEC, func, 1), 0);
    ck_assert_int_eq(hwdebug_apply(&hw, pid), 0);
    status = cont_and_wait(pid);
    ck_assert_msg(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP, "status %#x", status);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user_regs_struct, rip)), func);
    ck_assert_int_eq(hwdebug_check_hit(&hw, pid, &kind, &addr), 0);
    ck_assert_int_eq(kind, HWDEBUG_EXEC);
    ck_assert_uint_eq(addr, func);

    /* a kernel address is refused by Linux */
    struct hwdebug bad;
    hwdebug_init(&bad);
    ck_assert_int_eq(hwdebug_insert(&bad, HWDEBUG_WRITE, 0xffffffff81000000ull, 8), 0);
    ck_assert_int_lt(hwdebug_apply(&bad, pid), 0);

    /* clear_thread zeroes DR7 and the addresses; the child then runs to its end */
    ck_assert_int_eq(hwdebug_apply(&hw, pid), 0);
    ck_assert_uint_ne(peek_user(pid, offsetof(struct user, u_debugreg[7])), 0);
    ck_assert_int_eq(hwdebug_clear_thread(pid), 0);
    ck_assert_uint_eq(peek_user(pid, offsetof(struct user, u_debugreg[7])), 0);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(peek_user(pid, offsetof(struct user, u_debugreg[i])), 0);
    status = cont_and_wait(pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
    ck_assert_int_eq(hwdebug_apply(&hw, pid), -ESRCH);
}
END_TEST

static Suite *regcache_suite(void)
{
    Suite *s = suite_create("regcache");
    TCase *tc = tcase_create("regcache");
    tcase_add_test(tc, test_regcache_live);
    suite_add_tcase(s, tc);
    tc = tcase_create("hwdebug");
    tcase_add_test(tc, test_hwdebug_table);
    tcase_add_test(tc, test_hwdebug_live);
    suite_add_tcase(s, tc);
    return s;
}

/* Whether this machine lets a process trace its child at all (containers often forbid ptrace). */
static bool ptrace_permitted(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
            _exit(127);
        raise(SIGSTOP);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, __WALL) != pid)
        return false;
    if (WIFSTOPPED(status)) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, __WALL);
        return true;
    }
    return false;
}

int main(void)
{
    if (!ptrace_permitted()) {
        puts("ptrace is not permitted here: regcache/hwdebug tests skipped");
        return 77;
    }
    SRunner *sr = srunner_create(regcache_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#else /* !__x86_64__ */

int main(void)
{
    puts("regcache/hwdebug tests run on x86-64 only");
    return 77;
}

#endif
