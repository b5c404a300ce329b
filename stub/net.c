/*
 * stub/net.c - listening sockets and accepted clients for gostub (see net.h). Unlike gdbserver,
 * which binds INADDR_ANY whatever host it is given, a host here means exactly that host's
 * addresses: only an empty host (":9000") or a wildcard literal binds every interface.
 */
#include "config.h"

#include "stub/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_BACKLOG 4 /* one client plus a few to refuse politely */

void net_format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, buflen, "?");
        return;
    }
    if (sa->sa_family == AF_INET6)
        snprintf(buf, buflen, "[%s]:%s", host, serv);
    else
        snprintf(buf, buflen, "%s:%s", host, serv);
}

bool net_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        /* ::ffff:127.x.y.z */
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

static bool is_wildcard(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
    return false;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
}

static uint16_t get_port(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
    return ntohs(((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static int bind_error(int rc, const char *addr, uint16_t port, char *err, size_t errlen)
{
    switch (rc) {
    case -EADDRINUSE:
        return fail(err, errlen, rc, "cannot listen on %s: port %u is in use", addr, port);
    case -EACCES:
        return fail(err, errlen, rc,
                    "cannot listen on %s: permission denied (ports below 1024 need root or "
                    "CAP_NET_BIND_SERVICE)",
                    addr);
    case -EADDRNOTAVAIL:
        return fail(err, errlen, rc, "cannot listen on %s: this host has no such address", addr);
    default:
        return fail(err, errlen, rc, "cannot listen on %s: %s", addr, strerror(-rc));
    }
}

/* Binds one socket to ss (its port replaced by out->port once a first socket has picked one) and
 * adds it to out. v6only matters for IPv6 only: 0 lets the wildcard [::] accept IPv4 too. */
static int add_listener(struct net_listeners *out, struct sockaddr_storage *ss, socklen_t len,
                        uint16_t port, int v6only)
{
    struct sockaddr_storage bound;
    socklen_t blen = sizeof(bound);
    int one = 1, fd, rc;

    if (out->n == NET_MAX_LISTENERS)
        return 0;
    set_port(ss, out->n > 0 ? out->port : port);
    fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
        goto fail;
    if (ss->ss_family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0)
        goto fail;
    if (bind(fd, (struct sockaddr *)ss, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0)
        goto fail;
    if (getsockname(fd, (struct sockaddr *)&bound, &blen) < 0)
        goto fail;
    if (out->n == 0)
        out->port = get_port(&bound);
    if (is_wildcard((struct sockaddr *)&bound))
        out->every_interface = true;
    if (!net_is_loopback((struct sockaddr *)&bound))
        out->exposed = true;
    size_t used = strlen(out->addrs);
    if (used > 0 && used + 1 < sizeof(out->addrs))
        out->addrs[used++] = ' ';
    net_format_addr((struct sockaddr *)&bound, blen, out->addrs + used, sizeof(out->addrs) - used);
    out->fds[out->n++] = fd;
    return 0;
fail:
    rc = -errno;
    close(fd);
    return rc;
}

static socklen_t make_addr(struct sockaddr_storage *ss, int family, const void *addr)
{
    memset(ss, 0, sizeof(*ss));
    ss->ss_family = (sa_family_t)family;
    if (family == AF_INET) {
        memcpy(&((struct sockaddr_in *)(void *)ss)->sin_addr, addr, sizeof(struct in_addr));
        return sizeof(struct sockaddr_in);
    }
    memcpy(&((struct sockaddr_in6 *)(void *)ss)->sin6_addr, addr, sizeof(struct in6_addr));
    return sizeof(struct sockaddr_in6);
}

/* ":PORT": [::] with IPv4 mapped in, or 0.0.0.0 on a host without IPv6. */
static int listen_wildcard(struct net_listeners *out, uint16_t port, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    struct in_addr any4 = {.s_addr = htonl(INADDR_ANY)};
    char what[NET_ADDR_STR_MAX];
    int rc;

    rc = add_listener(out, &ss, make_addr(&ss, AF_INET6, &in6addr_any), port, 0);
    if (rc == -EAFNOSUPPORT || rc == -EADDRNOTAVAIL)
        rc = add_listener(out, &ss, make_addr(&ss, AF_INET, &any4), port, 0);
    if (rc < 0) {
        snprintf(what, sizeof(what), ":%u", port);
        return bind_error(rc, what, port, err, errlen);
    }
    return 0;
}

/* "localhost": 127.0.0.1 and [::1], whatever the resolver says (it may map the name elsewhere). */
static int listen_localhost(struct net_listeners *out, uint16_t port, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    struct in_addr lo4 = {.s_addr = htonl(INADDR_LOOPBACK)};
    char what[NET_ADDR_STR_MAX];
    int rc;

    rc = add_listener(out, &ss, make_addr(&ss, AF_INET, &lo4), port, 1);
    if (rc < 0) {
        snprintf(what, sizeof(what), "127.0.0.1:%u", port);
        return bind_error(rc, what, port, err, errlen);
    }
    rc = add_listener(out, &ss, make_addr(&ss, AF_INET6, &in6addr_loopback), port, 1);
    /* No IPv6 here, or (port 0 only) the port the kernel picked for IPv4 is taken on [::1]:
     * serving IPv4 alone is still loopback only. A fixed port taken on [::1] is an error: a client
     * resolving localhost to ::1 would reach the other program. */
    if (rc == -EAFNOSUPPORT || rc == -EADDRNOTAVAIL || (rc == -EADDRINUSE && port == 0))
        rc = 0;
    if (rc < 0) {
        snprintf(what, sizeof(what), "[::1]:%u", out->port);
        return bind_error(rc, what, out->port, err, errlen);
    }
    return 0;
}

/* A numeric address without a zone: no resolver involved (a static gostub has no NSS modules). */
static int listen_literal(struct net_listeners *out, const struct stub_hostport *hp, char *err,
                          size_t errlen)
{
    struct sockaddr_storage ss;
    struct in6_addr a6;
    struct in_addr a4;
    char what[NET_ADDR_STR_MAX];
    socklen_t len;
    int rc;

    if (inet_pton(AF_INET, hp->host, &a4) == 1)
        len = make_addr(&ss, AF_INET, &a4);
    else if (inet_pton(AF_INET6, hp->host, &a6) == 1)
        len = make_addr(&ss, AF_INET6, &a6);
    else
        return 1;
    rc = add_listener(out, &ss, len, hp->port, 1);
    if (rc < 0) {
        net_format_addr((struct sockaddr *)&ss, len, what, sizeof(what));
        return bind_error(rc, what, hp->port, err, errlen);
    }
    return 0;
}

static int listen_named(struct net_listeners *out, const struct stub_hostport *hp, char *err,
                        size_t errlen)
{
    struct addrinfo hints, *res, *ai;
    struct sockaddr_storage ss;
    char what[NET_ADDR_STR_MAX + STUB_HOST_MAX + 8];
    int rc;

    rc = listen_literal(out, hp, err, errlen);
    if (rc <= 0)
        return rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* A literal is taken as is; AI_ADDRCONFIG (skip families the host has no address for) only for
     * names, because glibc does not count loopback and would refuse 127.0.0.1 on an offline host.
     */
    hints.ai_flags = AI_NUMERICHOST;
    rc = getaddrinfo(hp->host, NULL, &hints, &res);
    if (rc == EAI_NONAME) {
        hints.ai_flags = AI_ADDRCONFIG;
        rc = getaddrinfo(hp->host, NULL, &hints, &res);
    }
    if (rc != 0)
        return fail(err, errlen, -EADDRNOTAVAIL, "cannot resolve '%s': %s", hp->host,
                    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    rc = -EADDRNOTAVAIL;
    for (ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        if (ai->ai_addrlen > sizeof(ss))
            continue;
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        /* getaddrinfo may list an address twice; a second bind of it fails with EADDRINUSE. */
        bool dup = false;
        for (struct addrinfo *p = res; p != ai; p = p->ai_next)
            if (p->ai_addrlen == ai->ai_addrlen &&
                memcmp(p->ai_addr, ai->ai_addr, p->ai_addrlen) == 0)
                dup = true;
        if (dup)
            continue;
        rc = add_listener(out, &ss, ai->ai_addrlen, hp->port, 1);
        if (rc < 0) {
            char addr[NET_ADDR_STR_MAX];
            set_port(&ss, out->n > 0 ? out->port : hp->port);
            net_format_addr((struct sockaddr *)&ss, ai->ai_addrlen, addr, sizeof(addr));
            if (strcmp(hp->host, addr) != 0 && hp->host[0] != '[')
                snprintf(what, sizeof(what), "%s (%s)", addr, hp->host);
            else
                snprintf(what, sizeof(what), "%s", addr);
            rc = bind_error(rc, what, get_port(&ss), err, errlen);
            break;
        }
    }
    freeaddrinfo(res);
    if (rc < 0 && out->n == 0 && err[0] == '\0')
        return fail(err, errlen, rc, "'%s' has no IPv4 or IPv6 address", hp->host);
    return rc;
}

int net_listen(const struct stub_hostport *hp, struct net_listeners *out, char *err, size_t errlen)
{
    int rc;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < NET_MAX_LISTENERS; i++)
        out->fds[i] = -1;
    if (errlen > 0)
        err[0] = '\0';
    if (hp->host[0] == '\0')
        rc = listen_wildcard(out, hp->port, err, errlen);
    else if (strcasecmp(hp->host, "localhost") == 0)
        rc = listen_localhost(out, hp->port, err, errlen);
    else
        rc = listen_named(out, hp, err, errlen);
    if (rc < 0)
        net_close_listeners(out);
    return rc;
}

int net_listen_unix(const char *path, mode_t mode, struct net_listeners *out, char *err,
                    size_t errlen)
{
    struct sockaddr_un sun;
    struct stat st;
    mode_t old_mask;
    int fd, rc;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < NET_MAX_LISTENERS; i++)
        out->fds[i] = -1;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path))
        return fail(err, errlen, -ENAMETOOLONG, "cannot listen on %s: path too long", path);
    memcpy(sun.sun_path, path, strlen(path));
    /* Only a socket may be replaced: --listen unix:/etc/passwd must not delete anything. */
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return fail(err, errlen, -EEXIST, "cannot listen on %s: it exists and is not a socket",
                        path);
        if (unlink(path) < 0)
            return fail(err, errlen, -errno, "cannot replace the old socket %s: %s", path,
                        strerror(errno));
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, errlen, -errno, "socket: %s", strerror(errno));
    old_mask = umask(~mode & 0777);
    rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
    umask(old_mask);
    if (rc < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
        rc = -errno;
        close(fd);
        return fail(err, errlen, rc, "cannot listen on %s: %s", path, strerror(-rc));
    }
    out->fds[out->n++] = fd;
    snprintf(out->unix_path, sizeof(out->unix_path), "%s", path);
    snprintf(out->addrs, sizeof(out->addrs), "unix:%s", path);
    return 0;
}

void net_close_listeners(struct net_listeners *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->fds[i] >= 0)
            close(l->fds[i]);
    if (l->unix_path[0]) {
        unlink(l->unix_path);
        l->unix_path[0] = '\0';
    }
    for (size_t i = 0; i < NET_MAX_LISTENERS; i++)
        l->fds[i] = -1;
    l->n = 0;
}

