/*
 * frontend/target/dump.c - writes an ELF64 core of a stopped process through the target layer
 * (dump.h). Order of work, chosen to keep the process stopped as briefly as the protocol allows:
 * the small things first (threads, registers, auxv, the mappings), then memory in big pipelined
 * batches (read_blocks: hundreds of 'm' requests per round trip) written with pwrite as they come,
 * so the file never holds the whole image in memory. Not for reading cores (corefile.c).
 *
 * The layout: ELF header, program headers (one PT_NOTE, then a PT_LOAD per mapping in address
 * order), the notes, then the segments' bytes, page-aligned. Note formats: the kernel's
 * include/uapi/linux/elfcore.h (struct elf_prstatus, elf_prpsinfo) and fs/binfmt_elf.c (NT_FILE).
 */
#include "config.h"

#include "frontend/target/dump_priv.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 32768u
#define BLOCK_LEN (1u << 20)     /* bytes per block handed to read_blocks */
#define BATCH_LEN (32u << 20)    /* bytes per read_blocks call (its requests are pipelined) */
#define PROGRESS_NS 100000000ull /* at most 10 progress calls a second */

/* struct elf_prstatus (64-bit): pr_pid at 32, pr_reg at 112, then pr_fpvalid. */
#define PRSTATUS_PID 32
#define PRSTATUS_REG 112
/* struct elf_prpsinfo (64-bit): 136 bytes */
#define PRPSINFO_LEN 136
#define PRPSINFO_PID 24
#define PRPSINFO_FNAME 40
#define PRPSINFO_PSARGS 56
/* XSAVE image: XCR0 in FXSAVE's software-reserved bytes (Linux's convention, read by gdb and the
 * kernel's own cores), XSTATE_BV at 512; with x87|SSE|AVX the standard format ends at 832. */
#define XSAVE_XCR0 464
#define XSAVE_BV 512
#define XCR0_X87_SSE_AVX 7u

