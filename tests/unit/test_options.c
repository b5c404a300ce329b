/*
 * tests/unit/test_options.c - gostub's command line (stub/options.c) and listening addresses
 * (stub/net.c): tables of good and bad inputs, then real binds on loopback (which addresses a host
 * really binds, port 0, port in use).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "stub/net.h"
#include "stub/options.h"

/* ------------------------------------------------------------------ HOST:PORT */

static const struct {
    const char *in;
    const char *host;
    unsigned port;
} good_addrs[] = {
    {"127.0.0.1:9000", "127.0.0.1", 9000},
    {":9000", "", 9000},
    {"0.0.0.0:0", "0.0.0.0", 0},
    {"localhost:65535", "localhost", 65535},
    {"[::1]:9000", "::1", 9000},
    {"[::]:1", "::", 1},
    {"[fe80::1%eth0]:22", "fe80::1%eth0", 22},
    {"my-host.example_1:80", "my-host.example_1", 80},
    {"host:00080", "host", 80},
};

static const struct {
    const char *in;
    const char *why; /* a substring of the error */
} bad_addrs[] = {
    {"", "empty address"},
    {"9000", "has no port"},
    {"127.0.0.1", "has no port"},
    {"127.0.0.1:", "missing port"},
    {"127.0.0.1:65536", "0 to 65535"},
    {"127.0.0.1:-1", "0 to 65535"},
    {"127.0.0.1:+80", "0 to 65535"},
    {"127.0.0.1:80x", "0 to 65535"},
    {"127.0.0.1: 80", "0 to 65535"},
    {"127.0.0.1:000009000", "0 to 65535"},
    {"127.0.0.1:99999999999999999999999", "0 to 65535"},
    {"::1:9000", "needs brackets"},
    {"a:b:c", "needs brackets"},
    {"[::1]9000", "expected [IPV6]:PORT"},
    {"[::1]", "expected [IPV6]:PORT"},
    {"[::1:9000", "missing ']'"},
    {"[]:9000", "only IPv6"},
    {"[127.0.0.1]:9000", "only IPv6"},
    {"host name:80", "bad character"},
    {"host/x:80", "bad character"},
};

START_TEST(test_hostport_good)
{
    struct stub_hostport hp;
    char err[256];

    memset(&hp, 0xaa, sizeof(hp));
    ck_assert_int_eq(stub_parse_hostport(good_addrs[_i].in, &hp, err, sizeof(err)), 0);
    ck_assert_str_eq(hp.host, good_addrs[_i].host);
    ck_assert_uint_eq(hp.port, good_addrs[_i].port);
}
END_TEST

START_TEST(test_hostport_bad)
{
    struct stub_hostport hp;
    char err[256] = "";

    ck_assert_int_eq(stub_parse_hostport(bad_addrs[_i].in, &hp, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, bad_addrs[_i].why) != NULL, "'%s': error '%s' lacks '%s'",
                  bad_addrs[_i].in, err, bad_addrs[_i].why);
}
END_TEST

START_TEST(test_hostport_long_host)
{
    char in[STUB_HOST_MAX + 16], err[256] = "";
    struct stub_hostport hp;

    memset(in, 'a', STUB_HOST_MAX);
    strcpy(in + STUB_HOST_MAX, ":80");
    ck_assert_int_eq(stub_parse_hostport(in, &hp, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "too long"));
    /* Just short enough. */
    strcpy(in + STUB_HOST_MAX - 1, ":80");
    ck_assert_int_eq(stub_parse_hostport(in, &hp, err, sizeof(err)), 0);
    ck_assert_uint_eq(strlen(hp.host), STUB_HOST_MAX - 1);
}
END_TEST

/* ------------------------------------------------------------------ the command line */

#define MAXARGS 10

struct good_cmd {
    const char *args[MAXARGS]; /* after argv[0] */
    const char *host;
    unsigned port;
    pid_t pid;
    const char *prog; /* launch: argv[0] */
    int nprog;        /* launch: argc of the program */
    bool stdio, persist, kill_on_exit, verbose, help, version;
    unsigned idle;
    unsigned max_stop;
    bool read_only, allow_kill, no_sandbox;
    size_t nallow, nallow_uid;
    const char *unix_path;
};

