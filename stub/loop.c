/*
 * stub/loop.c - gostub's libev loop (see loop.h): listeners, the client connection, refusals of
 * extra clients, signals through a signalfd, and the idle timer.
 *
 * The loop is a private ev_loop_new(EVFLAG_NOENV | EVFLAG_NOSIGMASK), never libev's default loop:
 * the default loop installs a SIGCHLD handler that reaps children without __WALL and would steal
 * the tracees' stop statuses. Children are reaped only by inf_handle_events (or, while no process
 * is attached, by reap_orphans), when the signalfd reports SIGCHLD.
 *
 * Watchers live inside the structs that own them and are turned back into their owner with
 * container_of. The write watcher runs only while the server has output pending, and the client is
 * not read while more than OUTPUT_HIGH bytes wait to be written (input is fed in small pieces, so
 * the queue stays below RSP_SERVER_OUTPUT_MAX): a client that never reads cannot make the stub
 * grow.
 *
 * Re-entrancy: the inferior calls the stop callback from inside inf_handle_events and possibly from
 * inside a target operation (inside rsp_server_feed). The callback only queues the stop; the queue
 * is handed to the server (deliver_stops), and anything that may free the connection or the
 * inferior happens, only after those calls return.
 */
#include "config.h"

#include "stub/loop.h"

#include <errno.h>
#include <ev.h>
#include <signal.h>
#include <sys/syscall.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rsp/server.h"
#include "stub/log.h"

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define READ_CHUNK 65536    /* bytes read from the client at a time */
#define DRAIN_TIMEOUT 5.0   /* seconds to deliver the last reply (OK to D or k) before closing */
#define REFUSE_LINGER 2.0   /* seconds a refused client gets to read its error before the close */
#define MAX_REFUSALS 4      /* refused sockets lingering at once; more are closed at once */
#define ACCEPT_PAUSE 1.0    /* seconds between accept attempts after EMFILE, ENOBUFS... */
#define MAX_QUEUED_STOPS 16 /* all-stop: the server takes one stop per resume; this is slack */
/* Input is fed to the server FEED_PIECE bytes at a time, and not at all while more than OUTPUT_HIGH
 * bytes wait to be written. The smallest request with the largest reply ("$m0,20000#xx", 12 bytes
 * for about 256 KiB) makes one piece worth at most ~5.5 MiB, so the queue stays below the server's
 * hard RSP_SERVER_OUTPUT_MAX however much a client pipelines without reading. */
#define FEED_PIECE 256
#define OUTPUT_HIGH (RSP_SERVER_OUTPUT_MAX / 2)

struct stub;

struct listener {
    ev_io io;
    ev_timer pause; /* accept failed for lack of resources: wait before trying again */
    struct stub *stub;
};

/* A refused client. gdb waits for the ack of its first packet (qSupported) and ignores anything
 * else until then, so the refusal waits for the end of that packet, then sends "+" and an error
 * packet, then reads until EOF (so that closing sends a FIN, not a reset that could destroy the
 * reply in flight). REFUSE_LINGER bounds the whole exchange. */
struct refusal {
    ev_io io;
    ev_timer timer;
    struct stub *stub;
    int fd;        /* -1: free slot */
    int csum_left; /* checksum characters still to come after '#'; -1 outside "#xx" */
    bool sent;
    size_t len;
    char pkt[600]; /* "+$E.text#cs" */
};

struct conn {
    ev_io read_io, write_io;
    ev_timer drain_timer;
    struct stub *stub;
    struct rsp_server *srv;
    int in_fd, out_fd; /* the same socket for TCP; stdin and stdout with --stdio */
    bool socket;
    bool ending; /* the session ended (D, k, fatal): only draining the last reply */
    bool broken; /* an internal error lost a reply: end the session, give the process back */
    char peer[NET_ADDR_STR_MAX];
    size_t in_off, in_len; /* buf[in_off..in_len) is read but not yet fed to the server */
    uint8_t buf[READ_CHUNK];
};

struct stub {
    struct ev_loop *loop;
    const struct stub_options *opt;
    struct rsp_server_config cfg;
    struct inferior *inf; /* NULL while released (--persist, between clients) */
    pid_t pid;
    bool launched;
    struct listener listeners[NET_MAX_LISTENERS];
    size_t nlisteners;
    struct refusal refusals[MAX_REFUSALS];
    struct conn *conn;
    int sigfd;
    ev_io sig_io;
    ev_timer idle_timer;
    ev_tstamp last_activity; /* last byte from the client, or the last stop, or the attach */
    ev_timer max_stop_timer; /* --max-stop */
    ev_tstamp stopped_since; /* the last stop reported, or the attach */
    struct rsp_stop stops[MAX_QUEUED_STOPS];
    size_t nstops;
    bool process_gone; /* the process exited or was killed: nothing left to serve */
    /* Test hooks, set from the environment: GOSTUB_TEST_FAIL_ALLOC=1 makes every client's
     * allocation fail; GOSTUB_TEST_CRASH_AT_STOP=1 raises SIGSEGV instead of a stop reply, =sys
     * makes a system call the sandbox denies (setuid) there instead. */
    bool test_fail_alloc;
    int test_crash; /* 0, 1: SIGSEGV, 2: a denied call */
    int status;     /* exit status returned by stub_loop_run */
};

