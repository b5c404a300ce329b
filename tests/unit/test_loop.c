/*
 * tests/unit/test_loop.c - gostub's event loop (stub/loop.c) with the real rsp server and a fake
 * inferior (no ptrace): the loop runs in a child process on a loopback listener, the test is the
 * client. Covers detach, a client that vanishes, the refusal of a second client, an interrupt whose
 * stop is reported from inside a target operation, a client that pipelines requests without reading
 * (bounded memory, no reply lost), --persist, the idle timeout, SIGTERM, --max-stop and --allow.
 * The fake records every inferior call on a pipe the test reads after the loop ends.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stub/inferior.h"
#include "stub/log.h"
#include "stub/loop.h"
#include "stub/net.h"
#include "stub/options.h"

/* ------------------------------------------------------------------ the fake inferior */

static int journal_fd = -1; /* the fake's calls, one word per line, for the parent */

static void note(const char *what)
{
    char line[64];
    int n = snprintf(line, sizeof(line), "%s\n", what);

    if (journal_fd >= 0 && write(journal_fd, line, (size_t)n) < 0)
        abort();
}

struct inferior {
    pid_t pid;
    bool running, exited;
    inf_stop_fn fn;
    void *arg;
    struct rsp_target t;
};

static struct inferior *I(void *c)
{
    return c;
}
static int64_t t_pid(void *c)
{
    return I(c)->pid;
}
static bool t_attached(void *c)
{
    (void)c;
    return true;
}
static size_t t_list(void *c, int64_t *tids, size_t max)
{
    if (max)
        tids[0] = I(c)->pid;
    return 1;
}
static bool t_alive(void *c, int64_t tid)
{
    return tid == I(c)->pid;
}
static int t_name(void *c, int64_t tid, char *b, size_t l)
{
    (void)c, (void)tid;
    snprintf(b, l, "fake");
    return 0;
}
static int t_rreg(void *c, int64_t tid, unsigned r, uint8_t *b, size_t l)
{
    (void)c, (void)tid, (void)r;
    memset(b, 0, l);
    return 0;
}
static int t_wreg(void *c, int64_t tid, unsigned r, const uint8_t *b, size_t l)
{
    (void)c, (void)tid, (void)r, (void)b, (void)l;
    return 0;
}
static int t_rmem(void *c, uint64_t a, uint8_t *b, size_t l, size_t *n)
{
    (void)c, (void)a;
    memset(b, 'A', l);
    *n = l;
    return 0;
}
static int t_wmem(void *c, uint64_t a, const uint8_t *b, size_t l)
{
    (void)c, (void)a, (void)b, (void)l;
    return -EIO;
}
static int t_resume(void *c, const struct rsp_resume_action *a, size_t n)
{
    (void)a, (void)n;
    I(c)->running = true;
    note("resume");
    return 0;
}
/* Reports the stop from inside the operation, as a target may: the loop must queue it. */
static int t_interrupt(void *c)
{
    struct inferior *i = c;
    struct rsp_stop st;

    i->running = false;
    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_SIGNAL;
    st.pid = st.tid = i->pid;
    st.signal = SIGINT;
    st.core = -1;
    note("interrupt");
    i->fn(i->arg, &st);
    return 0;
}
static int t_detach(void *c)
{
    (void)c;
    note("detach");
    return 0;
}
static int t_kill(void *c)
{
    I(c)->exited = true;
    note("kill");
    return 0;
}
static int t_tsi(void *c, int64_t tid, struct rsp_stop *st)
{
    memset(st, 0, sizeof(*st));
    st->kind = RSP_STOP_SIGNAL;
    st->pid = I(c)->pid;
    st->tid = tid;
    st->signal = SIGTRAP;
    st->core = -1;
    return 0;
}
static void t_sigs(void *c, const bool p[RSP_HOST_NSIG])
{
    (void)c, (void)p;
}
static void t_events(void *c, bool on)
{
    (void)c, (void)on;
}
static int64_t t_auxv(void *c, uint64_t o, uint8_t *b, size_t l)
{
    (void)c, (void)o, (void)b, (void)l;
    return 0;
}
static int t_exe(void *c, char *b, size_t l)
{
    (void)c;
    snprintf(b, l, "/bin/fake");
    return 0;
}
static int64_t t_siginfo(void *c, int64_t tid, uint64_t o, uint8_t *b, size_t l)
{
    (void)c, (void)tid, (void)o, (void)b, (void)l;
    return -EIO;
}

