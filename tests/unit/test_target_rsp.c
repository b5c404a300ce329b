/*
 * tests/unit/test_target_rsp.c - the RSP target (frontend/target/) against a real server: stock
 * gdbserver by default, gostub with TGT_TEST_SERVER=gostub (same tests), lldb-server with
 * TGT_TEST_SERVER=lldb-server (built as test_target_lldb), and with TGT_TEST_SERVER=qemu (built as
 * test_target_qemu) only test_qemu_arm64: qemu-aarch64 -g running a GOARCH=arm64 Go program. The
 * inferior is this program itself in "spinner" mode: two threads calling spin_hit() in a loop (the
 * all-stop case: both hit its breakpoint at the same moment), a main thread parked in pause(), a
 * known memory pattern and a mapping followed by a hole. Built without PIE, so the addresses of
 * spin_hit, pattern... are the same in the inferior. A scripted fake server checks that bad replies
 * give errors, not crashes.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontend/target/target.h"
#include "rsp/codec.h"

/* ------------------------------------------------------------------ the inferior ("spinner" mode)
 */

#define PAT_LEN (3 * 4096)
static unsigned char pattern[PAT_LEN] __attribute__((aligned(4096)));
static volatile uint64_t counter[2];
#define BIG_LEN (8u << 20)
static unsigned char big[BIG_LEN]; /* 20k "g structs" of 400 bytes for tgt_read_many */
static volatile int64_t worker_tid[2];
static volatile uint64_t worker_self[2];
static volatile int64_t g_offset; /* &fake_g - pthread_self(): where "g" sits relative to fs_base */
static volatile uint64_t hole_start; /* two readable pages end here; the next page is unmapped */
static volatile int ready;
static __thread uint64_t fake_g;
static volatile uint64_t handled; /* SIGUSR1 handler runs */

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

__attribute__((noinline)) void spin_hit(int i);
__attribute__((noinline)) void spin_hit(int i)
{
    counter[i]++;
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void ready_hit(void);
__attribute__((noinline)) void ready_hit(void)
{
    __asm__ volatile("" ::: "memory");
}

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    worker_tid[i] = (int64_t)syscall(SYS_gettid);
    worker_self[i] = (uint64_t)pthread_self();
    fake_g = 0x1000u + (unsigned)i;
    __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
    for (;;)
        spin_hit(i);
    return NULL;
}

/* The inferior must never outlive the test that made it (a failed assertion skips the clean-up, and
 * a detached spinner burns two CPUs): it ends itself when that process is gone, or after two
 * minutes. */
static pid_t watched;

static void *watchdog(void *arg)
{
    (void)arg;
    for (int i = 0; i < 120; i++) {
        sleep(1);
        if (watched > 0 && kill(watched, 0) < 0 && errno == ESRCH)
            break;
    }
    _exit(0);
    return NULL;
}

static int spinner_main(pid_t parent)
{
    watched = parent;
    signal(SIGUSR1, on_usr1);
    pthread_t wd;
    pthread_create(&wd, NULL, watchdog, NULL);
    for (size_t i = 0; i < PAT_LEN; i++)
        pattern[i] = (unsigned char)(i * 7 + 3);
    for (size_t i = 0; i < BIG_LEN; i += 8)
        memcpy(big + i, &i, 8);
    unsigned char *m =
        mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 1;
    memset(m, 0xab, 2 * 4096);
    munmap(m + 2 * 4096, 4096);
    hole_start = (uint64_t)(uintptr_t)(m + 2 * 4096);
    g_offset = (int64_t)((uintptr_t)&fake_g - (uintptr_t)pthread_self());
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
    while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 2)
        usleep(1000);
    ready_hit();
    for (;;)
        pause();
}

/* ------------------------------------------------------------------ servers */

static char self_path[4096];
#define WAIT_MS 30000

struct server {
    pid_t pid;
    struct tgt *t;
    pid_t inferior;
};

/* test_target_lldb is this file built with TGT_TEST_DEFAULT_SERVER="lldb-server" */
#ifndef TGT_TEST_DEFAULT_SERVER
#define TGT_TEST_DEFAULT_SERVER "gdbserver"
#endif

static const char *server_kind(void)
{
    const char *s = getenv("TGT_TEST_SERVER");
    return s != NULL && *s != '\0' ? s : TGT_TEST_DEFAULT_SERVER;
}

static bool is_lldb(void)
{
    return strcmp(server_kind(), "lldb-server") == 0;
}

static bool is_gdbserver(void)
{
    return strcmp(server_kind(), "gdbserver") == 0;
}

static const char *gostub_path(void)
{
    static char buf[4200];
    const char *g = getenv("GOSTUB");
    if (g != NULL)
        return g;
    const char *b = getenv("top_builddir");
    snprintf(buf, sizeof(buf), "%s/stub/gostub", b != NULL ? b : ".");
    return buf;
}

static const char *go_prog; /* when set, the server runs this Go program instead of the spinner */

/* lldb-server: fd is the connected socket (pipe mode) or where it writes its port (TCP, port 0). */
static int lldb_fd = -1;

static void exec_server(bool tcp)
{
    if (is_lldb()) {
        char parent[24], fdtext[16];
        snprintf(parent, sizeof(parent), "%d", (int)getppid());
        snprintf(fdtext, sizeof(fdtext), "%d", lldb_fd);
        if (tcp)
            execlp("lldb-server", "lldb-server", "gdbserver", "127.0.0.1:0", "--pipe", fdtext, "--",
                   self_path, "spinner", parent, (char *)NULL);
        else
            /* lldb-server 14 takes the first word after the options as [host]:port even with
             * --fd (and then ignores it): without the placeholder it would eat the program */
            execlp("lldb-server", "lldb-server", "gdbserver", "--fd", fdtext, "fd", "--", self_path,
                   "spinner", parent, (char *)NULL);
        _exit(127);
    }
    if (go_prog != NULL) {
        if (is_gdbserver())
            execlp("gdbserver", "gdbserver", "stdio", go_prog, "20", "4", (char *)NULL);
        else
            execl(gostub_path(), "gostub", "--stdio", "--", go_prog, "20", "4", (char *)NULL);
        _exit(127);
    }
    char parent[24];
    snprintf(parent, sizeof(parent), "%d",
             (int)getppid()); /* the test process (we are its child) */
    if (is_gdbserver()) {
        if (tcp)
            execlp("gdbserver", "gdbserver", "--once", "127.0.0.1:0", self_path, "spinner", parent,
                   (char *)NULL);
        else
            execlp("gdbserver", "gdbserver", "stdio", self_path, "spinner", parent, (char *)NULL);
    } else {
        const char *g = gostub_path();
        if (tcp)
            execl(g, "gostub", "-l", "127.0.0.1:0", "--", self_path, "spinner", parent,
                  (char *)NULL);
        else
            execl(g, "gostub", "--stdio", "--", self_path, "spinner", parent, (char *)NULL);
    }
    _exit(127);
}

/* Starts the server on a pipe pair and connects. */
static void start_lldb_pipe(struct server *s)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        lldb_fd = dup(sv[1]); /* without O_CLOEXEC: lldb-server talks over it */
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            if (getenv("TGT_TEST_VERBOSE") == NULL)
                dup2(devnull, 2);
        }
        exec_server(false);
    }
    close(sv[1]);
    const char *why = NULL;
    int rc = tgt_rsp_connect_fds(sv[0], dup(sv[0]), WAIT_MS, &s->t, &why);
    ck_assert_msg(rc == 0, "connect to %s: %s (%d)", server_kind(), why ? why : "?", rc);
    s->inferior = (pid_t)s->t->pid;
}

static void start_pipe(struct server *s)
{
    if (is_lldb()) {
        start_lldb_pipe(s);
        return;
    }
    int to[2], from[2];
    ck_assert_int_eq(pipe2(to, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(from, O_CLOEXEC), 0);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0 && getenv("TGT_TEST_VERBOSE") == NULL)
            dup2(devnull, 2);
        exec_server(false);
    }
    close(to[0]);
    close(from[1]);
    const char *why = NULL;
    int rc = tgt_rsp_connect_fds(from[0], to[1], WAIT_MS, &s->t, &why);
    ck_assert_msg(rc == 0, "connect to %s: %s (%d)", server_kind(), why ? why : "?", rc);
    s->inferior = (pid_t)s->t->pid;
}

