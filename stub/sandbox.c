/*
 * stub/sandbox.c - no_new_privs, the capability drop and the seccomp allow-list (sandbox.h). The
 * filter is raw classic BPF built at run time from one table of rules: the list of system calls
 * was taken from strace runs of every integration test (gdb, lldb, gcore, watchpoints, launch,
 * --persist, the safety tests) after "Listening on port", plus what glibc and libev call on paths
 * those runs do not reach (abort, malloc growth, libev's poll fallback). Design notes and the list
 * with reasons: doc/internals/sandbox.md. Not for: deciding when to sandbox (main.c) or logging.
 */
#include "config.h"

#include "stub/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SANDBOX_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

#ifndef SECCOMP_RET_TRAP
#define SECCOMP_RET_TRAP 0x00030000U
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* O_TMPFILE is __O_TMPFILE | O_DIRECTORY; only the first bit means "create". */
#define OPEN_CREATE_FLAGS (O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | (O_TMPFILE & ~O_DIRECTORY))

/* What a rule checks before allowing the call; every check that fails kills the stub. */
enum rule_check {
    CHK_NONE,       /* allowed whatever the arguments */
    CHK_OPEN_FLAGS, /* argument arg (the flags): none of OPEN_CREATE_FLAGS; O_RDWR is allowed */
    CHK_PROT,       /* argument arg (the protection): no PROT_EXEC */
    CHK_FAMILY,     /* argument 0: AF_INET, AF_INET6 or AF_UNIX */
    CHK_PID,        /* argument 0 (a pid_t) > 0: one process, never a group or every process */
    CHK_NULL_ADDR,  /* argument arg (a pointer) is NULL: sendto on a connected socket only */
    CHK_EQ,         /* argument arg == val (an int or unsigned int argument) */
    CHK_EPERM,      /* never allowed, but fails with EPERM instead of killing the stub */
};

struct rule {
    int nr;
    enum rule_check check;
    unsigned arg;
    uint32_t val; /* CHK_EQ only */
};

// clang-format off
#define ALLOW(name) {__NR_##name, CHK_NONE, 0, 0}
// clang-format on

/* The allow-list, hottest first (the filter tests them in order). #ifdef where a call exists on one
 * architecture only (aarch64 has no open, poll, epoll_wait, readlink...). */