int inf_attach(pid_t pid, struct inferior **out, struct inf_error *err)
{
    struct inferior *i = calloc(1, sizeof(*i));

    (void)err;
    i->pid = pid;
    i->t = (struct rsp_target){
        .arch = &arch_x86_64,
        .pid = t_pid,
        .attached = t_attached,
        .list_threads = t_list,
        .thread_alive = t_alive,
        .thread_name = t_name,
        .read_reg = t_rreg,
        .write_reg = t_wreg,
        .read_mem = t_rmem,
        .write_mem = t_wmem,
        .resume = t_resume,
        .interrupt = t_interrupt,
        .detach = t_detach,
        .kill = t_kill,
        .thread_stop_info = t_tsi,
        .set_pass_signals = t_sigs,
        .set_program_signals = t_sigs,
        .set_thread_events = t_events,
        .read_auxv = t_auxv,
        .exec_file = t_exe,
        .read_siginfo = t_siginfo,
    };
    *out = i;
    note("attach");
    return 0;
}
int inf_launch(char *const argv[], struct inferior **out, struct inf_error *err)
{
    (void)argv, (void)out;
    snprintf(err->msg, sizeof(err->msg), "not in this test");
    return -ENOSYS;
}
void inf_free(struct inferior *inf)
{
    if (inf)
        note("free");
    free(inf);
}
void inf_set_stop_callback(struct inferior *inf, inf_stop_fn fn, void *arg)
{
    inf->fn = fn;
    inf->arg = arg;
}
const struct rsp_target *inf_target(struct inferior *inf)
{
    return &inf->t;
}
void inf_handle_events(struct inferior *inf)
{
    (void)inf;
}
int inf_release(struct inferior *inf)
{
    (void)inf;
    note("release");
    return 0;
}
int inf_kill(struct inferior *inf)
{
    return t_kill(inf);
}
void inf_emergency_restore(struct inferior *inf)
{
    (void)inf;
    note("emergency");
}
void inf_set_allow_kill(struct inferior *inf, bool allow)
{
    (void)inf;
    (void)allow;
}
pid_t inf_pid(const struct inferior *inf)
{
    return inf->pid;
}
bool inf_launched(const struct inferior *inf)
{
    (void)inf;
    return false;
}
bool inf_exited(const struct inferior *inf)
{
    return inf->exited;
}
bool inf_running(const struct inferior *inf)
{
    return inf->running;
}
size_t inf_thread_count(const struct inferior *inf)
{
    (void)inf;
    return 1;
}

/* ------------------------------------------------------------------ running the loop in a child */

struct stub_child {
    pid_t pid;
    uint16_t port;
    int journal; /* read end */
};

/* Options the next start_loop adds (tests of issue 5's policies set them first). */
static unsigned next_max_stop_s;
static const char *next_allow; /* --allow text, or NULL */