/* Starts the server on TCP port 0 and connects to the port it prints. */
static void start_tcp(struct server *s)
{
    int err[2];
    ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        if (is_lldb()) {
            lldb_fd = dup(err[1]); /* it writes the port there, NUL-terminated */
            int devnull = open("/dev/null", O_RDWR);
            if (devnull >= 0 && getenv("TGT_TEST_VERBOSE") == NULL)
                dup2(devnull, 2);
            if (devnull >= 0)
                dup2(devnull, 1);
        } else {
            dup2(err[1], 2);
            dup2(err[1], 1);
        }
        exec_server(true);
    }
    close(err[1]);
    char text[4096];
    size_t len = 0;
    unsigned port = 0;
    while (port == 0 && len < sizeof(text) - 1) {
        ssize_t n = read(err[0], text + len, sizeof(text) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        text[len] = '\0';
        const char *p = strstr(text, "Listening on port ");
        if (p != NULL && strchr(p, '\n') != NULL)
            port = (unsigned)strtoul(p + 18, NULL, 10);
        if (is_lldb() && memchr(text, '\0', len) != NULL)
            port = (unsigned)strtoul(text, NULL, 10);
    }
    ck_assert_msg(port != 0, "no port from %s: %s", server_kind(), text);
    /* keep draining the server's output so that it never blocks on a full pipe */
    if (fork() == 0) {
        while (read(err[0], text, sizeof(text)) > 0)
            ;
        _exit(0);
    }
    close(err[0]);
    char hp[64];
    snprintf(hp, sizeof(hp), "127.0.0.1:%u", port);
    const char *why = NULL;
    int rc = tgt_rsp_connect(hp, WAIT_MS, &s->t, &why);
    ck_assert_msg(rc == 0, "connect %s: %s (%d)", hp, why ? why : "?", rc);
    s->inferior = (pid_t)s->t->pid;
}

static void stop_server(struct server *s)
{
    if (s->t != NULL && !s->t->exited)
        (void)s->t->ops->kill(s->t);
    tgt_close(s->t);
    s->t = NULL;
    if (s->inferior > 0)
        kill(s->inferior, SIGKILL);
    int status;
    for (int i = 0; i < 200; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid)
            return;
        usleep(10000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &status, 0);
}

static uint64_t addr_of(void (*f)(void))
{
    return (uint64_t)(uintptr_t)f;
}

static struct rsp_stop cont(struct tgt *t)
{
    struct tgt_resume r = {0};
    struct rsp_stop st;
    ck_assert_int_eq(t->ops->resume(t, &r), 0);
    int rc = t->ops->wait(t, &st, WAIT_MS);
    ck_assert_int_eq(rc, 0);
    return st;
}

/* Runs the inferior to ready_hit(): threads made, memory set up. */
static void run_to_ready(struct tgt *t)
{
    uint64_t bp = addr_of(ready_hit);
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, bp, 1), 0);
    struct rsp_stop st = cont(t);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    ck_assert_int_eq(st.signal, SIGTRAP);
    uint64_t pc;
    ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
    ck_assert_uint_eq(pc, bp);
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_SW, bp, 1), 0);
}

static uint64_t read_var(struct tgt *t, const volatile void *addr)
{
    uint64_t v;
    ck_assert_int_eq(tgt_read_u64(t, (uint64_t)(uintptr_t)addr, &v), 0);
    return v;
}

/* /proc/PID/mem straight from the kernel, to compare with what the server sends. */
static void proc_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, len, (off_t)addr), (ssize_t)len);
    close(fd);
}

static long status_field(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    long v = -1;
    size_t flen = strlen(field);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, field, flen) == 0 && line[flen] == ':')
            v = strtol(line + flen + 1, NULL, 10);
    }
    fclose(f);
    return v;
}

/* ------------------------------------------------------------------ tests against the server */