static void conn_close(struct conn *c);
static void conn_lost(struct conn *c, const char *why);
static int conn_pump(struct conn *c);
static void idle_rearm(struct stub *s);
static void max_stop_rearm(struct stub *s);

/* ------------------------------------------------------------------ a crash of the stub itself */

#if defined(__SANITIZE_ADDRESS__)
#define LOOP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOOP_SANITIZED 1
#endif
#endif

/* The process held at this moment: what on_crash restores. Kept equal to stub.inf. */
static struct inferior *volatile crash_inf;
/* sigaltstack: a stack overflow must reach the handler too. Both are unused in sanitizer builds,
 * which keep ASan's own handlers. */
static uint8_t crash_stack[64 * 1024] __attribute__((unused));

/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT: a bug in the stub; SIGSYS: a call the sandbox denies.
 * The kernel will detach the process when gostub dies, but a trap left in its text would kill it at
 * the next hit (SIGTRAP): put the original bytes back first (inf_emergency_restore: no allocation,
 * no locks), then die of the same signal. No release proper (stop, detach with signals): the stub's
 * state cannot be trusted. */
__attribute__((unused)) static void on_crash(int sig)
{
    static const char msg[] = "gostub: internal error (fatal signal): restoring the process's "
                              "original bytes; the kernel detaches it\n";
    struct inferior *inf = crash_inf;

    crash_inf = NULL;
    if (write(2, msg, sizeof(msg) - 1) < 0) {
        /* nothing to do: stderr is gone */
    }
    if (inf)
        inf_emergency_restore(inf);
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns (the signal is blocked until then) */
}

static void install_crash_handlers(void)
{
#ifndef LOOP_SANITIZED /* ASan's own SIGSEGV handler reports the bug; keep it */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
    stack_t ss = {.ss_sp = crash_stack, .ss_size = sizeof(crash_stack)};
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    if (sigaltstack(&ss, NULL) < 0)
        sa.sa_flags = 0;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
#endif
}

/* ------------------------------------------------------------------ giving the process back */

static void finish(struct stub *s, int status)
{
    if (status > s->status)
        s->status = status;
    ev_break(s->loop, EVBREAK_ALL);
}

/* Releases (or, for a launched program with --kill-on-exit, kills) the process and frees its
 * bookkeeping. Returns 0, or -1 when the release failed (the process may be in a bad state). */
static int give_back(struct stub *s, const char *why)
{
    int rc = 0;

    if (!s->inf)
        return 0;
    if (inf_exited(s->inf)) {
        stub_log("%s; pid %d is gone", why, (int)s->pid);
        s->process_gone = true;
    } else if (s->launched && s->opt->kill_on_exit) {
        if (inf_kill(s->inf) < 0) {
            stub_log("%s: could not kill pid %d", why, (int)s->pid);
            rc = -1;
        } else {
            stub_log("%s: killed pid %d (--kill-on-exit)", why, (int)s->pid);
        }
        s->process_gone = true;
    } else if (inf_release(s->inf) < 0) {
        stub_log("%s: releasing pid %d failed; it may be left stopped or with breakpoints in it",
                 why, (int)s->pid);
        rc = -1;
    } else {
        stub_log("%s: released pid %d, which runs on", why, (int)s->pid);
    }
    crash_inf = NULL;
    inf_free(s->inf);
    s->inf = NULL;
    s->nstops = 0;
    return rc;
}

/* After a client has gone: keep listening (--persist, process alive) or end. */
static void after_client(struct stub *s, int status)
{
    if (status != 0 || !s->opt->persist || s->opt->stdio || s->process_gone) {
        finish(s, status);
        return;
    }
    stub_log("waiting for the next client (--persist)");
    idle_rearm(s);
}

/* The stub itself is told to stop (SIGTERM and co.). */
static void terminate(struct stub *s, const char *why)
{
    if (s->conn)
        conn_close(s->conn);
    if (!s->inf)
        stub_log("%s: exiting", why);
    finish(s, give_back(s, why) < 0 ? 1 : 0);
}

/* ------------------------------------------------------------------ stops */