static const struct rule rules[] = {
    // clang-format off
    /* run control and memory: the stub's main work */
    ALLOW(ptrace),
    ALLOW(wait4),
    ALLOW(waitid),
    ALLOW(process_vm_readv),
    ALLOW(process_vm_writev),
    ALLOW(pread64),              /* /proc/PID/mem, vFile pread */
    ALLOW(pwrite64),             /* /proc/PID/mem: breakpoints in read-only text */
    ALLOW(tgkill),               /* signals to one thread of a tracee; raise() and abort() */
    ALLOW(tkill),
    {__NR_kill, CHK_PID, 0, 0},     /* SIGCHLD to itself, SIGKILL to the process, kill(pid, 0) */
    /* the connection and the event loop */
    ALLOW(read),
    ALLOW(write),
    ALLOW(readv),
    ALLOW(writev),
    {__NR_sendto, CHK_NULL_ADDR, 4, 0},
    ALLOW(recvfrom),
#ifdef __NR_epoll_wait
    ALLOW(epoll_wait),
#endif
    ALLOW(epoll_pwait),
#ifdef __NR_epoll_pwait2
    ALLOW(epoll_pwait2),
#endif
    ALLOW(epoll_ctl),
    ALLOW(epoll_create1),        /* ev_loop_new runs after the sandbox */
#ifdef __NR_poll
    ALLOW(poll),
#endif
    ALLOW(ppoll),
#ifdef __NR_select
    ALLOW(select),
#endif
    ALLOW(pselect6),
    ALLOW(signalfd4),
    ALLOW(eventfd2),             /* libev's wakeup descriptor */
    ALLOW(pipe2),                /* the same where eventfd is missing */
    ALLOW(timerfd_create),       /* libev watches for clock jumps with one */
    ALLOW(timerfd_settime),
    ALLOW(timerfd_gettime),
    ALLOW(accept4),
    ALLOW(accept),
    ALLOW(setsockopt),           /* TCP_NODELAY, SO_KEEPALIVE on accepted connections */
    ALLOW(getsockopt),           /* SO_PEERCRED, SO_ERROR */
    ALLOW(getsockname),
    ALLOW(getpeername),
    ALLOW(shutdown),
    {__NR_socket, CHK_FAMILY, 0, 0},
    ALLOW(close),
    ALLOW(fcntl),
    ALLOW(uname),                /* libev reads the kernel version in ev_loop_new */
    /* getnameinfo of a client's IPv6 link-local address names its scope: if_indextoname */
    {__NR_ioctl, CHK_EQ, 1, SIOCGIFNAME},
    /* /proc and vFile: reading files, opening /proc/PID/mem for writing */
    {__NR_openat, CHK_OPEN_FLAGS, 2, 0},
#ifdef __NR_open
    {__NR_open, CHK_OPEN_FLAGS, 1, 0},
#endif
    ALLOW(lseek),
    ALLOW(fstat),
    ALLOW(newfstatat),
#ifdef __NR_stat
    ALLOW(stat),
    ALLOW(lstat),
#endif
    ALLOW(statx),
    ALLOW(getdents64),           /* /proc/PID/task when --persist attaches again */
#ifdef __NR_readlink
    ALLOW(readlink),
#endif
    ALLOW(readlinkat),           /* /proc/PID/exe */
    /* memory (malloc, libev's realloc) */
    ALLOW(brk),
    {__NR_mmap, CHK_PROT, 2, 0},
    {__NR_mprotect, CHK_PROT, 2, 0},
    ALLOW(munmap),
    ALLOW(mremap),
    ALLOW(madvise),
    /* time, signals, ids, ending */
    ALLOW(clock_gettime),        /* the vDSO falls back to the syscall for some clocks */
    ALLOW(clock_getres),
    ALLOW(gettimeofday),
#ifdef __NR_time
    ALLOW(time),
#endif
    ALLOW(nanosleep),
    ALLOW(clock_nanosleep),      /* lwp_nap while a stop is awaited */
    ALLOW(sched_yield),
    ALLOW(futex),                /* glibc's locks (stdio) */
    ALLOW(getrandom),            /* glibc's malloc seeds with it */
    ALLOW(rt_sigprocmask),
    ALLOW(rt_sigaction),
    ALLOW(rt_sigreturn),
    ALLOW(sigaltstack),
    ALLOW(restart_syscall),
    ALLOW(getpid),
    ALLOW(gettid),
    ALLOW(getppid),
    ALLOW(getuid),
    ALLOW(geteuid),
    ALLOW(getgid),
    ALLOW(getegid),
    ALLOW(exit),
    ALLOW(exit_group),
    /* net_close_listeners removes a unix:PATH socket at the end: the file stays (the next start
     * replaces a stale socket), the stub ends normally. Allowing unlink would let a stub that is
     * taken over delete any file. */
#ifdef __NR_unlink
    {__NR_unlink, CHK_EPERM, 0, 0},
#endif
    {__NR_unlinkat, CHK_EPERM, 0, 0},
    // clang-format on
};

#define FILTER_MAX 512

struct prog {
    struct sock_filter insn[FILTER_MAX];
    size_t n;
};

static void emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
    if (p->n < FILTER_MAX)
        p->insn[p->n] = (struct sock_filter){.code = code, .jt = jt, .jf = jf, .k = k};
    p->n++; /* counted past the end too: build_filter checks n against FILTER_MAX */
}

/* Offsets of the halves of a 64-bit argument in struct seccomp_data. */
static uint32_t arg_lo(unsigned i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#else
    return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#endif
}