static void start_loop(struct stub_child *sc, bool persist, unsigned idle_s)
{
    static struct stub_options opt;
    static struct net_listeners l;
    struct stub_hostport hp = {.host = "127.0.0.1", .port = 0};
    struct stub_loop_params p;
    struct inferior *inf;
    struct inf_error err;
    char msg[256];
    int fds[2];

    ck_assert_int_eq(net_listen(&hp, &l, msg, sizeof(msg)), 0);
    ck_assert_int_eq(pipe(fds), 0);
    sc->port = l.port;
    sc->journal = fds[0];
    sc->pid = fork();
    ck_assert_int_ge(sc->pid, 0);
    if (sc->pid == 0) {
        sigset_t set;
        close(fds[0]);
        journal_fd = fds[1];
        stub_loop_signals(&set);
        sigprocmask(SIG_BLOCK, &set, NULL);
        memset(&opt, 0, sizeof(opt));
        opt.persist = persist;
        opt.idle_timeout_s = idle_s;
        opt.max_stop_s = next_max_stop_s;
        if (next_allow) {
            if (stub_parse_cidr(next_allow, &opt.allow[0], msg, sizeof(msg)) < 0)
                _exit(98);
            opt.nallow = 1;
        }
        if (inf_attach(getpid(), &inf, &err) < 0)
            _exit(99);
        memset(&p, 0, sizeof(p));
        p.opt = &opt;
        p.listeners = &l;
        p.in_fd = p.out_fd = -1;
        p.inf = inf;
        _exit(stub_loop_run(&p));
    }
    close(fds[1]);
    net_close_listeners(&l);
}