static void on_stop(void *arg, const struct rsp_stop *st)
{
    struct stub *s = arg;

    if (st->kind == RSP_STOP_EXITED || st->kind == RSP_STOP_KILLED)
        s->process_gone = true;
    if (s->nstops == MAX_QUEUED_STOPS) {
        stub_log_debug("stop queue full: dropping a stop of thread %lld", (long long)st->tid);
        return;
    }
    s->stops[s->nstops++] = *st;
}

/* Hands queued stops to the server (never from inside an inferior or server call). */
static void deliver_stops(struct stub *s)
{
    size_t n = s->nstops;

    s->nstops = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rsp_stop *st = &s->stops[i];
        if (st->kind == RSP_STOP_EXITED)
            stub_log("pid %d exited with status %d", (int)s->pid, st->exit_code);
        else if (st->kind == RSP_STOP_KILLED)
            stub_log("pid %d was killed by signal %d", (int)s->pid, st->signal);
        if (s->test_crash == 1 && st->kind == RSP_STOP_SIGNAL && s->conn)
            raise(SIGSEGV); /* as a bug here would, with the client's breakpoints in memory */
        if (s->test_crash == 2 && st->kind == RSP_STOP_SIGNAL && s->conn &&
            syscall(SYS_setuid, getuid()) == 0)
            stub_log("test hook: setuid was allowed (no sandbox?)");
        if (s->conn && !s->conn->ending)
            rsp_server_report_stop(s->conn->srv, st);
    }
    if (n > 0)
        s->last_activity = s->stopped_since = ev_now(s->loop);
}

/* After inferior events: report the stops and write the replies; end when the process is gone and
 * nobody is connected to be told. Returns -1 when the loop is ending or the connection closed. */
