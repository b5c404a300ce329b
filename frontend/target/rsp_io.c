/*
 * frontend/target/rsp_io.c - the byte transports under the RSP client: a TCP connection
 * ("HOST:PORT",
 * "[v6]:PORT") or a pair of pipe descriptors (gostub --stdio, gdbserver stdio). Only moving bytes:
 * reads wait with poll() for the client's timeout; nothing here knows a packet.
 */
#include "config.h"

#include "frontend/target/rsp_priv.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int tgt_rsp_io_tcp(struct tgt_rsp_io *io, const char *host_port, const char **why)
{
    char host[256];
    const char *port;
    const char *colon = strrchr(host_port, ':');
    if (colon == NULL || colon[1] == '\0') {
        *why = "expected HOST:PORT";
        return -EINVAL;
    }
    size_t hlen = (size_t)(colon - host_port);
    const char *h = host_port;
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') { /* [::1]:1234 */
        h++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host)) {
        *why = "host name too long";
        return -EINVAL;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    port = colon + 1;

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int g = getaddrinfo(hlen > 0 ? host : "localhost", port, &hints, &res);
    if (g != 0) {
        *why = "cannot resolve the host name";
        return -EHOSTUNREACH;
    }
    int rc = -ECONNREFUSED;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            rc = -errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            rc = -errno;
            close(fd);
            continue;
        }
        /* Every request waits for its reply: Nagle's delay would cost 40 ms a round trip. */
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        io->read_fd = io->write_fd = fd;
        io->socket = true;
        rc = 0;
        break;
    }
    freeaddrinfo(res);
    if (rc < 0)
        *why = "cannot connect to the server";
    return rc;
}

void tgt_rsp_io_close(struct tgt_rsp_io *io)
{
    if (io->read_fd >= 0)
        close(io->read_fd);
    if (io->write_fd >= 0 && io->write_fd != io->read_fd)
        close(io->write_fd);
    io->read_fd = io->write_fd = -1;
}

static int io_write(void *ctx, const uint8_t *data, size_t len)
{
    struct tgt_rsp_io *io = ctx;
    if (io->timed_out && io->strict)
        return -EPIPE;
    while (len > 0) {
        ssize_t n = io->socket ? send(io->write_fd, data, len, MSG_NOSIGNAL)
                               : write(io->write_fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t io_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    struct tgt_rsp_io *io = ctx;
    for (;;) {
        struct pollfd p = {.fd = io->read_fd, .events = POLLIN};
        int n = poll(&p, 1, timeout_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0) {
            io->timed_out = true;
            return -ETIMEDOUT;
        }
        ssize_t got = read(io->read_fd, buf, len);
        if (got < 0 && errno == EINTR)
            continue;
        return got < 0 ? -errno : got;
    }
}

static void io_console(void *ctx, const char *text, size_t len)
{
    struct tgt_rsp_io *io = ctx;
    if (io->console != NULL)
        io->console(io->console_ctx, text, len);
}

const struct rsp_client_io tgt_rsp_io_ops = {
    .write = io_write, .read = io_read, .console = io_console};