START_TEST(test_connect)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    ck_assert_str_eq(t->arch->name, "x86_64");
    ck_assert_int_ge(t->arch->pc_regno, 0);
    ck_assert_str_eq(t->arch->regs[t->arch->pc_regno].name, "rip");
    /* lldb-server 14 describes no fs_base (LLDB added it in 15) */
    if (!is_lldb())
        ck_assert_int_ge(arch_regno_by_name(t->arch, "fs_base"), 0);
    ck_assert_int_ge(arch_regno_by_name(t->arch, "rsp"), 0);
    ck_assert_int_gt(t->pid, 0);
    ck_assert_int_gt(t->current_tid, 0);
    ck_assert(t->can_run);
    ck_assert(tgt_rsp_has_vcont(t));
    struct tgt_thread th[16];
    size_t n;
    ck_assert_int_eq(t->ops->threads(t, th, 16, &n), 0);
    ck_assert_uint_eq(n, 1); /* stopped at the first instruction: one thread */
    ck_assert_int_eq(th[0].tid, t->current_tid);
    struct tgt_stats st;
    tgt_get_stats(t, &st);
    ck_assert_uint_gt(st.round_trips, 3);
    ck_assert_uint_ge(st.packets_sent, st.round_trips);
    run_to_ready(t);
    ck_assert_int_eq(t->ops->threads(t, th, 16, &n), 0);
    ck_assert_uint_eq(n, 4); /* main, watchdog, two workers */
    if (is_lldb()) {
        /* lldb-server expedites every general register: the PC must be among the decoded ones */
        const struct rsp_stop *ls = &t->last_stop;
        ck_assert_uint_ge(ls->nregs, 17);
        bool have_pc = false;
        for (unsigned i = 0; i < ls->nregs; i++)
            have_pc |= ls->regs[i].regno == (unsigned)t->arch->pc_regno;
        ck_assert(have_pc);
        /* qMemoryRegionInfo: the data, the text and the hole after hole_start's pages */
        struct tgt_mem_region mr;
        uint64_t pat = (uint64_t)(uintptr_t)pattern;
        ck_assert_int_eq(tgt_rsp_memory_region(t, pat, &mr), 0);
        ck_assert(mr.mapped && mr.read && mr.write && !mr.exec);
        ck_assert(mr.start <= pat && pat - mr.start < mr.len);
        uint64_t text = (uint64_t)(uintptr_t)spin_hit;
        ck_assert_int_eq(tgt_rsp_memory_region(t, text, &mr), 0);
        ck_assert(mr.mapped && mr.read && !mr.write && mr.exec);
        ck_assert_str_eq(mr.name, self_path);
        uint64_t hole = read_var(t, &hole_start);
        ck_assert_int_eq(tgt_rsp_memory_region(t, hole, &mr), 0);
        ck_assert(!mr.mapped);
        ck_assert_uint_le(mr.start, hole);
        /* no qXfer:exec-file: the rest is for gdbserver and gostub */
        stop_server(&s);
        return;
    }

    /* the program's path and a copy of it, from the server */
    char exe[4096];
    struct tgt_mem_region mreg;
    int mrc = tgt_rsp_memory_region(t, 0x1000, &mreg); /* gdbserver: none; gostub: a gap */
    ck_assert(mrc == -EOPNOTSUPP || (mrc == 0 && !mreg.mapped));
    ck_assert_int_eq(tgt_rsp_exec_file(t, exe, sizeof(exe)), 0);
    ck_assert_str_eq(exe, self_path);
    char tmpl[] = "/tmp/test_target_rsp.XXXXXX";
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    unlink(tmpl);
    uint64_t flen = 0;
    ck_assert_int_eq(tgt_rsp_fetch_file(t, exe, fd, 1ull << 30, &flen), 0);
    FILE *f = fopen(self_path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    ck_assert_int_eq((long)flen, size);
    uint8_t *mine = malloc((size_t)size), *theirs = malloc((size_t)size);
    ck_assert(mine && theirs);
    rewind(f);
    ck_assert_uint_eq(fread(mine, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    ck_assert_int_eq(pread(fd, theirs, (size_t)size, 0), size);
    ck_assert(memcmp(mine, theirs, (size_t)size) == 0);
    free(mine);
    free(theirs);
    int frc = tgt_rsp_fetch_file(t, "/nonexistent/file", fd, 100, &flen);
    ck_assert(frc == -ENOENT || frc == -EACCES); /* gostub refuses paths it does not serve */
    ck_assert_int_eq(tgt_rsp_fetch_file(t, exe, fd, 100, &flen), -EFBIG);
    close(fd);
    stop_server(&s);
}
END_TEST

START_TEST(test_connect_tcp)
{
    struct server s = {0};
    start_tcp(&s);
    ck_assert_str_eq(s.t->arch->name, "x86_64");
    ck_assert_int_gt(s.t->pid, 0);
    run_to_ready(s.t);
    stop_server(&s);
}
END_TEST

START_TEST(test_registers)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    uint64_t pc, sp;
    ck_assert_int_eq(tgt_read_pc(t, t->current_tid, &pc), 0);
    ck_assert_uint_eq(pc, addr_of(ready_hit));
    int64_t goff = (int64_t)read_var(t, &g_offset);
    for (int i = 0; i < 2; i++) {
        int64_t tid = (int64_t)read_var(t, &worker_tid[i]);
        ck_assert_int_gt(tid, 0);
        uint64_t fs, g;
        if (is_lldb() && arch_regno_by_name(t->arch, "fs_base") < 0) {
            /* lldb-server 14: no fs_base register, so no TLS base: a clear error, not a guess */
            ck_assert_int_eq(tgt_tls_base(t, tid, &fs), -ENOENT);
        } else {
            ck_assert_int_eq(tgt_tls_base(t, tid, &fs), 0);
            ck_assert_uint_eq(fs, read_var(t, &worker_self[i])); /* glibc: pthread_self() */
            ck_assert_int_eq(tgt_current_g(t, tid, goff, &g), 0);
            ck_assert_uint_eq(g, 0x1000u + (unsigned)i);
        }
        ck_assert_int_eq(tgt_read_reg_u64(t, tid, (unsigned)t->arch->sp_regno, &sp), 0);
        ck_assert_uint_ne(sp, 0);
        ck_assert_uint_eq(sp % 8, 0);
    }
    if (is_lldb()) {
        /* QThreadSuffixSupported: another thread's register is one 'p' with ";thread:", no Hg */
        int64_t w1 = (int64_t)read_var(t, &worker_tid[1]);
        struct tgt_stats a, b;
        tgt_get_stats(t, &a);
        ck_assert_int_eq(tgt_read_reg_u64(t, w1, (unsigned)arch_regno_by_name(t->arch, "rbx"), &sp),
                         0);
        tgt_get_stats(t, &b);
        ck_assert_uint_eq(b.packets_sent - a.packets_sent, 1);
    }
    /* a register write shows up in the next read */
    unsigned rax = (unsigned)arch_regno_by_name(t->arch, "rax");
    uint8_t v[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    ck_assert_int_eq(t->ops->write_reg(t, t->current_tid, rax, v, 8), 0);
    uint64_t got;
    ck_assert_int_eq(tgt_read_reg_u64(t, t->current_tid, rax, &got), 0);
    ck_assert_uint_eq(got, 0x8877665544332211ull);
    /* bad arguments are errors */
    uint8_t b[8];
    ck_assert_int_eq(t->ops->read_reg(t, t->current_tid, 100000, b, 8), -EINVAL);
    ck_assert_int_eq(t->ops->read_reg(t, t->current_tid, rax, b, 4), -EINVAL);
    stop_server(&s);
}
END_TEST

START_TEST(test_memory)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    static uint8_t got[PAT_LEN], want[PAT_LEN];
    uint64_t pat = (uint64_t)(uintptr_t)pattern;
    ck_assert_int_eq(tgt_read_mem(t, pat + 5, got, PAT_LEN - 5), 0);
    proc_mem(s.inferior, pat + 5, want, PAT_LEN - 5);
    ck_assert_mem_eq(got, want, PAT_LEN - 5);
    /* a second read comes from the cache: no more round trips */
    struct tgt_stats a, b;
    tgt_get_stats(t, &a);
    ck_assert_int_eq(tgt_read_mem(t, pat + 100, got, 1000), 0);
    tgt_get_stats(t, &b);
    ck_assert_uint_eq(a.round_trips, b.round_trips);
    ck_assert_mem_eq(got, want + 95, 1000);

    /* the end of a mapping: the readable prefix, then -EIO */
    uint64_t hole = read_var(t, &hole_start);
    size_t n = 99;
    ck_assert_int_eq(tgt_read_mem_partial(t, hole - 100, got, 200, &n), 0);
    ck_assert_uint_eq(n, 100);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(got[i], 0xab);
    ck_assert_int_eq(tgt_read_mem(t, hole - 100, got, 200), -EIO);
    ck_assert_int_eq(tgt_read_mem(t, hole, got, 8), -EIO);
    tgt_invalidate(t);
    /* the same with a cold cache, reading 2 pages up to the hole in one go */
    ck_assert_int_eq(tgt_read_mem_partial(t, hole - 8192, got, 8192 + 16, &n), 0);
    ck_assert_uint_eq(n, 8192);

    /* many scattered small reads: one batch, every region right, the unreadable one flagged */
    tgt_invalidate(t);
    enum { N = 300 };
    static uint64_t addrs[N];
    static size_t lens[N];
    static uint8_t bufs[N][16];
    void *ptrs[N];
    int errs[N];
    for (int i = 0; i < N; i++) {
        addrs[i] = pat + (uint64_t)((i * 37) % (PAT_LEN - 16));
        lens[i] = 16;
        ptrs[i] = bufs[i];
    }
    addrs[N - 1] = hole + 64;
    tgt_get_stats(t, &a);
    ck_assert_int_eq(tgt_read_many(t, addrs, lens, ptrs, N, errs), 0);
    tgt_get_stats(t, &b);
    for (int i = 0; i < N - 1; i++) {
        ck_assert_int_eq(errs[i], 0);
        for (int j = 0; j < 16; j++)
            ck_assert_uint_eq(bufs[i][j], (uint8_t)((addrs[i] - pat + (uint64_t)j) * 7 + 3));
    }
    ck_assert_int_eq(errs[N - 1], -EIO);
    ck_assert_uint_le(b.round_trips - a.round_trips, 3);

    /* 20,000 struct-sized reads over 8 MiB: a handful of round trips, not 20,000 */
    tgt_invalidate(t);
    enum { NG = 20000, GSZ = 400 };
    uint64_t *ga = calloc(NG, sizeof(*ga));
    size_t *gl = calloc(NG, sizeof(*gl));
    void **gp = calloc(NG, sizeof(*gp));
    int *ge = calloc(NG, sizeof(*ge));
    uint8_t *gb = malloc((size_t)NG * GSZ);
    ck_assert(ga && gl && gp && ge && gb);
    uint64_t bigaddr = (uint64_t)(uintptr_t)big;
    for (int i = 0; i < NG; i++) {
        ga[i] = bigaddr + (uint64_t)i * 416;
        gl[i] = GSZ;
        gp[i] = gb + (size_t)i * GSZ;
    }
    tgt_get_stats(t, &a);
    ck_assert_int_eq(tgt_read_many(t, ga, gl, gp, NG, ge), 0);
    tgt_get_stats(t, &b);
    for (int i = 0; i < NG; i += 997) {
        ck_assert_int_eq(ge[i], 0);
        uint64_t off = (uint64_t)i * 416, v;
        uint64_t first = (off + 7) & ~7ull; /* the first 8-aligned word holds its own offset */
        memcpy(&v, gb + (size_t)i * GSZ + (first - off), 8);
        ck_assert_uint_eq(v, first);
    }
    fprintf(stderr, "read_many: %d regions, %llu round trips, %llu packets\n", NG,
            (unsigned long long)(b.round_trips - a.round_trips),
            (unsigned long long)(b.packets_sent - a.packets_sent));
    ck_assert_uint_le(b.round_trips - a.round_trips, NG / 1000);
    free(ga);
    free(gl);
    free(gp);
    free(ge);
    free(gb);

    /* a read bigger than the cache takes bypasses it, and is still right */
    uint8_t *bigbuf = malloc(3u << 20), *bigwant = malloc(3u << 20);
    ck_assert(bigbuf && bigwant);
    ck_assert_int_eq(tgt_read_mem(t, bigaddr + 12345, bigbuf, 3u << 20), 0);
    proc_mem(s.inferior, bigaddr + 12345, bigwant, 3u << 20);
    ck_assert(memcmp(bigbuf, bigwant, 3u << 20) == 0);
    free(bigbuf);
    free(bigwant);

    /* writes go through and drop the cache */
    uint8_t w[4] = {1, 2, 3, 4};
    ck_assert_int_eq(tgt_write_mem(t, pat + 10, w, 4), 0);
    ck_assert_int_eq(tgt_read_mem(t, pat + 8, got, 8), 0);
    ck_assert_mem_eq(got + 2, w, 4);
    proc_mem(s.inferior, pat + 10, want, 4);
    ck_assert_mem_eq(want, w, 4);
    stop_server(&s);
}
END_TEST

START_TEST(test_breakpoint_step_interrupt)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    uint64_t bp = (uint64_t)(uintptr_t)spin_hit;
    int64_t w0 = (int64_t)read_var(t, &worker_tid[0]), w1 = (int64_t)read_var(t, &worker_tid[1]);
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, bp, 1), 0);
    struct rsp_stop st = cont(t);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    ck_assert_int_eq(st.signal, SIGTRAP);
    ck_assert_int_eq(st.reason, RSP_REASON_SWBREAK);
    ck_assert(st.tid == w0 || st.tid == w1);
    ck_assert_int_eq(t->current_tid, st.tid);
    uint64_t pc;
    ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
    ck_assert_uint_eq(pc, bp);
    /* the breakpoint is hidden from memory reads */
    uint8_t code[1], real[1];
    ck_assert_int_eq(tgt_read_mem(t, bp, code, 1), 0);
    ck_assert_uint_ne(code[0], 0xcc);
    memcpy(real, (const void *)(uintptr_t)bp, 1);
    ck_assert_uint_eq(code[0], real[0]);

    /* step the thread that is on the breakpoint: it leaves it (stepped over), same thread */
    int64_t tid = st.tid;
    struct tgt_resume step = {.step_tid = tid, .others_stopped = true};
    ck_assert_int_eq(t->ops->resume(t, &step), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
    ck_assert_int_eq(st.tid, tid);
    ck_assert_int_eq(st.signal, SIGTRAP);
    ck_assert_int_eq(tgt_read_pc(t, tid, &pc), 0);
    ck_assert_uint_gt(pc, bp);
    ck_assert_uint_lt(pc, bp + 16);
    /* and one more step, now off the breakpoint */
    uint64_t pc2;
    ck_assert_int_eq(t->ops->resume(t, &step), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
    ck_assert_int_eq(st.tid, tid);
    ck_assert_int_eq(tgt_read_pc(t, tid, &pc2), 0);
    ck_assert_uint_ne(pc2, pc);

    /* cleared: the program runs freely; a short wait times out, interrupt stops it */
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_SW, bp, 1), 0);
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_SW, bp, 1), -ENOENT);
    struct tgt_resume c = {0};
    ck_assert_int_eq(t->ops->resume(t, &c), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, 300), -ETIMEDOUT);
    ck_assert(t->running);
    ck_assert_int_eq(t->ops->read_mem(t, bp, code, 1, &(size_t){0}), -EBUSY);
    ck_assert_int_eq(t->ops->interrupt(t), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    ck_assert(st.signal == SIGINT || st.signal == SIGSTOP || st.signal == SIGTRAP ||
              st.signal == 0);
    ck_assert(!t->running);
    /* the counters moved while it ran */
    uint64_t a0 = read_var(t, &counter[0]);
    ck_assert_uint_gt(a0, 0);
    stop_server(&s);
}
END_TEST

