/*
 * stub/options.c - gostub's command line (see options.h). The long-option table below is the single
 * list of options; the --help text next to it and man/gostub.1 describe exactly these.
 */
#include "config.h"

#include "stub/options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char usage_text[] = "Usage: gostub [OPTIONS] PID\n"
                                 "       gostub [OPTIONS] -- PROGRAM [ARGS...]\n";

static const char help_text[] =
    "Usage: gostub [OPTIONS] PID\n"
    "       gostub [OPTIONS] -- PROGRAM [ARGS...]\n"
    "Serve process PID, or PROGRAM launched and stopped at its first instruction, to a\n"
    "debugger over the GDB remote protocol (gdb: target remote HOST:PORT; lldb: gdb-remote).\n"
    "\n"
    "Options:\n"
    "  -l, --listen HOST:PORT  listen on HOST:PORT (default 127.0.0.1:9000); :PORT and\n"
    "                          0.0.0.0:PORT mean every interface, localhost means loopback\n"
    "                          only, [::1]:PORT is IPv6, port 0 picks a free port;\n"
    "                          unix:PATH serves a Unix socket (mode 0600)\n"
    "      --allow CIDR[,CIDR...]\n"
    "                          accept TCP clients only from these networks (e.g.\n"
    "                          10.1.0.0/16,::1); others are closed unread and logged\n"
    "      --allow-uid UID[,UID...]\n"
    "                          with unix:PATH, accept these users besides gostub's own\n"
    "      --stdio             serve one client on stdin/stdout instead of TCP\n"
    "                          (gdb: target remote | gostub --stdio PID)\n"
    "      --persist           after a client leaves, release the process and keep\n"
    "                          listening; attach again when the next client connects\n"
    "      --idle-timeout SECONDS\n"
    "                          release the process after it has been stopped this long\n"
    "                          without a word from a client (default 300; 0: never)\n"
    "      --kill-on-exit      kill a launched PROGRAM when the client goes\n"
    "                          (default: detach and let it run on)\n"
    "      --max-stop SECONDS  never keep the process stopped longer than this: then\n"
    "                          release it, whatever the client does (default 0: off;\n"
    "                          recommended in production)\n"
    "      --read-only         refuse every write of memory or registers and every\n"
    "                          breakpoint or watchpoint\n"
    "      --allow-kill        let the client kill an attached process (default: a\n"
    "                          kill request releases it, and it runs on)\n"
    "      --no-sandbox        do not drop privileges nor enter the seccomp sandbox\n"
    "  -v, --verbose           log every packet to stderr\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Whenever the client goes away, gostub removes its breakpoints and watchpoints,\n"
    "detaches and lets the process run on, then exits (or, with --persist, keeps\n"
    "listening). There is no authentication: keep the loopback default and reach it\n"
    "through ssh. See gostub(1).\n";

const char *stub_options_usage(void)
{
    return usage_text;
}

const char *stub_options_help(void)
{
    return help_text;
}

enum {
    OPT_STDIO = 256,
    OPT_PERSIST,
    OPT_IDLE_TIMEOUT,
    OPT_KILL_ON_EXIT,
    OPT_ALLOW,
    OPT_ALLOW_UID,
    OPT_MAX_STOP,
    OPT_READ_ONLY,
    OPT_ALLOW_KILL,
    OPT_NO_SANDBOX,
};

