/*
 * tests/unit/test_sandbox.c - stub/sandbox.c on real processes: forked children enter the sandbox
 * and then make one call each; allowed calls must work, denied ones must kill the child with
 * SIGSYS. Children report through their exit status only (after the sandbox they can neither create
 * files nor do what Check's reporting does). Also: no_new_privs, the capability sets and the
 * seccomp mode as /proc/self/status shows them, and the point of it all - a tracer killed by the
 * filter leaves its tracee running, untraced.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stub/sandbox.h"

/* Exit codes of a child whose sandbox or probe failed (a denied probe dies before exiting). */
enum { EX_OK = 0, EX_ENTER = 90, EX_PROBE = 91 };

/* "Field:\tvalue" of /proc/self/status (read with plain read: allowed in the sandbox). */
static int status_field(const char *name, char *out, size_t outlen)
{
    static char buf[8192];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    size_t len = strlen(name);
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, name, len) == 0 && l[len] == ':') {
            char *v = l + len + 1;
            v += strspn(v, " \t");
            size_t vl = strcspn(v, "\n");
            if (vl >= outlen)
                return -1;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return 0;
        }
    }
    return -1;
}

/* sandbox_enter, plus the filter itself where sandbox_enter leaves it out (sanitizer builds). */
static int enter(void)
{
    char err[256];
    struct sandbox_opts o = {.disabled = false};
    char v[32];
    if (sandbox_enter(&o, err, sizeof err) < 0)
        return -1;
    if (status_field("Seccomp", v, sizeof v) == 0 && strcmp(v, "0") == 0 &&
        sandbox_install_filter(err, sizeof err) < 0)
        return -1;
    return 0;
}

/* Forks; the child enters the sandbox and runs probe(arg), exiting with its result. Returns the
 * wait status. */
static int run_sandboxed(int (*probe)(long), long arg)
{
    pid_t c = fork();
    ck_assert_int_ge(c, 0);
    if (c == 0) {
        if (enter() < 0)
            _exit(EX_ENTER);
        _exit(probe(arg) == 0 ? EX_OK : EX_PROBE);
    }
    int st;
    ck_assert_int_eq(waitpid(c, &st, 0), c);
    return st;
}

/* ------------------------------------------------------------------ probes */

static int p_ids_and_time(long a)
{
    (void)a;
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0 || getpid() <= 0 || syscall(SYS_gettid) <= 0)
        return -1;
    struct timespec nap = {0, 1000000};
    return nanosleep(&nap, NULL);
}

static int p_malloc(long a)
{
    (void)a;
    size_t len = 8u << 20; /* above the mmap threshold: mmap and munmap */
    char *p = malloc(len);
    if (!p)
        return -1;
    memset(p, 1, len);
    free(p);
    void *q = NULL;
    for (int i = 0; i < 1000; i++) { /* brk growth */
        q = realloc(q, (size_t)(i + 1) * 64);
        if (!q)
            return -1;
    }
    free(q);
    return 0;
}

static int p_read_proc(long a)
{
    (void)a;
    char buf[256];
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, buf, sizeof buf) <= 0 || pread(fd, buf, 16, 0) != 16)
        return -1;
    close(fd);
    return readlink("/proc/self/exe", buf, sizeof buf) > 0 ? 0 : -1;
}

/* O_RDWR is allowed: /proc/PID/mem is written through it. */
static int p_open_rdwr(long a)
{
    (void)a;
    int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    static volatile uint8_t cell = 1;
    uint8_t v = 7;
    if (pwrite(fd, &v, 1, (off_t)(uintptr_t)&cell) != 1 || cell != 7)
        return -1;
    return close(fd);
}

static int p_socket_ok(long family)
{
    int fd = socket((int)family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0)
        return -1;
    return close(fd);
}

