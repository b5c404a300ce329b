/*
 * tests/transcripts/replay_server.c - replays the requests of recorded gdb and lldb sessions
 * (the .req files in tests/transcripts, made by extract.py from real sessions against gdbserver and
 * lldb-server) into the RSP server with the in-memory fake target, and checks that every reply
 * decodes (checksums verified), has the right shape for its request, and that the session never
 * breaks before the client ends it. When a request resumes the target, a stop is reported
 * (breakpoint, step, watchpoint in turn) the way the stub would; an interrupt byte while running is
 * answered with a SIGINT stop.
 *
 * The fake process is not the recorded one, so values differ and some requests get E replies
 * (thread ids, addresses); what must hold is that each reply is a well-formed answer to its
 * request. Exit status: 0 when every transcript passes, 1 otherwise (automake's test protocol).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/server.h"
#include "tests/unit/rsp_fake_target.h"

static const char *const transcripts[] = {
    "gdb-launch.req",
    "gdb-attach.req",
    "gdb-interrupt.req",
    "lldb-llgs-attach.req",
    "lldb-gdbserver-attach.req",
};

struct replay {
    struct fake_target f;
    struct rsp_server *s;
    struct rsp_decoder *dec;
    unsigned stops_sent;
    /* counters for the summary */
    unsigned requests, replies, errors, empties;
    /* the replies to the current request */
    unsigned n;
    uint8_t *pkt[8];
    size_t len[8];
};

static bool starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static void clear(struct replay *r)
{
    for (unsigned i = 0; i < r->n; i++)
        free(r->pkt[i]);
    r->n = 0;
}

/* Takes what the server sent; returns false on anything but good packets and acks. */
static bool collect(struct replay *r)
{
    const uint8_t *data;
    size_t n = rsp_server_pending(r->s, &data);
    struct rsp_event ev;
    bool ok = true;

    clear(r);
    if (rsp_decoder_push(r->dec, data, n) != 0)
        return false;
    rsp_server_consume(r->s, n);
    while (rsp_decoder_next(r->dec, &ev)) {
        if (ev.kind == RSP_EV_ACK)
            continue;
        if (ev.kind != RSP_EV_PACKET || r->n == 8) {
            ok = false;
            continue;
        }
        r->pkt[r->n] = malloc(ev.len + 1);
        memcpy(r->pkt[r->n], ev.payload, ev.len);
        r->pkt[r->n][ev.len] = 0;
        r->len[r->n++] = ev.len;
    }
    return ok;
}

static bool all_chars(const uint8_t *p, size_t len, const char *set)
{
    for (size_t i = 0; i < len; i++)
        if (!p[i] || !strchr(set, p[i]))
            return false;
    return true;
}

static bool is_error(const uint8_t *p, size_t len)
{
    if (len >= 2 && p[0] == 'E' && p[1] == '.')
        return true;
    return len == 3 && p[0] == 'E' && all_chars(p + 1, 2, "0123456789abcdef");
}

static bool is_stop(const uint8_t *p, size_t len)
{
    struct rsp_stop st;
    return len > 0 && strchr("TSWXNw", p[0]) && rsp_stop_decode(&st, p, len) == 0;
}

static bool key_values(const uint8_t *p, size_t len)
{
    return len > 2 && memchr(p, ':', len) && p[len - 1] == ';';
}

/* Requests whose handler exists: an empty reply to them would be a regression. */
static const char *const served[] = {
    "qSupported",
    "QStartNoAckMode",
    "g",
    "G",
    "p",
    "P",
    "m",
    "M",
    "X",
    "x",
    "?",
    "qC",
    "qfThreadInfo",
    "qsThreadInfo",
    "qAttached",
    "vCont",
    "qXfer:features:read:",
    "qXfer:threads:read:",
    "qXfer:auxv:read:",
    "qXfer:exec-file:read:",
    "qXfer:siginfo:read:",
    "vFile:open:",
    "vFile:pread:",
    "vFile:close:",
    "vFile:fstat:",
    "vFile:readlink:",
    "vFile:setfs:",
    "QPassSignals:",
    "QProgramSignals:",
    "QNonStop:",
    "QThreadSuffixSupported",
    "QListThreadsInStopReply",
    "qHostInfo",
    "qProcessInfo",
    "qRegisterInfo",
    "qMemoryRegionInfo:",
    "jThreadsInfo",
    "qThreadStopInfo",
    "H",
    "T",
    "D",
    "Z0",
    "Z1",
    "Z2",
    "Z4",
    "z0",
    "z1",
    "z2",
    "z4",
    "c",
    "s",
    "C",
    "S",
    "qRcmd,",
    "QThreadEvents:",
    "vKill;",
};

