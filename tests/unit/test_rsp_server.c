/*
 * tests/unit/test_rsp_server.c - the RSP server against the in-memory fake target
 * (rsp_fake_target.c). Table-driven request -> reply cases for every packet and for bad input, then
 * scripted sessions for what a table cannot show: acks and retransmission, no-ack mode, split
 * input, 0x03 while running, stop reporting, deferred packets, ending the session, read-only mode,
 * absent feature groups, lldb's thread suffix and the bounded output queue.
 *
 * Every byte the server emits is re-decoded with checksums verified (an ack-mode decoder).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/server.h"
#include "tests/unit/rsp_fake_target.h"

/* ------------------------------------------------------------------ harness */

#define MAX_PKTS 64

struct session {
    struct fake_target f;
    struct rsp_server_config cfg;
    struct rsp_server *s;
    struct rsp_decoder *dec; /* decodes what the server sent */
    /* what the last collect() found */
    unsigned acks, naks, npkts, total;
    char *pkts[MAX_PKTS];
    size_t lens[MAX_PKTS];
};

static void clear_pkts(struct session *x)
{
    for (unsigned i = 0; i < x->npkts; i++)
        free(x->pkts[i]);
    x->npkts = x->acks = x->naks = 0;
}

/* Decodes and consumes everything the server queued. Every event must be a good packet or an ack.
 * The first MAX_PKTS packets are kept; total counts them all. */
static void collect(struct session *x)
{
    const uint8_t *data;
    size_t n = rsp_server_pending(x->s, &data), off = 0;
    struct rsp_event ev;

    clear_pkts(x);
    x->total = 0;
    while (off < n) {
        size_t k = n - off < 65536 ? n - off : 65536;

        ck_assert_int_eq(rsp_decoder_push(x->dec, data + off, k), 0);
        off += k;
        while (rsp_decoder_next(x->dec, &ev)) {
            switch (ev.kind) {
            case RSP_EV_ACK:
                x->acks++;
                break;
            case RSP_EV_NAK:
                x->naks++;
                break;
            case RSP_EV_PACKET:
                x->total++;
                if (x->npkts == MAX_PKTS)
                    break;
                x->pkts[x->npkts] = malloc(ev.len + 1);
                memcpy(x->pkts[x->npkts], ev.payload, ev.len);
                x->pkts[x->npkts][ev.len] = 0;
                x->lens[x->npkts++] = ev.len;
                break;
            default:
                ck_abort_msg("server emitted a bad event %d", ev.kind);
            }
        }
    }
    rsp_server_consume(x->s, n);
    ck_assert_uint_eq(rsp_server_pending(x->s, &data), 0);
}

static void feed_raw(struct session *x, const void *data, size_t len)
{
    ck_assert_int_eq(rsp_server_feed(x->s, data, len), 0);
}

static void send_pkt_len(struct session *x, const char *payload, size_t len)
{
    struct rsp_buf b;

    rsp_buf_init(&b, 1u << 20);
    ck_assert_int_eq(rsp_frame(&b, '$', (const uint8_t *)payload, len, false), 0);
    feed_raw(x, b.data, b.len);
    rsp_buf_fini(&b);
}

static void send_pkt(struct session *x, const char *payload)
{
    send_pkt_len(x, payload, strlen(payload));
}

/* Sends payload and returns the one reply packet (owned by the session until the next collect). */
static const char *request(struct session *x, const char *payload)
{
    send_pkt(x, payload);
    collect(x);
    ck_assert_msg(x->npkts == 1, "'%s': %u replies", payload, x->npkts);
    return x->pkts[0];
}

static void session_open(struct session *x, const struct rsp_target *t, const char *features,
                         bool noack, bool read_only)
{
    memset(x, 0, sizeof(*x));
    fake_init(&x->f);
    x->cfg.read_only = read_only;
    x->s = rsp_server_new(t, &x->f, &x->cfg);
    ck_assert_ptr_nonnull(x->s);
    x->f.server = x->s;
    x->dec = rsp_decoder_new(1u << 20);
    ck_assert_ptr_nonnull(x->dec);
    if (features) {
        char q[512];
        snprintf(q, sizeof(q), "qSupported:%s", features);
        (void)request(x, q);
    }
    if (noack) {
        ck_assert_str_eq(request(x, "QStartNoAckMode"), "OK");
        ck_assert(rsp_server_noack(x->s));
    }
}

static void session_close(struct session *x)
{
    clear_pkts(x);
    rsp_server_free(x->s);
    rsp_decoder_free(x->dec);
}

#define GDB_FEATURES                                                                               \
    "multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vContSupported+;QThreadEvents+;no-"  \
    "resumed+"
#define LLDB_FEATURES "xmlRegisters=i386,arm,mips,arc"

/* '=' exact, '^' prefix, '~' every '|'-separated piece occurs. */
static void check_reply(const char *req, const char *got, size_t got_len, const char *expect)
{
    const char *want = expect + 1;

    switch (expect[0]) {
    case '=':
        ck_assert_msg(strlen(want) == got_len && memcmp(got, want, got_len) == 0,
                      "'%s': got '%s', want '%s'", req, got, want);
        break;
    case '^':
        ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "'%s': got '%s', want prefix '%s'",
                      req, got, want);
        break;
    case '~': {
        char piece[256];
        while (*want) {
            size_t n = strcspn(want, "|");
            ck_assert(n < sizeof(piece));
            memcpy(piece, want, n);
            piece[n] = 0;
            ck_assert_msg(strstr(got, piece) != NULL, "'%s': got '%s', missing '%s'", req, got,
                          piece);
            want += n + (want[n] == '|');
        }
        break;
    }
    default:
        ck_abort_msg("bad expectation '%s'", expect);
    }
}

/* ------------------------------------------------------------------ the request -> reply table */

struct step {
    const char *req, *expect;
};

struct case_row {
    struct step steps[3]; /* run in order on one fresh gdb-mode session */
};

#define HEX_WORKER "776f726b6572"
#define HEX_PROC_MAPS "2f70726f632f3130302f6d617073"
#define HEX_PROC_EXE "2f70726f632f3130302f657865"

