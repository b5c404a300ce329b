/*
 * frontend/target/dump_maps.c - the mappings of the process a core dump describes: /proc/PID/maps
 * read through vFile (gostub serves the target's own; gdbserver and lldb-server any file), smaps
 * for which anonymous mappings were never touched, or lldb's qMemoryRegionInfo walked from address
 * 0. Everything from the server is bounded: line by line, counts capped. Not for deciding which
 * bytes go into the core (dump.c).
 */
#include "config.h"

#include "frontend/target/dump_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_MAPS 65536u
#define MAPS_MAX_LEN (64u << 20)

static int hexval(const char **p, const char *end, uint64_t *v)
{
    uint64_t x = 0;
    int n = 0;
    while (*p < end && n < 17) {
        char c = **p;
        int dgt = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
        if (dgt < 0)
            break;
        x = x << 4 | (uint64_t)dgt;
        (*p)++;
        n++;
    }
    if (n == 0 || n > 16)
        return -EPROTO;
    *v = x;
    return 0;
}

static int add_map(struct dump *d, const struct map *m, size_t *cap)
{
    if (d->nmaps == MAX_MAPS)
        return -E2BIG;
    if (d->nmaps == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        struct map *p = realloc(d->maps, c * sizeof(*p));
        if (p == NULL)
            return -ENOMEM;
        d->maps = p;
        *cap = c;
    }
    d->maps[d->nmaps++] = *m;
    return 0;
}

/* One line of /proc/PID/maps: "start-end perms offset dev inode   [name]". */
static int parse_maps_line(const char *p, const char *end, struct map *m)
{
    memset(m, 0, sizeof(*m));
    if (hexval(&p, end, &m->start) < 0 || p >= end || *p++ != '-' || hexval(&p, end, &m->end) < 0 ||
        p >= end || *p++ != ' ' || end - p < 5)
        return -EPROTO;
    m->r = p[0] == 'r';
    m->w = p[1] == 'w';
    m->x = p[2] == 'x';
    m->priv = p[3] == 'p';
    p += 4;
    if (p >= end || *p++ != ' ' || hexval(&p, end, &m->off) < 0 || m->end <= m->start)
        return -EPROTO;
    /* dev (maj:min), inode, then spaces and the name */
    for (int field = 0; field < 2; field++) {
        while (p < end && *p == ' ')
            p++;
        while (p < end && *p != ' ')
            p++;
    }
    while (p < end && *p == ' ')
        p++;
    if (p < end) {
        m->name = strndup(p, (size_t)(end - p));
        if (m->name == NULL)
            return -ENOMEM;
    }
    return 0;
}

/* /proc/PID/NAME of the process through vFile, into a malloc'd buffer. */
int dump_fetch_proc(struct dump *d, const char *name, char **out, size_t *outlen)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%" PRId64 "/%s", d->t->pid, name);
    *out = NULL;
    int fd = memfd_create("godbg-proc", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    uint64_t len = 0;
    int rc = tgt_rsp_fetch_file(d->t, path, fd, MAPS_MAX_LEN, &len);
    char *text = NULL;
    if (rc == 0) {
        text = malloc(len + 1);
        if (text == NULL)
            rc = -ENOMEM;
        else if (pread(fd, text, len, 0) != (ssize_t)len)
            rc = -EIO;
    }
    close(fd);
    if (rc < 0) {
        free(text);
        return rc;
    }
    text[len] = '\0';
    *out = text;
    *outlen = (size_t)len;
    return 0;
}

/* "Key:   N kB" of an smaps line, or -1 when the line is not that key. */
static int64_t smaps_kb(const char *p, const char *end, const char *key)
{
    size_t kl = strlen(key);
    if ((size_t)(end - p) <= kl || memcmp(p, key, kl) != 0 || p[kl] != ':')
        return -1;
    p += kl + 1;
    while (p < end && *p == ' ')
        p++;
    int64_t v = 0;
    int n = 0;
    while (p < end && *p >= '0' && *p <= '9' && n++ < 18)
        v = v * 10 + (*p++ - '0');
    return n > 0 ? v : -1;
}

/* Anonymous mappings of which smaps says no page is resident or swapped out hold only zeros (Go
 * reserves and maps far more than it touches: the heap arena index alone is tens of MiB): their
 * bytes are not read, which shortens the pause. Without smaps every mapping is read. */
static void mark_untouched(struct dump *d)
{
    char *text;
    size_t len;
    if (dump_fetch_proc(d, "smaps", &text, &len) < 0)
        return;
    struct map *cur = NULL;
    int64_t rss = -1, swap = -1;
    const char *p = text, *end = text + len;
    size_t next = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        struct map m;
        if (le > p && parse_maps_line(p, le, &m) == 0) {
            free(m.name);
            if (cur != NULL && rss == 0 && swap == 0 && cur->name == NULL)
                cur->untouched = true;
            cur = NULL;
            rss = swap = -1;
            /* maps and smaps list the same mappings in the same order */
            for (size_t i = next; i < d->nmaps; i++) {
                if (d->maps[i].start == m.start && d->maps[i].end == m.end) {
                    cur = &d->maps[i];
                    next = i + 1;
                    break;
                }
            }
        } else if (le > p) {
            int64_t v;
            if ((v = smaps_kb(p, le, "Rss")) >= 0)
                rss = v;
            else if ((v = smaps_kb(p, le, "Swap")) >= 0)
                swap = v;
        }
        p = nl ? nl + 1 : end;
    }
    if (cur != NULL && rss == 0 && swap == 0 && cur->name == NULL)
        cur->untouched = true;
    free(text);
}

int dump_maps_from_vfile(struct dump *d)
{
    char *text;
    size_t len;
    int rc = dump_fetch_proc(d, "maps", &text, &len);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    const char *p = text, *end = text + len;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le > p) {
            struct map m;
            rc = parse_maps_line(p, le, &m);
            if (rc == 0) {
                rc = add_map(d, &m, &cap);
                if (rc < 0)
                    free(m.name);
            }
        }
        p = nl ? nl + 1 : end;
    }
    free(text);
    if (rc == 0 && d->nmaps == 0)
        rc = -EPROTO;
    if (rc == 0) {
        d->res.maps_source = "vFile /proc/PID/maps";
        if (!d->opts.no_smaps)
            mark_untouched(d);
    }
    return rc;
}

int dump_maps_from_region_info(struct dump *d)
{
    size_t cap = 0;
    uint64_t addr = 0;
    for (unsigned i = 0; i < 2 * MAX_MAPS; i++) {
        struct tgt_region rg;
        int rc = tgt_rsp_region_info(d->t, addr, &rg);
        if (rc < 0)
            return rc;
        uint64_t end = rg.start + rg.size < rg.start ? UINT64_MAX : rg.start + rg.size;
        if (rg.mapped) {
            struct map m = {
                .start = rg.start, .end = end, .r = rg.r, .w = rg.w, .x = rg.x, .priv = true};
            if (rg.name[0] != '\0' && (m.name = strdup(rg.name)) == NULL)
                return -ENOMEM;
            rc = add_map(d, &m, &cap);
            if (rc < 0) {
                free(m.name);
                return rc;
            }
        }
        if (end == UINT64_MAX || end <= addr)
            break;
        addr = end;
    }
    d->res.maps_source = "qMemoryRegionInfo";
    return d->nmaps > 0 ? 0 : -EPROTO;
}

bool dump_map_is_file(const struct map *m)
{
    return m->name != NULL && m->name[0] == '/';
}
