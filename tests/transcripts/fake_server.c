/*
 * tests/transcripts/fake_server.c - the RSP server over the in-memory fake target on a real TCP
 * socket, so that stock gdb and lldb can be pointed at it (live_clients.sh). It serves one client:
 * listens on 127.0.0.1, port 0, prints "Listening on port N", then shuttles bytes between the
 * socket and the server. Resumes are modelled crudely: a step moves the stepping thread's pc one
 * byte on and stops it; a continue stops at the watchpoint (every other time) or at the first
 * breakpoint, else runs until the client interrupts (SIGINT) or a second passes. Exits when the
 * client leaves or the session ends. A test tool only: blocking I/O, poll() with a timeout, no
 * options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rsp/server.h"
#include "tests/unit/rsp_fake_target.h"

static bool drain(struct rsp_server *s, int fd)
{
    const uint8_t *data;
    size_t n;

    while ((n = rsp_server_pending(s, &data)) > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        rsp_server_consume(s, (size_t)w);
    }
    return true;
}

static void model_resume(struct rsp_server *s, struct fake_target *f, bool *last_watch,
                         unsigned idle_ms)
{
    struct rsp_stop st = f->stops[0];

    st.signal = SIGTRAP;
    st.reason = RSP_REASON_NONE;
    for (size_t i = 0; i < f->last_nacts; i++) {
        int t = f->last_acts[i].tid == FAKE_PID + 1 ? 1 : 0;

        if (f->last_acts[i].action != 's')
            continue;
        fake_set_pc(f, t, fake_get_pc(f, t) + 1);
        st.tid = FAKE_PID + t;
        st.reason = RSP_REASON_SINGLESTEP;
        rsp_server_report_stop(s, &st);
        return;
    }
    if (f->interrupts > 0) {
        f->interrupts = 0;
        st.signal = SIGINT;
    } else if (f->watch_addr && !*last_watch) {
        st.reason = RSP_REASON_WATCH;
        st.watch_addr = f->watch_addr;
    } else if (f->nbps > 0) {
        fake_set_pc(f, 0, f->bps[0]);
        st.reason = RSP_REASON_SWBREAK;
    } else if (idle_ms < 1000) {
        return; /* keeps running */
    }
    *last_watch = st.reason == RSP_REASON_WATCH;
    rsp_server_report_stop(s, &st);
}

int main(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t salen = sizeof(sa);
    struct rsp_server_config cfg = {0};
    struct fake_target f;
    struct rsp_server *s;
    int lfd, fd, one = 1;
    unsigned idle_ms = 0;
    bool last_watch = false;

    signal(SIGPIPE, SIG_IGN);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &salen) != 0) {
        perror("fake_server: listen");
        return 1;
    }
    printf("Listening on port %u\n", ntohs(sa.sin_port));
    fflush(stdout);
    fd = accept(lfd, NULL, NULL);
    close(lfd);
    if (fd < 0) {
        perror("fake_server: accept");
        return 1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fake_init(&f);
    /* Thread 101 is just stopped here: lldb's batch mode quits at a thread stopped by a signal. */
    f.stops[1].signal = 0;
    f.stops[1].reason = RSP_REASON_NONE;
    s = rsp_server_new(&fake_target_full, &f, &cfg);
    if (!s)
        return 1;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        uint8_t buf[65536];
        int rc = poll(&p, 1, 50);
        ssize_t n;

        if (rc < 0 && errno == EINTR)
            continue;
        if (rc > 0) {
            n = read(fd, buf, sizeof(buf));
            if (n <= 0)
                break;
            idle_ms = 0;
            if (rsp_server_feed(s, buf, (size_t)n) != 0)
                break;
        } else {
            idle_ms += 50;
        }
        if (rsp_server_state(s) == RSP_SESSION_RUNNING)
            model_resume(s, &f, &last_watch, idle_ms);
        if (!drain(s, fd) || rsp_server_state(s) == RSP_SESSION_ENDED)
            break;
    }
    drain(s, fd);
    printf("session end: state %d reason %d, detaches %u kills %u\n", rsp_server_state(s),
           rsp_server_end_reason(s), f.detaches, f.kills);
    rsp_server_free(s);
    close(fd);
    return 0;
}