// clang-format off
static const struct case_row cases[] = {
    /* qSupported: built from the command table; binary-upload+ only to a client that sent it */
    {{{ "qSupported:" GDB_FEATURES,
        "=PacketSize=20000;QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;qXfer:auxv:read+;"
        "qXfer:exec-file:read+;qXfer:siginfo:read+;swbreak+;hwbreak+;vContSupported+;no-resumed+;"
        "QPassSignals+;QProgramSignals+;multiprocess+;QThreadEvents+;QThreadSuffixSupported+;"
        "QListThreadsInStopReply+" }}},
    {{{ "qSupported:binary-upload+;multiprocess+", "~;binary-upload+" }}},
    {{{ "vMustReplyEmpty", "=" }}},
    {{{ "qAttached", "=1" }, { "qAttached:64", "=1" }, { "qAttached:zz", "=E16" }}},
    {{{ "qC", "=QCp64.64" }}},
    {{{ "qfThreadInfo", "=mp64.64,p64.65" }, { "qsThreadInfo", "=l" }, { "qsThreadInfo", "=l" }}},
    {{{ "qThreadExtraInfo,p64.65", "=" HEX_WORKER }, { "qThreadExtraInfo,p64.99", "=E03" },
      { "qThreadExtraInfo,", "=E16" }}},
    {{{ "Tp64.65", "=OK" }, { "Tp64.99", "=E03" }, { "T", "=E16" }}},
    {{{ "Hgp64.65", "=OK" }, { "qC", "=QCp64.65" }, { "p10", "=0110400000000000" }}},
    {{{ "Hg0", "=OK" }, { "Hc-1", "=OK" }, { "Hgp64.99", "=E03" }}},
    {{{ "Hx1", "=E16" }, { "H", "=E16" }, { "Hg", "=E16" }}},
    /* registers: rip of thread 100, st1 unavailable (10 bytes of xx), past the end */
    {{{ "p10", "=0010400000000000" }, { "p19", "=xxxxxxxxxxxxxxxxxxxx" }, { "p3c", "=E16" }}},
    {{{ "p", "=E16" }, { "p10x", "=E16" }, { "pffffffffffffffffff", "=E16" }}},
    {{{ "P10=0020400000000000", "=OK" }, { "p10", "=0020400000000000" }, { "P10=00", "=E16" }}},
    {{{ "P10", "=E16" }, { "P10=zz20400000000000", "=E16" }, { "P3c=00", "=E16" }}},
    {{{ "G00", "=OK" }, { "Gzz", "=E16" }, { "G0", "=E16" }}},
    /* memory: pattern byte = address & 0xff; [0x1000, 0x3000) readable, short read at the end */
    {{{ "m1000,4", "=00010203" }, { "m2ffe,4", "=feff" }, { "m0,4", "=E0e" }}},
    {{{ "m1000,0", "=" }, { "m1000,10001", "=E16" }, { "m1000", "=E16" }}},
    {{{ "m1000,", "=E16" }, { "mzz,1", "=E16" }, { "m1000,4,", "=E16" }}},
    {{{ "m11111111111111111,1", "=E16" }, { "m1000,ffffffffffffffff", "=E16" }, { "mdead0001,1", "=E0e" }}},
    {{{ "M1000,2:abcd", "=OK" }, { "m1000,2", "=abcd" }, { "M1000,2:abc", "=E16" }}},
    {{{ "M1000,2:abcdef", "=E16" }, { "M1000,2abcd", "=E16" }, { "M0,1:00", "=E0e" }}},
    {{{ "M1000,0:", "=OK" }, { "M1000,10001:00", "=E16" }, { "M1000,2:zzzz", "=E16" }}},
    /* X: escaped binary; "X addr,0:" is gdb's probe */
    {{{ "X1000,0:", "=OK" }, { "X1000,4:}]}\x03}\x04}\x0a", "=OK" }, { "m1000,4", "=7d23242a" }}},
    {{{ "X1000,4:ab", "=E16" }, { "X1000,1:}", "=E16" }, { "X1000,1", "=E16" }}},
    {{{ "X1000,20001:", "=E16" }, { "X0,1:a", "=E0e" }, { "X,1:a", "=E16" }}},
    /* x: lldb style (raw escaped, x0,0 -> OK) */
    {{{ "x1020,4", "= !\"}\x03" }, { "x0,0", "=OK" }, { "x0,4", "=E0e" }}},
    {{{ "x1000,20001", "=E16" }, { "x1000", "=E16" }, { "x2fff,10", "=\xff" }}},
    /* breakpoints and watchpoints */
    {{{ "Z0,401000,1", "=OK" }, { "z0,401000,1", "=OK" }, { "z0,401000,1", "=E02" }}},
    {{{ "Z0,401000,3", "=E16" }, { "Z0,zz,1", "=E16" }, { "Z0,401000", "=E16" }}},
    {{{ "Z0,401000,1;X2,0a", "=OK" }, { "Z0,401000,1x", "=E16" }, { "Z0,401000,41", "=E16" }}},
    {{{ "Z1,401000,1", "=OK" }, { "z1,401000,1", "=OK" }, { "z1,401000,1", "=E02" }}},
    {{{ "Z2,1000,4", "=OK" }, { "Z3,1000,4", "=" }, { "Z4,1000,8", "=OK" }}},
    {{{ "z2,1000,4", "=E02" }, { "z3,1000,4", "=" }, { "Z2,1000,0", "=E16" }}},
    {{{ "Z5,1000,4", "=" }, { "Z", "=" }, { "Z0", "=" }}},
    /* run control queries */
    {{{ "vCont?", "=vCont;c;C;s;S;t" }, { "vCont", "=" }, { "vCont;", "=E16" }}},
    {{{ "vCont;x", "=E16" }, { "vCont;c:zz", "=E16" }, { "vCont;C", "=E16" }}},
    {{{ "vCont;Cff", "=E16" }, { "vCont;c;", "=E16" }, { "vCont;s:p64.65;;c", "=E16" }}},
    {{{ "?", "=T0006:0001fc7f00000000;07:0000fc7f00000000;10:0010400000000000;thread:p64.64;core:1;" }}},
    {{{ "Cxx", "=E16" }, { "C05;zz", "=E16" }, { "cnot-hex", "=E16" }}},
    /* qXfer */
    {{{ "qXfer:features:read:target.xml:0,5", "=m<?xml" }, { "qXfer:features:read:target.xml:100000,10", "=l" },
      { "qXfer:features:read:other.xml:0,5", "=E02" }}},
    {{{ "qXfer:features:read:target.xml:0", "=E16" }, { "qXfer:features:read:target.xml", "=E16" },
      { "qXfer:features:read:target.xml:0,5:", "=E16" }}},
    {{{ "qXfer:threads:read::0,fff",
        "=l<?xml version=\"1.0\"?>\n<threads>\n<thread id=\"p64.64\" core=\"1\" name=\"main\"/>\n"
        "<thread id=\"p64.65\" core=\"2\" name=\"worker\"/>\n</threads>\n" },
      { "qXfer:threads:read::10,8", "=m.0\"?>\n<t" }, { "qXfer:threads:read:x:0,8", "=E16" }}},
    {{{ "qXfer:auxv:read::0,2", "=m}\x03}\x04" }, { "qXfer:auxv:read::10,10", "=l" },
      { "qXfer:auxv:read::0,0", "=l" }}},
    {{{ "qXfer:exec-file:read:64:0,100", "=l/usr/bin/fake" }, { "qXfer:exec-file:read::0,4", "=m/usr" },
      { "qXfer:exec-file:read:65:0,4", "=E03" }}},
    {{{ "qXfer:siginfo:read::0,1", "=m\x05" }, { "qXfer:siginfo:read::80,10", "=l" },
      { "qXfer:siginfo:read::0,0", "=l" }}},
    {{{ "qXfer:memory-map:read::0,100", "=" }, { "qXfer:auxv:write::0:00", "=" }, { "qXfer", "=" }}},
    /* signals, thread events, non-stop */
    {{{ "QPassSignals:e;10;14", "=OK" }, { "QPassSignals:", "=OK" }, { "QPassSignals:zz", "=E16" }}},
    {{{ "QProgramSignals:0;2", "=OK" }, { "QPassSignals:1;;2", "=E16" }, { "QPassSignals:ffff", "=OK" }}},
    {{{ "QThreadEvents:1", "=OK" }, { "QThreadEvents:0", "=OK" }, { "QThreadEvents:2", "=E16" }}},
    {{{ "QNonStop:0", "=OK" }, { "QNonStop:1", "^E." }, { "QNonStop:", "=E16" }}},
    {{{ "QSetDetachOnError:1", "=OK" }, { "qGetWorkingDir", "=" }, { "unknownpacket", "=" }}},
    {{{ "", "=" }, { "qTStatus", "=" }, { "vKill;65", "=E16" }}},
    {{{ "D;99", "=E16" }, { "Dx", "=E16" }, { "vKill;zz", "=E16" }}},
    /* host I/O */
    {{{ "vFile:setfs:0", "=F0" }, { "vFile:open:" HEX_PROC_MAPS ",0,0", "=F3" }, { "vFile:close:3", "=F0" }}},
    {{{ "vFile:pread:3,8,0", "=F8;00001000" }, { "vFile:pread:3,8,1000", "=F0;" }, { "vFile:pread:4,8,0", "=F-1,9" }}},
    {{{ "vFile:close:9", "=F-1,9" }, { "vFile:open:zz,0,0", "=F-1,16" }, { "vFile:open:" HEX_PROC_MAPS ",1000000,0", "=F-1,16" }}},
    {{{ "vFile:readlink:" HEX_PROC_EXE, "=Fd;/usr/bin/fake" }, { "vFile:readlink:2f", "=F-1,2" }, { "vFile:unlink:2f", "=" }}},
    {{{ "vFile:open:" HEX_PROC_MAPS ",201,1a4", "=F-1,d" }, { "vFile:open:2f00,0,0", "=F-1,16" }, { "vFile:setfs:", "=F-1,16" }}},
    /* lldb's queries */
    {{{ "qHostInfo", "=triple:7838365f36342d70632d6c696e75782d676e75;ptrsize:8;endian:little;ostype:linux;" },
      { "qProcessInfo", "=pid:64;triple:7838365f36342d70632d6c696e75782d676e75;ptrsize:8;endian:little;ostype:linux;" }}},
    {{{ "qRegisterInfo0", "~name:rax;|bitsize:64;|offset:0;|encoding:uint;|format:hex;|set:|dwarf:0;" },
      { "qRegisterInfo10", "~name:rip;|offset:128;|generic:pc;|dwarf:16;" }, { "qRegisterInfo3c", "=E45" }}},
    {{{ "qRegisterInfo", "=E16" }, { "qRegisterInfozz", "=E16" }, { "qRegisterInfo3a", "~name:fs_base;" }}},
    {{{ "qMemoryRegionInfo:1000", "=start:1000;size:2000;permissions:rw;name:5b686561705d;" },
      { "qMemoryRegionInfo:5000", "=start:3000;size:3fd000;" }, { "qMemoryRegionInfo:0", "=E16" }}},
    {{{ "qMemoryRegionInfo:zz", "=E16" }, { "qMemoryRegionInfo", "=" }, { "qMemoryRegionInfo:401000", "~permissions:rx;" }}},
    {{{ "qThreadStopInfo65", "=T05swbreak:;06:0001fc7f00000000;07:0000fc7f00000000;10:0110400000000000;thread:p64.65;core:2;" },
      { "qThreadStopInfo99", "=E03" }, { "qThreadStopInfo", "=E16" }}},
    {{{ "jThreadsInfo", "^[{\"tid\":100,\"name\":\"main\",\"signal\":0,\"registers\":{\"6\":\"0001fc7f00000000\"," }}},
    {{{ "QThreadSuffixSupported", "=OK" }, { "QListThreadsInStopReply", "=OK" },
      { "?", "~threads:64,65;thread-pcs:401000,401001;" }}},
    /* monitor help is built in and followed by the target's own list (O packets checked elsewhere) */
    {{{ "qRcmd,zz", "=E16" }, { "qRcmd,6e6f7065", "=E16" }, { "qRcmd,", "=E16" }}},
};
// clang-format on