static uint32_t arg_hi(unsigned i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#else
    return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#endif
}

#define LD_ABS (BPF_LD | BPF_W | BPF_ABS)
/* A denied call is not run; the kernel sends SIGSYS instead (SECCOMP_RET_TRAP). gostub's crash
 * handler (stub/loop.c) puts the original bytes back into the tracee and dies of SIGSYS; without a
 * handler SIGSYS's default action ends the stub just the same. */
#define RET_KILL() emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP)
#define RET_ALLOW() emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW)

/* The body of a rule, run with the call number matched; always ends in a return. Jumps are relative
 * to the next instruction. int arguments (flags, prot, family, pid) are checked on their low 32
 * bits only, as the kernel reads them. */
static void emit_body(struct prog *p, const struct rule *r)
{
    switch (r->check) {
    case CHK_NONE:
        RET_ALLOW();
        break;
    case CHK_OPEN_FLAGS:
        emit(p, LD_ABS, 0, 0, arg_lo(r->arg));
        emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, OPEN_CREATE_FLAGS);
        RET_KILL();
        RET_ALLOW();
        break;
    case CHK_PROT:
        emit(p, LD_ABS, 0, 0, arg_lo(r->arg));
        emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, PROT_EXEC);
        RET_KILL();
        RET_ALLOW();
        break;
    case CHK_FAMILY:
        emit(p, LD_ABS, 0, 0, arg_lo(0));
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 3, 0, AF_INET);
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, AF_INET6);
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AF_UNIX);
        RET_KILL();
        RET_ALLOW();
        break;
    case CHK_PID:
        /* 0 is the caller's process group, negative values a group or (-1) every process. */
        emit(p, LD_ABS, 0, 0, arg_lo(0));
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0);
        emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, 0x7fffffffU);
        RET_KILL();
        RET_ALLOW();
        break;
    case CHK_EPERM:
        emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
        break;
    case CHK_EQ:
        emit(p, LD_ABS, 0, 0, arg_lo(r->arg));
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, r->val);
        RET_KILL();
        RET_ALLOW();
        break;
    case CHK_NULL_ADDR:
        emit(p, LD_ABS, 0, 0, arg_lo(r->arg));
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0);
        emit(p, LD_ABS, 0, 0, arg_hi(r->arg));
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0);
        RET_KILL();
        RET_ALLOW();
        break;
    }
}

/* arch check, (x86_64) no x32 calls, then per rule "nr == N ? body : next rule", then kill. */
static int build_filter(struct prog *p)
{
    p->n = 0;
#ifdef SANDBOX_AUDIT_ARCH
    emit(p, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, arch));
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SANDBOX_AUDIT_ARCH);
    RET_KILL();
    emit(p, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
    /* x32 calls share the arch value and are told apart by this bit (linux/unistd.h). */
    emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000U);
    RET_KILL();
#endif
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        size_t at = p->n;
        emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, (uint32_t)rules[i].nr);
        emit_body(p, &rules[i]);
        size_t body = p->n - at - 1;
        if (body > 255 || p->n > FILTER_MAX)
            return -E2BIG;
        p->insn[at].jf = (uint8_t)body;
    }
    RET_KILL();
    return p->n <= FILTER_MAX ? 0 : -E2BIG;
#else
    return -ENOTSUP;
#endif
}

size_t sandbox_filter_len(void)
{
    static struct prog p;
    return build_filter(&p) == 0 ? p.n : 0;
}

int sandbox_install_filter(char *err, size_t errlen)
{
    static struct prog p; /* 4 KiB: not on the stack */
    int rc = build_filter(&p);
    if (rc < 0) {
        snprintf(err, errlen, "seccomp: no filter for this architecture: run with --no-sandbox");
        return rc;
    }
    struct sock_fprog fprog = {.len = (unsigned short)p.n, .filter = p.insn};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
        return 0;
    rc = -errno;
    if (rc == -ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0)
        return 0;
    if (rc == -ENOSYS)
        rc = -errno;
    snprintf(err, errlen,
             "seccomp: %s: the kernel lacks seccomp filters (%s); run with --no-sandbox",
             strerror(-rc), "CONFIG_SECCOMP_FILTER, Linux 4.14 or later");
    return rc;
}