static const struct good_cmd good_cmds[] = {
    {.args = {"1234"}, .host = "127.0.0.1", .port = 9000, .pid = 1234, .idle = 300},
    {.args = {"--listen", "localhost:0", "1"},
     .host = "localhost",
     .port = 0,
     .pid = 1,
     .idle = 300},
    {.args = {"--listen=127.0.0.1:1", "5"}, .host = "127.0.0.1", .port = 1, .pid = 5, .idle = 300},
    {.args = {"-l", ":9001", "--persist", "--idle-timeout", "0", "-v", "77"},
     .host = "",
     .port = 9001,
     .pid = 77,
     .persist = true,
     .verbose = true,
     .idle = 0},
    {.args = {"--stdio", "42"},
     .host = "127.0.0.1",
     .port = 9000,
     .pid = 42,
     .stdio = true,
     .idle = 300},
    {.args = {"--idle-timeout=31536000", "2147483647"},
     .host = "127.0.0.1",
     .port = 9000,
     .pid = 2147483647,
     .idle = 31536000},
    {.args = {"--", "prog", "a", "-b", "--listen"},
     .host = "127.0.0.1",
     .port = 9000,
     .prog = "prog",
     .nprog = 4,
     .idle = 300},
    {.args = {"--kill-on-exit", "--listen", "[::1]:0", "--", "/bin/true"},
     .host = "::1",
     .port = 0,
     .prog = "/bin/true",
     .nprog = 1,
     .kill_on_exit = true,
     .idle = 300},
    {.args = {"--stdio", "--", "sleep", "5"},
     .host = "127.0.0.1",
     .port = 9000,
     .prog = "sleep",
     .nprog = 2,
     .stdio = true,
     .idle = 300},
    {.args = {"--max-stop", "30", "--read-only", "--allow-kill", "--no-sandbox", "9"},
     .host = "127.0.0.1",
     .port = 9000,
     .pid = 9,
     .idle = 300,
     .max_stop = 30,
     .read_only = true,
     .allow_kill = true,
     .no_sandbox = true},
    {.args = {"-l", ":0", "--allow", "10.0.0.0/8,::1,192.168.1.7", "--allow=fd00::/8", "9"},
     .host = "",
     .port = 0,
     .pid = 9,
     .idle = 300,
     .nallow = 4},
    {.args = {"-l", "unix:/tmp/x.sock", "--allow-uid", "0,1000", "9"},
     .host = "127.0.0.1",
     .port = 9000,
     .pid = 9,
     .idle = 300,
     .nallow_uid = 2,
     .unix_path = "/tmp/x.sock"},
    {.args = {"--help"}, .help = true},
    {.args = {"-h", "--bogus"}, .help = true},
    {.args = {"--version"}, .version = true},
    {.args = {"-V"}, .version = true},
};