START_TEST(test_request_table)
{
    const struct case_row *row = &cases[_i];
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    for (size_t k = 0; k < 3 && row->steps[k].req; k++) {
        const char *req = row->steps[k].req;
        const char *exp = row->steps[k].expect;
        size_t reqlen = strlen(req);

        /* Requests with embedded NUL are not in the table; replies may have them (binary). */
        send_pkt_len(&x, req, reqlen);
        collect(&x);
        ck_assert_msg(x.npkts == 1, "'%s': %u replies", req, x.npkts);
        check_reply(req, x.pkts[0], x.lens[0], exp);
        ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_STOPPED);
    }
    session_close(&x);
}
END_TEST

/* Binary replies with NUL bytes: compared by explicit length. */
struct bin_case {
    const char *req;
    const char *reply;
    size_t len;
};

#define BIN(req, lit)                                                                              \
    {                                                                                              \
        req, lit, sizeof(lit) - 1                                                                  \
    }
static const struct bin_case bin_cases[] = {
    BIN("x1000,4", "\x00\x01\x02\x03"),
    BIN("qXfer:auxv:read::0,1000",
        "l}\x03}\x04}]}\x0a\x00\x01\x02\x03!\x00\x00\x00\x00\x00\x00\x00"),
    BIN("qXfer:siginfo:read::7f,10", "l\x00"),
    BIN("vFile:fstat:3", "F40;\x00\x00\x00\x00\x00\x00\x00}\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\x00"),
};