/* gdbserver in all-stop mode reports one thread's breakpoint per resume and keeps the other
 * thread's simultaneous hit for a later resume. Every report must name the thread that really hit
 * (its PC is the breakpoint and its own counter says this is its next call), and no hit may be
 * lost. */
START_TEST(test_allstop_attribution)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    uint64_t bp = (uint64_t)(uintptr_t)spin_hit;
    int64_t w[2] = {(int64_t)read_var(t, &worker_tid[0]), (int64_t)read_var(t, &worker_tid[1])};
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, bp, 1), 0);
    uint64_t base[2] = {0, 0}, reports[2] = {0, 0};
    int64_t expect = 0;
    int held = 0, stops = 0;
    for (stops = 0; stops < 600 && held < 10; stops++) {
        struct rsp_stop st = cont(t);
        ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
        ck_assert_int_eq(st.signal, SIGTRAP);
        int i = st.tid == w[0] ? 0 : st.tid == w[1] ? 1 : -1;
        ck_assert_msg(i >= 0, "stop %d names thread %lld, not a worker", stops, (long long)st.tid);
        uint64_t pc;
        ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
        ck_assert_uint_eq(pc, bp);
        uint64_t c = read_var(t, &counter[i]);
        if (getenv("TGT_TEST_VERBOSE") != NULL)
            fprintf(stderr, "TEST stop %d: thread %d (%lld) counter %llu\n", stops, i,
                    (long long)st.tid, (unsigned long long)c);
        if (reports[i] == 0)
            base[i] = c;
        else
            ck_assert_msg(c == base[i] + reports[i],
                          "thread %d: counter %llu after %llu reports from %llu: a hit was lost or "
                          "misattributed",
                          i, (unsigned long long)c, (unsigned long long)reports[i],
                          (unsigned long long)base[i]);
        reports[i]++;
        if (expect != 0 && st.tid == expect)
            held++; /* the event the server held back came out now, for the right thread */
        /* Is the other thread also sitting on the breakpoint (a held event, most likely)? */
        uint64_t opc;
        ck_assert_int_eq(tgt_read_pc(t, w[1 - i], &opc), 0);
        expect = opc == bp ? w[1 - i] : 0;
    }
    ck_assert_uint_gt(reports[0], 0);
    ck_assert_uint_gt(reports[1], 0);
    if (is_gdbserver())
        ck_assert_msg(held > 0, "no simultaneous hit in %d stops", stops);
    /* Now remove the breakpoint while the other thread holds a hit: that hit must not come out as a
     * stop (it is swallowed and the program runs on), so a short wait times out. */
    for (int k = 0; k < 400 && expect == 0; k++) {
        struct rsp_stop st = cont(t);
        int i = st.tid == w[0] ? 0 : 1;
        uint64_t opc;
        ck_assert_int_eq(tgt_read_pc(t, w[1 - i], &opc), 0);
        expect = opc == bp ? w[1 - i] : 0;
    }
    if (is_gdbserver())
        ck_assert(expect != 0);
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_SW, bp, 1), 0);
    struct tgt_stats sa, sb;
    tgt_get_stats(t, &sa);
    ck_assert_int_eq(t->ops->resume(t, &(struct tgt_resume){0}), 0);
    struct rsp_stop st;
    ck_assert_int_eq(t->ops->wait(t, &st, 500), -ETIMEDOUT);
    tgt_get_stats(t, &sb);
    if (is_gdbserver() && expect != 0)
        ck_assert_uint_eq(sb.stale_stops, sa.stale_stops + 1);
    ck_assert_int_eq(t->ops->interrupt(t), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
    fprintf(stderr, "allstop: %d stops, %d held-back events reported later, reports %llu/%llu\n",
            stops, held, (unsigned long long)reports[0], (unsigned long long)reports[1]);
    stop_server(&s);
}
END_TEST

START_TEST(test_watch_and_hw_breakpoint)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    int64_t w0 = (int64_t)read_var(t, &worker_tid[0]);
    uint64_t caddr = (uint64_t)(uintptr_t)&counter[0];
    ck_assert_int_eq(t->ops->set_bp(t, TGT_WATCH_WRITE, caddr, 8), 0);
    struct rsp_stop st = cont(t);
    ck_assert_int_eq(st.signal, SIGTRAP);
    ck_assert_int_eq(st.tid, w0); /* only worker 0 writes counter[0] */
    ck_assert_int_eq(st.reason, RSP_REASON_WATCH);
    ck_assert_uint_eq(st.watch_addr, caddr);
    uint64_t v1 = read_var(t, &counter[0]);
    st = cont(t);
    ck_assert_int_eq(st.reason, RSP_REASON_WATCH);
    ck_assert_uint_eq(read_var(t, &counter[0]), v1 + 1); /* trapped after each write */
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_WATCH_WRITE, caddr, 8), 0);

    /* a hardware breakpoint: hit, stepped over on resume (no endless re-trap), hit again */
    uint64_t bp = (uint64_t)(uintptr_t)spin_hit;
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_HW, bp, 1), 0);
    for (int i = 0; i < 4; i++) {
        st = cont(t);
        ck_assert_int_eq(st.signal, SIGTRAP);
        uint64_t pc;
        ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
        ck_assert_uint_eq(pc, bp);
    }
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_HW, bp, 1), 0);
    stop_server(&s);
}
END_TEST

/* The current goroutine of every thread of a real Go program (tests/targets/threads.go: 20 parked
 * goroutines, 4 goroutines locked to their own threads), found through fs_base without running
 * code: where a thread runs a goroutine, its stack pointer lies inside that g's stack bounds
 * (g.stack.lo and .hi, the first two words of runtime.g in every Go release). */
