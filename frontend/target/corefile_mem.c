/*
 * frontend/target/corefile_mem.c - memory reads from a core: which source supplies each byte, and
 * the local files NT_FILE names. For an address, in order:
 *   1. the core's PT_LOAD file bytes (the first p_filesz bytes of the segment);
 *   2. the binary's PT_LOAD file bytes (text and read-only data the kernel's default
 * coredump_filter leaves out: only the first page, with the ELF header, is dumped), its bss as
 * zeros;
 *   3. the file NT_FILE maps there, at file_off + (addr - start), when it exists locally (zeros
 * past its end up to the page boundary, as the kernel maps them);
 *   4. zeros, when a core segment covers the address, it was accessible and no file backs it
 * (anonymous memory the kernel did not write: never touched, or excluded). Anything else (unmapped;
 * a file-backed page whose file is missing or was deleted; a PROT_NONE reservation) is unreadable,
 * so the caller sees -EIO rather than invented bytes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/target/corefile_priv.h"

#define PATH_MAX_LEN 4096u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* First index in segs (sorted by vaddr) whose vaddr > addr. */
static size_t seg_upper(const struct cf_seg *segs, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (segs[mid].vaddr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct cf_seg *find_in(const struct cf_seg *segs, size_t n, uint64_t addr)
{
    size_t i = seg_upper(segs, n, addr);
    if (i == 0)
        return NULL;
    const struct cf_seg *s = &segs[i - 1];
    return addr < cf_seg_end(s) ? s : NULL;
}

/* Bytes from addr to the start of the next segment after it (UINT64_MAX - addr when none). */
static uint64_t gap_to_next(const struct cf_seg *segs, size_t n, uint64_t addr)
{
    size_t i = seg_upper(segs, n, addr);
    return i < n ? segs[i].vaddr - addr : UINT64_MAX - addr;
}

const struct cf_seg *cf_find_seg(const struct corefile *cf, uint64_t addr)
{
    return find_in(cf->segs, cf->nsegs, addr);
}

/* ------------------------------------------------------------------ NT_FILE's files */

static size_t map_upper(const struct corefile *cf, uint64_t addr)
{
    size_t lo = 0, hi = cf->nmaps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cf->maps[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_map(const void *a, const void *b)
{
    const struct corefile_mapping *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

struct name_idx {
    const char *name;
    size_t idx;
};

static int cmp_name(const void *a, const void *b)
{
    const struct name_idx *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

int cf_maps_init(struct corefile *cf, const struct corefile_opts *opts, char *err, size_t errlen)
{
    cf->no_mapped_files = opts->no_mapped_files;
    if (opts->file_root && opts->file_root[0]) {
        cf->file_root = strdup(opts->file_root);
        if (!cf->file_root)
            return cf_fail(err, errlen, -ENOMEM, "out of memory");
    }
    if (cf->nmaps == 0)
        return 0;
    qsort(cf->maps, cf->nmaps, sizeof *cf->maps, cmp_map);
    for (size_t i = 1; i < cf->nmaps; i++)
        if (cf->maps[i].start < cf->maps[i - 1].end)
            return cf_fail(
                err, errlen, -ENOEXEC, "corrupt: NT_FILE mappings at 0x%llx and 0x%llx overlap",
                (unsigned long long)cf->maps[i - 1].start, (unsigned long long)cf->maps[i].start);

    struct name_idx *ni = calloc(cf->nmaps, sizeof *ni);
    cf->map_file = calloc(cf->nmaps, sizeof *cf->map_file);
    cf->files = calloc(cf->nmaps, sizeof *cf->files);
    if (!ni || !cf->map_file || !cf->files) {
        free(ni);
        return cf_fail(err, errlen, -ENOMEM, "out of memory for %zu mapped files", cf->nmaps);
    }
    for (size_t i = 0; i < cf->nmaps; i++)
        ni[i] = (struct name_idx){cf->maps[i].name, i};
    if (cf->nmaps > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort(ni, cf->nmaps, sizeof *ni, cmp_name);
    for (size_t i = 0; i < cf->nmaps; i++) {
        if (i == 0 || strcmp(ni[i].name, ni[i - 1].name) != 0)
            cf->files[cf->nfiles++] = (struct cf_file){.name = ni[i].name, .fd = -2};
        cf->map_file[ni[i].idx] = (unsigned)(cf->nfiles - 1);
    }
    free(ni);
    return 0;
}

void cf_maps_fini(struct corefile *cf)
{
    for (size_t i = 0; i < cf->nfiles; i++)
        if (cf->files[i].fd >= 0)
            close(cf->files[i].fd);
    free(cf->files);
    free(cf->map_file);
    free(cf->file_root);
}

/* Opens a mapped file on first use. The kernel appends " (deleted)" to the names of unlinked files:
 * whatever has that name now is not what was mapped. Non-blocking open and a regular-file check, so
 * that a hostile core naming a FIFO or a device cannot hang or trouble us. */
static struct cf_file *mapped_file(struct corefile *cf, size_t map_idx)
{
    struct cf_file *f = &cf->files[cf->map_file[map_idx]];
    if (f->fd != -2)
        return f->fd >= 0 ? f : NULL;
    f->fd = -1;
    size_t nlen = strlen(f->name);
    static const char deleted[] = " (deleted)";
    if (cf->no_mapped_files || f->name[0] != '/' ||
        (nlen >= sizeof deleted - 1 && strcmp(f->name + nlen - (sizeof deleted - 1), deleted) == 0))
        return NULL;
    char path[PATH_MAX_LEN];
    int n = snprintf(path, sizeof path, "%s%s", cf->file_root ? cf->file_root : "", f->name);
    if (n < 0 || (size_t)n >= sizeof path)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    f->fd = fd;
    f->size = (uint64_t)st.st_size;
    return f;
}

/* Up to len bytes of mapping m at addr from its file. */
static int read_mapped(struct corefile *cf, size_t mi, uint64_t addr, uint8_t *buf, size_t len,
                       size_t *got)
{
    const struct corefile_mapping *m = &cf->maps[mi];
    struct cf_file *f = mapped_file(cf, mi);
    if (!f)
        return -EIO;
    uint64_t off = m->file_off + (addr - m->start);
    if (off < m->file_off)
        return -EIO;
    if (off < f->size) {
        size_t n = (size_t)min_u64(len, f->size - off);
        int e = cf_pread_full(f->fd, off, buf, n);
        if (e)
            return e;
        *got = n;
        return 0;
    }
    /* Past the end of the file: the rest of its last page reads as zeros; after it, SIGBUS. */
    uint64_t page = cf->map_page ? cf->map_page : 4096;
    uint64_t page_end =
        f->size > UINT64_MAX - page ? UINT64_MAX : (f->size + page - 1) / page * page;
    if (off >= page_end)
        return -EIO;
    *got = (size_t)min_u64(len, page_end - off);
    memset(buf, 0, *got);
    return 0;
}

/* ------------------------------------------------------------------ reads */

/* Reads from addr as many bytes (at most len) as one source supplies. */
static int read_piece(struct corefile *cf, uint64_t addr, uint8_t *buf, size_t len, size_t *got)
{
    const struct cf_seg *s = cf_find_seg(cf, addr);
    uint64_t limit;
    if (s) {
        uint64_t rel = addr - s->vaddr;
        if (rel < s->filesz) {
            size_t n = (size_t)min_u64(len, s->filesz - rel);
            int e = cf_core_pread(cf, s->off + rel, buf, n);
            if (e)
                return e;
            *got = n;
            return 0;
        }
        limit = cf_seg_end(s) - addr;
    } else {
        limit = gap_to_next(cf->segs, cf->nsegs, addr);
    }

    const struct cf_seg *x = find_in(cf->exe_segs, cf->nexe_segs, addr);
    if (x) {
        uint64_t rel = addr - x->vaddr;
        uint64_t xlim = min_u64(limit, cf_seg_end(x) - addr);
        if (rel < x->filesz) {
            size_t n = (size_t)min_u64(min_u64(len, xlim), x->filesz - rel);
            int e = cf_pread_full(cf->exe_fd, x->off + rel, buf, n);
            if (e)
                return e;
            *got = n;
            return 0;
        }
        if (!s)
            return -EIO;
        *got = (size_t)min_u64(len, xlim); /* the binary's bss: anonymous, zero until written */
        memset(buf, 0, *got);
        return 0;
    }
    limit = min_u64(limit, gap_to_next(cf->exe_segs, cf->nexe_segs, addr));

    size_t mi = map_upper(cf, addr);
    if (mi > 0 && addr < cf->maps[mi - 1].end) {
        const struct corefile_mapping *m = &cf->maps[mi - 1];
        return read_mapped(cf, mi - 1, addr, buf,
                           (size_t)min_u64(len, min_u64(limit, m->end - addr)), got);
    }
    /* A PROT_NONE reservation (Go's arena hints, guard pages) faults in the live process. */
    if (!s || !(s->flags & (PF_R | PF_W | PF_X)))
        return -EIO;
    if (mi < cf->nmaps)
        limit = min_u64(limit, cf->maps[mi].start - addr);
    *got = (size_t)min_u64(len, limit);
    memset(buf, 0, *got);
    return 0;
}

int corefile_read_mem(struct corefile *cf, uint64_t addr, uint8_t *buf, size_t len, size_t *nread)
{
    size_t done = 0;
    int err = 0;
    *nread = 0;
    while (done < len) {
        size_t got = 0;
        if (addr + done < addr) { /* wrapped past 2^64 */
            err = -EIO;
            break;
        }
        err = read_piece(cf, addr + done, buf + done, len - done, &got);
        if (err || got == 0) {
            err = err ? err : -EIO;
            break;
        }
        done += got;
    }
    *nread = done;
    if (done > 0 || len == 0)
        return 0;
    return err;
}