START_TEST(test_binary_replies)
{
    const struct bin_case *c = &bin_cases[_i];
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    if (strncmp(c->req, "vFile:fstat", 11) == 0)
        ck_assert_str_eq(request(&x, "vFile:open:" HEX_PROC_MAPS ",0,0"), "F3");
    (void)request(&x, c->req);
    if (strncmp(c->req, "vFile:fstat", 11) == 0) {
        /* F40; then 64 bytes with one escaped: 4 + 65 */
        ck_assert_uint_eq(x.lens[0], 4 + 65);
        ck_assert(memcmp(x.pkts[0], "F40;\0\0\0\0\0\0\0}\x03", 13) == 0);
    } else {
        ck_assert_uint_eq(x.lens[0], c->len);
        ck_assert(memcmp(x.pkts[0], c->reply, c->len) == 0);
    }
    session_close(&x);
}
END_TEST

/* ------------------------------------------------------------------ bad input never breaks
 * anything */

static const char *const bad_inputs[] = {
    "g;thread:zz;",
    "G",
    "Gxx",
    "p-1",
    "P-1=00",
    "m-1,1",
    "m1000,-1",
    "M1000,1:",
    "M,:",
    "X1000,2:}",
    "X1000,1:}}",
    "x,",
    "x1,",
    "Z0,,",
    "z0,1,",
    "Z2,1000,ffffffffffffffff",
    "vCont;S",
    "vCont;s:",
    "vCont;c:p",
    "vCont;c:p1.",
    "vCont;t:-2",
    "c1x",
    "s;",
    "Sg0",
    "H g1",
    "Hgp",
    "Hgp1.",
    "Hg-2",
    "Tp-1.1",
    "qThreadExtraInfo,-1",
    "qfThreadInfox",
    "qXfer:features:read:target.xml:ffffffffffffffff,ffffffffffffffff",
    "qXfer:threads:read::ffffffffffffffff,1",
    "qXfer:auxv:read::,",
    "qXfer:siginfo:read::1,",
    "qXfer:exec-file:read:zz:0,1",
    "QPassSignals:1;2;",
    "QProgramSignals:;",
    "qRcmd,6",
    "vFile:pread:3",
    "vFile:pread:3,ffffffffffffffff,ffffffffffffffff",
    "vFile:open:",
    "vFile:readlink:",
    "vFile:fstat:",
    "vFile:close:-1",
    "qRegisterInfo-1",
    "qMemoryRegionInfo:-1",
    "qThreadStopInfo-1",
    "D;",
    "D;-1",
    "qAttached:",
    "QThreadEvents:",
    "qSupported:;;;;xmlRegisters",
    "QNonStop:2",
    "$",
    "#",
    "}",
    "*",
    "\x03",
    "\xff\xfe",
};

START_TEST(test_bad_input)
{
    const char *req = bad_inputs[_i];
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    send_pkt(&x, req);
    collect(&x);
    /* '$', '#' and '}' inside a payload are themselves malformed framing: no reply is fine there.
     */
    if (x.npkts == 1) {
        const char *r = x.pkts[0];
        ck_assert_msg(x.lens[0] == 0 || r[0] == 'E' || strncmp(r, "F-1,", 4) == 0 ||
                          strcmp(r, "OK") == 0 || strcmp(r, "l") == 0 ||
                          strncmp(r, "PacketSize", 10) == 0,
                      "'%s' -> '%s'", req, r);
    }
    ck_assert_int_ne(rsp_server_state(x.s), RSP_SESSION_ENDED);
    /* The session goes on (a qSupported may have renegotiated multiprocess away). */
    ck_assert(strncmp(request(&x, "qC"), "QC", 2) == 0);
    session_close(&x);
}
END_TEST

/* ------------------------------------------------------------------ framing, acks, split input */

START_TEST(test_ack_mode)
{
    struct session x;

    session_open(&x, &fake_target_full, NULL, false, false);
    ck_assert(!rsp_server_noack(x.s));
    feed_raw(&x, "$qC#b4", 6);
    collect(&x);
    ck_assert_uint_eq(x.acks, 1);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(x.pkts[0], "QC64"); /* no multiprocess: plain tid */
    /* a bad checksum is NAKed and not answered */
    feed_raw(&x, "$qC#00", 6);
    collect(&x);
    ck_assert_uint_eq(x.naks, 1);
    ck_assert_uint_eq(x.npkts, 0);
    /* the client NAKs our reply: the last packet comes again */
    feed_raw(&x, "-", 1);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(x.pkts[0], "QC64");
    /* '+' needs nothing */
    feed_raw(&x, "+", 1);
    collect(&x);
    ck_assert_uint_eq(x.npkts + x.acks + x.naks, 0);
    /* no-ack: the OK is still acknowledged, later packets are not */
    feed_raw(&x, "$QStartNoAckMode#b0", 19);
    collect(&x);
    ck_assert_uint_eq(x.acks, 1);
    ck_assert_str_eq(x.pkts[0], "OK");
    ck_assert(rsp_server_noack(x.s));
    feed_raw(&x, "+$qC#00", 7); /* checksums are no longer checked */
    collect(&x);
    ck_assert_uint_eq(x.acks, 0);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(x.pkts[0], "QC64");
    feed_raw(&x, "-", 1); /* ignored in no-ack mode */
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    struct rsp_server_stats st;
    rsp_server_stats(x.s, &st);
    ck_assert_uint_eq(st.bad_checksums, 1);
    ck_assert_uint_eq(st.naks, 2);
    ck_assert_uint_eq(st.packets_in, 3);
    ck_assert_uint_gt(st.bytes_out, 20);
    session_close(&x);
}
END_TEST

START_TEST(test_split_input_and_garbage)
{
    static const char stream[] = "junk+$qC#b4\r\n$qfThreadInfo#bb$qsThreadInfo#c8$m1000,4#8e";
    struct session x;

    session_open(&x, &fake_target_full, NULL, false, false);
    for (size_t i = 0; i < sizeof(stream) - 1; i++)
        feed_raw(&x, stream + i, 1);
    collect(&x);
    ck_assert_uint_eq(x.acks, 4);
    ck_assert_uint_eq(x.npkts, 4);
    ck_assert_str_eq(x.pkts[0], "QC64");
    ck_assert_str_eq(x.pkts[1], "m64,65");
    ck_assert_str_eq(x.pkts[2], "l");
    ck_assert_str_eq(x.pkts[3], "00010203");
    session_close(&x);
}
END_TEST