static int flush_stops(struct stub *s)
{
    deliver_stops(s);
    if (s->conn && conn_pump(s->conn) < 0)
        return -1;
    if (s->process_gone && !s->conn) {
        /* No client yet, or between clients: nothing left to serve. */
        give_back(s, "no client connected");
        finish(s, 0);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ the idle timer */

static bool session_busy(const struct stub *s)
{
    if (!s->inf || inf_exited(s->inf))
        return false;
    if (inf_running(s->inf))
        return true;
    return s->conn && rsp_server_state(s->conn->srv) == RSP_SESSION_RUNNING;
}

static void idle_rearm(struct stub *s)
{
    ev_timer_stop(s->loop, &s->idle_timer);
    /* Without a process the timer runs only for a client kept after --max-stop gave it back: a
     * forgotten one must not hold the stub (and, with --persist, the next client) for ever. */
    if (s->opt->idle_timeout_s == 0 || (!s->inf && !s->conn) || (s->conn && s->conn->ending))
        return;
    ev_timer_set(&s->idle_timer, (ev_tstamp)s->opt->idle_timeout_s, 0.);
    ev_timer_start(s->loop, &s->idle_timer);
}

/* libev's "lazy" timeout: the timer is not moved on every byte; when it fires it checks how long
 * the silence really lasted and sleeps again for the rest. Silence counts only while the process is
 * stopped: a client waiting for a running process to stop is not idle. */
static void on_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct stub *s = container_of(w, struct stub, idle_timer);
    ev_tstamp limit = (ev_tstamp)s->opt->idle_timeout_s, now = ev_now(loop), left;
    char why[128];

    (void)revents;
    if (session_busy(s))
        s->last_activity = now;
    left = s->last_activity + limit - now;
    if (left > 0.) {
        ev_timer_set(w, left, 0.);
        ev_timer_start(loop, w);
        return;
    }
    if (s->inf)
        snprintf(why, sizeof(why), "idle for %us while pid %d is stopped", s->opt->idle_timeout_s,
                 (int)s->pid);
    else
        snprintf(why, sizeof(why), "idle for %us after --max-stop", s->opt->idle_timeout_s);
    if (s->conn) {
        conn_lost(s->conn, why);
        return;
    }
    after_client(s, give_back(s, why) < 0 ? 1 : 0);
}

/* ------------------------------------------------------------------ --max-stop */

static void max_stop_rearm(struct stub *s)
{
    ev_timer_stop(s->loop, &s->max_stop_timer);
    if (s->opt->max_stop_s == 0 || !s->inf)
        return;
    ev_timer_set(&s->max_stop_timer, (ev_tstamp)s->opt->max_stop_s, 0.);
    ev_timer_start(s->loop, &s->max_stop_timer);
}

/* The process has been stopped for --max-stop seconds, whatever the client did meanwhile: give it
 * back (breakpoints and watchpoints out, debug registers cleared, detached, running). A connected
 * client is kept: the server answers its every request with the reason, and its detach or quit ends
 * the session as usual (doc/internals/stub-loop.md, "--max-stop"). The clock is lazy like the idle
 * timer's: it restarts at every stop reported, and does not run while the process runs. */
static void on_max_stop(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct stub *s = container_of(w, struct stub, max_stop_timer);
    ev_tstamp limit = (ev_tstamp)s->opt->max_stop_s, now = ev_now(loop), left;
    char why[160], text[256];

    (void)revents;
    if (!s->inf || inf_exited(s->inf))
        return;
    if (session_busy(s))
        s->stopped_since = now;
    left = s->stopped_since + limit - now;
    if (left > 0.) {
        ev_timer_set(w, left, 0.);
        ev_timer_start(loop, w);
        return;
    }
    snprintf(why, sizeof(why), "pid %d stopped for %us (--max-stop)", (int)s->pid,
             s->opt->max_stop_s);
    if (s->conn && s->conn->ending)
        return; /* the session's own ending gives the process back within DRAIN_TIMEOUT */
    if (!s->conn) {
        after_client(s, give_back(s, why) < 0 ? 1 : 0);
        return;
    }
    if (give_back(s, why) < 0) {
        conn_close(s->conn);
        finish(s, 1);
        return;
    }
    snprintf(text, sizeof(text),
             "gostub: pid %d was stopped longer than --max-stop (%us): its breakpoints and "
             "watchpoints were removed and it runs on, released; detach and connect again",
             (int)s->pid, s->opt->max_stop_s);
    rsp_server_given_back(s->conn->srv, text);
    idle_rearm(s); /* the client still gets --idle-timeout to detach */
}

/* ------------------------------------------------------------------ the connection */

static void conn_close(struct conn *c)
{
    struct stub *s = c->stub;

    ev_io_stop(s->loop, &c->read_io);
    ev_io_stop(s->loop, &c->write_io);
    ev_timer_stop(s->loop, &c->drain_timer);
    rsp_server_free(c->srv);
    if (c->in_fd >= 0)
        close(c->in_fd);
    if (c->out_fd >= 0 && c->out_fd != c->in_fd)
        close(c->out_fd);
    s->conn = NULL;
    free(c);
}

/* The client went away without ending the session (EOF, reset, write error, idle timeout). */
static void conn_lost(struct conn *c, const char *why)
{
    struct stub *s = c->stub;
    char text[256];

    snprintf(text, sizeof(text), "client %s: %s", c->peer, why);
    conn_close(c);
    if (!s->inf)
        stub_log("%s", text); /* the process was given back already (--max-stop) */
    after_client(s, give_back(s, text) < 0 ? 1 : 0);
}

/* The session ended (D, k or a fatal error) and its last reply is written (or timed out). */
static void conn_ended(struct conn *c)
{
    struct stub *s = c->stub;
    enum rsp_end_reason reason = rsp_server_end_reason(c->srv);
    char peer[NET_ADDR_STR_MAX], text[256];
    int rc;

    snprintf(peer, sizeof(peer), "%s", c->peer);
    conn_close(c);
    if (!s->inf) {
        /* The process was given back already (--max-stop); the client just said goodbye. */
        stub_log("client %s left", peer);
        after_client(s, 0);
        return;
    }
    switch (reason) {
    case RSP_END_DETACHED:
        /* target->detach already ran; the release only frees what is left (it is idempotent). */
        snprintf(text, sizeof(text), "client %s detached", peer);
        after_client(s, give_back(s, text) < 0 ? 1 : 0);
        break;
    case RSP_END_KILLED:
        /* target->kill already ran. Without --allow-kill an attached process was released instead
         * (target_ops.c), and it runs on: that is an ending like a detach. */
        if (s->inf && !inf_exited(s->inf)) {
            snprintf(text, sizeof(text),
                     "client %s asked to kill pid %d, which was attached, not launched: refused "
                     "(--allow-kill)",
                     peer, (int)s->pid);
            after_client(s, give_back(s, text) < 0 ? 1 : 0);
            break;
        }
        snprintf(text, sizeof(text), "client %s killed the process", peer);
        rc = give_back(s, text);
        s->process_gone = true;
        finish(s, rc < 0 ? 1 : 0);
        break;
    default:
        snprintf(text, sizeof(text), "client %s: session ended by an error", peer);
        rc = give_back(s, text);
        after_client(s, rc < 0 ? 1 : 0);
        break;
    }
}

/* Feeds buffered input to the server, piece by piece, while the output queue is below OUTPUT_HIGH.
 * Stops reported meanwhile are handed over between pieces. */
static void conn_feed(struct conn *c)
{
    struct stub *s = c->stub;
    const uint8_t *data;

    while (c->in_off < c->in_len && !c->ending && rsp_server_pending(c->srv, &data) < OUTPUT_HIGH) {
        size_t n = c->in_len - c->in_off;
        if (n > FEED_PIECE)
            n = FEED_PIECE;
        /* -ENOMEM: a reply did not fit the queue; cannot happen below OUTPUT_HIGH (see above). If
         * it ever does, the client waits for a reply that is lost: end the session (conn_pump). */
        if (rsp_server_feed(c->srv, c->buf + c->in_off, n) < 0) {
            stub_log("internal error: a reply did not fit the output queue");
            c->broken = true;
            c->in_off = c->in_len;
            break;
        }
        c->in_off += n;
        deliver_stops(s);
        if (rsp_server_state(c->srv) == RSP_SESSION_ENDED)
            c->in_off = c->in_len; /* nothing after D or k is served */
    }
    if (c->in_off == c->in_len)
        c->in_off = c->in_len = 0;
}

/* Writes what the server has queued as far as the descriptor takes it. Returns bytes written, or
 * -1 after a write error (reason in why). */
static ssize_t conn_write(struct conn *c, char *why, size_t whylen)
{
    const uint8_t *data;
    size_t len;
    ssize_t n, total = 0;

    while ((len = rsp_server_pending(c->srv, &data)) > 0) {
        if (c->socket)
            n = send(c->out_fd, data, len, MSG_NOSIGNAL);
        else
            n = write(c->out_fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            snprintf(why, whylen, "write failed (%s)", n < 0 ? strerror(errno) : "closed");
            return -1;
        }
        stub_log_packet("->", data, (size_t)n);
        rsp_server_consume(c->srv, (size_t)n);
        total += n;
    }
    return total;
}

/* Moves bytes: buffered input into the server, replies out to the client, until neither moves; then
 * starts or stops the watchers to match (write only while output is pending, read only while the
 * input buffer is empty and the output below OUTPUT_HIGH). Ends the connection when the session
 * ended and its last reply is out. Returns 0, or -1 when the connection was closed (c is gone). */
static int conn_pump(struct conn *c)
{
    struct stub *s = c->stub;
    const uint8_t *data;
    char why[160];
    ssize_t wrote;
    size_t pending;

    do {
        conn_feed(c);
        if (c->broken) {
            conn_lost(c, "internal error (a reply was lost)");
            return -1;
        }
        if (!c->ending && rsp_server_state(c->srv) == RSP_SESSION_ENDED) {
            c->ending = true;
            ev_timer_stop(s->loop, &s->idle_timer);
            ev_timer_set(&c->drain_timer, DRAIN_TIMEOUT, 0.);
            ev_timer_start(s->loop, &c->drain_timer);
        }
        wrote = conn_write(c, why, sizeof(why));
        if (wrote < 0) {
            if (c->ending)
                conn_ended(c);
            else
                conn_lost(c, why);
            return -1;
        }
    } while (wrote > 0 && c->in_len > 0 && !c->ending);

    pending = rsp_server_pending(c->srv, &data);
    if (pending > 0)
        ev_io_start(s->loop, &c->write_io);
    else
        ev_io_stop(s->loop, &c->write_io);
    if (c->ending) {
        ev_io_stop(s->loop, &c->read_io);
        if (pending == 0) {
            conn_ended(c);
            return -1;
        }
    } else if (c->in_len == 0 && pending < OUTPUT_HIGH) {
        ev_io_start(s->loop, &c->read_io);
    } else {
        ev_io_stop(s->loop, &c->read_io);
    }
    return 0;
}

static void on_client_read(struct ev_loop *loop, ev_io *w, int revents)
{
    struct conn *c = container_of(w, struct conn, read_io);
    struct stub *s = c->stub;
    ssize_t n;

    (void)revents;
    n = read(c->in_fd, c->buf, sizeof(c->buf));
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        conn_lost(c, n == 0 ? "connection closed" : strerror(errno));
        return;
    }
    stub_log_packet("<-", c->buf, (size_t)n);
    s->last_activity = ev_now(loop);
    c->in_off = 0;
    c->in_len = (size_t)n;
    flush_stops(s);
}