// clang-format off
/* name            has_arg            flag  val: the short letter, or an OPT_ code for long-only options */
static const struct option long_options[] = {
    { "listen",       required_argument, NULL, 'l' },
    { "stdio",        no_argument,       NULL, OPT_STDIO },
    { "persist",      no_argument,       NULL, OPT_PERSIST },
    { "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
    { "kill-on-exit", no_argument,       NULL, OPT_KILL_ON_EXIT },
    { "allow",        required_argument, NULL, OPT_ALLOW },
    { "allow-uid",    required_argument, NULL, OPT_ALLOW_UID },
    { "max-stop",     required_argument, NULL, OPT_MAX_STOP },
    { "read-only",    no_argument,       NULL, OPT_READ_ONLY },
    { "allow-kill",   no_argument,       NULL, OPT_ALLOW_KILL },
    { "no-sandbox",   no_argument,       NULL, OPT_NO_SANDBOX },
    { "verbose",      no_argument,       NULL, 'v' },
    { "help",         no_argument,       NULL, 'h' },
    { "version",      no_argument,       NULL, 'V' },
    { NULL,           0,                 NULL, 0 },
};
// clang-format on

/* '+': stop at the first non-option (the PID, or the PROGRAM after "--"); ':': report a missing
 * argument as ':' rather than '?'. */
static const char short_options[] = "+:l:vhV";

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* Decimal digits only (no sign, no spaces, no 0x), value <= max. */
static int parse_decimal(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (*s == '\0')
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        if (v > (max - (unsigned long)(*s - '0')) / 10)
            return -ERANGE;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *out = v;
    return 0;
}

static bool host_char_ok(char c, bool bracketed)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    if (c == '.' || c == '-' || c == '_')
        return true;
    return bracketed && (c == ':' || c == '%'); /* IPv6 literal, with an optional zone (%eth0) */
}

int stub_parse_hostport(const char *s, struct stub_hostport *out, char *err, size_t errlen)
{
    const char *host, *host_end, *port;
    bool bracketed = false;
    unsigned long v;
    size_t n;

    if (*s == '\0')
        return fail(err, errlen, "empty address: expected HOST:PORT, for example 127.0.0.1:9000");
    if (*s == '[') {
        bracketed = true;
        host = s + 1;
        host_end = strchr(host, ']');
        if (!host_end)
            return fail(err, errlen, "'%s': missing ']' after the IPv6 address", s);
        if (host_end[1] != ':')
            return fail(err, errlen, "'%s': expected [IPV6]:PORT, for example [::1]:9000", s);
        port = host_end + 2;
        if (host_end == host || !memchr(host, ':', (size_t)(host_end - host)))
            return fail(err, errlen, "'%s': only IPv6 addresses go in brackets", s);
    } else {
        host = s;
        host_end = strchr(s, ':');
        if (!host_end)
            return fail(err, errlen,
                        "'%s' has no port: expected HOST:PORT, for example 127.0.0.1:%d or :%d", s,
                        STUB_DEFAULT_PORT, STUB_DEFAULT_PORT);
        if (strchr(host_end + 1, ':'))
            return fail(err, errlen, "'%s': an IPv6 address needs brackets, for example [::1]:9000",
                        s);
        port = host_end + 1;
    }
    n = (size_t)(host_end - host);
    if (n >= sizeof(out->host))
        return fail(err, errlen, "host name too long (at most %d characters)", STUB_HOST_MAX - 1);
    for (size_t i = 0; i < n; i++)
        if (!host_char_ok(host[i], bracketed))
            return fail(err, errlen, "'%s': bad character in host name", s);
    if (*port == '\0')
        return fail(err, errlen, "'%s': missing port after ':'", s);
    if (strlen(port) > 5 || parse_decimal(port, 65535, &v) < 0)
        return fail(err, errlen, "'%s': port must be a number from 0 to 65535", s);
    memcpy(out->host, host, n);
    out->host[n] = '\0';
    out->port = (uint16_t)v;
    return 0;
}