START_TEST(test_go_current_g)
{
    char prog[4200], cmd[8800];
    const char *b = getenv("top_builddir");
    const char *src = getenv("top_srcdir");
    snprintf(prog, sizeof(prog), "%s/tests/targets/bin/threads", b != NULL ? b : ".");
    if (access(prog, X_OK) != 0) {
        snprintf(cmd, sizeof(cmd), "sh '%s/tests/targets/build.sh' '%s/tests/targets/bin' >&2",
                 src != NULL ? src : "..", b != NULL ? b : ".");
        ck_assert_msg(system(cmd) == 0, "building the Go targets failed");
    }
    go_prog = prog;
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    const int pass[] = {SIGURG, SIGALRM, SIGCHLD, SIGPIPE, SIGPROF, SIGWINCH};
    ck_assert_int_eq(tgt_rsp_pass_signals(t, pass, sizeof(pass) / sizeof(pass[0])), 0);
    ck_assert_int_eq(t->ops->resume(t, &(struct tgt_resume){0}), 0);
    struct rsp_stop st;
    ck_assert_int_eq(t->ops->wait(t, &st, 1500), -ETIMEDOUT);
    ck_assert_int_eq(t->ops->interrupt(t), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    struct tgt_thread th[64];
    size_t n;
    ck_assert_int_eq(t->ops->threads(t, th, 64, &n), 0);
    ck_assert_uint_ge(n, 5);
    int with_g = 0;
    for (size_t i = 0; i < n && i < 64; i++) {
        uint64_t g, sp, lo, hi;
        ck_assert_int_eq(tgt_current_g(t, th[i].tid, -8, &g), 0);
        if (g == 0)
            continue;
        ck_assert_int_eq(tgt_read_u64(t, g, &lo), 0);
        ck_assert_int_eq(tgt_read_u64(t, g + 8, &hi), 0);
        ck_assert_int_eq(tgt_read_reg_u64(t, th[i].tid, (unsigned)t->arch->sp_regno, &sp), 0);
        ck_assert_msg(lo < hi && lo <= sp && sp < hi,
                      "thread %lld: g %#llx stack [%#llx, %#llx) sp %#llx", (long long)th[i].tid,
                      (unsigned long long)g, (unsigned long long)lo, (unsigned long long)hi,
                      (unsigned long long)sp);
        with_g++;
    }
    ck_assert_int_ge(with_g, 4); /* at least the locked threads run goroutines */
    stop_server(&s);
    go_prog = NULL;
}
END_TEST

/* ------------------------------------------------------------------ QEMU user mode, arm64 */

/* test_target_qemu: tests/targets/threads.go built with GOARCH=arm64 under qemu-aarch64's gdbstub
 * (ack mode only, no expedited registers, no multiprocess). */
static void qemu_build(char *prog, size_t max)
{
    const char *b = getenv("top_builddir"), *src = getenv("top_srcdir");
    char dir[4200], cmd[12000];
    snprintf(dir, sizeof(dir), "%s/tests/targets/bin-arm64", b != NULL ? b : ".");
    snprintf(prog, max, "%s/threads", dir);
    if (access(prog, X_OK) == 0)
        return;
    snprintf(cmd, sizeof(cmd),
             "mkdir -p '%s' && cd '%s' && GOCACHE=\"$PWD/.gocache\" GOPATH=\"$PWD/.gopath\" "
             "GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 GOARCH=arm64 HOME=\"$PWD\" "
             "go build -o threads.tmp -ldflags=-compressdwarf=false '%s/tests/targets/threads.go' "
             "&& mv threads.tmp threads >&2",
             dir, dir, src != NULL ? src : "..");
    ck_assert_msg(system(cmd) == 0, "GOARCH=arm64 go build of threads.go failed");
}

/* A symbol's address from "go tool nm". */
static uint64_t go_symbol(const char *prog, const char *name)
{
    char cmd[4600], line[512];
    snprintf(cmd, sizeof(cmd), "go tool nm '%s'", prog);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    uint64_t addr = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *end;
        uint64_t a = strtoull(line, &end, 16);
        char kind, sym[256];
        if (sscanf(end, " %c %255s", &kind, sym) == 2 && strcmp(sym, name) == 0)
            addr = a;
    }
    pclose(f);
    ck_assert_msg(addr != 0, "no %s in %s", name, prog);
    return addr;
}

/* The file's bytes at a virtual address (the program headers of a static ELF64). */
static void file_bytes(const char *prog, uint64_t addr, uint8_t *buf, size_t len)
{
    FILE *f = fopen(prog, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t eh[64];
    ck_assert_uint_eq(fread(eh, 1, 64, f), 64);
    uint64_t phoff;
    uint16_t phentsize, phnum;
    memcpy(&phoff, eh + 32, 8);
    memcpy(&phentsize, eh + 54, 2);
    memcpy(&phnum, eh + 56, 2);
    bool found = false;
    for (unsigned i = 0; i < phnum && !found; i++) {
        uint8_t ph[56];
        ck_assert_int_eq(fseek(f, (long)(phoff + i * phentsize), SEEK_SET), 0);
        ck_assert_uint_eq(fread(ph, 1, 56, f), 56);
        uint32_t type;
        uint64_t off, vaddr, filesz;
        memcpy(&type, ph, 4);
        memcpy(&off, ph + 8, 8);
        memcpy(&vaddr, ph + 16, 8);
        memcpy(&filesz, ph + 32, 8);
        if (type == 1 && addr >= vaddr && addr + len <= vaddr + filesz) {
            ck_assert_int_eq(fseek(f, (long)(off + addr - vaddr), SEEK_SET), 0);
            ck_assert_uint_eq(fread(buf, 1, len, f), len);
            found = true;
        }
    }
    fclose(f);
    ck_assert(found);
}

/* Starts qemu-aarch64 -g PORT PROG ARGS and connects (QEMU listens before it runs the program). */
static void start_qemu(struct server *s, const char *prog, const char *arg1, const char *arg2,
                       const char *arg3)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    unsigned port = ntohs(a.sin_port);
    close(fd); /* a free port a moment ago: QEMU cannot be told port 0 */
    char ptext[16];
    snprintf(ptext, sizeof(ptext), "%u", port);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            if (getenv("TGT_TEST_VERBOSE") == NULL)
                dup2(devnull, 2);
        }
        execlp("qemu-aarch64", "qemu-aarch64", "-g", ptext, prog, arg1, arg2, arg3, (char *)NULL);
        _exit(127);
    }
    char hp[64];
    snprintf(hp, sizeof(hp), "127.0.0.1:%u", port);
    const char *why = NULL;
    int rc = -1;
    for (int i = 0; i < 100 && rc != 0; i++) {
        usleep(50000);
        rc = tgt_rsp_connect(hp, WAIT_MS, &s->t, &why);
    }
    ck_assert_msg(rc == 0, "connect to qemu at %s: %s (%d)", hp, why ? why : "?", rc);
}

/* Continues until a stop that is not a signal for the program (QEMU reports Go's SIGURG
 * preemption signals: they go back to the program, as godbg's continue does). */
static struct rsp_stop cont_passing(struct tgt *t)
{
    struct tgt_resume r = {0};
    struct rsp_stop st;
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(t->ops->resume(t, &r), 0);
        ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
        if (st.kind != RSP_STOP_SIGNAL || st.signal == SIGTRAP)
            return st;
        r.signal = st.signal;
    }
    ck_abort_msg("only signals for 1000 stops");
    return st;
}