static void on_client_write(struct ev_loop *loop, ev_io *w, int revents)
{
    struct conn *c = container_of(w, struct conn, write_io);

    (void)loop;
    (void)revents;
    conn_pump(c);
}

static void on_drain_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct conn *c = container_of(w, struct conn, drain_timer);

    (void)loop;
    (void)revents;
    stub_log_debug("client %s did not read its last reply; closing", c->peer);
    conn_ended(c);
}

static void server_log(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void server_log(void *ctx, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    (void)ctx;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    stub_log_debug("%s", line);
}

/* ------------------------------------------------------------------ refusals */

static void refusal_close(struct refusal *r)
{
    ev_io_stop(r->stub->loop, &r->io);
    ev_timer_stop(r->stub->loop, &r->timer);
    close(r->fd);
    r->fd = -1;
}

static void refusal_send(struct refusal *r)
{
    if (send(r->fd, r->pkt, r->len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        stub_log_debug("refusal not sent: %s", strerror(errno));
    shutdown(r->fd, SHUT_WR);
    r->sent = true;
}

static void on_refusal_read(struct ev_loop *loop, ev_io *w, int revents)
{
    struct refusal *r = container_of(w, struct refusal, io);
    char buf[4096];
    ssize_t n;

    (void)loop;
    (void)revents;
    n = read(r->fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        refusal_close(r);
        return;
    }
    for (ssize_t i = 0; i < n && !r->sent; i++) {
        if (r->csum_left > 0 && --r->csum_left == 0)
            refusal_send(r);
        else if (buf[i] == '#')
            r->csum_left = 2;
    }
}

static void on_refusal_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    refusal_close(container_of(w, struct refusal, timer));
}

/* Answers the client's first packet with "E.<text>" (gdb shows "Remote failure reply: E.<text>"),
 * then closes. Characters that would need escaping are replaced, so the packet needs no codec. */
static void refuse(struct stub *s, int fd, const char *text)
{
    struct refusal *r = NULL;
    unsigned sum = 0;
    size_t n = 0;

    for (size_t i = 0; i < MAX_REFUSALS; i++)
        if (s->refusals[i].fd < 0)
            r = &s->refusals[i];
    if (!r) {
        close(fd);
        return;
    }
    r->pkt[n++] = '+';
    r->pkt[n++] = '$';
    r->pkt[n++] = 'E';
    r->pkt[n++] = '.';
    for (const char *p = text; *p && n < sizeof(r->pkt) - 4; p++) {
        char ch = *p;
        if (ch == '#' || ch == '$' || ch == '}' || ch == '*' || (unsigned char)ch < 0x20 ||
            (unsigned char)ch > 0x7e)
            ch = '?';
        r->pkt[n++] = ch;
    }
    for (size_t i = 2; i < n; i++)
        sum += (unsigned char)r->pkt[i];
    snprintf(r->pkt + n, sizeof(r->pkt) - n, "#%02x", sum & 0xffu);
    r->len = n + 3;
    r->fd = fd;
    r->sent = false;
    r->csum_left = -1;
    ev_io_set(&r->io, fd, EV_READ);
    ev_io_start(s->loop, &r->io);
    ev_timer_set(&r->timer, REFUSE_LINGER, 0.);
    ev_timer_start(s->loop, &r->timer);
}

/* ------------------------------------------------------------------ accepting */

/* --persist: the process was released when the last client left; take it again. */
static int reattach(struct stub *s, char *why, size_t whylen)
{
    struct inf_error err;

    err.msg[0] = '\0';
    if (inf_attach(s->pid, &s->inf, &err) < 0) {
        s->inf = NULL;
        snprintf(why, whylen, "%s", err.msg[0] ? err.msg : "attach failed");
        if (kill(s->pid, 0) < 0 && errno == ESRCH)
            s->process_gone = true;
        return -1;
    }
    s->launched = inf_launched(s->inf);
    s->process_gone = false;
    crash_inf = s->inf;
    inf_set_allow_kill(s->inf, s->opt->allow_kill);
    s->stopped_since = ev_now(s->loop);
    max_stop_rearm(s);
    stub_log("attached to pid %d again", (int)s->pid);
    return 0;
}

static int conn_open(struct stub *s, int in_fd, int out_fd, bool is_socket, const char *peer)
{
    struct conn *c;
    char why[600];

    if (!s->inf && reattach(s, why, sizeof(why)) < 0) {
        stub_log("client %s refused: %s", peer, why);
        if (is_socket)
            refuse(s, in_fd, why);
        if (s->process_gone) {
            stub_log("pid %d is gone: nothing left to attach", (int)s->pid);
            finish(s, 0);
        }
        return -1;
    }
    c = calloc(1, sizeof(*c));
    if (c)
        c->srv = rsp_server_new(inf_target(s->inf), s->inf, &s->cfg);
    if (c && c->srv && s->test_fail_alloc) {
        rsp_server_free(c->srv);
        c->srv = NULL;
    }
    if (!c || !c->srv) {
        /* The process must not wait, stopped, for memory that may never come: give it back. */
        stub_log("client %s refused: out of memory", peer);
        if (is_socket)
            refuse(s, in_fd, "gostub: out of memory");
        free(c);
        give_back(s, "out of memory");
        after_client(s, 1); /* exit 1: an internal error, whatever --persist says */
        return -1;
    }
    c->stub = s;
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    c->socket = is_socket;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    ev_io_init(&c->read_io, on_client_read, in_fd, EV_READ);
    ev_io_init(&c->write_io, on_client_write, out_fd, EV_WRITE);
    ev_timer_init(&c->drain_timer, on_drain_timeout, DRAIN_TIMEOUT, 0.);
    s->conn = c;
    inf_set_stop_callback(s->inf, on_stop, s);
    ev_io_start(s->loop, &c->read_io);
    s->last_activity = ev_now(s->loop);
    idle_rearm(s);
    return 0;
}

static void on_accept_pause(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct listener *l = container_of(w, struct listener, pause);

    (void)revents;
    ev_io_start(loop, &l->io);
}

/* --allow for TCP peers (everyone without it); for a Unix socket our own uid or --allow-uid. */
static bool peer_allowed(const struct stub *s, const struct net_peer *who)
{
    const struct stub_options *o = s->opt;

    if (who->family == AF_UNIX) {
        if (who->uid == geteuid())
            return true;
        for (size_t i = 0; i < o->nallow_uid; i++)
            if (o->allow_uid[i] == who->uid)
                return true;
        return false;
    }
    if (o->nallow == 0)
        return true;
    return stub_cidr_match(o->allow, o->nallow, who->family, who->addr);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    struct listener *l = container_of(w, struct listener, io);
    struct stub *s = l->stub;
    struct net_peer who;
    const char *peer = who.text;
    char why[200];
    int fd;

    (void)revents;
    fd = net_accept(w->fd, &who);
    if (fd < 0) {
        if (fd == -EAGAIN || fd == -EWOULDBLOCK || fd == -EINTR || fd == -ECONNABORTED)
            return;
        /* EMFILE and co.: the connection stays queued and the socket readable, so retrying at
         * once would spin. Pause this listener for a while instead. */
        stub_log("accept failed: %s", strerror(-fd));
        ev_io_stop(loop, &l->io);
        ev_timer_set(&l->pause, ACCEPT_PAUSE, 0.);
        ev_timer_start(loop, &l->pause);
        return;
    }
    if (!peer_allowed(s, &who)) {
        /* Closed before a byte is read or written: a stranger learns nothing, not even that this
         * is gostub. */
        stub_log("refused a connection from %s: %s", peer,
                 who.family == AF_UNIX ? "not an allowed user (--allow-uid)"
                                       : "not in an allowed network (--allow)");
        close(fd);
        return;
    }
    if (s->conn) {
        stub_log("refused a connection from %s: client %s is connected", peer, s->conn->peer);
        snprintf(why, sizeof(why), "gostub: another client (%s) is connected to pid %d",
                 s->conn->peer, (int)s->pid);
        refuse(s, fd, why);
        return;
    }
    if (conn_open(s, fd, fd, true, peer) == 0)
        stub_log("client %s connected", peer);
}

/* ------------------------------------------------------------------ signals */

void stub_loop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

/* No process attached (between clients with --persist): a launched program we released is still our
 * child, and its exit must be reaped. */
static void reap_orphans(void)
{
    while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
        ;
}

static void on_signal(struct ev_loop *loop, ev_io *w, int revents)
{
    struct stub *s = container_of(w, struct stub, sig_io);
    struct signalfd_siginfo si[8];
    bool child = false;
    int term = 0;
    ssize_t n;

    (void)loop;
    (void)revents;
    n = read(s->sigfd, si, sizeof(si));
    if (n < 0)
        return;
    for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++) {
        if (si[i].ssi_signo == SIGCHLD)
            child = true;
        else if (!term)
            term = (int)si[i].ssi_signo;
    }
    /* Reap first even when terminating: the release must see the threads' current states. */
    if (child) {
        if (s->inf)
            inf_handle_events(s->inf);
        else
            reap_orphans();
    }
    if (term) {
        char why[64];
        s->nstops = 0;
        snprintf(why, sizeof(why), "caught %s",
                 term == SIGTERM  ? "SIGTERM"
                 : term == SIGINT ? "SIGINT"
                                  : "SIGHUP");
        terminate(s, why);
        return;
    }
    if (child)
        flush_stops(s);
}

/* ------------------------------------------------------------------ running */

static int setup(struct stub *s, const struct stub_loop_params *p)
{
    sigset_t set;

    s->loop = ev_loop_new(EVFLAG_NOENV | EVFLAG_NOSIGMASK);
    if (!s->loop) {
        stub_log("cannot create the event loop");
        return -1;
    }
    stub_loop_signals(&set);
    s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s->sigfd < 0) {
        stub_log("signalfd: %s", strerror(errno));
        return -1;
    }
    ev_io_init(&s->sig_io, on_signal, s->sigfd, EV_READ);
    ev_io_start(s->loop, &s->sig_io);
    ev_timer_init(&s->idle_timer, on_idle, 1., 0.);
    ev_timer_init(&s->max_stop_timer, on_max_stop, 1., 0.);
    for (size_t i = 0; i < MAX_REFUSALS; i++) {
        s->refusals[i].stub = s;
        s->refusals[i].fd = -1;
        ev_init(&s->refusals[i].io, on_refusal_read);
        ev_init(&s->refusals[i].timer, on_refusal_timeout);
    }
    if (p->listeners) {
        for (size_t i = 0; i < p->listeners->n; i++) {
            struct listener *l = &s->listeners[s->nlisteners++];
            l->stub = s;
            ev_io_init(&l->io, on_accept, p->listeners->fds[i], EV_READ);
            ev_init(&l->pause, on_accept_pause);
            ev_io_start(s->loop, &l->io);
        }
    }
    return 0;
}