int stub_parse_cidr(const char *s, struct stub_cidr *out, char *err, size_t errlen)
{
    char addr[INET6_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    unsigned long bits;
    unsigned max;

    memset(out, 0, sizeof(*out));
    if (n == 0 || n >= sizeof(addr))
        return fail(err, errlen, "--allow '%s': expected ADDRESS[/BITS], for example 10.0.0.0/8",
                    s);
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (inet_pton(AF_INET, addr, out->addr) == 1) {
        out->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
        out->family = AF_INET6;
        max = 128;
    } else {
        return fail(err, errlen, "--allow '%s': '%s' is not an IPv4 or IPv6 address", s, addr);
    }
    bits = max;
    if (slash && (strlen(slash + 1) > 3 || parse_decimal(slash + 1, max, &bits) < 0))
        return fail(err, errlen, "--allow '%s': the prefix length must be 0 to %u", s, max);
    out->prefix_bits = (unsigned)bits;
    for (unsigned i = (unsigned)bits; i < max; i++)
        if (out->addr[i / 8] & (0x80u >> (i % 8)))
            return fail(err, errlen,
                        "--allow '%s': address bits are set past the /%lu prefix (a typo?)", s,
                        bits);
    return 0;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    for (unsigned i = 0; i < bits; i++) {
        unsigned m = 0x80u >> (i % 8);
        if ((a[i / 8] & m) != (b[i / 8] & m))
            return false;
    }
    return true;
}

bool stub_cidr_match(const struct stub_cidr *nets, size_t n, int family, const uint8_t *addr)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const uint8_t *v4 = NULL;

    if (family == AF_INET)
        v4 = addr;
    else if (family == AF_INET6 && memcmp(addr, v4mapped, sizeof(v4mapped)) == 0)
        v4 = addr + 12;
    for (size_t i = 0; i < n; i++) {
        if (nets[i].family == AF_INET && v4 && prefix_equal(nets[i].addr, v4, nets[i].prefix_bits))
            return true;
        if (nets[i].family == AF_INET6 && family == AF_INET6 &&
            prefix_equal(nets[i].addr, addr, nets[i].prefix_bits))
            return true;
    }
    return false;
}

/* "A,B,C": each network parsed into o->allow, at most STUB_MAX_ALLOW in all. */
static int parse_allow_list(const char *arg, struct stub_options *o, char *err, size_t errlen)
{
    char item[128];
    const char *p = arg;

    do {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n >= sizeof(item))
            return fail(err, errlen, "--allow: '%.*s' is too long", (int)n, p);
        memcpy(item, p, n);
        item[n] = '\0';
        if (o->nallow == STUB_MAX_ALLOW)
            return fail(err, errlen, "--allow: at most %d networks", STUB_MAX_ALLOW);
        int rc = stub_parse_cidr(item, &o->allow[o->nallow], err, errlen);
        if (rc < 0)
            return rc;
        o->nallow++;
        p = comma ? comma + 1 : NULL;
    } while (p);
    return 0;
}

static int parse_uid_list(const char *arg, struct stub_options *o, char *err, size_t errlen)
{
    char item[16];
    const char *p = arg;
    unsigned long v;

    do {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0 || n >= sizeof(item))
            return fail(err, errlen, "--allow-uid '%s': expected numeric user ids, e.g. 0,1000",
                        arg);
        memcpy(item, p, n);
        item[n] = '\0';
        if (parse_decimal(item, 4294967294ul, &v) < 0)
            return fail(err, errlen, "--allow-uid '%s': '%s' is not a numeric user id", arg, item);
        if (o->nallow_uid == STUB_MAX_ALLOW_UID)
            return fail(err, errlen, "--allow-uid: at most %d users", STUB_MAX_ALLOW_UID);
        o->allow_uid[o->nallow_uid++] = (uid_t)v;
        p = comma ? comma + 1 : NULL;
    } while (p);
    return 0;
}

/* "unix:PATH" for --listen. */
static int parse_unix(const char *arg, struct stub_options *o, char *err, size_t errlen)
{
    const char *path = arg + 5;

    if (*path == '\0')
        return fail(err, errlen, "--listen '%s': missing the socket's path after 'unix:'", arg);
    if (strlen(path) >= sizeof(o->unix_path))
        return fail(err, errlen, "--listen '%s': a Unix socket path has at most %d characters", arg,
                    STUB_UNIX_PATH_MAX - 1);
    snprintf(o->unix_path, sizeof(o->unix_path), "%s", path);
    return 0;
}

static void set_defaults(struct stub_options *o)
{
    memset(o, 0, sizeof(*o));
    snprintf(o->listen.host, sizeof(o->listen.host), "%s", STUB_DEFAULT_HOST);
    o->listen.port = STUB_DEFAULT_PORT;
    o->idle_timeout_s = STUB_DEFAULT_IDLE_TIMEOUT;
}

