/*
 * stub/options.h - gostub's command line: the option table, HOST:PORT parsing and the --help text.
 * Pure parsing: no sockets, no name resolution (net.c does that), no printing and no exiting
 * (main.c prints the error text this module fills in and picks the exit code).
 */
#ifndef STUB_OPTIONS_H
#define STUB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STUB_DEFAULT_HOST "127.0.0.1"
#define STUB_DEFAULT_PORT 9000
#define STUB_DEFAULT_IDLE_TIMEOUT 300u  /* seconds */
#define STUB_MAX_IDLE_TIMEOUT 31536000u /* one year: anything larger is a typo */
#define STUB_HOST_MAX 256
#define STUB_MAX_ALLOW 16        /* --allow networks */
#define STUB_MAX_ALLOW_UID 16    /* --allow-uid users */
#define STUB_UNIX_PATH_MAX 108   /* sun_path, including the terminating NUL */
#define STUB_MAX_MAX_STOP 86400u /* --max-stop: a day at most */

/* A listening address as typed: host is "" for every interface (":9000"), an IPv6 literal is stored
 * without its brackets ("[::1]:9000" -> "::1"). Names are resolved later, by net.c. */
struct stub_hostport {
    char host[STUB_HOST_MAX];
    uint16_t port; /* 0: the kernel picks a free port */
};

/* One --allow network: family AF_INET or AF_INET6, the address bytes (4 or 16 used) and the prefix
 * length in bits. An IPv4 network also matches IPv4-mapped IPv6 peers (::ffff:a.b.c.d), which is
 * how a wildcard [::] socket sees IPv4 clients. */
struct stub_cidr {
    int family;
    uint8_t addr[16];
    unsigned prefix_bits;
};

struct stub_options {
    struct stub_hostport listen; /* default 127.0.0.1:9000 */
    bool listen_given;           /* --listen appeared */
    bool stdio;                  /* --stdio: serve one client on stdin/stdout */
    bool persist;                /* --persist: keep listening after a client leaves */
    bool kill_on_exit;           /* --kill-on-exit: kill a launched program when the client goes */
    bool verbose;                /* -v: packet log on stderr */
    bool help, version;          /* --help / --version: print and exit 0, nothing else parsed */
    unsigned idle_timeout_s;     /* 0: never */
    unsigned max_stop_s;         /* --max-stop: 0 (default) never; else the longest stop allowed */
    bool read_only;              /* --read-only: no memory/register writes, no breakpoints */
    bool no_sandbox;             /* --no-sandbox: do not enter stub/sandbox.h's sandbox */
    bool allow_kill;             /* --allow-kill: k/vKill may kill an attached process */
    struct stub_cidr allow[STUB_MAX_ALLOW]; /* --allow: TCP peers accepted; none: everyone */
    size_t nallow;
    char unix_path[STUB_UNIX_PATH_MAX];  /* --listen unix:PATH; "" for TCP */
    uid_t allow_uid[STUB_MAX_ALLOW_UID]; /* --allow-uid: Unix peers accepted besides our uid */
    size_t nallow_uid;
    pid_t pid;   /* attach mode: > 0; launch mode: 0 */
    char **argv; /* launch mode: PROGRAM ARGS..., NULL-terminated, points into the
                  * argv given to stub_options_parse; attach mode: NULL */
};

/* Parses "HOST:PORT", ":PORT" or "[IPV6]:PORT". The port is decimal, 0-65535. Returns 0, or -EINVAL
 * with a one-line reason in err (which names the offending text). */
int stub_parse_hostport(const char *s, struct stub_hostport *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Parses "ADDR/BITS" or a bare address (a /32 or /128), IPv4 or IPv6 (no brackets). Bits past the
 * prefix must be zero ("10.0.0.1/8" is refused as a likely typo). Returns 0 or -EINVAL with err. */
int stub_parse_cidr(const char *s, struct stub_cidr *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Whether a peer address (family AF_INET or AF_INET6, addr 4 or 16 bytes) lies in one of the n
 * networks. IPv4-mapped IPv6 peers are compared as IPv4. */
bool stub_cidr_match(const struct stub_cidr *nets, size_t n, int family, const uint8_t *addr);

/* Parses the whole command line (argv[0] is the program name). Returns 0, or -EINVAL with a
 * one-line reason in err; with --help or --version it returns 0 at once with help or version set.
 * Uses getopt, so it is not reentrant; it may be called again (it resets getopt's state). */
int stub_options_parse(int argc, char **argv, struct stub_options *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The one-line usage summary and the full --help text (static strings). */
const char *stub_options_usage(void);
const char *stub_options_help(void);

#endif