static int p_socketpair_io(long a)
{
    (void)a;
    /* Made before the sandbox would be the realistic case; socketpair itself is not allowed, so use
     * a pipe for read/write and a TCP socket for sendto(NULL)/recvfrom returning errors. */
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0 || write(pfd[1], "x", 1) != 1)
        return -1;
    char c;
    if (read(pfd[0], &c, 1) != 1 || c != 'x')
        return -1;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    /* Not connected: ENOTCONN/EPIPE, but the call itself is allowed. */
    if (sendto(s, "x", 1, MSG_NOSIGNAL, NULL, 0) >= 0 || (errno != ENOTCONN && errno != EPIPE))
        return -1;
    return 0;
}

/* What net_format_addr does for a client connecting from an IPv6 link-local address: glibc names
 * the scope with if_indextoname, a socket and ioctl(SIOCGIFNAME). */
static int p_linklocal_name(long a)
{
    (void)a;
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(9000)};
    sin6.sin6_addr.s6_addr[0] = 0xfe;
    sin6.sin6_addr.s6_addr[1] = 0x80;
    sin6.sin6_addr.s6_addr[15] = 1;
    sin6.sin6_scope_id = 1; /* lo: index 1 in every network namespace */
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (getnameinfo((struct sockaddr *)&sin6, sizeof sin6, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return -1;
    return strcmp(host, "fe80::1%lo") == 0 ? 0 : -1;
}

static int p_kill_self(long a)
{
    (void)a;
    return kill(getpid(), 0);
}

static int p_exec_mprotect_ok(long a)
{
    (void)a;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ) < 0)
        return -1;
    return munmap(p, 4096);
}

/* Denied: each must kill the child before it returns. */
static int p_execve(long a)
{
    (void)a;
    char *argv[] = {(char *)"true", NULL};
    execve("/nonexistent/gostub-sandbox-test", argv, NULL); /* allowed: ENOENT */
    return 0;
}

static int p_fork(long a)
{
    (void)a;
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    return 0;
}

static int p_socket_denied(long family)
{
    int fd = socket((int)family, SOCK_RAW, 0);
    (void)fd;
    return 0;
}

static int p_open_flags(long flags)
{
    int fd = open("/tmp/gostub-sandbox-test-never", (int)flags | O_CLOEXEC, 0600);
    (void)fd;
    return 0;
}

static int p_mmap_exec(long a)
{
    (void)a;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    (void)p;
    return 0;
}

static int p_mprotect_exec(long a)
{
    (void)a;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    (void)mprotect(p, 4096, PROT_READ | PROT_EXEC);
    return 0;
}

static int p_kill_group(long pid)
{
    (void)kill((pid_t)pid, 0);
    return 0;
}

static int p_connect(long a)
{
    (void)a;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = {htonl(0x7f000001)}};
    (void)connect(s, (struct sockaddr *)&sin, sizeof sin);
    return 0;
}

static int p_bind(long a)
{
    (void)a;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = {htonl(0x7f000001)}};
    (void)bind(s, (struct sockaddr *)&sin, sizeof sin);
    return 0;
}

static int p_sendto_addr(long a)
{
    (void)a;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = {htonl(0x7f000001)}};
    (void)sendto(s, "x", 1, 0, (struct sockaddr *)&sin, sizeof sin);
    return 0;
}

static int p_ioctl(long a)
{
    (void)a;
    int n;
    (void)ioctl(0, FIONREAD, &n);
    return 0;
}

/* unlink fails with EPERM (the stub goes on) and deletes nothing. The file is made by test_probe
 * (outside the sandbox), one name per test process: parallel builds run this test at once. */
static char unlink_victim[64];

static int p_unlink(long a)
{
    (void)a;
    struct stat st;
    if (unlink(unlink_victim) == 0 || errno != EPERM)
        return -1;
    if (unlinkat(AT_FDCWD, unlink_victim, 0) == 0 || errno != EPERM)
        return -1;
    return stat(unlink_victim, &st);
}

static int p_setuid(long a)
{
    (void)a;
    (void)!setuid(0);
    return 0;
}