__attribute__((format(printf, 3, 4))) static int fail(struct dump *d, int rc, const char *fmt, ...)
{
    if (d->err != NULL && d->errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err, d->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
} /* host is little-endian */
static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* ------------------------------------------------------------------ notes */

static int note_add(struct dump *d, const char *name, uint32_t type, const void *desc, size_t len)
{
    size_t namesz = strlen(name) + 1;
    size_t need = 12 + ((namesz + 3) & ~(size_t)3) + ((len + 3) & ~(size_t)3);
    if (d->notes_len + need > d->notes_cap) {
        size_t cap = d->notes_cap ? d->notes_cap : 4096;
        while (cap < d->notes_len + need)
            cap *= 2;
        uint8_t *p = realloc(d->notes, cap);
        if (p == NULL)
            return -ENOMEM;
        d->notes = p;
        d->notes_cap = cap;
    }
    uint8_t *p = d->notes + d->notes_len;
    memset(p, 0, need);
    put32(p, (uint32_t)namesz);
    put32(p + 4, (uint32_t)len);
    put32(p + 8, type);
    memcpy(p + 12, name, namesz);
    if (len > 0)
        memcpy(p + 12 + ((namesz + 3) & ~(size_t)3), desc, len);
    d->notes_len += need;
    return 0;
}

/* ------------------------------------------------------------------ registers */

/* gdb's 16-bit x87 tag word to FXSAVE's abridged byte: bit i set unless register i is empty (3). */
static uint8_t abridged_tag(uint16_t tag)
{
    uint8_t b = 0;
    for (unsigned i = 0; i < 8; i++) {
        if (((tag >> (2 * i)) & 3u) != 3u)
            b |= (uint8_t)(1u << i);
    }
    return b;
}

/* The register of arch/'s table with this name; lldb-server's names where they differ. */
static int base_regno(const struct arch_desc *base, const char *name)
{
    int bn = arch_regno_by_name(base, name);
    if (bn < 0 && strcmp(name, "rflags") == 0)
        bn = arch_regno_by_name(base, "eflags");
    return bn;
}

static int read_thread_regs(struct dump *d, struct thread_regs *tr)
{
    const struct arch_desc *a = d->t->arch;
    uint8_t buf[64];
    bool ymm = false;
    for (unsigned i = 0; i < a->nregs; i++) {
        const struct arch_reg *reg = &a->regs[i];
        int bn = base_regno(d->base, reg->name);
        if (bn < 0)
            continue; /* AVX-512, PKRU...: no place in the notes we write */
        const struct arch_reg *br = &d->base->regs[bn];
        size_t size = reg->size_bits / 8;
        if (br->regset == ARCH_REGSET_NONE || size > sizeof(buf) || size == 0)
            continue;
        int rc = d->t->ops->read_reg(d->t, tr->tid, i, buf, size);
        if (rc == -ENODATA)
            continue;
        if (rc < 0)
            return fail(d, rc, "cannot read register %s of thread %" PRId64 ": %s", reg->name,
                        tr->tid, strerror(-rc));
        /* lldb-server describes eflags and the segment registers as 64 bits: the value is in the
         * low bytes (little-endian). */
        size_t n = br->regset_len < size ? br->regset_len : size;
        switch (br->regset) {
        case ARCH_REGSET_GPR:
            if (br->regset_off + n <= d->gpr_len)
                memcpy(tr->gpr + br->regset_off, buf, n);
            break;
        case ARCH_REGSET_FPR:
            if (br->regset_off + n <= d->fpr_len) {
                memcpy(tr->fpr + br->regset_off, buf, n);
                tr->has_fpr = true;
            }
            break;
        case ARCH_REGSET_FTAG:
            /* gdb's description: the 16-bit tag word; lldb's: FXSAVE's abridged byte itself */
            if (br->regset_off < d->fpr_len)
                tr->fpr[br->regset_off] =
                    size == 1 ? buf[0] : abridged_tag((uint16_t)(buf[0] | buf[1] << 8));
            break;
        case ARCH_REGSET_XSTATE:
            if (br->regset_off + n <= sizeof(tr->xs)) {
                memcpy(tr->xs + br->regset_off, buf, n);
                ymm = true;
            }
            break;
        case ARCH_REGSET_NONE:
            break;
        }
    }
    if (ymm && d->base->elf_machine == EM_X86_64 && tr->has_fpr) {
        /* The XSAVE image repeats the legacy area; XCR0 and XSTATE_BV say x87, SSE and AVX. */
        memcpy(tr->xs, tr->fpr, 512);
        put64(tr->xs + XSAVE_XCR0, XCR0_X87_SSE_AVX);
        put64(tr->xs + XSAVE_BV, XCR0_X87_SSE_AVX);
        tr->has_xs = true;
    }
    return 0;
}

static int read_threads(struct dump *d)
{
    size_t n = 0;
    struct tgt_thread *list = calloc(MAX_THREADS, sizeof(*list));
    if (list == NULL)
        return fail(d, -ENOMEM, "out of memory");
    int rc = d->t->ops->threads(d->t, list, MAX_THREADS, &n);
    if (rc < 0) {
        free(list);
        return fail(d, rc, "cannot list the threads: %s", strerror(-rc));
    }
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if (n == 0) {
        free(list);
        return fail(d, -ESRCH, "the server lists no threads");
    }
    d->th = calloc(n, sizeof(*d->th));
    if (d->th == NULL) {
        free(list);
        return fail(d, -ENOMEM, "out of memory");
    }
    /* The current thread first: readers take the first NT_PRSTATUS as the one that stopped. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i].tid == d->t->current_tid)
            d->th[k++].tid = list[i].tid;
    }
    for (size_t i = 0; i < n; i++) {
        if (list[i].tid != d->t->current_tid)
            d->th[k++].tid = list[i].tid;
    }
    free(list);
    d->nth = k;
    for (size_t i = 0; i < d->nth; i++) {
        rc = read_thread_regs(d, &d->th[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int thread_notes(struct dump *d)
{
    uint8_t st[400];
    for (size_t i = 0; i < d->nth; i++) {
        const struct thread_regs *tr = &d->th[i];
        memset(st, 0, sizeof(st));
        /* pr_cursig stays 0: the process did not die, readers then report no signal. */
        put32(st + PRSTATUS_PID, (uint32_t)tr->tid);
        memcpy(st + PRSTATUS_REG, tr->gpr, d->gpr_len);
        put32(st + PRSTATUS_REG + d->gpr_len, tr->has_fpr ? 1 : 0); /* pr_fpvalid */
        int rc = note_add(d, "CORE", NT_PRSTATUS, st, d->prstatus_len);
        if (rc == 0 && tr->has_fpr)
            rc = note_add(d, "CORE", NT_FPREGSET, tr->fpr, d->fpr_len);
        if (rc == 0 && tr->has_xs)
            rc = note_add(d, "LINUX", NT_X86_XSTATE, tr->xs, sizeof(tr->xs));
        if (rc < 0)
            return fail(d, rc, "out of memory");
    }
    return 0;
}

