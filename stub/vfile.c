/*
 * stub/vfile.c - host I/O (vFile, GDB manual E.13) confined to what a debugger needs from the
 * target's machine: the target's executable, the files the target has mapped (its shared libraries,
 * so gdb with sysroot "target:" finds their symbols), and the target's own /proc/PID/ files (so
 * gcore can read the mappings). Read-only: every other path, and every open for writing, is EACCES.
 * Paths are opened through /proc/PID/root so a target in another mount namespace (a container) is
 * served its own files; a file qualifies by device and inode, whatever name it is asked by. The
 * /proc files allowed are listed by name (own_proc_path). There are no write, unlink, mkdir, chmod
 * or shell operations at all (rsp/server_vfile.c has no such packets).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "stub/inferior_int.h"

#define NFDS (sizeof((struct inferior *)0)->vfile_fds / sizeof(int))

/* The target's own /proc/PID/ files a debugger needs (gdb's info proc, gcore's smaps and
 * coredump_filter, the thread list), by exact name. Not root/, cwd/, fd/, map_files/ (every file of
 * the target's machine through them), environ (secrets), mem (memory goes through m/x, with the
 * breakpoints hidden). */
// clang-format off
static const char *const proc_files[] = {
    "maps", "smaps", "auxv", "cmdline", "exe", "stat", "status", "comm", "coredump_filter", "task",
};
static const char *const task_files[] = { "stat", "status", "comm", "maps", "smaps" };
// clang-format on

static bool in_list(const char *name, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && strncmp(name, list[i], len) == 0)
            return true;
    return false;
}

/* "/proc/PID/NAME" or "/proc/PID/task[/TID[/NAME]]" of the target itself, NAME from the lists above
 * (for readlink, "cwd" too: a name, not contents). Components are compared exactly, so "..", "."
 * and doubled slashes never match. */
static bool own_proc_path(const struct inferior *inf, const char *path, bool readlink_only)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof prefix, "/proc/%d/", (int)inf->pid);
    const char *p, *slash;

    if (n <= 0 || strncmp(path, prefix, (size_t)n) != 0)
        return false;
    p = path + n;
    slash = strchr(p, '/');
    if (!slash) {
        if (readlink_only && strcmp(p, "cwd") == 0)
            return true;
        return in_list(p, strlen(p), proc_files, sizeof proc_files / sizeof proc_files[0]);
    }
    if ((size_t)(slash - p) != 4 || strncmp(p, "task", 4) != 0)
        return false;
    p = slash + 1; /* TID */
    if (*p == '\0')
        return true;
    for (slash = p; *slash >= '0' && *slash <= '9'; slash++)
        ;
    if (slash == p || (*slash != '\0' && *slash != '/'))
        return false;
    if (*slash == '\0' || slash[1] == '\0')
        return true;
    p = slash + 1;
    if (strchr(p, '/'))
        return false;
    return in_list(p, strlen(p), task_files, sizeof task_files / sizeof task_files[0]);
}

/* Whether the file open as fd is the target's executable or one it has mapped, by device and
 * inode: gdb asks for the names the program used (/lib64/ld-linux-x86-64.so.2), maps shows the
 * resolved ones (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2). */
static bool is_target_file(const struct inferior *inf, int fd)
{
    struct stat want, exe;
    char path[64], line[4096 + 256];
    if (fstat(fd, &want) < 0 || !S_ISREG(want.st_mode))
        return false;
    snprintf(path, sizeof path, "/proc/%d/exe", (int)inf->pid);
    if (stat(path, &exe) == 0 && exe.st_dev == want.st_dev && exe.st_ino == want.st_ino)
        return true;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)inf->pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        /* start-end perms offset major:minor inode path */
        unsigned long long maj, min, ino;
        char *p = line;
        for (int field = 0; field < 3 && p; field++) {
            p = strchr(p, ' ');
            if (p)
                p++;
        }
        if (!p)
            continue;
        char *end;
        maj = strtoull(p, &end, 16);
        if (*end != ':')
            continue;
        min = strtoull(end + 1, &end, 16);
        if (*end != ' ')
            continue;
        ino = strtoull(end + 1, &end, 10);
        found = ino != 0 && ino == (unsigned long long)want.st_ino && maj == major(want.st_dev) &&
                min == minor(want.st_dev);
    }
    fclose(f);
    return found;
}

static int slot_fd(struct inferior *inf, int fd)
{
    if (fd < 0 || (size_t)fd >= NFDS || inf->vfile_fds[fd] < 0)
        return -EBADF;
    return inf->vfile_fds[fd];
}