/* Waits for the loop to end; returns its exit status (-1 on a timeout or a crash). */
static int wait_loop(struct stub_child *sc, int timeout_s)
{
    int status;

    for (int i = 0; i < timeout_s * 100; i++) {
        pid_t r = waitpid(sc->pid, &status, WNOHANG);
        if (r == sc->pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        usleep(10000);
    }
    kill(sc->pid, SIGKILL);
    waitpid(sc->pid, &status, 0);
    return -1;
}

/* The fake's calls, in order, as "attach,detach,release,free". */
static void journal(struct stub_child *sc, char *out, size_t outlen)
{
    size_t n = 0;
    ssize_t r;

    while (n + 1 < outlen && (r = read(sc->journal, out + n, outlen - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (out[i] == '\n')
            out[i] = i + 1 == n ? '\0' : ',';
    close(sc->journal);
}

static int client(uint16_t port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    return fd;
}

static void send_str(int fd, const char *s)
{
    ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* "$payload#cs" */
static void send_packet(int fd, const char *payload)
{
    char buf[512];
    unsigned sum = 0;

    for (const char *p = payload; *p; p++)
        sum += (unsigned char)*p;
    snprintf(buf, sizeof(buf), "$%s#%02x", payload, sum & 0xffu);
    send_str(fd, buf);
}

/* Reads until the buffer holds a complete packet ("#xx" after a '$') or EOF; returns bytes read. */
static size_t recv_packet(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t n = 0;

    while (n + 1 < len) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        char *hash;
        if (poll(&pfd, 1, timeout_ms) <= 0)
            break;
        ssize_t r = read(fd, buf + n, len - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        hash = strchr(buf, '#');
        if (strchr(buf, '$') && hash && strlen(hash) >= 3)
            break;
    }
    buf[n] = '\0';
    return n;
}

static bool at_eof(int fd, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char c;

    return poll(&pfd, 1, timeout_ms) == 1 && read(fd, &c, 1) <= 0;
}

static void noack(int fd)
{
    char buf[256];

    send_str(fd, "+");
    send_packet(fd, "QStartNoAckMode");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_str_eq(buf, "+$OK#9a");
}

/* ------------------------------------------------------------------ tests */

START_TEST(test_detach)
{
    struct stub_child sc;
    char buf[256], j[256];
    int fd;

    start_loop(&sc, false, 300);
    fd = client(sc.port);
    noack(fd);
    send_packet(fd, "D");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_str_eq(buf, "$OK#9a");
    ck_assert(at_eof(fd, 5000));
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,detach,release,free");
    close(fd);
}
END_TEST

START_TEST(test_client_vanishes)
{
    struct stub_child sc;
    char j[256];
    int fd;

    start_loop(&sc, false, 300);
    fd = client(sc.port);
    noack(fd);
    close(fd);
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,release,free");
}
END_TEST

START_TEST(test_second_client_refused)
{
    struct stub_child sc;
    char buf[512], j[256];
    int a, b;

    start_loop(&sc, false, 300);
    a = client(sc.port);
    noack(a);
    b = client(sc.port);
    send_packet(b, "qSupported:multiprocess+");
    recv_packet(b, buf, sizeof(buf), 5000);
    ck_assert_msg(strncmp(buf, "+$E.gostub: another client (127.0.0.1:", 38) == 0, "got '%s'", buf);
    ck_assert(at_eof(b, 5000));
    close(b);
    /* The first session goes on. */
    send_packet(a, "qC");
    recv_packet(a, buf, sizeof(buf), 5000);
    ck_assert_msg(strncmp(buf, "$QC", 3) == 0, "got '%s'", buf);
    send_packet(a, "D");
    recv_packet(a, buf, sizeof(buf), 5000);
    ck_assert_str_eq(buf, "$OK#9a");
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,detach,release,free");
    close(a);
}
END_TEST

START_TEST(test_interrupt)
{
    struct stub_child sc;
    char buf[512], j[256];
    int fd;

    start_loop(&sc, false, 300);
    fd = client(sc.port);
    noack(fd);
    send_packet(fd, "c");
    ck_assert_uint_eq(recv_packet(fd, buf, sizeof(buf), 300), 0); /* running: no reply */
    send_str(fd, "\x03");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_msg(strncmp(buf, "$T02", 4) == 0, "got '%s'", buf);
    close(fd);
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,resume,interrupt,release,free");
}
END_TEST

/* A client that sends many large reads without reading the replies: the stub stops reading it once
 * the output queue is full, stays small, and loses no reply. */
START_TEST(test_pipelined_reads)
{
    enum { NREQ = 600, REPLY_HEX = 2 * 0x8000 };
    struct stub_child sc;
    static char req[64 * NREQ];
    char status_path[64], line[256], buf[65536];
    size_t reqlen = 0, got = 0;
    long rss_kb = -1;
    unsigned replies = 0;
    int fd;
    FILE *f;

    start_loop(&sc, false, 300);
    fd = client(sc.port);
    noack(fd);
    for (int i = 0; i < NREQ; i++) {
        const char *p = "m1000,8000";
        unsigned sum = 0;
        for (const char *q = p; *q; q++)
            sum += (unsigned char)*q;
        reqlen += (size_t)snprintf(req + reqlen, sizeof(req) - reqlen, "$%s#%02x", p, sum & 0xffu);
    }
    send_str(fd, req); /* ~11 KiB of requests for ~39 MiB of replies */
    usleep(500000);
    snprintf(status_path, sizeof(status_path), "/proc/%d/status", (int)sc.pid);
    f = fopen(status_path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            rss_kb = strtol(line + 6, NULL, 10);
    fclose(f);
    fprintf(stderr, "stub RSS with a full output queue: %ld KiB\n", rss_kb);
    ck_assert_msg(rss_kb > 0 && rss_kb < 64 * 1024,
                  "stub RSS %ld KiB while the client is not reading", rss_kb);
    /* Now read everything: every request got its reply. */
    while (replies < NREQ) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 5000) <= 0)
            break;
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r <= 0)
            break;
        got += (size_t)r;
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] == '#')
                replies++;
    }
    ck_assert_uint_eq(replies, NREQ);
    ck_assert_uint_ge(got, (size_t)NREQ * 4); /* RLE may shorten the runs of 'A's */
    close(fd);
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    close(sc.journal);
}
END_TEST

START_TEST(test_persist)
{
    struct stub_child sc;
    char buf[256], j[256];
    int fd;

    start_loop(&sc, true, 300);
    for (int round = 0; round < 2; round++) {
        fd = client(sc.port);
        noack(fd);
        send_packet(fd, "D");
        recv_packet(fd, buf, sizeof(buf), 5000);
        ck_assert_str_eq(buf, "$OK#9a");
        ck_assert(at_eof(fd, 5000));
        close(fd);
    }
    kill(sc.pid, SIGTERM);
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,detach,release,free,attach,detach,release,free");
}
END_TEST