START_TEST(test_oversized_packet)
{
    struct session x;
    size_t n = RSP_SERVER_PACKET_SIZE + 100;
    char *big = malloc(n + 1);

    session_open(&x, &fake_target_full, GDB_FEATURES, false, false);
    memset(big, 'a', n);
    big[0] = 'M';
    big[n] = 0;
    send_pkt_len(&x, big, n);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(x.pkts[0], "E01");
    struct rsp_server_stats st;
    rsp_server_stats(x.s, &st);
    ck_assert_uint_eq(st.oversized, 1);
    ck_assert_str_eq(request(&x, "qC"), "QCp64.64");
    free(big);
    session_close(&x);
}
END_TEST

/* m at the PacketSize limit: the largest read gdb asks for fits one reply. */
START_TEST(test_large_reads)
{
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    (void)request(&x, "m1000,2000");
    ck_assert_uint_eq(x.lens[0], 0x4000);
    (void)request(&x, "m400000,10000"); /* short: only 0x2000 bytes exist */
    ck_assert_uint_eq(x.lens[0], 0x4000);
    (void)request(&x, "x1000,20000"); /* binary, escapes included, within PacketSize */
    ck_assert_uint_le(x.lens[0], RSP_SERVER_PACKET_SIZE);
    ck_assert_uint_gt(x.lens[0], 0x2000);
    (void)request(&x, "g");
    ck_assert_uint_eq(x.lens[0], 2 * arch_x86_64.g_len);
    session_close(&x);
}
END_TEST

START_TEST(test_registers_roundtrip)
{
    struct session x;
    char *g, *G;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    g = strdup(request(&x, "g"));
    ck_assert_uint_eq(strlen(g), 1120);
    ck_assert(strncmp(g, "2a00000000000000", 16) == 0); /* rax */
    /* st1 (regno 25) is unavailable: its 10 bytes are 'xx' at g_off 50 */
    ck_assert(strncmp(g + 2 * arch_x86_64.regs[25].g_off, "xxxxxxxxxxxxxxxxxxxx", 20) == 0);
    memcpy(g + 2 * arch_x86_64.regs[25].g_off, "00000000000000000000", 20);
    memcpy(g, "2b", 2);
    G = malloc(strlen(g) + 2);
    sprintf(G, "G%s", g);
    ck_assert_str_eq(request(&x, G), "OK");
    ck_assert_str_eq(request(&x, "p0"), "2b00000000000000");
    free(g);
    free(G);
    session_close(&x);
}
END_TEST

/* ------------------------------------------------------------------ run control */

START_TEST(test_vcont_interrupt_stop)
{
    struct session x;
    struct rsp_stop st;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    send_pkt(&x, "vCont;s:p64.65;c");
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0); /* the reply is the stop */
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_RUNNING);
    ck_assert_uint_eq(x.f.last_nacts, 2);
    ck_assert_int_eq(x.f.last_acts[0].tid, 101);
    ck_assert_int_eq(x.f.last_acts[0].action, 's');
    ck_assert_int_eq(x.f.last_acts[1].tid, -1);
    ck_assert_int_eq(x.f.last_acts[1].action, 'c');
    /* console output while running */
    rsp_server_console(x.s, "hi\n");
    collect(&x);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(x.pkts[0], "O68690a");
    /* 0x03 */
    feed_raw(&x, "\x03", 1);
    ck_assert_uint_eq(x.f.interrupts, 1);
    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_SIGNAL;
    st.tid = 101;
    st.signal = SIGINT;
    st.core = -1;
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(
        x.pkts[0], "T0206:0001fc7f00000000;07:0000fc7f00000000;10:0110400000000000;thread:p64.65;");
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_STOPPED);
    /* the event thread became the current one; '?' repeats the stop */
    ck_assert_str_eq(request(&x, "qC"), "QCp64.65");
    ck_assert_str_eq(
        request(&x, "?"),
        "T0206:0001fc7f00000000;07:0000fc7f00000000;10:0110400000000000;thread:p64.65;");
    /* 0x03 while stopped: nothing */
    feed_raw(&x, "\x03", 1);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    ck_assert_uint_eq(x.f.interrupts, 1);
    /* console while stopped: dropped (GDB E.3) */
    rsp_server_console(x.s, "late");
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    session_close(&x);
}
END_TEST

START_TEST(test_vcont_signals_and_legacy)
{
    struct session x;
    struct rsp_stop st;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_SIGNAL;
    st.tid = 100;
    st.signal = SIGTRAP;
    st.reason = RSP_REASON_SWBREAK;
    st.core = -1;

    /* GDB's SIGSEGV (0b) and SIGURG (10): host 11 and 23 */
    send_pkt(&x, "vCont;C0b:p64.64;S10:65");
    collect(&x);
    ck_assert_uint_eq(x.f.last_nacts, 2);
    ck_assert_int_eq(x.f.last_acts[0].signal, SIGSEGV);
    ck_assert_int_eq(x.f.last_acts[0].action, 'c');
    ck_assert_int_eq(x.f.last_acts[1].signal, SIGURG);
    ck_assert_int_eq(x.f.last_acts[1].action, 's');
    ck_assert_int_eq(x.f.last_acts[1].tid, 101);
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_str_eq(
        x.pkts[0],
        "T05swbreak:;06:0001fc7f00000000;07:0000fc7f00000000;10:0010400000000000;thread:p64.64;");

    /* legacy c with an address: the pc is set first */
    send_pkt(&x, "c401800");
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    ck_assert_int_eq(x.f.last_acts[0].tid, -1);
    ck_assert_int_eq(x.f.last_acts[0].action, 'c');
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_str_eq(request(&x, "p10"), "0018400000000000");

    /* legacy S with a signal steps the current thread only */
    send_pkt(&x, "S02");
    collect(&x);
    ck_assert_uint_eq(x.f.last_nacts, 1);
    ck_assert_int_eq(x.f.last_acts[0].tid, 100);
    ck_assert_int_eq(x.f.last_acts[0].action, 's');
    ck_assert_int_eq(x.f.last_acts[0].signal, SIGINT);
    rsp_server_report_stop(x.s, &st);
    collect(&x);

    /* vCont;t and a failing resume: E reply, still stopped */
    x.f.resume_error = -ESRCH;
    ck_assert_str_eq(request(&x, "vCont;t:p64.65"), "E03");
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_STOPPED);
    x.f.resume_error = 0;

    /* a target holding an unreported event reports it from inside resume */
    x.f.report_in_resume = true;
    ck_assert_str_eq(
        request(&x, "vCont;c"),
        "T0006:0001fc7f00000000;07:0000fc7f00000000;10:0018400000000000;thread:p64.64;core:1;");
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_STOPPED);
    session_close(&x);
}
END_TEST