/* ------------------------------------------------------------------ capabilities */

static int cap_get(struct __user_cap_data_struct d[2])
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    memset(d, 0, 2 * sizeof d[0]);
    return syscall(SYS_capget, &h, d) == 0 ? 0 : -errno;
}

enum cap_set { CAP_SET_EFFECTIVE, CAP_SET_PERMITTED, CAP_SET_INHERITABLE };

static uint64_t cap_word(const struct __user_cap_data_struct d[2], enum cap_set set)
{
    uint64_t w = 0;
    for (int i = 1; i >= 0; i--) {
        uint32_t v = set == CAP_SET_EFFECTIVE   ? d[i].effective
                     : set == CAP_SET_PERMITTED ? d[i].permitted
                                                : d[i].inheritable;
        w = w << 32 | v;
    }
    return w;
}

/* The bounding set caps what a later execve could give back; dropping needs CAP_SETPCAP, so a stub
 * that is not root skips it (it cannot gain anything: no_new_privs is set and execve is denied). */
static int drop_bounding(uint64_t permitted, char *err, size_t errlen)
{
    if (!(permitted & (UINT64_C(1) << CAP_SETPCAP)))
        return 0;
    for (int cap = 0; cap < 64; cap++) {
        if (SANDBOX_KEPT_CAPS & (UINT64_C(1) << cap))
            continue;
        int in = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);
        if (in < 0)
            break; /* EINVAL: past the kernel's last capability */
        if (in == 1 && prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0) {
            int e = errno;
            snprintf(err, errlen, "cannot drop capability %d from the bounding set: %s", cap,
                     strerror(e));
            return -e;
        }
    }
    return 0;
}

static int drop_caps(char *err, size_t errlen)
{
    struct __user_cap_data_struct d[2];
    int rc = cap_get(d);
    if (rc < 0) {
        snprintf(err, errlen, "capget: %s", strerror(-rc));
        return rc;
    }
    uint64_t permitted = cap_word(d, CAP_SET_PERMITTED);
    rc = drop_bounding(permitted, err, errlen);
    if (rc < 0)
        return rc;
    /* EINVAL before Linux 4.3 (no ambient set): then there is nothing to clear. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
        int e = errno;
        snprintf(err, errlen, "cannot clear the ambient capabilities: %s", strerror(e));
        return -e;
    }
    uint64_t keep = permitted & SANDBOX_KEPT_CAPS;
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    memset(d, 0, sizeof d);
    d[0].effective = d[0].permitted = (uint32_t)keep;
    d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
    if (syscall(SYS_capset, &h, d) < 0) {
        int e = errno;
        snprintf(err, errlen, "capset: %s", strerror(e));
        return -e;
    }
    /* Read back: a capset that "succeeded" but left more is a bug worth stopping for. */
    rc = cap_get(d);
    if (rc == 0 && ((cap_word(d, CAP_SET_EFFECTIVE) | cap_word(d, CAP_SET_PERMITTED) |
                     cap_word(d, CAP_SET_INHERITABLE)) &
                    ~SANDBOX_KEPT_CAPS))
        rc = -EPERM;
    if (rc < 0)
        snprintf(err, errlen, "capabilities still held after capset: %s", strerror(-rc));
    return rc;
}

int sandbox_enter(const struct sandbox_opts *o, char *err, size_t errlen)
{
    if (o && o->disabled)
        return 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot set no_new_privs: %s; run with --no-sandbox", strerror(e));
        return -e;
    }
    int rc = drop_caps(err, errlen);
    if (rc < 0)
        return rc;
#ifdef SANDBOX_SANITIZED
    return 0;
#else
    return sandbox_install_filter(err, errlen);
#endif
}
