/*
 * rsp/server_vfile.c - host I/O, the vFile packets gdb uses to fetch the program and /proc files
 * (GDB manual E.13 "Host I/O Packets"): open, pread, close, fstat, readlink, setfs. Replies are
 * "F result[,errno][;attachment]" with File-I/O protocol errno values; binary attachments are
 * escaped.
 *
 * Not here: which paths may be opened (the target decides; gostub confines it to the process's own
 * files). Open flags reach the target as host O_* values, converted from the protocol's (E.13.9).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "rsp/server_internal.h"

#define VFILE_PATH_MAX 4096

static int reply_errno(struct rsp_server *s, int neg_errno)
{
    rsp_buf_reset(&s->reply);
    return rsp_buf_addf(&s->reply, "F-1,%x", (unsigned)srv_fileio_errno(-neg_errno));
}

static int reply_result(struct rsp_server *s, int64_t result)
{
    if (result < 0)
        return reply_errno(s, (int)(result < -9999 ? -9999 : result));
    return rsp_buf_addf(&s->reply, "F%llx", (unsigned long long)result);
}

/* A hex-encoded path, NUL-terminated in scratch; embedded NULs are refused. */
static int parse_path(struct rsp_server *s, struct rsp_cursor *a, const char **path)
{
    size_t n;

    if (rsp_cursor_hex_bytes(a, s->scratch, VFILE_PATH_MAX - 1, &n) != 0 || n == 0)
        return -EINVAL;
    s->scratch[n] = 0;
    if (strlen((const char *)s->scratch) != n)
        return -EINVAL;
    *path = (const char *)s->scratch;
    return 0;
}

static int parse_fd(struct rsp_cursor *a, int *fd)
{
    uint64_t v;

    if (rsp_cursor_hex_u64(a, &v) != 0 || v > 0x7fffffff)
        return -EINVAL;
    *fd = (int)v;
    return 0;
}

/* Protocol open flags (E.13.9 "Open Flags") to the host's. */
static int host_open_flags(uint64_t f, int *out)
{
    int h;

    if (f & ~(uint64_t)(0x3 | 0x8 | 0x200 | 0x400 | 0x800))
        return -EINVAL;
    switch (f & 3) {
    case 0:
        h = O_RDONLY;
        break;
    case 1:
        h = O_WRONLY;
        break;
    case 2:
        h = O_RDWR;
        break;
    default:
        return -EINVAL;
    }
    if (f & 0x8)
        h |= O_APPEND;
    if (f & 0x200)
        h |= O_CREAT;
    if (f & 0x400)
        h |= O_TRUNC;
    if (f & 0x800)
        h |= O_EXCL;
    *out = h;
    return 0;
}

/* vFile:open:PATHNAME,FLAGS,MODE */
int srv_h_vfile_open(struct rsp_server *s, struct rsp_cursor *a)
{
    const char *path;
    uint64_t flags, mode;
    int hflags;

    if (parse_path(s, a, &path) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, &flags) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, &mode) != 0 || !rsp_cursor_eof(a) || mode > 07777 ||
        host_open_flags(flags, &hflags) != 0)
        return reply_errno(s, -EINVAL);
    return reply_result(s, s->tgt->vfile->open(s->ctx, path, hflags, (int)mode));
}

/* vFile:pread:FD,COUNT,OFFSET -> "F<n>;<escaped bytes>" */
int srv_h_vfile_pread(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t count, offset;
    int64_t got;
    size_t used;
    int fd, rc;

    if (parse_fd(a, &fd) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, &count) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, &offset) != 0 || !rsp_cursor_eof(a) || offset > INT64_MAX)
        return reply_errno(s, -EINVAL);
    /* Escaped, half the PacketSize always fits; gdb reads on until it has what it wants. */
    if (count > RSP_SERVER_PACKET_SIZE / 2 - 64)
        count = RSP_SERVER_PACKET_SIZE / 2 - 64;
    got = s->tgt->vfile->pread(s->ctx, fd, s->scratch, (size_t)count, offset);
    if (got < 0)
        return reply_result(s, got);
    if ((uint64_t)got > count)
        got = (int64_t)count;
    rc = rsp_buf_addf(&s->reply, "F%llx;", (unsigned long long)got);
    if (rc != 0)
        return rc;
    used = srv_add_escaped_bounded(&s->reply, s->scratch, (size_t)got, RSP_SERVER_PACKET_SIZE);
    return used == (size_t)got ? 0 : -E2BIG;
}

int srv_h_vfile_close(struct rsp_server *s, struct rsp_cursor *a)
{
    int fd;

    if (parse_fd(a, &fd) != 0 || !rsp_cursor_eof(a))
        return reply_errno(s, -EINVAL);
    return reply_result(s, s->tgt->vfile->close(s->ctx, fd));
}

/* vFile:fstat:FD -> "F40;<escaped struct stat>" (E.13.8: 64 bytes, big-endian fields) */
int srv_h_vfile_fstat(struct rsp_server *s, struct rsp_cursor *a)
{
    uint8_t st[64];
    int fd, rc;

    if (parse_fd(a, &fd) != 0 || !rsp_cursor_eof(a))
        return reply_errno(s, -EINVAL);
    memset(st, 0, sizeof(st));
    rc = s->tgt->vfile->fstat(s->ctx, fd, st);
    if (rc < 0)
        return reply_result(s, rc);
    rc = rsp_buf_addf(&s->reply, "F%zx;", sizeof(st));
    if (rc == 0 && srv_add_escaped_bounded(&s->reply, st, sizeof(st), 256) != sizeof(st))
        rc = -E2BIG;
    return rc;
}

/* vFile:readlink:PATHNAME -> "F<len>;<escaped target>" */
int srv_h_vfile_readlink(struct rsp_server *s, struct rsp_cursor *a)
{
    char target[VFILE_PATH_MAX];
    const char *path;
    int64_t n;
    int rc;

    if (parse_path(s, a, &path) != 0 || !rsp_cursor_eof(a))
        return reply_errno(s, -EINVAL);
    n = s->tgt->vfile->readlink(s->ctx, path, target, sizeof(target));
    if (n < 0)
        return reply_result(s, n);
    if ((uint64_t)n > sizeof(target))
        n = sizeof(target);
    rc = rsp_buf_addf(&s->reply, "F%llx;", (unsigned long long)n);
    if (rc == 0 && srv_add_escaped_bounded(&s->reply, (const uint8_t *)target, (size_t)n,
                                           2 * sizeof(target)) != (size_t)n)
        rc = -E2BIG;
    return rc;
}

/* vFile:setfs:PID (0: the stub's own filesystem view) */
int srv_h_vfile_setfs(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t pid;

    if (rsp_cursor_hex_u64(a, &pid) != 0 || !rsp_cursor_eof(a) || pid > INT64_MAX)
        return reply_errno(s, -EINVAL);
    return reply_result(s, s->tgt->vfile->setfs(s->ctx, (int64_t)pid));
}