/* Small packets, each awaited by the other side: Nagle plus delayed ACKs would add ~40 ms to every
 * round trip. Keepalive notices a client whose host vanished without a FIN or RST, and the kernel's
 * default (two hours of silence before the first probe) would keep a production process traced that
 * long: probe after NET_KEEPALIVE_IDLE seconds instead. Keepalive stays quiet while sent data waits
 * for its ACK; TCP_USER_TIMEOUT (milliseconds) bounds that case the same. */
// clang-format off
static const struct { int level, name, value; } client_options[] = {
    { IPPROTO_TCP, TCP_NODELAY,      1 },
    { SOL_SOCKET,  SO_KEEPALIVE,     1 },
    { IPPROTO_TCP, TCP_KEEPIDLE,     NET_KEEPALIVE_IDLE },
    { IPPROTO_TCP, TCP_KEEPINTVL,    NET_KEEPALIVE_INTERVAL },
    { IPPROTO_TCP, TCP_KEEPCNT,      NET_KEEPALIVE_COUNT },
    { IPPROTO_TCP, TCP_USER_TIMEOUT,
      (NET_KEEPALIVE_IDLE + NET_KEEPALIVE_INTERVAL * NET_KEEPALIVE_COUNT) * 1000 },
};
// clang-format on

int net_accept(int listen_fd, struct net_peer *peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd, rc;

    memset(peer, 0, sizeof(*peer));
    fd = accept4(listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return -errno;
    peer->family = ss.ss_family;
    if (ss.ss_family == AF_UNIX) {
        struct ucred cred;
        socklen_t clen = sizeof(cred);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
            rc = -errno;
            close(fd);
            return rc;
        }
        peer->uid = cred.uid;
        peer->pid = cred.pid;
        snprintf(peer->text, sizeof(peer->text), "uid %u pid %d", (unsigned)cred.uid,
                 (int)cred.pid);
        return fd;
    }
    if (ss.ss_family == AF_INET6 &&
        IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)(void *)&ss)->sin6_addr)) {
        /* An IPv4 client of a [::] socket: shown and matched as the IPv4 address it is. */
        struct sockaddr_in6 in6 = *(struct sockaddr_in6 *)(void *)&ss;
        struct sockaddr_in *in = (struct sockaddr_in *)(void *)&ss;
        memset(&ss, 0, sizeof(ss));
        in->sin_family = AF_INET;
        in->sin_port = in6.sin6_port;
        memcpy(&in->sin_addr, &in6.sin6_addr.s6_addr[12], 4);
        len = sizeof(*in);
    }
    peer->family = ss.ss_family;
    if (ss.ss_family == AF_INET)
        memcpy(peer->addr, &((struct sockaddr_in *)(void *)&ss)->sin_addr, 4);
    else if (ss.ss_family == AF_INET6)
        memcpy(peer->addr, &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr, 16);
    for (size_t i = 0; i < sizeof(client_options) / sizeof(client_options[0]); i++) {
        if (setsockopt(fd, client_options[i].level, client_options[i].name,
                       &client_options[i].value, sizeof(int)) < 0) {
            rc = -errno;
            close(fd);
            return rc;
        }
    }
    net_format_addr((struct sockaddr *)&ss, len, peer->text, sizeof(peer->text));
    return fd;
}
