/*
 * stub/procfs.c - the few facts the stub reads from /proc: the task list, status fields (TracerPid,
 * State), thread names, task states and /proc/PID/maps regions. Plain file reads with fixed
 * buffers; nothing here uses ptrace or keeps state.
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stub/inferior_int.h"

long procfs_read_file(const char *path, char *buf, size_t len)
{
    if (len == 0)
        return -EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t got = 0;
    while (got + 1 < len) {
        ssize_t n = read(fd, buf + got, len - 1 - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            return -e;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    return (long)got;
}

static void task_path(char *path, size_t len, pid_t pid, pid_t tid, const char *file)
{
    if (tid > 0)
        snprintf(path, len, "/proc/%d/task/%d/%s", (int)pid, (int)tid, file);
    else
        snprintf(path, len, "/proc/%d/%s", (int)pid, file);
}

int procfs_status_field(pid_t pid, pid_t tid, const char *field, char *buf, size_t len)
{
    char path[96], text[4096];
    task_path(path, sizeof path, pid, tid, "status");
    long n = procfs_read_file(path, text, sizeof text);
    if (n < 0)
        return (int)n;
    size_t flen = strlen(field);
    for (char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, field, flen) != 0 || line[flen] != ':')
            continue;
        const char *v = line + flen + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vlen = strcspn(v, "\n");
        if (vlen >= len)
            vlen = len - 1;
        memcpy(buf, v, vlen);
        buf[vlen] = '\0';
        return 0;
    }
    return -ENOENT;
}

static bool parse_pid(const char *s, pid_t *out)
{
    long v = 0;
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        v = v * 10 + (*s - '0');
        if (v > 0x7fffffff)
            return false;
    }
    *out = (pid_t)v;
    return v > 0;
}

long procfs_tasks(pid_t pid, pid_t *tids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -errno;
    long count = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        pid_t tid;
        if (!parse_pid(de->d_name, &tid))
            continue;
        if ((size_t)count < max)
            tids[count] = tid;
        count++;
    }
    closedir(d);
    return count;
}

int procfs_comm(pid_t pid, pid_t tid, char *buf, size_t len)
{
    char path[96];
    if (len == 0)
        return -EINVAL;
    task_path(path, sizeof path, pid, tid, "comm");
    long n = procfs_read_file(path, buf, len);
    if (n < 0) {
        buf[0] = '\0';
        return (int)n;
    }
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

char procfs_task_state(pid_t pid, pid_t tid)
{
    char path[96], text[512];
    task_path(path, sizeof path, pid, tid, "stat");
    if (procfs_read_file(path, text, sizeof text) <= 0)
        return 0;
    /* "tid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'. */
    char *p = strrchr(text, ')');
    if (!p || p[1] != ' ')
        return 0;
    return p[2];
}

static bool parse_hex(const char **s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = *s;
    int digits = 0;
    for (; isxdigit((unsigned char)*p); p++, digits++) {
        if (digits >= 16)
            return false;
        int c = tolower((unsigned char)*p);
        v = v * 16 + (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    *s = p;
    *out = v;
    return digits > 0;
}

/* One maps line: "start-end perms offset dev inode   path". */
static bool parse_maps_line(const char *line, struct rsp_region *r)
{
    const char *p = line;
    uint64_t start, end;
    if (!parse_hex(&p, &start) || *p++ != '-' || !parse_hex(&p, &end) || *p++ != ' ')
        return false;
    if (end < start || strlen(p) < 4)
        return false;
    r->start = start;
    r->size = end - start;
    r->mapped = true;
    r->r = p[0] == 'r';
    r->w = p[1] == 'w';
    r->x = p[2] == 'x';
    /* Skip perms, offset, dev, inode; what is left (after spaces) is the name. */
    for (int field = 0; field < 4; field++) {
        p = strchr(p, ' ');
        if (!p) {
            r->name[0] = '\0';
            return true;
        }
        while (*p == ' ')
            p++;
    }
    size_t n = strcspn(p, "\n");
    if (n >= sizeof r->name)
        n = sizeof r->name - 1;
    memcpy(r->name, p, n);
    r->name[n] = '\0';
    return true;
}

int procfs_region(pid_t pid, uint64_t addr, struct rsp_region *out)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -errno;
    char line[4096 + 256];
    uint64_t gap_start = 0, gap_end = UINT64_MAX;
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        struct rsp_region r;
        if (!parse_maps_line(line, &r))
            continue;
        if (addr >= r.start && addr - r.start < r.size) {
            *out = r;
            found = true;
            break;
        }
        if (r.start + r.size <= addr)
            gap_start = r.start + r.size;
        else if (r.start > addr && r.start < gap_end) {
            gap_end = r.start;
            break; /* maps is sorted: the first region past addr closes the gap */
        }
    }
    fclose(f);
    if (!found) {
        memset(out, 0, sizeof *out);
        out->start = gap_start;
        out->size = gap_end - gap_start;
        out->mapped = false;
    }
    return 0;
}