/* NULL when reply is a well-formed answer to req. */
static const char *check_shape(const char *req, size_t rlen, const uint8_t *p, size_t len)
{
    const char *c = (const char *)p;

    if (len == 0) {
        for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
            /* a served packet may still be empty where the protocol says so */
            if (starts(req, rlen, served[i]) && !starts(req, rlen, "qXfer:features:read:x") &&
                !(starts(req, rlen, "m") && strstr(req, ",0") != NULL))
                return "empty reply to a served packet";
        }
        return NULL;
    }
    if (is_error(p, len))
        return NULL;
    if (starts(req, rlen, "qSupported"))
        return starts(c, len, "PacketSize=") ? NULL : "qSupported without PacketSize";
    if (starts(req, rlen, "g") || starts(req, rlen, "p"))
        return len % 2 == 0 && all_chars(p, len, "0123456789abcdefx") ? NULL : "bad register hex";
    if (starts(req, rlen, "m"))
        return len % 2 == 0 && all_chars(p, len, "0123456789abcdef") ? NULL : "bad memory hex";
    if (starts(req, rlen, "vCont?"))
        return starts(c, len, "vCont;") ? NULL : "bad vCont? reply";
    if (starts(req, rlen, "vCont;") || starts(req, rlen, "?") || strchr("cCsS", req[0]) ||
        starts(req, rlen, "qThreadStopInfo"))
        return is_stop(p, len) ? NULL : "bad stop reply";
    if (starts(req, rlen, "qfThreadInfo") || starts(req, rlen, "qsThreadInfo"))
        return p[0] == 'm' || p[0] == 'l' ? NULL : "bad thread list";
    if (starts(req, rlen, "qC"))
        return starts(c, len, "QC") ? NULL : "bad qC";
    if (starts(req, rlen, "qAttached"))
        return len == 1 && (p[0] == '0' || p[0] == '1') ? NULL : "bad qAttached";
    if (starts(req, rlen, "qXfer:"))
        return p[0] == 'm' || p[0] == 'l' ? NULL : "bad qXfer reply";
    if (starts(req, rlen, "vFile:"))
        return p[0] == 'F' ? NULL : "bad vFile reply";
    if (starts(req, rlen, "x"))
        return NULL; /* raw binary: any bytes */
    if (starts(req, rlen, "qHostInfo") || starts(req, rlen, "qProcessInfo") ||
        starts(req, rlen, "qRegisterInfo") || starts(req, rlen, "qMemoryRegionInfo"))
        return key_values(p, len) ? NULL : "bad key:value reply";
    if (starts(req, rlen, "jThreadsInfo"))
        return p[0] == '[' && p[len - 1] == ']' ? NULL : "bad JSON array";
    if (starts(req, rlen, "qThreadExtraInfo"))
        return len % 2 == 0 && all_chars(p, len, "0123456789abcdef") ? NULL : "bad name hex";
    if (strchr("ZzMXPGHTD", req[0]) || starts(req, rlen, "Q") || starts(req, rlen, "vKill"))
        return strcmp(c, "OK") == 0 ? NULL : "expected OK";
    return NULL;
}

/* "\xNN" escapes back to bytes; returns the length. */
static size_t unquote(char *line)
{
    size_t in = 0, out = 0;

    while (line[in]) {
        if (line[in] == '\\' && line[in + 1] == 'x' && line[in + 2] && line[in + 3]) {
            char hex[3] = {line[in + 2], line[in + 3], 0};
            line[out++] = (char)strtoul(hex, NULL, 16);
            in += 4;
        } else {
            line[out++] = line[in++];
        }
    }
    line[out] = 0;
    return out;
}

static void report_stop(struct replay *r, int signal)
{
    struct rsp_stop st;

    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_SIGNAL;
    st.tid = FAKE_PID;
    st.core = -1;
    st.signal = signal;
    if (signal == SIGTRAP) {
        static const enum rsp_stop_reason reasons[] = {RSP_REASON_SWBREAK, RSP_REASON_SINGLESTEP,
                                                       RSP_REASON_WATCH, RSP_REASON_HWBREAK};
        st.reason = reasons[r->stops_sent % 4];
        st.watch_addr = FAKE_MEM_BASE;
    }
    r->stops_sent++;
    rsp_server_report_stop(r->s, &st);
}

/* The whole transcript, one request per entry. */
static char **read_lines(const char *path, size_t *count)
{
    char *line = NULL, **lines = NULL;
    size_t cap = 0, n = 0, max = 0;
    ssize_t got;
    FILE *fp = fopen(path, "r");

    if (!fp)
        return NULL;
    while ((got = getline(&line, &cap, fp)) > 0) {
        if (line[got - 1] == '\n')
            line[got - 1] = 0;
        if (n == max) {
            max = max ? 2 * max : 256;
            lines = realloc(lines, max * sizeof(*lines));
        }
        lines[n++] = strdup(line);
    }
    free(line);
    fclose(fp);
    *count = n;
    return lines;
}

