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

/* A listening address as typed: host is "" for every interface (":9000"), an IPv6 literal is stored
 * without its brackets ("[::1]:9000" -> "::1"). Names are resolved later, by net.c. */
struct stub_hostport {
    char host[STUB_HOST_MAX];
    uint16_t port; /* 0: the kernel picks a free port */
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
    pid_t pid;                   /* attach mode: > 0; launch mode: 0 */
    char **argv;                 /* launch mode: PROGRAM ARGS..., NULL-terminated, points into the
                                  * argv given to stub_options_parse; attach mode: NULL */
};

/* Parses "HOST:PORT", ":PORT" or "[IPV6]:PORT". The port is decimal, 0-65535. Returns 0, or -EINVAL
 * with a one-line reason in err (which names the offending text). */
int stub_parse_hostport(const char *s, struct stub_hostport *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Parses the whole command line (argv[0] is the program name). Returns 0, or -EINVAL with a
 * one-line reason in err; with --help or --version it returns 0 at once with help or version set.
 * Uses getopt, so it is not reentrant; it may be called again (it resets getopt's state). */
int stub_options_parse(int argc, char **argv, struct stub_options *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The one-line usage summary and the full --help text (static strings). */
const char *stub_options_usage(void);
const char *stub_options_help(void);

#endif