START_TEST(test_qemu_arm64)
{
    char prog[4400];
    qemu_build(prog, sizeof(prog));
    uint64_t main_main = go_symbol(prog, "main.main");
    struct server s = {0};
    start_qemu(&s, prog, "20", "4", "exit");
    struct tgt *t = s.t;
    ck_assert_str_eq(t->arch->name, "aarch64");
    ck_assert_int_ge(t->arch->pc_regno, 0);
    ck_assert_str_eq(t->arch->regs[t->arch->pc_regno].name, "pc");
    ck_assert_int_ge(arch_regno_by_name(t->arch, "x28"), 0);
    ck_assert_int_gt(t->current_tid, 0);
    struct tgt_thread th[64];
    size_t n;
    ck_assert_int_eq(t->ops->threads(t, th, 64, &n), 0);
    ck_assert_uint_eq(n, 1);

    /* memory is the file's text */
    uint8_t got[64], want[64];
    ck_assert_int_eq(tgt_read_mem(t, main_main, got, sizeof(got)), 0);
    file_bytes(prog, main_main, want, sizeof(want));
    ck_assert_mem_eq(got, want, sizeof(got));

    /* a breakpoint on main.main: brk #0, the PC stays on it */
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, main_main, 4), 0);
    struct rsp_stop st = cont_passing(t);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    ck_assert_int_eq(st.signal, SIGTRAP);
    ck_assert_int_eq(st.reason, RSP_REASON_SWBREAK);
    uint64_t pc, sp, g, lo, hi;
    ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
    ck_assert_uint_eq(pc, main_main);
    ck_assert_int_eq(tgt_read_mem(t, main_main, got, 4), 0);
    ck_assert_mem_eq(got, want, 4); /* the brk is hidden */

    /* x28 is the current g (the main goroutine): its stack holds sp */
    ck_assert_int_eq(tgt_current_g(t, st.tid, 0, &g), 0);
    ck_assert_uint_ne(g, 0);
    ck_assert_int_eq(tgt_read_u64(t, g, &lo), 0);
    ck_assert_int_eq(tgt_read_u64(t, g + 8, &hi), 0);
    ck_assert_int_eq(tgt_read_reg_u64(t, st.tid, (unsigned)t->arch->sp_regno, &sp), 0);
    ck_assert_msg(lo < hi && lo <= sp && sp < hi, "g %#llx stack [%#llx, %#llx) sp %#llx",
                  (unsigned long long)g, (unsigned long long)lo, (unsigned long long)hi,
                  (unsigned long long)sp);

    /* one step: off the breakpoint, to the next instruction */
    int64_t tid = st.tid;
    struct tgt_resume step = {.step_tid = tid, .others_stopped = true};
    ck_assert_int_eq(t->ops->resume(t, &step), 0);
    ck_assert_int_eq(t->ops->wait(t, &st, WAIT_MS), 0);
    ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
    /* QEMU delivers a pending signal (Go's SIGURG preemption) with the step: it then ends in the
     * handler, one instruction into runtime.sigtramp, as it would on a real kernel (about 1 run in
     * 2 here) */
    uint64_t sigtramp = go_symbol(prog, "runtime.sigtramp.abi0");
    ck_assert_msg(st.tid == tid && st.signal == SIGTRAP &&
                      (pc == main_main + 4 || pc == sigtramp || pc == sigtramp + 4),
                  "step of %lld: stop of %lld, signal %d, pc %#llx", (long long)tid,
                  (long long)st.tid, st.signal, (unsigned long long)pc);

    /* Not tested: breakpoints hit by several threads at once. qemu-user stops no other thread,
     * and every thread that traps serves the socket from its own signal path: replies come out of
     * order and duplicated (see doc/internals/target.md). Stop replies that come in place of other
     * answers are queued (test_bad_server's "stray stop" case). */
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_SW, main_main, 4), 0);

    /* cleared: runs to the end, exit status 0 */
    st = cont_passing(t);
    ck_assert_int_eq(st.kind, RSP_STOP_EXITED);
    ck_assert_int_eq(st.exit_code, 0);
    ck_assert(t->exited);
    stop_server(&s);
}
END_TEST

/* Attach to a running process (gdbserver --attach, gostub PID), hit a breakpoint, detach: a process
 * that was never ours to start runs on. */
START_TEST(test_attach)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char parent[24];
        snprintf(parent, sizeof(parent), "%d", (int)getppid());
        execl(self_path, self_path, "spinner", parent, (char *)NULL);
        _exit(127);
    }
    usleep(200000); /* let it make its threads */
    char spid[24];
    snprintf(spid, sizeof(spid), "%d", (int)pid);
    int to[2], from[2];
    if (is_lldb()) {
        /* one socket both ways: to[0]/from[1] are the server's end, to[1]/from[0] ours */
        int sv[2];
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        to[0] = sv[1];
        from[1] = dup(sv[1]);
        from[0] = sv[0];
        to[1] = dup(sv[0]);
    } else {
        ck_assert_int_eq(pipe2(to, O_CLOEXEC), 0);
        ck_assert_int_eq(pipe2(from, O_CLOEXEC), 0);
    }
    struct server s = {0};
    s.pid = fork();
    ck_assert_int_ge(s.pid, 0);
    if (s.pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0 && getenv("TGT_TEST_VERBOSE") == NULL)
            dup2(devnull, 2);
        if (is_lldb()) {
            /* lldb-server talks over one socket: stdin is the socketpair's end (below) */
            execlp("lldb-server", "lldb-server", "gdbserver", "--fd", "0", "fd", "--attach", spid,
                   (char *)NULL);
        } else if (is_gdbserver())
            execlp("gdbserver", "gdbserver", "--attach", "stdio", spid, (char *)NULL);
        else
            execl(gostub_path(), "gostub", "--stdio", spid, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    const char *why = NULL;
    int rc = tgt_rsp_connect_fds(from[0], to[1], WAIT_MS, &s.t, &why);
    ck_assert_msg(rc == 0, "attach: %s (%d)", why ? why : "?", rc);
    struct tgt *t = s.t;
    ck_assert_int_eq(t->pid, pid);
    struct tgt_thread th[16];
    size_t n;
    ck_assert_int_eq(t->ops->threads(t, th, 16, &n), 0);
    ck_assert_uint_eq(n, 4);
    uint64_t bp = (uint64_t)(uintptr_t)spin_hit;
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, bp, 1), 0);
    struct rsp_stop st = cont(t);
    ck_assert_int_eq(st.signal, SIGTRAP);
    uint64_t pc;
    ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
    ck_assert_uint_eq(pc, bp);
    ck_assert_int_eq(t->ops->detach(t), 0);
    long tracer = -1;
    for (int i = 0; i < 200 && tracer != 0; i++) {
        usleep(10000);
        tracer = status_field(pid, "TracerPid");
    }
    ck_assert_int_eq(tracer, 0);
    if (is_lldb()) {
        usleep(100000);
        kill(pid, SIGCONT); /* lldb-server 14 may leave a SIGSTOP pending: see test_detach */
    }
    uint64_t c1[2], c2[2];
    proc_mem(pid, (uint64_t)(uintptr_t)counter, c1, sizeof(c1));
    for (int i = 0; i < 50; i++) {
        usleep(100000);
        proc_mem(pid, (uint64_t)(uintptr_t)counter, c2, sizeof(c2));
        if (c2[0] > c1[0] && c2[1] > c1[1])
            break;
    }
    ck_assert_uint_gt(c2[0], c1[0]);
    ck_assert_uint_gt(c2[1], c1[1]);
    s.inferior = pid;
    stop_server(&s);
    waitpid(pid, NULL, 0);
}
END_TEST

/* A signal that arrives while a thread is stepped over its breakpoint (Go's SIGURG does, all the
 * time) takes the thread into its handler; when the handler returns, the interrupted call comes
 * back to the breakpoint. That second hit belongs to the same call and must not be reported: the
 * per-thread counters must still match the reports one for one. */
START_TEST(test_signal_during_step_over)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    const int pass[] = {SIGUSR1};
    ck_assert_int_eq(tgt_rsp_pass_signals(t, pass, 1), 0);
    uint64_t bp = (uint64_t)(uintptr_t)spin_hit;
    int64_t w[2] = {(int64_t)read_var(t, &worker_tid[0]), (int64_t)read_var(t, &worker_tid[1])};
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, bp, 1), 0);
    uint64_t base[2] = {0, 0}, reports[2] = {0, 0};
    int sent = 0;
    for (int stops = 0; stops < 60; stops++) {
        struct rsp_stop st = cont(t);
        ck_assert_int_eq(st.signal, SIGTRAP);
        int i = st.tid == w[0] ? 0 : st.tid == w[1] ? 1 : -1;
        ck_assert(i >= 0);
        uint64_t pc;
        ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
        ck_assert_uint_eq(pc, bp);
        uint64_t c = read_var(t, &counter[i]);
        if (reports[i] == 0)
            base[i] = c;
        else
            ck_assert_msg(c == base[i] + reports[i],
                          "thread %d: counter %llu after %llu reports from %llu (stop %d, %d "
                          "signals sent)",
                          i, (unsigned long long)c, (unsigned long long)reports[i],
                          (unsigned long long)base[i], stops, sent);
        reports[i]++;
        if (stops % 4 ==
            0) { /* pending when the next resume steps this thread over the breakpoint */
            ck_assert_int_eq((int)syscall(SYS_tgkill, s.inferior, (pid_t)st.tid, SIGUSR1), 0);
            sent++;
        }
    }
    ck_assert_int_eq(t->ops->clear_bp(t, TGT_BP_SW, bp, 1), 0);
    uint64_t h = read_var(t, &handled);
    struct tgt_stats stats;
    tgt_get_stats(t, &stats);
    fprintf(stderr, "signal: %d sent, %llu handled, %llu repeated hits swallowed\n", sent,
            (unsigned long long)h, (unsigned long long)stats.stale_stops);
    ck_assert_uint_gt(h, 0);
    stop_server(&s);
}
END_TEST