/* The positional part: a PID, or "--" PROGRAM ARGS... */
static int parse_operands(int argc, char **argv, struct stub_options *o, char *err, size_t errlen)
{
    unsigned long v;
    int rc;

    if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
        if (optind >= argc)
            return fail(err, errlen, "'--' must be followed by the PROGRAM to launch");
        o->argv = &argv[optind];
        return 0;
    }
    if (optind >= argc)
        return fail(err, errlen, "missing PID (or -- PROGRAM ARGS... to launch a program)");
    rc = parse_decimal(argv[optind], INT_MAX, &v);
    if (rc < 0 || v == 0)
        return fail(err, errlen,
                    "'%s' is not a process id (to launch a program: gostub -- PROGRAM ARGS...)",
                    argv[optind]);
    if (optind + 1 < argc)
        return fail(err, errlen, "unexpected argument '%s' after the PID", argv[optind + 1]);
    o->pid = (pid_t)v;
    return 0;
}

static int check_combinations(const struct stub_options *o, char *err, size_t errlen)
{
    if (o->stdio && o->listen_given)
        return fail(err, errlen, "--stdio and --listen cannot be used together");
    if (o->stdio && o->persist)
        return fail(err, errlen,
                    "--stdio serves a single client: --persist cannot be used with it");
    if (o->nallow > 0 && (o->stdio || o->unix_path[0]))
        return fail(err, errlen, "--allow applies to TCP clients only (not --stdio or unix:PATH)");
    if (o->nallow_uid > 0 && !o->unix_path[0])
        return fail(err, errlen, "--allow-uid applies only to --listen unix:PATH");
    if (o->kill_on_exit && !o->argv)
        return fail(err, errlen,
                    "--kill-on-exit applies only to a launched program (-- PROGRAM ARGS...)");
    return 0;
}

int stub_options_parse(int argc, char **argv, struct stub_options *out, char *err, size_t errlen)
{
    struct stub_options o;
    unsigned long v;
    int c, rc;

    set_defaults(&o);
    if (errlen > 0)
        err[0] = '\0';
    optind = 0; /* glibc: 0 re-initializes getopt completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (strncmp(optarg, "unix:", 5) == 0) {
                rc = parse_unix(optarg, &o, err, errlen);
                if (rc < 0)
                    return rc;
                o.listen_given = true;
                break;
            }
            o.unix_path[0] = '\0';
            rc = stub_parse_hostport(optarg, &o.listen, err, errlen);
            if (rc < 0)
                return rc;
            o.listen_given = true;
            break;
        case OPT_STDIO:
            o.stdio = true;
            break;
        case OPT_PERSIST:
            o.persist = true;
            break;
        case OPT_IDLE_TIMEOUT:
            if (parse_decimal(optarg, STUB_MAX_IDLE_TIMEOUT, &v) < 0)
                return fail(err, errlen, "--idle-timeout '%s': expected seconds, 0 to %u", optarg,
                            STUB_MAX_IDLE_TIMEOUT);
            o.idle_timeout_s = (unsigned)v;
            break;
        case OPT_KILL_ON_EXIT:
            o.kill_on_exit = true;
            break;
        case OPT_ALLOW:
            rc = parse_allow_list(optarg, &o, err, errlen);
            if (rc < 0)
                return rc;
            break;
        case OPT_ALLOW_UID:
            rc = parse_uid_list(optarg, &o, err, errlen);
            if (rc < 0)
                return rc;
            break;
        case OPT_MAX_STOP:
            if (parse_decimal(optarg, STUB_MAX_MAX_STOP, &v) < 0)
                return fail(err, errlen, "--max-stop '%s': expected seconds, 0 to %u", optarg,
                            STUB_MAX_MAX_STOP);
            o.max_stop_s = (unsigned)v;
            break;
        case OPT_READ_ONLY:
            o.read_only = true;
            break;
        case OPT_ALLOW_KILL:
            o.allow_kill = true;
            break;
        case OPT_NO_SANDBOX:
            o.no_sandbox = true;
            break;
        case 'v':
            o.verbose = true;
            break;
        case 'h':
            o.help = true;
            *out = o;
            return 0;
        case 'V':
            o.version = true;
            *out = o;
            return 0;
        case ':':
            return fail(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt)
                return fail(err, errlen, "unknown option '-%c'", optopt);
            return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
        }
    }
    rc = parse_operands(argc, argv, &o, err, errlen);
    if (rc < 0)
        return rc;
    rc = check_combinations(&o, err, errlen);
    if (rc < 0)
        return rc;
    *out = o;
    return 0;
}