/* The process is given back and gostub is ending: a refused client (the last one may carry the
 * reason of the end, "out of memory" or "pid N is gone") still gets its error, within
 * REFUSE_LINGER. Only the refusals' watchers stay, so ev_run returns when they are done. */
static void linger_refusals(struct stub *s)
{
    bool any = false;

    for (size_t i = 0; i < MAX_REFUSALS; i++)
        any = any || s->refusals[i].fd >= 0;
    if (!any)
        return;
    ev_io_stop(s->loop, &s->sig_io);
    ev_timer_stop(s->loop, &s->idle_timer);
    ev_timer_stop(s->loop, &s->max_stop_timer);
    for (size_t i = 0; i < s->nlisteners; i++) {
        ev_io_stop(s->loop, &s->listeners[i].io);
        ev_timer_stop(s->loop, &s->listeners[i].pause);
    }
    ev_run(s->loop, 0);
}

int stub_loop_run(const struct stub_loop_params *p)
{
    struct stub s;

    memset(&s, 0, sizeof(s));
    s.opt = p->opt;
    s.inf = p->inf;
    s.pid = inf_pid(p->inf);
    s.launched = inf_launched(p->inf);
    s.sigfd = -1;
    s.cfg.log = p->opt->verbose ? server_log : NULL;
    s.cfg.read_only = p->opt->read_only;
    /* Test hook, for tests/integration/security_edge.sh: makes the allocation of every connection
     * fail, to check that the process is given back. Nothing else reads the environment. */
    const char *fail_alloc = getenv("GOSTUB_TEST_FAIL_ALLOC");
    s.test_fail_alloc = fail_alloc && strcmp(fail_alloc, "1") == 0;
    const char *crash = getenv("GOSTUB_TEST_CRASH_AT_STOP");
    s.test_crash = !crash ? 0 : strcmp(crash, "1") == 0 ? 1 : strcmp(crash, "sys") == 0 ? 2 : 0;
    inf_set_stop_callback(s.inf, on_stop, &s);
    inf_set_allow_kill(s.inf, p->opt->allow_kill);
    crash_inf = s.inf;
    install_crash_handlers();

    if (setup(&s, p) < 0) {
        s.status = 1;
        give_back(&s, "startup failed");
        goto out;
    }
    s.last_activity = s.stopped_since = ev_now(s.loop);
    max_stop_rearm(&s);
    /* A SIGCHLD raised while it was blocked waits for the signalfd, but main.c blocks signals only
     * after a launch (the program would inherit the mask), and a SIGCHLD before that was discarded
     * (its default action is to ignore it): look for pending statuses once now. */
    inf_handle_events(s.inf);
    if (flush_stops(&s) < 0)
        goto out;
    if (p->opt->stdio) {
        if (conn_open(&s, p->in_fd, p->out_fd, false, "on stdio") < 0) {
            s.status = 1;
            give_back(&s, "startup failed");
            goto out;
        }
    } else {
        idle_rearm(&s);
    }
    ev_run(s.loop, 0);

out:
    if (s.conn)
        conn_close(s.conn);
    if (s.inf && give_back(&s, "exiting") < 0)
        s.status = 1;
    if (s.loop)
        linger_refusals(&s);
    for (size_t i = 0; i < MAX_REFUSALS; i++)
        if (s.refusals[i].fd >= 0)
            refusal_close(&s.refusals[i]);
    if (p->listeners)
        net_close_listeners(p->listeners);
    if (s.sigfd >= 0)
        close(s.sigfd);
    if (s.loop)
        ev_loop_destroy(s.loop);
    return s.status;
}