START_TEST(test_idle_timeout)
{
    struct stub_child sc;
    char j[256];
    int fd;

    start_loop(&sc, false, 1);
    fd = client(sc.port);
    noack(fd);
    ck_assert(at_eof(fd, 5000)); /* the stub hung up on the silent client */
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,release,free");
    close(fd);
}
END_TEST

START_TEST(test_sigterm_with_client)
{
    struct stub_child sc;
    char j[256];
    int fd;

    start_loop(&sc, false, 300);
    fd = client(sc.port);
    noack(fd);
    kill(sc.pid, SIGTERM);
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    ck_assert(at_eof(fd, 5000));
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,release,free");
    close(fd);
}
END_TEST

/* --max-stop: the process is given back while the client stays; every request then gets the reason,
 * the target is never called again (no "detach" in the journal), and D ends the session. */
START_TEST(test_max_stop)
{
    struct stub_child sc;
    char buf[512], j[256];
    int fd;

    next_max_stop_s = 1;
    start_loop(&sc, false, 300);
    next_max_stop_s = 0;
    fd = client(sc.port);
    noack(fd);
    usleep(1600 * 1000);
    send_packet(fd, "g");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_msg(strstr(buf, "$E.gostub: pid ") == buf &&
                      strstr(buf, "was stopped longer than --max-stop (1s)") != NULL,
                  "reply: %s", buf);
    send_packet(fd, "m0,4");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_ptr_nonnull(strstr(buf, "--max-stop"));
    send_packet(fd, "D");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_str_eq(buf, "$OK#9a");
    ck_assert(at_eof(fd, 5000));
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,release,free");
    close(fd);
}
END_TEST

/* After --max-stop a silent client still gets --idle-timeout, then is hung up on. */
START_TEST(test_max_stop_then_idle)
{
    struct stub_child sc;
    char buf[512], j[256];
    int fd;

    next_max_stop_s = 1;
    start_loop(&sc, false, 3);
    next_max_stop_s = 0;
    fd = client(sc.port);
    noack(fd);
    usleep(1500 * 1000);
    send_packet(fd, "?");
    recv_packet(fd, buf, sizeof(buf), 5000);
    ck_assert_ptr_nonnull(strstr(buf, "--max-stop"));
    ck_assert(!at_eof(fd, 1000)); /* kept: not hung up at once */
    ck_assert(at_eof(fd, 6000));  /* hung up after the idle timeout */
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,release,free");
    close(fd);
}
END_TEST

/* --allow: a peer outside is closed before anything is read or written; the process stays held. */
START_TEST(test_allow_refuses)
{
    struct stub_child sc;
    char buf[256], j[256];
    int fd;

    next_allow = "10.0.0.0/8";
    start_loop(&sc, false, 300);
    next_allow = NULL;
    fd = client(sc.port);
    /* The stub closes a refused peer at once, so these writes may already meet the reset: only
     * what comes back is checked. */
    static const char req[] = "+$qSupported#37";
    if (write(fd, req, sizeof(req) - 1) < 0) {
        /* refused before the request went out: fine */
    }
    ck_assert_uint_eq(recv_packet(fd, buf, sizeof(buf), 5000), 0); /* EOF, not a byte */
    close(fd);
    kill(sc.pid, SIGTERM);
    ck_assert_int_eq(wait_loop(&sc, 10), 0);
    journal(&sc, j, sizeof(j));
    ck_assert_str_eq(j, "attach,release,free");
}
END_TEST

static Suite *loop_suite(void)
{
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("loop");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_detach);
    tcase_add_test(tc, test_client_vanishes);
    tcase_add_test(tc, test_second_client_refused);
    tcase_add_test(tc, test_interrupt);
    tcase_add_test(tc, test_pipelined_reads);
    tcase_add_test(tc, test_persist);
    tcase_add_test(tc, test_idle_timeout);
    tcase_add_test(tc, test_sigterm_with_client);
    tcase_add_test(tc, test_max_stop);
    tcase_add_test(tc, test_max_stop_then_idle);
    tcase_add_test(tc, test_allow_refuses);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loop_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