START_TEST(test_packet_while_running_deferred)
{
    struct session x;
    struct rsp_stop st;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    send_pkt(&x, "vCont;c");
    send_pkt(&x, "qC");
    send_pkt(&x, "qAttached"); /* a second one is dropped (logged) */
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_EXITED;
    st.exit_code = 3;
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 2);
    ck_assert_str_eq(x.pkts[0], "W03;process:64");
    ck_assert_str_eq(x.pkts[1], "QCp64.64");
    ck_assert_str_eq(request(&x, "?"), "W03;process:64");
    session_close(&x);
}
END_TEST

/* The other stop kinds pass through with the client's thread-id style: X, w (QThreadEvents), N. */
struct stop_kind_case {
    enum rsp_stop_kind kind;
    int signal, exit_code;
    const char *features, *reply;
};

static const struct stop_kind_case stop_kinds[] = {
    {RSP_STOP_KILLED, SIGKILL, 0, GDB_FEATURES, "X09;process:64"},
    {RSP_STOP_KILLED, SIGSEGV, 0, NULL, "X0b"},
    {RSP_STOP_EXITED, 0, 0x101, NULL, "W01"},
    {RSP_STOP_THREAD_EXIT, 0, 0, GDB_FEATURES, "w0;p64.65"},
    {RSP_STOP_THREAD_EXIT, 0, 3, NULL, "w3;65"},
    {RSP_STOP_NO_RESUMED, 0, 0, GDB_FEATURES, "N"},
};

START_TEST(test_stop_kinds)
{
    const struct stop_kind_case *c = &stop_kinds[_i];
    struct session x;
    struct rsp_stop st;

    session_open(&x, &fake_target_full, c->features, true, false);
    send_pkt(&x, "vCont;c");
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    memset(&st, 0, sizeof(st));
    st.kind = c->kind;
    st.tid = 101;
    st.signal = c->signal;
    st.exit_code = c->exit_code;
    st.core = -1;
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 1);
    ck_assert_str_eq(x.pkts[0], c->reply);
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_STOPPED);
    ck_assert_str_eq(request(&x, "?"), c->reply);
    session_close(&x);
}
END_TEST

START_TEST(test_stop_not_running_is_kept)
{
    struct session x;
    struct rsp_stop st;

    session_open(&x, &fake_target_full, NULL, true, false);
    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_SIGNAL;
    st.tid = 101;
    st.signal = SIGSEGV;
    st.core = -1;
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    ck_assert_str_eq(request(&x, "?"),
                     "T0b06:0001fc7f00000000;07:0000fc7f00000000;10:0110400000000000;thread:65;");
    session_close(&x);
}
END_TEST

START_TEST(test_threads_in_stop_reply)
{
    struct session x;
    struct rsp_stop st;

    session_open(&x, &fake_target_full, LLDB_FEATURES, true, false);
    ck_assert_str_eq(request(&x, "QListThreadsInStopReply"), "OK");
    send_pkt(&x, "vCont;c");
    collect(&x);
    memset(&st, 0, sizeof(st));
    st.kind = RSP_STOP_SIGNAL;
    st.tid = 100;
    st.signal = SIGTRAP;
    st.reason = RSP_REASON_WATCH;
    st.watch_addr = 0x1000;
    st.core = -1;
    rsp_server_report_stop(x.s, &st);
    collect(&x);
    ck_assert_uint_eq(x.npkts, 1);
    check_reply("stop", x.pkts[0], x.lens[0],
                "~T05watch:0000000000001000;|thread:64;|reason:watchpoint;|threads:64,65;thread-"
                "pcs:401000,401001;");
    session_close(&x);
}
END_TEST

START_TEST(test_detach_kill)
{
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    ck_assert_str_eq(request(&x, "D;64"), "OK");
    ck_assert_uint_eq(x.f.detaches, 1);
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_ENDED);
    ck_assert_int_eq(rsp_server_end_reason(x.s), RSP_END_DETACHED);
    send_pkt(&x, "qC"); /* ignored once ended */
    collect(&x);
    ck_assert_uint_eq(x.npkts, 0);
    session_close(&x);

    session_open(&x, &fake_target_full, GDB_FEATURES, false, false);
    send_pkt(&x, "k");
    collect(&x);
    ck_assert_uint_eq(x.acks, 1);
    ck_assert_uint_eq(x.npkts, 0); /* gdb waits for no reply to k */
    ck_assert_uint_eq(x.f.kills, 1);
    ck_assert_int_eq(rsp_server_end_reason(x.s), RSP_END_KILLED);
    session_close(&x);

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    ck_assert_str_eq(request(&x, "vKill;64"), "OK");
    ck_assert_int_eq(rsp_server_end_reason(x.s), RSP_END_KILLED);
    session_close(&x);

    /* k while running is handled at once */
    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    send_pkt(&x, "vCont;c");
    send_pkt(&x, "k");
    collect(&x);
    ck_assert_uint_eq(x.f.kills, 1);
    ck_assert_int_eq(rsp_server_end_reason(x.s), RSP_END_KILLED);
    session_close(&x);
}
END_TEST

START_TEST(test_fatal_ends_session)
{
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    ck_assert_str_eq(request(&x, "mdead0000,4"), "E01");
    ck_assert_int_eq(rsp_server_state(x.s), RSP_SESSION_ENDED);
    ck_assert_int_eq(rsp_server_end_reason(x.s), RSP_END_FATAL);
    session_close(&x);
}
END_TEST

/* ------------------------------------------------------------------ modes and groups */

START_TEST(test_read_only)
{
    static const char *const writes[] = {"M1000,1:00", "X1000,1:a",   "P0=0000000000000000",
                                         "G00",        "Z0,401000,1", "Z1,401000,1",
                                         "Z2,1000,4"};
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, true);
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
        check_reply(writes[i], request(&x, writes[i]), x.lens[0], "^E.read-only: ");
    ck_assert_uint_eq(x.f.nbps, 0);
    ck_assert_uint_eq(x.f.nhw, 0);
    ck_assert_str_eq(request(&x, "m1000,1"), "00");
    ck_assert_str_eq(request(&x, "X1000,0:"), "OK");
    session_close(&x);
}
END_TEST