static const struct {
    const char *args[MAXARGS];
    const char *why;
} bad_cmds[] = {
    {{NULL}, "missing PID"},
    {{"abc"}, "'abc' is not a process id"},
    {{"0"}, "'0' is not a process id"},
    {{"12x"}, "not a process id"},
    {{"2147483648"}, "not a process id"},
    {{"-5"}, "unknown option '-5'"},
    {{"12", "13"}, "unexpected argument '13'"},
    {{"12", "--help"}, "unexpected argument '--help'"},
    {{"--"}, "must be followed by the PROGRAM"},
    {{"--bogus", "1"}, "unknown option '--bogus'"},
    {{"-x", "1"}, "unknown option '-x'"},
    {{"--listen"}, "'--listen' needs an argument"},
    {{"1", "-l"}, "unexpected argument"},
    {{"-l"}, "'-l' needs an argument"},
    {{"--listen", "9000", "1"}, "has no port"},
    {{"--listen=", "1"}, "empty address"},
    {{"--stdio", "--listen", ":1", "1"}, "--stdio and --listen"},
    {{"--stdio", "--persist", "1"}, "--persist cannot be used"},
    {{"--kill-on-exit", "1"}, "applies only to a launched program"},
    {{"--idle-timeout", "x", "1"}, "--idle-timeout 'x'"},
    {{"--idle-timeout", "-1", "1"}, "--idle-timeout '-1'"},
    {{"--idle-timeout", "31536001", "1"}, "expected seconds"},
    {{"--idle-timeout", "99999999999999999999", "1"}, "expected seconds"},
    {{"--idle-timeout"}, "needs an argument"},
    {{"--persist=yes", "1"}, "unknown option"},
    {{"--max-stop", "86401", "1"}, "--max-stop '86401'"},
    {{"--max-stop", "1s", "1"}, "expected seconds"},
    {{"--allow", "10.0.0.1/8", "1"}, "past the /8 prefix"},
    {{"--allow", "10.0.0.0/33", "1"}, "prefix length must be 0 to 32"},
    {{"--allow", "::1/129", "1"}, "prefix length must be 0 to 128"},
    {{"--allow", "example.com", "1"}, "not an IPv4 or IPv6 address"},
    {{"--allow", "10.0.0.0/8,", "1"}, "--allow ''"},
    {{"--allow", "[::1]", "1"}, "not an IPv4 or IPv6 address"},
    {{"--stdio", "--allow", "::1", "1"}, "TCP clients only"},
    {{"-l", "unix:/tmp/s", "--allow", "::1", "1"}, "TCP clients only"},
    {{"--allow-uid", "0", "1"}, "only to --listen unix:PATH"},
    {{"-l", "unix:/s", "--allow-uid", "x", "1"}, "not a numeric user id"},
    {{"-l", "unix:", "1"}, "missing the socket's path"},
    {{"-l",
      "unix:/"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaa",
      "1"},
     "at most 107"},
};

static int make_argv(const char *const args[MAXARGS], char **argv)
{
    int argc = 0;

    argv[argc++] = (char *)"gostub";
    for (int i = 0; i < MAXARGS && args[i]; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    return argc;
}

START_TEST(test_cmd_good)
{
    const struct good_cmd *t = &good_cmds[_i];
    char *argv[MAXARGS + 2], err[256] = "";
    struct stub_options o;
    int argc = make_argv(t->args, argv);

    ck_assert_msg(stub_options_parse(argc, argv, &o, err, sizeof(err)) == 0, "case %d: %s", _i,
                  err);
    ck_assert(o.help == t->help);
    ck_assert(o.version == t->version);
    if (t->help || t->version)
        return;
    ck_assert_str_eq(o.listen.host, t->host);
    ck_assert_uint_eq(o.listen.port, t->port);
    ck_assert_int_eq(o.pid, t->pid);
    ck_assert(o.stdio == t->stdio);
    ck_assert(o.persist == t->persist);
    ck_assert(o.kill_on_exit == t->kill_on_exit);
    ck_assert(o.verbose == t->verbose);
    ck_assert_uint_eq(o.idle_timeout_s, t->idle);
    ck_assert_uint_eq(o.max_stop_s, t->max_stop);
    ck_assert(o.read_only == t->read_only);
    ck_assert(o.allow_kill == t->allow_kill);
    ck_assert(o.no_sandbox == t->no_sandbox);
    ck_assert_uint_eq(o.nallow, t->nallow);
    ck_assert_uint_eq(o.nallow_uid, t->nallow_uid);
    ck_assert_str_eq(o.unix_path, t->unix_path ? t->unix_path : "");
    if (t->prog) {
        int n = 0;
        ck_assert_ptr_nonnull(o.argv);
        ck_assert_str_eq(o.argv[0], t->prog);
        while (o.argv[n])
            n++;
        ck_assert_int_eq(n, t->nprog);
    } else {
        ck_assert_ptr_null(o.argv);
    }
}
END_TEST

START_TEST(test_cmd_bad)
{
    char *argv[MAXARGS + 2], err[256] = "";
    struct stub_options o;
    int argc = make_argv(bad_cmds[_i].args, argv);

    ck_assert_int_eq(stub_options_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, bad_cmds[_i].why) != NULL, "case %d: error '%s' lacks '%s'", _i, err,
                  bad_cmds[_i].why);
    ck_assert_ptr_null(strchr(err, '\n')); /* one line */
}
END_TEST