static int p_prctl(long a)
{
    (void)a;
    (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    return 0;
}

static int p_capset(long a)
{
    (void)a;
    (void)syscall(SYS_capset, NULL, NULL);
    return 0;
}

static int p_x32(long a)
{
    (void)a;
#ifdef __x86_64__
    (void)syscall(__NR_getpid | 0x40000000);
    return 0;
#else
    raise(SIGSYS); /* no x32 elsewhere: count it as denied */
    return 0;
#endif
}

struct probe_case {
    const char *name;
    int (*fn)(long);
    long arg;
    int want_sig; /* 0: exits 0; SIGSYS: killed by the filter */
};

static const struct probe_case cases[] = {
    // clang-format off
    {"ids and time",            p_ids_and_time,    0,                     0},
    {"malloc (mmap, brk)",      p_malloc,          0,                     0},
    {"read /proc, readlink",    p_read_proc,       0,                     0},
    {"open O_RDWR /proc/mem",   p_open_rdwr,       0,                     0},
    {"socket AF_INET",          p_socket_ok,       AF_INET,               0},
    {"socket AF_INET6",         p_socket_ok,       AF_INET6,              0},
    {"socket AF_UNIX",          p_socket_ok,       AF_UNIX,               0},
    {"pipe, sendto(NULL)",      p_socketpair_io,   0,                     0},
    {"getnameinfo link-local",  p_linklocal_name,  0,                     0},
    {"kill(getpid(), 0)",       p_kill_self,       0,                     0},
    {"mmap/mprotect no exec",   p_exec_mprotect_ok, 0,                    0},
    {"execve",                  p_execve,          0,                     SIGSYS},
    {"fork",                    p_fork,            0,                     SIGSYS},
    {"socket AF_PACKET",        p_socket_denied,   AF_PACKET,             SIGSYS},
    {"socket AF_NETLINK",       p_socket_denied,   AF_NETLINK,            SIGSYS},
    {"open O_CREAT",            p_open_flags,      O_RDONLY | O_CREAT,    SIGSYS},
    {"open O_WRONLY",           p_open_flags,      O_WRONLY,              SIGSYS},
    {"open O_RDWR|O_TRUNC",     p_open_flags,      O_RDWR | O_TRUNC,      SIGSYS},
    {"open O_APPEND",           p_open_flags,      O_RDWR | O_APPEND,     SIGSYS},
    {"open O_TMPFILE",          p_open_flags,      O_RDWR | O_TMPFILE,    SIGSYS},
    {"mmap PROT_EXEC",          p_mmap_exec,       0,                     SIGSYS},
    {"mprotect PROT_EXEC",      p_mprotect_exec,   0,                     SIGSYS},
    {"kill(0, 0)",              p_kill_group,      0,                     SIGSYS},
    {"kill(-1, 0)",             p_kill_group,      -1,                    SIGSYS},
    {"connect",                 p_connect,         0,                     SIGSYS},
    {"bind",                    p_bind,            0,                     SIGSYS},
    {"sendto with an address",  p_sendto_addr,     0,                     SIGSYS},
    {"ioctl",                   p_ioctl,           0,                     SIGSYS},
    {"unlink: EPERM, no kill",  p_unlink,          0,                     0},
    {"setuid",                  p_setuid,          0,                     SIGSYS},
    {"prctl",                   p_prctl,           0,                     SIGSYS},
    {"capset",                  p_capset,          0,                     SIGSYS},
    {"x32 getpid",              p_x32,             0,                     SIGSYS},
    // clang-format on
};

START_TEST(test_probe)
{
    const struct probe_case *pc = &cases[_i];
    snprintf(unlink_victim, sizeof unlink_victim, "/tmp/gostub-sandbox-test.%d", (int)getpid());
    int vfd = open(unlink_victim, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_int_ge(vfd, 0);
    close(vfd);
    int st = run_sandboxed(pc->fn, pc->arg);
    unlink(unlink_victim);
    if (pc->want_sig) {
        ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == pc->want_sig,
                      "%s: wanted death by signal %d, got status 0x%x", pc->name, pc->want_sig, st);
    } else {
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == EX_OK,
                      "%s: wanted exit 0, got status 0x%x (90: enter failed, 91: probe failed)",
                      pc->name, st);
    }
}
END_TEST

/* no_new_privs, the capability sets and the filter, as the kernel reports them. Exit codes tell
 * which field was wrong. */