static int replay_file(const char *dir, const char *name)
{
    char path[8192], **lines;
    size_t nlines = 0;
    struct replay r;
    struct rsp_server_config cfg = {0};
    int failures = 0;
    struct rsp_buf frame;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    lines = read_lines(path, &nlines);
    if (!lines) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    memset(&r, 0, sizeof(r));
    fake_init(&r.f);
    r.f.permissive = true;
    r.s = rsp_server_new(&fake_target_full, &r.f, &cfg);
    r.dec = rsp_decoder_new(1u << 20);
    rsp_buf_init(&frame, 1u << 20);
    if (!r.s || !r.dec) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (size_t k = 0; k < nlines; k++) {
        char *line = lines[k];
        const char *why = NULL;
        enum rsp_session_state before = rsp_server_state(r.s);
        bool interrupt_next = k + 1 < nlines && strcmp(lines[k + 1], "<interrupt>") == 0;
        size_t len;

        if (before == RSP_SESSION_ENDED) {
            fprintf(stderr, "%s:%zu: session ended before the client's last request\n", name,
                    k + 1);
            failures++;
            break;
        }
        if (strcmp(line, "<interrupt>") == 0) {
            unsigned before_irq = r.f.interrupts;
            if (rsp_server_feed(r.s, (const uint8_t *)"\x03", 1) != 0)
                why = "feed failed";
            else if (before == RSP_SESSION_RUNNING && r.f.interrupts != before_irq + 1)
                why = "0x03 while running did not interrupt the target";
            if (!why && before == RSP_SESSION_RUNNING)
                report_stop(&r, SIGINT);
            if (!why && !collect(&r))
                why = "undecodable output";
            if (!why && before == RSP_SESSION_RUNNING &&
                (r.n != 1 || !starts((char *)r.pkt[0], r.len[0], "T02")))
                why = "no T02 stop after the interrupt";
        } else {
            len = unquote(line);
            r.requests++;
            rsp_buf_reset(&frame);
            if (rsp_frame(&frame, '$', (const uint8_t *)line, len, false) != 0 ||
                rsp_server_feed(r.s, frame.data, frame.len) != 0) {
                why = "feed failed";
            } else {
                bool running = rsp_server_state(r.s) == RSP_SESSION_RUNNING;

                /* The client interrupts next: leave the target running until then. */
                if (running && !interrupt_next)
                    report_stop(&r, SIGTRAP);
                if (!collect(&r))
                    why = "undecodable output";
                else if (strcmp(line, "k") == 0 || (running && interrupt_next))
                    why = r.n == 0 ? NULL : "reply while the target runs";
                else if (starts(line, len, "qRcmd,") && r.n >= 1)
                    why = check_shape(line, len, r.pkt[r.n - 1], r.len[r.n - 1]);
                else if (r.n != 1)
                    why = "not exactly one reply";
                else
                    why = check_shape(line, len, r.pkt[0], r.len[0]);
                r.replies += r.n;
                if (r.n == 1 && is_error(r.pkt[0], r.len[0]))
                    r.errors++;
                if (r.n == 1 && r.len[0] == 0)
                    r.empties++;
            }
        }
        if (getenv("REPLAY_VERBOSE") && r.n > 0)
            printf("%s:%zu: %.60s -> %.60s\n", name, k + 1, line, (char *)r.pkt[0]);
        if (why) {
            fprintf(stderr, "%s:%zu: '%.80s' -> '%.80s': %s\n", name, k + 1, line,
                    r.n ? (char *)r.pkt[0] : "(none)", why);
            failures++;
        }
    }
    printf("%s: %u requests, %u replies (%u errors, %u empty), %u stops reported, %u interrupts, "
           "%d failures\n",
           name, r.requests, r.replies, r.errors, r.empties, r.stops_sent, r.f.interrupts,
           failures);
    clear(&r);
    for (size_t k = 0; k < nlines; k++)
        free(lines[k]);
    free(lines);
    rsp_buf_fini(&frame);
    rsp_server_free(r.s);
    rsp_decoder_free(r.dec);
    return failures;
}

int main(void)
{
    const char *top = getenv("top_srcdir");
    char dir[4096];
    int failures = 0;

    snprintf(dir, sizeof(dir), "%s/tests/transcripts", top ? top : ".");
    for (size_t i = 0; i < sizeof(transcripts) / sizeof(transcripts[0]); i++)
        failures += replay_file(dir, transcripts[i]);
    return failures ? 1 : 0;
}