/* The help text names every long option, and each option it shows is one the parser accepts. */
START_TEST(test_help_lists_options)
{
    static const char *const opts[] = {"--listen HOST:PORT",
                                       "--stdio",
                                       "--persist",
                                       "--idle-timeout SECONDS",
                                       "--kill-on-exit",
                                       "--verbose",
                                       "--help",
                                       "--version",
                                       "--allow CIDR",
                                       "--allow-uid UID",
                                       "--max-stop SECONDS",
                                       "--read-only",
                                       "--allow-kill",
                                       "--no-sandbox",
                                       "unix:PATH"};
    const char *help = stub_options_help();

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        ck_assert_msg(strstr(help, opts[i]) != NULL, "help lacks %s", opts[i]);
    ck_assert_ptr_nonnull(strstr(help, stub_options_usage()));
}
END_TEST

/* ------------------------------------------------------------------ binding */

static struct sockaddr_storage bound_addr(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    return ss;
}

START_TEST(test_listen_loopback_port0)
{
    struct stub_hostport hp = {.host = "127.0.0.1", .port = 0};
    struct net_listeners l;
    char err[256];

    ck_assert_int_eq(net_listen(&hp, &l, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_ne(l.port, 0);
    ck_assert(!l.exposed);
    ck_assert(!l.every_interface);
    struct sockaddr_storage ss = bound_addr(l.fds[0]);
    ck_assert(net_is_loopback((struct sockaddr *)&ss));
    net_close_listeners(&l);
    ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_listen_localhost_is_loopback_only)
{
    struct stub_hostport hp = {.host = "LocalHost", .port = 0};
    struct net_listeners l;
    char err[256];

    ck_assert_int_eq(net_listen(&hp, &l, err, sizeof(err)), 0);
    ck_assert_uint_ge(l.n, 1);
    ck_assert_uint_le(l.n, 2);
    ck_assert(!l.exposed);
    for (size_t i = 0; i < l.n; i++) {
        struct sockaddr_storage ss = bound_addr(l.fds[i]);
        ck_assert(net_is_loopback((struct sockaddr *)&ss));
        ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port),
                          l.port); /* same offset in v6 */
    }
    ck_assert_ptr_nonnull(strstr(l.addrs, "127.0.0.1:"));
    net_close_listeners(&l);
}
END_TEST