START_TEST(test_detach)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    uint64_t bp = (uint64_t)(uintptr_t)spin_hit;
    ck_assert_int_eq(t->ops->set_bp(t, TGT_BP_SW, bp, 1), 0);
    (void)cont(t);
    pid_t pid = s.inferior;
    ck_assert_int_eq(t->ops->detach(t), 0);
    ck_assert(t->exited);
    ck_assert_int_eq(t->ops->resume(t, &(struct tgt_resume){0}), -ESRCH);
    uint64_t c1[2], c2[2];
    long tracer = -1;
    for (int i = 0; i < 100 && tracer != 0; i++) {
        usleep(10000);
        tracer = status_field(pid, "TracerPid");
    }
    ck_assert_int_eq(tracer, 0);
    if (is_lldb()) {
        /* lldb-server 14 sometimes detaches from a thread that still has the SIGSTOP it sent to
         * stop it pending: the process then sits in a group stop (about 1 run in 4 here). Not ours
         * to fix after D (doc/internals/target.md); the counters must run once it is continued. */
        usleep(100000);
        kill(pid, SIGCONT);
    }
    proc_mem(pid, (uint64_t)(uintptr_t)counter, c1, sizeof(c1));
    /* both threads run on (a loaded machine may leave one unscheduled for a while: up to 5 s) */
    for (int i = 0; i < 50; i++) {
        usleep(100000);
        proc_mem(pid, (uint64_t)(uintptr_t)counter, c2, sizeof(c2));
        if (c2[0] > c1[0] && c2[1] > c1[1])
            break;
    }
    if (c2[0] == c1[0] || c2[1] == c1[1]) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "cat /proc/%d/task/*/stat /proc/%d/task/*/wchan >&2", (int)pid,
                 (int)pid);
        (void)system(cmd);
    }
    ck_assert_uint_gt(c2[0], c1[0]); /* running, and not trapping on a left-over int3 */
    ck_assert_uint_gt(c2[1], c1[1]);
    stop_server(&s);
}
END_TEST

START_TEST(test_kill)
{
    struct server s = {0};
    start_pipe(&s);
    struct tgt *t = s.t;
    run_to_ready(t);
    pid_t pid = s.inferior;
    ck_assert_int_eq(t->ops->kill(t), 0);
    ck_assert(t->exited);
    bool gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        char path[64], st[512];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            gone = true;
            break;
        }
        size_t n = fread(st, 1, sizeof(st) - 1, f);
        fclose(f);
        st[n] = '\0';
        const char *rp = strrchr(st, ')');
        gone = rp != NULL && (rp[2] == 'Z' || rp[2] == 'X');
        usleep(10000);
    }
    ck_assert(gone);
    s.inferior = 0;
    stop_server(&s);
}
END_TEST

/* ------------------------------------------------------------------ a fake server with bad replies
 */

struct fake_case {
    const char *name;
    /* request prefix -> reply, first match wins; NULL reply: no answer at all */
    const char *script[12][2];
    int want_connect;    /* expected tgt_rsp_connect_fds result */
    const char *why_has; /* text the reason must contain */
    int after;           /* 1: read the PC, expect an error; 2: read memory, expect -EIO;
                            3: expect arch x86_64 and current tid 0x1f; 4: console text "Hi";
                            5: resume and step with c/s and Hc, kill with k; 6: a late reply;
                            7: stop replies in place of other answers are events */
};

#define XML_OK                                                                                     \
    "l<target><architecture>i386:x86-64</architecture><reg name='rip' bitsize='64'/></target>"

static const struct fake_case fake_cases[] = {
    {"qSupported error", {{"qSupported", "E01"}}, -EPROTO, "qSupported", 0},
    {"unknown architecture",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", "l<target><architecture>vax</architecture>"
                                         "<reg name='pc' bitsize='32'/></target>"}},
     -ENOTSUP,
     "architecture",
     0},
    {"unknown architecture by qRegisterInfo",
     {{"qSupported", "PacketSize=1000"},
      {"qRegisterInfo0", "name:pc;bitsize:32;offset:0;generic:pc;"},
      {"qRegisterInfo1", "E45"},
      {"qHostInfo",
       "triple:6d6970732d756e6b6e6f776e2d6c696e7578;ptrsize:4;"}}, /* mips-unknown-linux */
     -ENOTSUP,
     "architecture",
     0},
    {"no description at all",
     {{"qSupported", "PacketSize=1000"}, {"qRegisterInfo", ""}},
     -ENOTSUP,
     "describes no registers",
     0},
    {"garbage stop",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", ""},
      {"?", "Zzz"}},
     -ESRCH,
     "no process",
     0},
    {"unterminated comment",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", "l<target><!-- oops"}},
     -EPROTO,
     "cut short",
     0},
    {"include loop",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", "l<target><xi:include href='a.xml'/></target>"},
      {"qXfer:features:read:a.xml", "l<feature><xi:include href='a.xml'/></feature>"}},
     -ELOOP,
     "too deeply",
     0},
    {"bad reg bitsize",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", "l<target><reg name='rip' bitsize='x'/></target>"}},
     -EPROTO,
     "bitsize",
     0},
    {"bad g and p replies",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", ""},
      {"?", "T05thread:1f;"},
      {"Hg", "OK"},
      {"g", "zz"},
      {"p", "123"}},
     0,
     NULL,
     1},
    {"memory errors",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", ""},
      {"?", "T05thread:1f;00:0010400000000000;"},
      {"x", ""},
      {"m", "E14"}},
     0,
     NULL,
     2},
    {"lldb registers",
     {{"qSupported", "PacketSize=1000"},
      {"qRegisterInfo0", "name:rax;bitsize:64;offset:0;encoding:uint;dwarf:0;"},
      {"qRegisterInfo1", "name:rip;bitsize:64;offset:8;generic:pc;dwarf:16;"},
      {"qRegisterInfo2", "E45"},
      {"qHostInfo", "triple:7838365f36342d70632d6c696e75782d676e75;ptrsize:8;"},
      {"vCont?", "vCont;c;C;s;S"},
      {"?", "S05"},
      {"qC", "QC1f"},
      {"Hg", "OK"},
      {"p1", "0010400000000000"},
      {"g", ""}},
     0,
     NULL,
     3},
    {"console and bad thread list",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", ""},
      {"?", "T05thread:1f;00:0010400000000000;"},
      {"qfThreadInfo", "O4869|mzz"}},
     0,
     NULL,
     4},
    {"no vCont, no multiprocess",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", ""},
      {"?", "T05thread:1f;"},
      {"Hg", "OK"},
      {"g", "0010400000000000"},
      {"Hc1f", "OK"},
      {"c", "T05thread:20;"},
      {"s", "T05thread:1f;"},
      {"k", "X09"}},
     0,
     NULL,
     5},
    {"late reply",
     {{"qSupported", "PacketSize=1000;QStartNoAckMode+;qXfer:features:read+"},
      {"QStartNoAckMode", "OK"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", ""},
      {"?", "T05thread:1f;00:0010400000000000;"},
      {"x", ""},
      {"m", "~0102030405060708"},
      {"qfThreadInfo", "m1f"}},
     0,
     NULL,
     6},
    /* QEMU user mode (ack mode): a second thread's stop reply comes in place of the answer to Hg */
    {"stray stop",
     {{"qSupported", "PacketSize=1000;qXfer:features:read+"},
      {"qXfer:features:read:target.xml", XML_OK},
      {"vCont?", "vCont;c;C;s;S"},
      {"?", "T05thread:1f;"},
      {"Hg1f", "T05thread:20;|OK"},
      {"Hg", "OK"},
      {"g", "0010400000000000"},
      {"vCont;c", "T05thread:1f;"},
      {"vKill", "OK"},
      {"k", "X09"}},
     0,
     NULL,
     7},
};

static char console_text[64];

static void on_console(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    size_t have = strlen(console_text);
    if (have + len < sizeof(console_text))
        memcpy(console_text + have, text, len);
}

static const char *fake_reply(const struct fake_case *fc, const char *req, size_t len)
{
    for (int i = 0; i < 12 && fc->script[i][0] != NULL; i++) {
        size_t n = strlen(fc->script[i][0]);
        if (len >= n && memcmp(req, fc->script[i][0], n) == 0)
            return fc->script[i][1];
    }
    return ""; /* unsupported */
}