static int p_status(long root)
{
    char v[64];
    char want[32];
    if (status_field("NoNewPrivs", v, sizeof v) < 0 || strcmp(v, "1") != 0)
        return 1;
    if (status_field("Seccomp", v, sizeof v) < 0 || strcmp(v, "2") != 0)
        return 2;
    snprintf(want, sizeof want, "%016llx", (unsigned long long)SANDBOX_KEPT_CAPS);
    const char *sets[] = {"CapEff", "CapPrm", "CapBnd"};
    for (int i = 0; i < 3; i++) {
        if (status_field(sets[i], v, sizeof v) < 0)
            return 3 + i;
        unsigned long long m = strtoull(v, NULL, 16);
        /* As root each set is exactly the kept ones; otherwise at most them (CapBnd untouched). */
        if (root ? strcmp(v, want) != 0 : (i < 2 && (m & ~SANDBOX_KEPT_CAPS)))
            return 3 + i;
    }
    if (status_field("CapInh", v, sizeof v) < 0 || strtoull(v, NULL, 16) != 0)
        return 6;
    if (status_field("CapAmb", v, sizeof v) == 0 && strtoull(v, NULL, 16) != 0)
        return 7;
    return 0;
}

START_TEST(test_status)
{
    pid_t c = fork();
    ck_assert_int_ge(c, 0);
    if (c == 0) {
        if (enter() < 0)
            _exit(EX_ENTER);
        _exit(p_status(geteuid() == 0));
    }
    int st;
    ck_assert_int_eq(waitpid(c, &st, 0), c);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "status 0x%x (1 NoNewPrivs, 2 Seccomp, 3 CapEff, 4 CapPrm, 5 CapBnd, 6 CapInh, "
                  "7 CapAmb, 90 enter failed)",
                  st);
}
END_TEST

START_TEST(test_disabled)
{
    pid_t c = fork();
    ck_assert_int_ge(c, 0);
    if (c == 0) {
        char err[128], v[32];
        struct sandbox_opts o = {.disabled = true};
        if (sandbox_enter(&o, err, sizeof err) < 0)
            _exit(EX_ENTER);
        if (status_field("NoNewPrivs", v, sizeof v) < 0 || strcmp(v, "0") != 0)
            _exit(1);
        if (status_field("Seccomp", v, sizeof v) < 0 || strcmp(v, "0") != 0)
            _exit(2);
        pid_t g = fork(); /* still allowed */
        if (g == 0)
            _exit(0);
        _exit(g > 0 && waitpid(g, NULL, 0) == g ? 0 : 3);
    }
    int st;
    ck_assert_int_eq(waitpid(c, &st, 0), c);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}
END_TEST

START_TEST(test_filter_size)
{
    size_t n = sandbox_filter_len();
    ck_assert_uint_gt(n, 50);
    ck_assert_uint_le(n, 512);
}
END_TEST

/* ------------------------------------------------------------------ tracer death */

static bool traced_by(pid_t pid, pid_t *tracer, char *state)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char *t = strstr(buf, "TracerPid:");
    const char *s = strstr(buf, "State:");
    if (!t || !s)
        return false;
    *tracer = (pid_t)strtol(t + 10, NULL, 10);
    s += 6;
    s += strspn(s, " \t");
    *state = *s;
    return true;
}