START_TEST(test_listen_every_interface)
{
    struct stub_hostport hp = {.host = "", .port = 0};
    struct net_listeners l;
    char err[256];

    ck_assert_int_eq(net_listen(&hp, &l, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert(l.every_interface);
    ck_assert(l.exposed);
    net_close_listeners(&l);

    struct stub_hostport hp4 = {.host = "0.0.0.0", .port = 0};
    ck_assert_int_eq(net_listen(&hp4, &l, err, sizeof(err)), 0);
    ck_assert(l.every_interface);
    ck_assert(l.exposed);
    net_close_listeners(&l);
}
END_TEST

START_TEST(test_listen_port_in_use)
{
    struct stub_hostport hp = {.host = "127.0.0.1", .port = 0};
    struct net_listeners first, second;
    char err[256] = "", want[64];

    ck_assert_int_eq(net_listen(&hp, &first, err, sizeof(err)), 0);
    hp.port = first.port;
    ck_assert_int_eq(net_listen(&hp, &second, err, sizeof(err)), -EADDRINUSE);
    snprintf(want, sizeof(want), "port %u is in use", first.port);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s'", err);
    ck_assert_uint_eq(second.n, 0);
    /* localhost on the same port fails too (127.0.0.1 is taken). */
    struct stub_hostport lh = {.host = "localhost", .port = first.port};
    ck_assert_int_eq(net_listen(&lh, &second, err, sizeof(err)), -EADDRINUSE);
    net_close_listeners(&first);
}
END_TEST

START_TEST(test_listen_ipv6_loopback)
{
    struct stub_hostport hp = {.host = "::1", .port = 0};
    struct net_listeners l;
    char err[256];
    int probe = socket(AF_INET6, SOCK_STREAM, 0);

    if (probe < 0)
        return; /* no IPv6 on this host */
    close(probe);
    if (net_listen(&hp, &l, err, sizeof(err)) < 0) {
        ck_assert_ptr_nonnull(strstr(err, "[::1]")); /* IPv6 without ::1: the error names it */
        return;
    }
    ck_assert_uint_eq(l.n, 1);
    ck_assert(!l.exposed);
    ck_assert_ptr_nonnull(strstr(l.addrs, "[::1]:"));
    net_close_listeners(&l);
}
END_TEST

START_TEST(test_listen_unresolvable)
{
    struct stub_hostport hp = {.host = "no-such-host.invalid", .port = 0};
    struct net_listeners l;
    char err[256] = "";

    ck_assert_int_lt(net_listen(&hp, &l, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "no-such-host.invalid"));
    ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_accept_sets_options)
{
    struct stub_hostport hp = {.host = "127.0.0.1", .port = 0};
    struct sockaddr_in sin;
    struct net_listeners l;
    struct net_peer who;
    const char *peer = who.text;
    char err[256];
    int one = 0, fd, cfd;
    socklen_t len = sizeof(one);

    ck_assert_int_eq(net_listen(&hp, &l, err, sizeof(err)), 0);
    ck_assert_int_eq(net_accept(l.fds[0], &who), -EAGAIN);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(l.port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    for (int tries = 0; (cfd = net_accept(l.fds[0], &who)) == -EAGAIN && tries < 100; tries++)
        usleep(10000);
    ck_assert_int_ge(cfd, 0);
    ck_assert_ptr_nonnull(strstr(peer, "127.0.0.1:"));
    ck_assert_int_eq(who.family, AF_INET);
    ck_assert_int_eq(who.addr[0], 127);
    ck_assert_int_eq(getsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, &len), 0);
    ck_assert_int_ne(one, 0);
    one = 0;
    ck_assert_int_eq(getsockopt(cfd, SOL_SOCKET, SO_KEEPALIVE, &one, &len), 0);
    ck_assert_int_ne(one, 0);
    ck_assert_int_eq(getsockopt(cfd, IPPROTO_TCP, TCP_KEEPIDLE, &one, &len), 0);
    ck_assert_int_eq(one, NET_KEEPALIVE_IDLE);
    ck_assert_int_eq(getsockopt(cfd, IPPROTO_TCP, TCP_KEEPCNT, &one, &len), 0);
    ck_assert_int_eq(one, NET_KEEPALIVE_COUNT);
    close(cfd);
    close(fd);
    net_close_listeners(&l);
}
END_TEST

/* ------------------------------------------------------------------ --allow matching */

static const struct {
    const char *allow; /* comma-separated, as on the command line */
    const char *peer;  /* an IPv4 or IPv6 literal */
    bool match;
} cidr_cases[] = {
    {"10.0.0.0/8", "10.200.3.4", true},
    {"10.0.0.0/8", "11.0.0.1", false},
    {"10.0.0.0/8", "::ffff:10.1.2.3", true}, /* IPv4 client on a [::] socket */
    {"10.0.0.0/8", "::ffff:11.1.2.3", false},
    {"192.168.1.7", "192.168.1.7", true},
    {"192.168.1.7", "192.168.1.6", false},
    {"192.168.1.0/25", "192.168.1.127", true},
    {"192.168.1.0/25", "192.168.1.128", false},
    {"0.0.0.0/0", "203.0.113.9", true},
    {"0.0.0.0/0", "2001:db8::1", false}, /* an IPv4 network never matches a real IPv6 peer */
    {"::1", "::1", true},
    {"::1", "::2", false},
    {"::1", "127.0.0.1", false},
    {"2001:db8::/32", "2001:db8:ffff::1", true},
    {"2001:db8::/32", "2001:db9::1", false},
    {"fe80::/10", "febf::1", true},
    {"fe80::/10", "fec0::1", false},
    {"127.0.0.1,::1", "::1", true},
    {"127.0.0.1,::1", "127.0.0.2", false},
    {"127.0.0.0/8,2001:db8::/32", "127.9.9.9", true},
};

START_TEST(test_cidr_match)
{
    char *argv[] = {(char *)"gostub",
                    (char *)"-l",
                    (char *)":0",
                    (char *)"--allow",
                    (char *)cidr_cases[_i].allow,
                    (char *)"1",
                    NULL};
    char err[256] = "";
    struct stub_options o;
    uint8_t addr[16];
    int family = AF_INET;

    ck_assert_msg(stub_options_parse(6, argv, &o, err, sizeof(err)) == 0, "%s", err);
    if (inet_pton(AF_INET, cidr_cases[_i].peer, addr) != 1) {
        family = AF_INET6;
        ck_assert_int_eq(inet_pton(AF_INET6, cidr_cases[_i].peer, addr), 1);
    }
    ck_assert_msg(stub_cidr_match(o.allow, o.nallow, family, addr) == cidr_cases[_i].match,
                  "--allow %s, peer %s", cidr_cases[_i].allow, cidr_cases[_i].peer);
}
END_TEST

/* ------------------------------------------------------------------ Unix sockets */

START_TEST(test_listen_unix)
{
    char dir[] = "/tmp/test_options.XXXXXX", path[64], err[256];
    struct sockaddr_un sun;
    struct net_listeners l;
    struct net_peer who;
    struct stat st;
    int fd, cfd = -EAGAIN;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/s", dir);
    ck_assert_int_eq(net_listen_unix(path, 0600, &l, err, sizeof(err)), 0);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    for (int tries = 0; (cfd = net_accept(l.fds[0], &who)) == -EAGAIN && tries < 100; tries++)
        usleep(10000);
    ck_assert_int_ge(cfd, 0);
    ck_assert_int_eq(who.family, AF_UNIX);
    ck_assert_uint_eq(who.uid, geteuid());
    ck_assert_int_eq(who.pid, getpid());
    close(cfd);
    close(fd);
    /* A stale socket (a stub killed with SIGKILL leaves one) is replaced. */
    ck_assert_int_eq(close(l.fds[0]), 0);
    l.n = 0;
    ck_assert_int_eq(net_listen_unix(path, 0600, &l, err, sizeof(err)), 0);
    net_close_listeners(&l);
    ck_assert_int_eq(lstat(path, &st), -1); /* removed on close */
    /* Anything but a socket is never replaced. */
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(net_listen_unix(path, 0600, &l, err, sizeof(err)), -EEXIST);
    ck_assert_ptr_nonnull(strstr(err, "is not a socket"));
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_hostport_good, 0,
                        (int)(sizeof(good_addrs) / sizeof(good_addrs[0])));
    tcase_add_loop_test(tc, test_hostport_bad, 0, (int)(sizeof(bad_addrs) / sizeof(bad_addrs[0])));
    tcase_add_test(tc, test_hostport_long_host);
    tcase_add_loop_test(tc, test_cmd_good, 0, (int)(sizeof(good_cmds) / sizeof(good_cmds[0])));
    tcase_add_loop_test(tc, test_cmd_bad, 0, (int)(sizeof(bad_cmds) / sizeof(bad_cmds[0])));
    tcase_add_test(tc, test_help_lists_options);
    suite_add_tcase(s, tc);

    tc = tcase_create("net");
    tcase_add_test(tc, test_listen_loopback_port0);
    tcase_add_test(tc, test_listen_localhost_is_loopback_only);
    tcase_add_test(tc, test_listen_every_interface);
    tcase_add_test(tc, test_listen_port_in_use);
    tcase_add_test(tc, test_listen_ipv6_loopback);
    tcase_add_test(tc, test_listen_unresolvable);
    tcase_add_test(tc, test_accept_sets_options);
    tcase_add_loop_test(tc, test_cidr_match, 0, (int)(sizeof(cidr_cases) / sizeof(cidr_cases[0])));
    tcase_add_test(tc, test_listen_unix);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(options_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