/* ------------------------------------------------------------------ mappings */
/* Which bytes of a mapping go into the core (the kernel's default coredump_filter 0x33 in spirit):
 * writable or anonymous readable memory whole; the first page of a read-only file mapping at
 * offset 0 (its ELF header and notes: build ids); nothing of other read-only file mappings (the
 * files hold them), of unreadable mappings, or of [vvar] and [vsyscall] (not readable through
 * ptrace, and the kernel leaves them out too). */
static uint64_t dump_len(const struct map *m)
{
    uint64_t len = m->end - m->start;
    if (!m->r)
        return 0;
    if (m->name != NULL &&
        (strncmp(m->name, "[vvar", 5) == 0 || strcmp(m->name, "[vsyscall]") == 0))
        return 0;
    if (!dump_map_is_file(m) || m->w)
        return len;
    if (m->off == 0)
        return len < PAGE ? len : PAGE;
    return 0;
}

static int plan_segments(struct dump *d)
{
    d->segs = calloc(d->nmaps ? d->nmaps : 1, sizeof(*d->segs));
    if (d->segs == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < d->nmaps; i++) {
        const struct map *m = &d->maps[i];
        if (m->name != NULL && strcmp(m->name, "[vsyscall]") == 0)
            continue; /* outside the process's own address space: gdb and the kernel omit it */
        struct seg *s = &d->segs[d->nsegs++];
        s->addr = m->start;
        s->memsz = m->end - m->start;
        s->filesz = dump_len(m);
        s->flags = (m->r ? PF_R : 0) | (m->w ? PF_W : 0) | (m->x ? PF_X : 0);
        s->skip_read = m->untouched;
        if (!s->skip_read)
            d->total += s->filesz;
    }
    return 0;
}

/* NT_FILE: count, page size, then {start, end, offset in pages} per file mapping, then the names.
 */
static int file_note(struct dump *d)
{
    size_t n = 0, names = 0;
    for (size_t i = 0; i < d->nmaps; i++) {
        if (dump_map_is_file(&d->maps[i])) {
            n++;
            names += strlen(d->maps[i].name) + 1;
        }
    }
    size_t len = 16 + 24 * n + names;
    uint8_t *buf = calloc(1, len);
    if (buf == NULL)
        return -ENOMEM;
    put64(buf, n);
    put64(buf + 8, PAGE);
    uint8_t *e = buf + 16, *s = buf + 16 + 24 * n;
    for (size_t i = 0; i < d->nmaps; i++) {
        const struct map *m = &d->maps[i];
        if (!dump_map_is_file(m))
            continue;
        put64(e, m->start);
        put64(e + 8, m->end);
        put64(e + 16, m->off / PAGE);
        e += 24;
        size_t l = strlen(m->name) + 1;
        memcpy(s, m->name, l);
        s += l;
    }
    int rc = note_add(d, "CORE", NT_FILE, buf, len);
    free(buf);
    d->res.nfiles = n;
    return rc;
}

static int process_notes(struct dump *d)
{
    uint8_t ps[PRPSINFO_LEN] = {0};
    ps[1] = 'R'; /* pr_sname */
    put32(ps + PRPSINFO_PID, (uint32_t)d->t->pid);
    memcpy(ps + PRPSINFO_FNAME, d->fname, sizeof(d->fname));
    memcpy(ps + PRPSINFO_PSARGS, d->psargs, sizeof(d->psargs));
    int rc = note_add(d, "CORE", NT_PRPSINFO, ps, sizeof(ps));
    if (rc == 0 && d->auxv != NULL)
        rc = note_add(d, "CORE", NT_AUXV, d->auxv, d->auxv_len);
    if (rc == 0)
        rc = file_note(d);
    return rc;
}