START_TEST(test_absent_groups)
{
    static const char *const unsupported[] = {
        "Z0,401000,1",   "z0,401000,1",    "Z1,401000,1",
        "Z2,1000,4",     "Z4,1000,4",      "vFile:open:" HEX_PROC_MAPS ",0,0",
        "vFile:setfs:0", "qRcmd,68656c70", "qMemoryRegionInfo:1000",
    };
    struct session x;
    const char *r;

    session_open(&x, &fake_target_base, NULL, true, false);
    r = request(&x, "qSupported:" GDB_FEATURES);
    ck_assert_ptr_null(strstr(r, "swbreak+"));
    ck_assert_ptr_null(strstr(r, "hwbreak+"));
    ck_assert_ptr_nonnull(strstr(r, "qXfer:features:read+"));
    ck_assert_ptr_nonnull(strstr(r, "QStartNoAckMode+"));
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
        ck_assert_str_eq(request(&x, unsupported[i]), "");
    session_close(&x);
}
END_TEST

START_TEST(test_plain_thread_ids_and_gdb16_x)
{
    struct session x;

    session_open(&x, &fake_target_full, "swbreak+;binary-upload+", true, false);
    ck_assert_str_eq(request(&x, "qfThreadInfo"), "m64,65");
    ck_assert_str_eq(request(&x, "Hg65"), "OK");
    ck_assert_str_eq(request(&x, "qC"), "QC65");
    ck_assert_str_eq(request(&x, "x1020,4"), "b !\"}\x03");
    ck_assert_str_eq(request(&x, "x0,0"), "b");
    check_reply("qXfer:threads", request(&x, "qXfer:threads:read::0,1000"), x.lens[0],
                "~<thread id=\"64\" core=\"1\" name=\"main\"/>");
    session_close(&x);
}
END_TEST

START_TEST(test_lldb_thread_suffix)
{
    struct session x;
    const char *r;

    session_open(&x, &fake_target_full, LLDB_FEATURES, true, false);
    r = request(&x, "qSupported:" LLDB_FEATURES);
    ck_assert_ptr_null(strstr(r, "binary-upload+"));
    ck_assert_str_eq(request(&x, "QThreadSuffixSupported"), "OK");
    ck_assert_str_eq(request(&x, "p10;thread:65;"), "0110400000000000");
    ck_assert_str_eq(request(&x, "p10;thread:64;"), "0010400000000000");
    ck_assert_str_eq(request(&x, "P0=0700000000000000;thread:65;"), "OK");
    ck_assert_str_eq(request(&x, "p0;thread:65;"), "0700000000000000");
    ck_assert_str_eq(request(&x, "p0;thread:64;"), "2a00000000000000");
    r = request(&x, "g;thread:65;");
    ck_assert(strncmp(r, "0700000000000000", 16) == 0);
    ck_assert_str_eq(request(&x, "p0;thread:99;"), "E03");
    ck_assert_str_eq(request(&x, "x1020,4"), " !\"}\x03");
    ck_assert_str_eq(request(&x, "x0,0"), "OK");
    r = request(&x, "qThreadStopInfo65");
    check_reply("qThreadStopInfo", r, x.lens[0], "~T05|thread:65;|reason:breakpoint;");
    session_close(&x);
}
END_TEST

START_TEST(test_jthreads_info)
{
    struct session x;
    uint8_t json[4096];
    size_t n;

    session_open(&x, &fake_target_full, LLDB_FEATURES, true, false);
    (void)request(&x, "jThreadsInfo");
    /* sent escaped: '}' goes as "}]" */
    ck_assert_ptr_nonnull(strstr(x.pkts[0], "}]}]"));
    ck_assert_int_eq(rsp_unescape(json, sizeof(json) - 1, (uint8_t *)x.pkts[0], x.lens[0], &n), 0);
    json[n] = 0;
    ck_assert_str_eq(
        (char *)json,
        "[{\"tid\":100,\"name\":\"main\",\"signal\":0,\"registers\":{\"6\":\"0001fc7f00000000\","
        "\"7\":\"0000fc7f00000000\",\"16\":\"0010400000000000\"}},"
        "{\"tid\":101,\"name\":\"worker\",\"reason\":\"breakpoint\",\"signal\":5,"
        "\"registers\":{\"6\":\"0001fc7f00000000\",\"7\":\"0000fc7f00000000\","
        "\"16\":\"0110400000000000\"}}]");
    session_close(&x);
}
END_TEST

START_TEST(test_monitor)
{
    struct session x;
    char text[256];
    size_t n;
    uint8_t raw[256];

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    send_pkt(&x, "qRcmd,68656c70"); /* help */
    collect(&x);
    ck_assert_uint_eq(x.npkts, 2);
    ck_assert(x.pkts[0][0] == 'O');
    ck_assert_int_eq(rsp_hex_decode(raw, (x.lens[0] - 1) / 2, x.pkts[0] + 1, x.lens[0] - 1), 0);
    n = (x.lens[0] - 1) / 2;
    memcpy(text, raw, n);
    text[n] = 0;
    ck_assert_ptr_nonnull(strstr(text, "fake monitor commands:"));
    ck_assert_ptr_nonnull(strstr(text, "threads -- list the threads"));
    ck_assert_str_eq(x.pkts[1], "OK");

    /* a target without its own help: the built-in list */
    x.f.monitor_no_help = true;
    send_pkt(&x, "qRcmd,68656c70");
    collect(&x);
    ck_assert_uint_eq(x.npkts, 2);
    ck_assert_int_eq(rsp_hex_decode(raw, (x.lens[0] - 1) / 2, x.pkts[0] + 1, x.lens[0] - 1), 0);
    n = (x.lens[0] - 1) / 2;
    memcpy(text, raw, n);
    text[n] = 0;
    ck_assert_str_eq(text, "gostub monitor commands:\n  help -- list the monitor commands\n");
    ck_assert_str_eq(x.pkts[1], "OK");

    send_pkt(&x, "qRcmd,74687265616473"); /* threads */
    collect(&x);
    ck_assert_uint_eq(x.npkts, 2);
    ck_assert_str_eq(x.pkts[0], "O313030206d61696e0a31303120776f726b65720a");
    ck_assert_str_eq(x.pkts[1], "OK");
    session_close(&x);
}
END_TEST

