/*
 * stub/net.h - the stub's TCP plumbing: turning a parsed HOST:PORT into listening sockets (one per
 * address: "localhost" is 127.0.0.1 and [::1], never every interface), accepting a client with the
 * socket options the protocol wants, and printing addresses. No event loop here (loop.c watches
 * these descriptors) and no printing: callers get error text to show.
 */
#ifndef STUB_NET_H
#define STUB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "stub/options.h"

#define NET_MAX_LISTENERS 4
#define NET_ADDR_STR_MAX 80 /* "[ipv6%zone]:port" */

struct net_listeners {
    int fds[NET_MAX_LISTENERS]; /* non-blocking, close-on-exec, listening */
    size_t n;
    uint16_t port;        /* the bound port (the kernel's pick when 0 was asked) */
    bool every_interface; /* bound to the wildcard address (":PORT", 0.0.0.0, [::]) */
    bool exposed;         /* some bound address is not loopback */
    char addrs[NET_ADDR_STR_MAX * NET_MAX_LISTENERS]; /* "127.0.0.1:9000 [::1]:9000" for messages */
    char unix_path[STUB_UNIX_PATH_MAX]; /* net_listen_unix: the socket file to remove; else "" */
};

/* Who connected, as accepted. */
struct net_peer {
    char text[NET_ADDR_STR_MAX]; /* "127.0.0.1:40000", "[::1]:40000", "uid 1000 pid 42" */
    int family;                  /* AF_INET, AF_INET6 or AF_UNIX */
    uint8_t addr[16];            /* AF_INET: 4 bytes, AF_INET6: 16 */
    uid_t uid;                   /* AF_UNIX: the peer's uid (SO_PEERCRED) */
    pid_t pid;                   /* AF_UNIX: the peer's pid */
};

/* Binds and listens on every address hp stands for, with SO_REUSEADDR:
 *   ""            the wildcard: [::] accepting IPv4 too, or 0.0.0.0 without IPv6
 *   "localhost"   127.0.0.1, and [::1] where the host has IPv6 (whatever /etc/hosts says)
 *   a literal     exactly that address
 *   another name  every address it resolves to (at most NET_MAX_LISTENERS)
 * With port 0 the first socket gets a free port and the others the same one. On failure nothing
 * stays open and err says why, e.g. "port 9000 is in use". Returns 0 or -errno. */
int net_listen(const struct stub_hostport *hp, struct net_listeners *out, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Binds and listens on a Unix stream socket at path with the given mode (0600, or 0666 when other
 * users may connect and SO_PEERCRED decides), set through the umask while the file is created, so
 * it is never more open than that, not even for a moment. An existing socket file is
 * replaced (a stale one from a stub that was killed); any other file there is refused ("PATH
 * exists and is not a socket"). Returns 0 or -errno with err. */
int net_listen_unix(const char *path, mode_t mode, struct net_listeners *out, char *err,
                    size_t errlen) __attribute__((warn_unused_result));
/* Closes the sockets and removes a Unix socket's file. */
void net_close_listeners(struct net_listeners *l);

/* TCP keepalive on the client socket: a peer that vanished (no FIN, no RST) is declared gone after
 * IDLE + INTERVAL * COUNT seconds of silence, about two minutes. */
#define NET_KEEPALIVE_IDLE 60
#define NET_KEEPALIVE_INTERVAL 10
#define NET_KEEPALIVE_COUNT 6

/* Accepts one pending connection: non-blocking, close-on-exec; TCP gets TCP_NODELAY and
 * SO_KEEPALIVE, a Unix socket's peer credentials are read (SO_PEERCRED). Nothing is read from the
 * client. Returns the descriptor, or -errno (-EAGAIN: nothing pending). */
int net_accept(int listen_fd, struct net_peer *peer);

/* "127.0.0.1:9000", "[::1]:9000". */
void net_format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen);
bool net_is_loopback(const struct sockaddr *sa);

#endif