/* The victim: a sibling of the tracer that writes a byte to a pipe every 10 ms, forever. */
static void victim_main(int wfd)
{
    for (;;) {
        if (write(wfd, "v", 1) < 0 && errno != EAGAIN)
            _exit(1);
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
}

/* The tracer: seizes the victim, stops it, enters the sandbox, does what the stub does (waits,
 * reads registers and memory, resumes), stops it again, then makes a denied call. Exit codes only
 * if something before the denied call failed. */
static void tracer_main(pid_t victim)
{
    if (ptrace(PTRACE_SEIZE, victim, NULL, NULL) < 0)
        _exit(10);
    if (ptrace(PTRACE_INTERRUPT, victim, NULL, NULL) < 0)
        _exit(11);
    int st;
    if (waitpid(victim, &st, __WALL) != victim || !WIFSTOPPED(st))
        _exit(12);
    if (enter() < 0)
        _exit(EX_ENTER);
    /* Allowed workload: memory through process_vm_readv and /proc/PID/mem, a register, resume. */
    static long word;
    struct iovec l = {&word, sizeof word}, r = {&word, sizeof word}; /* same address: a fork */
    if (process_vm_readv(victim, &l, 1, &r, 1, 0) != (ssize_t)sizeof word)
        _exit(13);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)victim);
    int mfd = open(path, O_RDWR | O_CLOEXEC);
    if (mfd < 0 || pread(mfd, &word, sizeof word, (off_t)(uintptr_t)&word) != sizeof word)
        _exit(14);
    errno = 0;
    (void)ptrace(PTRACE_PEEKUSER, victim, NULL, NULL);
    if (errno)
        _exit(15);
    if (ptrace(PTRACE_CONT, victim, NULL, NULL) < 0)
        _exit(16);
    if (ptrace(PTRACE_INTERRUPT, victim, NULL, NULL) < 0 ||
        waitpid(victim, &st, __WALL) != victim || !WIFSTOPPED(st))
        _exit(17);
    /* The victim is stopped, held by us; now the forbidden call. */
    char *argv[] = {(char *)"true", NULL};
    execve("/nonexistent/gostub-sandbox-test", argv, NULL); /* allowed: ENOENT */
    _exit(18);
}

START_TEST(test_tracer_death)
{
    /* The victim is the tracer's child (so that kernel.yama.ptrace_scope=1 allows the attach
     * without root); once the tracer is gone it is reparented to us, the subreaper, and we can reap
     * it. */
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    int pfd[2], idfd[2];
    ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(idfd, O_CLOEXEC), 0);
    pid_t tracer = fork();
    ck_assert_int_ge(tracer, 0);
    if (tracer == 0) {
        pid_t v = fork();
        if (v < 0)
            _exit(9);
        if (v == 0) {
            close(pfd[0]);
            victim_main(pfd[1]);
        }
        if (write(idfd[1], &v, sizeof v) != (ssize_t)sizeof v)
            _exit(9);
        tracer_main(v);
    }
    close(pfd[1]);
    close(idfd[1]);
    pid_t victim = -1;
    ck_assert_int_eq(read(idfd[0], &victim, sizeof victim), (ssize_t)sizeof victim);
    close(idfd[0]);
    ck_assert_int_eq(fcntl(pfd[0], F_SETFL, O_NONBLOCK), 0);

    int st;
    ck_assert_int_eq(waitpid(tracer, &st, 0), tracer);
    if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)) {
        kill(victim, SIGKILL);
        waitpid(victim, NULL, 0);
        ck_abort_msg("tracer: wanted death by SIGSYS, got status 0x%x (exit codes 9-18: a step "
                     "before execve failed)",
                     st);
    }

    /* The kernel detached the victim when its tracer died: it runs on, untraced. */
    pid_t tr = -1;
    char state = '?';
    bool running = false;
    for (int i = 0; i < 200 && !running; i++) {
        char drain[256];
        while (read(pfd[0], drain, sizeof drain) > 0)
            ;
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        running = read(pfd[0], drain, sizeof drain) > 0;
    }
    ck_assert(traced_by(victim, &tr, &state));
    kill(victim, SIGKILL);
    waitpid(victim, NULL, 0);
    close(pfd[0]);
    ck_assert_msg(tr == 0, "victim still traced by %d", (int)tr);
    ck_assert_msg(running, "victim does not run after its tracer died (state %c)", state);
    ck_assert_msg(state != 't' && state != 'T', "victim stopped (state %c)", state);
}
END_TEST

static Suite *sandbox_suite(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("filter");
    tcase_add_loop_test(tc, test_probe, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_filter_size);
    suite_add_tcase(s, tc);
    tc = tcase_create("privileges");
    tcase_add_test(tc, test_status);
    tcase_add_test(tc, test_disabled);
    suite_add_tcase(s, tc);
    tc = tcase_create("tracer");
    tcase_add_test(tc, test_tracer_death);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sandbox_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