static int vf_open(void *ctx, const char *path, int flags, int mode)
{
    struct inferior *inf = ctx;
    (void)mode;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND | O_EXCL)))
        return -EACCES;
    if (path[0] != '/' || strstr(path, "/../"))
        return -EACCES;
    size_t slot;
    for (slot = 0; slot < NFDS; slot++)
        if (inf->vfile_fds[slot] < 0)
            break;
    if (slot == NFDS)
        return -EMFILE;
    char real[4096 + 32];
    int fd;
    if (own_proc_path(inf, path, false)) {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return -errno;
    } else {
        if (inf->exited)
            return -EACCES;
        /* Look at the file without reading it (O_PATH), decide, then open that same file. */
        snprintf(real, sizeof real, "/proc/%d/root%s", (int)inf->pid, path);
        int pfd = open(real, O_PATH | O_CLOEXEC);
        if (pfd < 0)
            return -EACCES; /* not even whether it exists */
        if (!is_target_file(inf, pfd)) {
            close(pfd);
            return -EACCES;
        }
        snprintf(real, sizeof real, "/proc/self/fd/%d", pfd);
        fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        int e = errno;
        close(pfd);
        if (fd < 0)
            return -e;
    }
    inf->vfile_fds[slot] = fd;
    return (int)slot;
}

static int64_t vf_pread(void *ctx, int fd, uint8_t *buf, size_t len, uint64_t offset)
{
    int h = slot_fd(ctx, fd);
    if (h < 0)
        return h;
    if (offset > INT64_MAX)
        return 0;
    ssize_t n = pread(h, buf, len, (off_t)offset);
    return n < 0 ? -errno : n;
}

static int vf_close(void *ctx, int fd)
{
    struct inferior *inf = ctx;
    int h = slot_fd(inf, fd);
    if (h < 0)
        return h;
    close(h);
    inf->vfile_fds[fd] = -1;
    return 0;
}

static void put_be(uint8_t *p, uint64_t v, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        p[i] = (uint8_t)(v >> (8 * (len - 1 - i)));
}

/* GDB manual E.13.8 "struct stat": 32-bit fields except size, blksize and blocks (64-bit). */
static int vf_fstat(void *ctx, int fd, uint8_t st[64])
{
    int h = slot_fd(ctx, fd);
    struct stat sb;
    if (h < 0)
        return h;
    if (fstat(h, &sb) < 0)
        return -errno;
    memset(st, 0, 64);
    put_be(st + 0, (uint64_t)sb.st_dev, 4);
    put_be(st + 4, (uint64_t)sb.st_ino, 4);
    put_be(st + 8, sb.st_mode, 4);
    put_be(st + 12, (uint64_t)sb.st_nlink, 4);
    put_be(st + 16, sb.st_uid, 4);
    put_be(st + 20, sb.st_gid, 4);
    put_be(st + 24, (uint64_t)sb.st_rdev, 4);
    put_be(st + 28, (uint64_t)sb.st_size, 8);
    put_be(st + 36, (uint64_t)sb.st_blksize, 8);
    put_be(st + 44, (uint64_t)sb.st_blocks, 8);
    put_be(st + 52, (uint64_t)sb.st_atime, 4);
    put_be(st + 56, (uint64_t)sb.st_mtime, 4);
    put_be(st + 60, (uint64_t)sb.st_ctime, 4);
    return 0;
}

static int64_t vf_readlink(void *ctx, const char *path, char *buf, size_t len)
{
    struct inferior *inf = ctx;
    if (!own_proc_path(inf, path, true))
        return -EACCES;
    ssize_t n = readlink(path, buf, len);
    return n < 0 ? -errno : n;
}

static int vf_setfs(void *ctx, int64_t pid)
{
    struct inferior *inf = ctx;
    /* Every allowed path is already read through the target's own root. */
    return pid == 0 || pid == inf->pid ? 0 : -EINVAL;
}

void vfile_close_all(struct inferior *inf)
{
    for (size_t i = 0; i < NFDS; i++) {
        if (inf->vfile_fds[i] >= 0)
            close(inf->vfile_fds[i]);
        inf->vfile_fds[i] = -1;
    }
}

const struct rsp_vfile_ops inf_vfile_ops = {
    .open = vf_open,
    .pread = vf_pread,
    .close = vf_close,
    .fstat = vf_fstat,
    .readlink = vf_readlink,
    .setfs = vf_setfs,
};