START_TEST(test_signals_settings)
{
    struct session x;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    /* GDB 0e SIGALRM (14), 10 SIGURG (23), 14 SIGCHLD (17) */
    ck_assert_str_eq(request(&x, "QPassSignals:e;10;14"), "OK");
    ck_assert(x.f.pass[SIGALRM]);
    ck_assert(x.f.pass[SIGURG]);
    ck_assert(x.f.pass[SIGCHLD]);
    ck_assert(!x.f.pass[SIGINT]);
    ck_assert_str_eq(request(&x, "QPassSignals:"), "OK");
    ck_assert(!x.f.pass[SIGURG]);
    ck_assert_str_eq(request(&x, "QProgramSignals:2;b"), "OK");
    ck_assert(x.f.program[SIGINT]);
    ck_assert(x.f.program[SIGSEGV]);
    ck_assert_str_eq(request(&x, "QThreadEvents:1"), "OK");
    ck_assert(x.f.thread_events);
    ck_assert_str_eq(request(&x, "vFile:setfs:64"), "F0");
    ck_assert_int_eq(x.f.setfs_pid, 100);
    ck_assert_str_eq(request(&x, "Z1,401000,1"), "OK");
    ck_assert_str_eq(request(&x, "Z1,401001,1"), "OK");
    ck_assert_str_eq(request(&x, "Z2,1000,8"), "OK");
    ck_assert_str_eq(request(&x, "Z4,1008,8"), "OK");
    ck_assert_str_eq(request(&x, "Z2,1010,8"), "E1c"); /* ENOSPC: slots exhausted */
    session_close(&x);
}
END_TEST

START_TEST(test_output_queue_bounded)
{
    struct session x;
    int rc = 0;
    const uint8_t *data;

    session_open(&x, &fake_target_full, GDB_FEATURES, true, false);
    /* The owner never drains: each reply is 16 KiB; the queue stops at RSP_SERVER_OUTPUT_MAX. */
    for (int i = 0; i < 2000 && rc == 0; i++) {
        struct rsp_buf b;
        rsp_buf_init(&b, 64);
        ck_assert_int_eq(rsp_frame(&b, '$', (const uint8_t *)"m1000,2000", 10, false), 0);
        rc = rsp_server_feed(x.s, b.data, b.len);
        rsp_buf_fini(&b);
    }
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_uint_le(rsp_server_pending(x.s, &data), RSP_SERVER_OUTPUT_MAX);
    /* what is queued is still whole packets: 16 KiB each, about RSP_SERVER_OUTPUT_MAX of them */
    collect(&x);
    ck_assert_uint_gt(x.total, RSP_SERVER_OUTPUT_MAX / 0x4010 - 2);
    ck_assert_uint_eq(x.lens[0], 0x4000);
    /* drained, the session serves again */
    ck_assert_str_eq(request(&x, "m1000,1"), "00");
    clear_pkts(&x);
    session_close(&x);
}
END_TEST

/* lldb expands runs and escapes in one pass, repeating the decoded byte (ExpandRLE); gdb expands
 * runs first and unescapes later. Both readings of every binary reply must give the same bytes. */
static size_t lldb_expand(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (in[i] == '*') {
            ck_assert(n > 0 && i + 1 < len);
            int count = in[++i] + 3 - ' ';
            for (int k = 0; k < count && n < max; k++, n++)
                out[n] = out[n - 1];
        } else if (in[i] == '}') {
            ck_assert(i + 1 < len && n < max);
            out[n++] = in[++i] ^ 0x20;
        } else {
            ck_assert(n < max);
            out[n++] = in[i];
        }
    }
    return n;
}

START_TEST(test_rle_never_splits_escapes)
{
    static const uint8_t picks[] = {'#', '$', '}', '*', 0x03, 0x04, ']', 0x0a, 0, 'a'};
    struct session x;
    uint32_t seed = 12345;

    session_open(&x, &fake_target_full, LLDB_FEATURES, true, false);
    for (int iter = 0; iter < 300; iter++) {
        uint8_t want[256], lldb[1024], gdb[1024];
        const uint8_t *raw;
        size_t rawlen, n, body_len;
        struct rsp_buf rle;

        for (size_t i = 0; i < sizeof(want);) {
            seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
            uint8_t c = (seed & 0x80) ? picks[seed % sizeof(picks)] : (uint8_t)(seed >> 8);
            size_t run = 1 + (seed >> 24) % 12;
            for (size_t k = 0; k < run && i < sizeof(want); k++)
                want[i++] = c;
        }
        memcpy(x.f.mem, want, sizeof(want));
        send_pkt(&x, "x1000,100");
        rawlen = rsp_server_pending(x.s, &raw);
        ck_assert(rawlen > 4 && raw[0] == '$' && raw[rawlen - 3] == '#');
        body_len = rawlen - 4;
        n = lldb_expand(raw + 1, body_len, lldb, sizeof(lldb));
        ck_assert_uint_eq(n, sizeof(want));
        ck_assert(memcmp(lldb, want, n) == 0);
        rsp_buf_init(&rle, 4096);
        ck_assert_int_eq(rsp_rle_decode(&rle, raw + 1, body_len), 0);
        ck_assert_int_eq(rsp_unescape(gdb, sizeof(gdb), rle.data, rle.len, &n), 0);
        ck_assert_uint_eq(n, sizeof(want));
        ck_assert(memcmp(gdb, want, n) == 0);
        rsp_buf_fini(&rle);
        collect(&x);
    }
    session_close(&x);
}
END_TEST

START_TEST(test_free_null)
{
    rsp_server_free(NULL);
}
END_TEST

static Suite *server_suite(void)
{
    Suite *s = suite_create("rsp_server");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_request_table, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_loop_test(tc, test_binary_replies, 0, sizeof(bin_cases) / sizeof(bin_cases[0]));
    tcase_add_loop_test(tc, test_bad_input, 0, sizeof(bad_inputs) / sizeof(bad_inputs[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("session");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_ack_mode);
    tcase_add_test(tc, test_split_input_and_garbage);
    tcase_add_test(tc, test_oversized_packet);
    tcase_add_test(tc, test_large_reads);
    tcase_add_test(tc, test_registers_roundtrip);
    tcase_add_test(tc, test_vcont_interrupt_stop);
    tcase_add_test(tc, test_vcont_signals_and_legacy);
    tcase_add_test(tc, test_packet_while_running_deferred);
    tcase_add_test(tc, test_stop_not_running_is_kept);
    tcase_add_loop_test(tc, test_stop_kinds, 0, sizeof(stop_kinds) / sizeof(stop_kinds[0]));
    tcase_add_test(tc, test_threads_in_stop_reply);
    tcase_add_test(tc, test_detach_kill);
    tcase_add_test(tc, test_fatal_ends_session);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_absent_groups);
    tcase_add_test(tc, test_plain_thread_ids_and_gdb16_x);
    tcase_add_test(tc, test_lldb_thread_suffix);
    tcase_add_test(tc, test_jthreads_info);
    tcase_add_test(tc, test_monitor);
    tcase_add_test(tc, test_signals_settings);
    tcase_add_test(tc, test_output_queue_bounded);
    tcase_add_test(tc, test_rle_never_splits_escapes);
    tcase_add_test(tc, test_free_null);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(server_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