/* pr_fname and pr_psargs from /proc/PID/cmdline (vFile), else the exec file's name; "" when
 * neither is available (nothing depends on them). */
static void read_names(struct dump *d)
{
    char cmd[4096] = "";
    char *text;
    size_t len;
    if (dump_fetch_proc(d, "cmdline", &text, &len) == 0) {
        size_t n = len < sizeof(cmd) - 1 ? len : sizeof(cmd) - 1;
        for (size_t i = 0; i < n; i++)
            cmd[i] = text[i] == '\0' && i + 1 < len ? ' ' : text[i];
        cmd[n] = '\0';
        free(text);
    }
    if (cmd[0] == '\0' && tgt_rsp_exec_file(d->t, cmd, sizeof(cmd)) < 0)
        cmd[0] = '\0';
    snprintf(d->psargs, sizeof(d->psargs), "%s", cmd);
    char *sp = strchr(cmd, ' ');
    if (sp != NULL)
        *sp = '\0';
    const char *base = strrchr(cmd, '/');
    base = base ? base + 1 : cmd;
    memset(d->fname, 0, sizeof(d->fname));
    memcpy(d->fname, base, strnlen(base, sizeof(d->fname) - 1));
}

/* ------------------------------------------------------------------ writing */

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t w = pwrite(fd, p, len, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        p += w;
        len -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

static int write_headers(struct dump *d)
{
    size_t phnum = 1 + d->nsegs;
    if (phnum >= PN_XNUM)
        return fail(d, -E2BIG, "%zu mappings: more than an ELF core can describe", d->nsegs);
    uint64_t notes_off = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    uint64_t data_off = (notes_off + d->notes_len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    size_t hlen = (size_t)notes_off;
    uint8_t *h = calloc(1, hlen);
    if (h == NULL)
        return -ENOMEM;
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_CORE;
    eh.e_machine = (Elf64_Half)d->base->elf_machine;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (Elf64_Half)phnum;
    memcpy(h, &eh, sizeof(eh));
    Elf64_Phdr ph = {
        .p_type = PT_NOTE, .p_offset = notes_off, .p_filesz = d->notes_len, .p_align = 4};
    memcpy(h + sizeof(eh), &ph, sizeof(ph));
    uint64_t off = data_off;
    for (size_t i = 0; i < d->nsegs; i++) {
        struct seg *s = &d->segs[i];
        s->file_off = off;
        ph = (Elf64_Phdr){.p_type = PT_LOAD,
                          .p_flags = s->flags,
                          .p_offset = off,
                          .p_vaddr = s->addr,
                          .p_filesz = s->filesz,
                          .p_memsz = s->memsz,
                          .p_align = PAGE};
        memcpy(h + sizeof(eh) + (i + 1) * sizeof(ph), &ph, sizeof(ph));
        off += s->filesz;
    }
    int rc = pwrite_all(d->fd, h, hlen, 0);
    free(h);
    if (rc == 0)
        rc = pwrite_all(d->fd, d->notes, d->notes_len, notes_off);
    /* The file's full size now: pages we cannot read stay holes, which read as zeros. */
    if (rc == 0 && ftruncate(d->fd, (off_t)off) < 0)
        rc = -errno;
    if (rc < 0)
        return fail(d, rc, "cannot write the core: %s", strerror(-rc));
    return 0;
}

static void report(struct dump *d, bool last)
{
    if (d->progress == NULL)
        return;
    uint64_t t = now_ns();
    if (!last && t - d->last_ns < PROGRESS_NS)
        return;
    d->last_ns = t;
    d->progress(d->arg, d->done, d->total);
}

static bool all_zero(const uint8_t *p, size_t len)
{
    uint64_t acc = 0;
    for (size_t i = 0; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        acc |= w;
        if ((i & 4095) == 4088 && acc != 0)
            return false;
    }
    for (size_t i = len & ~(size_t)7; i < len; i++)
        acc |= p[i];
    return acc == 0;
}

/* A block that came back short: the rest page by page (an unreadable page is zeros in the file). */
static int salvage(struct dump *d, uint64_t addr, uint8_t *buf, size_t len, size_t got,
                   uint64_t file_off)
{
    size_t pos = got;
    if (got > 0) {
        int rc = pwrite_all(d->fd, buf, got, file_off);
        if (rc < 0)
            return rc;
    }
    while (pos < len) {
        size_t n = PAGE - (size_t)((addr + pos) % PAGE);
        if (n > len - pos)
            n = len - pos;
        size_t nread = 0;
        int rc = d->t->ops->read_mem(d->t, addr + pos, buf + pos, n, &nread);
        if (rc < 0 && rc != -EIO && rc != -EFAULT && rc != -EPERM)
            return rc;
        if (rc < 0)
            nread = 0;
        if (nread > 0) {
            rc = pwrite_all(d->fd, buf + pos, nread, file_off + pos);
            if (rc < 0)
                return rc;
        }
        if (nread < n) {
            d->res.bytes_zeroed += n - nread;
            d->res.pages_zeroed++;
        }
        pos += n;
    }
    return 0;
}

static int write_memory(struct dump *d)
{
    size_t maxb = BATCH_LEN / BLOCK_LEN;
    uint64_t *addr = calloc(maxb, sizeof(*addr));
    size_t *len = calloc(maxb, sizeof(*len)), *nread = calloc(maxb, sizeof(*nread));
    uint64_t *foff = calloc(maxb, sizeof(*foff));
    uint8_t **bufs = calloc(maxb, sizeof(*bufs));
    uint8_t *mem = malloc(BATCH_LEN);
    int rc = 0;
    if (addr == NULL || len == NULL || nread == NULL || foff == NULL || bufs == NULL ||
        mem == NULL) {
        rc = fail(d, -ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < maxb; i++)
        bufs[i] = mem + i * BLOCK_LEN;
    report(d, true);
    size_t si = 0;
    uint64_t so = 0;
    while (rc == 0) {
        size_t nb = 0;
        while (nb < maxb && si < d->nsegs) {
            const struct seg *s = &d->segs[si];
            if (so >= s->filesz || s->skip_read) {
                si++;
                so = 0;
                continue;
            }
            uint64_t n = s->filesz - so < BLOCK_LEN ? s->filesz - so : BLOCK_LEN;
            addr[nb] = s->addr + so;
            len[nb] = (size_t)n;
            foff[nb] = s->file_off + so;
            nb++;
            so += n;
        }
        if (nb == 0)
            break;
        if (d->binary_read) {
            rc = tgt_rsp_read_blocks_binary(d->t, addr, len, bufs, nb, nread);
        } else if (d->t->ops->read_blocks != NULL) {
            rc = d->t->ops->read_blocks(d->t, addr, len, bufs, nb, nread);
        } else {
            for (size_t i = 0; i < nb && rc == 0; i++) {
                rc = d->t->ops->read_mem(d->t, addr[i], bufs[i], len[i], &nread[i]);
                if (rc == -EIO || rc == -EFAULT) {
                    nread[i] = 0;
                    rc = 0;
                }
            }
        }
        if (rc < 0) {
            rc = fail(d, rc, "reading memory failed: %s", strerror(-rc));
            break;
        }
        for (size_t i = 0; i < nb && rc == 0; i++) {
            /* All zeros: the hole ftruncate left reads as zeros and costs no disk. */
            if (nread[i] >= len[i]) {
                if (!all_zero(bufs[i], len[i]))
                    rc = pwrite_all(d->fd, bufs[i], len[i], foff[i]);
            } else {
                rc = salvage(d, addr[i], bufs[i], len[i], nread[i], foff[i]);
            }
            d->done += len[i];
        }
        if (rc < 0)
            rc = fail(d, rc, "dumping memory failed: %s", strerror(-rc));
        report(d, false);
    }
    if (rc == 0)
        report(d, true);
out:
    free(addr);
    free(len);
    free(nread);
    free(foff);
    free(bufs);
    free(mem);
    return rc;
}

/* ------------------------------------------------------------------ the whole */

static int prepare(struct dump *d)
{
    struct tgt *t = d->t;
    if (t->ops == NULL || strcmp(t->ops->name, "rsp") != 0)
        return fail(d, -EOPNOTSUPP, "dump works on a live process through a debug server only");
    if (t->running)
        return fail(d, -EBUSY, "the process is running: stop it first");
    if (t->exited)
        return fail(d, -ESRCH, "the process has exited");
    d->base = arch_by_elf_machine(t->arch->elf_machine, XCR0_X87_SSE_AVX);
    if (d->base == NULL ||
        (d->base->elf_machine != EM_X86_64 && d->base->elf_machine != EM_AARCH64))
        return fail(d, -ENOTSUP, "cannot write cores for architecture %s", t->arch->name);
    d->gpr_len = d->base->elf_machine == EM_X86_64 ? 216 : 272;
    d->fpr_len = d->base->elf_machine == EM_X86_64 ? 512 : 528;
    d->prstatus_len = PRSTATUS_REG + d->gpr_len + 8; /* pr_fpvalid and padding */
    int rc = read_threads(d);
    if (rc < 0)
        return rc;
    rc = tgt_rsp_auxv(t, &d->auxv, &d->auxv_len);
    if (rc < 0 && rc != -EOPNOTSUPP)
        return fail(d, rc, "cannot read the auxiliary vector: %s", strerror(-rc));
    rc = t->pid > 0 && !d->opts.region_info ? dump_maps_from_vfile(d) : -EOPNOTSUPP;
    if (rc < 0) {
        for (size_t i = 0; i < d->nmaps; i++)
            free(d->maps[i].name);
        d->nmaps = 0;
        int rc2 = dump_maps_from_region_info(d);
        if (rc2 < 0)
            return fail(d, rc2,
                        "the server gives no list of mappings (/proc/%" PRId64
                        "/maps through vFile: %s; qMemoryRegionInfo: %s)",
                        t->pid, strerror(-rc), strerror(-rc2));
    }
    read_names(d);
    d->binary_read = !d->opts.hex_reads && tgt_rsp_probe_binary_read(t) == 0;
    d->res.mem_packets = d->binary_read ? "x" : "m";
    rc = plan_segments(d);
    if (rc == 0)
        rc = thread_notes(d);
    if (rc == 0)
        rc = process_notes(d);
    if (rc < 0)
        return fail(d, rc, "out of memory");
    return 0;
}

int tgt_dump_core_ex(struct tgt *t, const char *path, const struct tgt_dump_opts *opts,
                     tgt_dump_progress_fn *progress, void *arg, struct tgt_dump_result *res,
                     char *err, size_t errlen)
{
    struct dump d = {
        .t = t, .err = err, .errlen = errlen, .fd = -1, .progress = progress, .arg = arg};
    if (opts != NULL)
        d.opts = *opts;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    struct tgt_stats st0, st1;
    tgt_get_stats(t, &st0);
    int rc = prepare(&d);
    if (rc == 0) {
        d.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (d.fd < 0)
            rc = fail(&d, -errno, "cannot create %s: %s", path, strerror(errno));
    }
    if (rc == 0)
        rc = write_headers(&d);
    if (rc == 0)
        rc = write_memory(&d);
    if (d.fd >= 0 && close(d.fd) < 0 && rc == 0)
        rc = fail(&d, -errno, "cannot write %s: %s", path, strerror(errno));
    if (rc < 0 && d.fd >= 0)
        unlink(path);
    tgt_get_stats(t, &st1);
    d.res.nthreads = d.nth;
    d.res.nsegments = d.nsegs;
    d.res.bytes_total = d.total;
    d.res.round_trips = st1.round_trips - st0.round_trips;
    if (res != NULL)
        *res = d.res;
    for (size_t i = 0; i < d.nmaps; i++)
        free(d.maps[i].name);
    free(d.maps);
    free(d.segs);
    free(d.th);
    free(d.auxv);
    free(d.notes);
    return rc;
}

int tgt_dump_core(struct tgt *t, const char *path, tgt_dump_progress_fn *progress, void *arg,
                  char *err, size_t errlen)
{
    return tgt_dump_core_ex(t, path, NULL, progress, arg, NULL, err, errlen);
}