static void fake_server(int fd, const struct fake_case *fc)
{
    struct rsp_decoder *d = rsp_decoder_new(1 << 20);
    struct rsp_buf out;
    rsp_buf_init(&out, 1 << 20);
    uint8_t in[4096];
    for (;;) {
        ssize_t n = read(fd, in, sizeof(in));
        if (n <= 0)
            break;
        if (rsp_decoder_push(d, in, (size_t)n) < 0)
            break;
        struct rsp_event ev;
        while (rsp_decoder_next(d, &ev)) {
            if (ev.kind != RSP_EV_PACKET)
                continue;
            const char *r = fake_reply(fc, (const char *)ev.payload, ev.len);
            if (r[0] == '~') { /* a late reply: after the client's 2 s timeout */
                usleep(2500000);
                r++;
            }
            rsp_buf_reset(&out);
            if (rsp_buf_addc(&out, '+') < 0)
                _exit(2);
            for (;;) { /* '|' separates packets sent for one request */
                const char *bar = strchr(r, '|');
                size_t plen = bar != NULL ? (size_t)(bar - r) : strlen(r);
                if (rsp_frame(&out, '$', (const uint8_t *)r, plen, false) < 0)
                    _exit(2);
                if (bar == NULL)
                    break;
                r = bar + 1;
            }
            if (write(fd, out.data, out.len) != (ssize_t)out.len)
                _exit(3);
        }
    }
    _exit(0);
}

START_TEST(test_bad_server)
{
    const struct fake_case *fc = &fake_cases[_i];
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(sv[0]);
        fake_server(sv[1], fc);
    }
    close(sv[1]);
    struct tgt *t = NULL;
    const char *why = NULL;
    int rc = tgt_rsp_connect_fds(sv[0], sv[0], 2000, &t, &why);
    ck_assert_msg(rc == fc->want_connect, "%s: connect gave %d (%s), want %d", fc->name, rc,
                  why ? why : "", fc->want_connect);
    if (rc < 0) {
        ck_assert_ptr_null(t);
        ck_assert_ptr_nonnull(why);
        ck_assert_msg(strstr(why, fc->why_has) != NULL, "%s: reason \"%s\"", fc->name, why);
    } else if (fc->after == 1) {
        uint64_t pc;
        ck_assert_int_lt(tgt_read_pc(t, t->current_tid, &pc), 0);
    } else if (fc->after == 2) {
        uint8_t b[64];
        ck_assert_int_eq(tgt_read_mem(t, 0x1000, b, sizeof(b)), -EIO);
        uint64_t pc;
        ck_assert_int_eq(tgt_read_pc(t, 0x1f, &pc), 0); /* expedited in the stop reply */
        ck_assert_uint_eq(pc, 0x401000);
    } else if (fc->after == 4) {
        tgt_rsp_set_console(t, on_console, NULL);
        struct tgt_thread th[4];
        size_t n;
        ck_assert_int_eq(t->ops->threads(t, th, 4, &n), -EPROTO);
        ck_assert_str_eq(console_text, "Hi");
    } else if (fc->after == 5) {
        struct rsp_stop st;
        ck_assert(!tgt_rsp_has_vcont(t));
        ck_assert_int_eq(t->ops->resume(t, &(struct tgt_resume){0}), 0);
        ck_assert_int_eq(t->ops->wait(t, &st, 2000), 0);
        ck_assert_int_eq(st.tid, 0x20);
        ck_assert_int_eq(t->ops->resume(t, &(struct tgt_resume){.step_tid = 0x1f}), 0);
        ck_assert_int_eq(t->ops->wait(t, &st, 2000), 0);
        ck_assert_int_eq(st.tid, 0x1f);
        ck_assert_int_eq(t->ops->wait(t, &st, 10), -ECHILD); /* nothing resumed */
        ck_assert_int_eq(t->ops->kill(t), 0);
        ck_assert(t->exited);
    } else if (fc->after == 6) {
        /* The memory reply comes too late: the next request must not take it for its own answer. */
        uint8_t b[8];
        ck_assert_int_eq(tgt_read_mem(t, 0x1000, b, sizeof(b)), -ETIMEDOUT);
        struct tgt_thread th[4];
        size_t n;
        ck_assert_int_eq(t->ops->threads(t, th, 4, &n), -EPIPE);
    } else if (fc->after == 7) {
        /* thread 0x20's stop, queued during set-up, is the first event; then 0x1f's (and 0x20's
         * again, queued during 0x1f's), never -EPROTO */
        const int64_t want[] = {0x20, 0x1f, 0x20};
        for (int i = 0; i < 3; i++) {
            struct rsp_stop st;
            uint64_t pc;
            ck_assert_int_eq(t->ops->resume(t, &(struct tgt_resume){0}), 0);
            ck_assert_int_eq(t->ops->wait(t, &st, 2000), 0);
            ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
            ck_assert_int_eq(st.signal, SIGTRAP);
            ck_assert_int_eq(st.tid, want[i]);
            ck_assert_int_eq(tgt_read_pc(t, st.tid, &pc), 0);
            ck_assert_uint_eq(pc, 0x401000);
        }
    } else if (fc->after == 3) {
        ck_assert_str_eq(t->arch->name, "x86_64");
        ck_assert_int_eq(t->current_tid, 0x1f);
        ck_assert_int_eq(t->arch->pc_regno, 1);
        ck_assert_int_eq(t->arch->regs[1].dwarf_regno, 16);
        uint64_t pc;
        ck_assert_int_eq(tgt_read_pc(t, 0x1f, &pc), 0);
        ck_assert_uint_eq(pc, 0x401000);
    }
    tgt_close(t); /* on failure the connect closed the descriptor already (t is NULL) */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------------ main */

/* Skip (77) only where the server truly cannot run: no ptrace here (a container without
 * CAP_SYS_PTRACE, Yama scope 3), or no gdbserver installed. */
static bool can_run_servers(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
            _exit(1);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "SKIP: ptrace is not permitted here\n");
        return false;
    }
    if (is_gdbserver() && system("command -v gdbserver >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: gdbserver is not installed (apt-get install gdbserver)\n");
        return false;
    }
    if (strcmp(server_kind(), "qemu") == 0 &&
        system("command -v qemu-aarch64 >/dev/null 2>&1 && command -v go >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: qemu-aarch64 or go is not installed (apt-get install qemu-user)\n");
        return false;
    }
    if (is_lldb() && system("command -v lldb-server >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: lldb-server is not installed (apt-get install lldb)\n");
        return false;
    }
    return true;
}

static Suite *suite(void)
{
    Suite *s = suite_create("target_rsp");
    if (strcmp(server_kind(), "qemu") == 0) {
        TCase *q = tcase_create("qemu");
        tcase_set_timeout(q, 300); /* the first run builds the arm64 program */
        tcase_add_test(q, test_qemu_arm64);
        suite_add_tcase(s, q);
        return s;
    }
    TCase *tc = tcase_create("server");
    tcase_set_timeout(tc, 60);
    /* TGT_TEST_ONLY=NAME runs one of these (with its name as below) */
    const struct {
        const char *name;
        const TTest *test;
    } tests[] = {
        {"connect", test_connect},
        {"connect_tcp", test_connect_tcp},
        {"registers", test_registers},
        {"memory", test_memory},
        {"breakpoint", test_breakpoint_step_interrupt},
        {"allstop", test_allstop_attribution},
        {"watch", test_watch_and_hw_breakpoint},
        {"signal", test_signal_during_step_over},
        {"attach", test_attach},
        {"detach", test_detach},
        {"kill", test_kill},
    };
    const char *only = getenv("TGT_TEST_ONLY");
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        /* lldb-server 14 refuses Z1 (hardware breakpoints) */
        if (only == NULL && is_lldb() && strcmp(tests[i].name, "watch") == 0)
            continue;
        if (only == NULL || strcmp(only, tests[i].name) == 0)
            _tcase_add_test(tc, tests[i].test, 0, 0, 0, 1);
    }
    suite_add_tcase(s, tc);
    /* go needs fs_base, which lldb-server 14 does not describe */
    if ((only == NULL && !is_lldb()) || (only != NULL && strcmp(only, "go") == 0)) {
        TCase *go = tcase_create("go");
        tcase_set_timeout(go, 600); /* the first run builds the Go targets */
        tcase_add_test(go, test_go_current_g);
        suite_add_tcase(s, go);
    }
    TCase *fk = tcase_create("fake");
    tcase_add_loop_test(fk, test_bad_server, 0, (int)(sizeof(fake_cases) / sizeof(fake_cases[0])));
    suite_add_tcase(s, fk);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "spinner") == 0)
        return spinner_main((pid_t)strtol(argv[2], NULL, 10));
    signal(SIGPIPE, SIG_IGN);
    if (!can_run_servers())
        return 77;
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
    if (n <= 0)
        return 99;
    self_path[n] = '\0';
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
