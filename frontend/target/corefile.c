/*
 * frontend/target/corefile.c - opening an ELF64 little-endian core: the ELF header, the program
 * headers, the notes (threads, registers, process, auxv, mapped files), the executable's program
 * headers and build ids; and registers of one thread in arch/arch.h numbering. Memory reads live in
 * corefile_mem.c. Every field read from the core or the binary is bounded here before anything else
 * uses it. Layouts: the Linux kernel's elf_prstatus / elf_prpsinfo (include/uapi/linux/elfcore.h,
 * 64-bit: pr_reg at 112), fill_files_note() for NT_FILE, the System V gABI for headers and notes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/target/corefile_priv.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif
#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif
#define NT_GO_BUILDID 4u

/* struct elf_prstatus (64-bit): pr_cursig at 12, pr_pid at 32, pr_reg at 112. */
#define PRSTATUS_CURSIG 12u
#define PRSTATUS_PID 32u
#define PRSTATUS_REG 112u
#define X86_64_GPR_LEN 216u  /* struct user_regs_struct: 27 * 8 */
#define AARCH64_GPR_LEN 272u /* struct user_pt_regs: 34 * 8 */
/* struct elf_prpsinfo (64-bit): pr_pid at 24, pr_fname[16] at 40, pr_psargs[80] at 56. */
#define PRPSINFO_PID 24u
#define PRPSINFO_FNAME 40u
#define PRPSINFO_ARGS 56u
#define PRPSINFO_LEN 136u
/* XSAVE image: XCR0 in the software-reserved FXSAVE bytes at 464 (arch/x86/include/asm/user.h),
 * XSTATE_BV at 512, the header ends at 576. */
#define XSAVE_XCR0_OFF 464u
#define XSAVE_BV_OFF 512u
#define XSAVE_HDR_END 576u
#define XFEATURE_YMM (1ull << 2)
#define FX_FSW_OFF 2u
#define FX_FTW_OFF 4u
#define FX_FOP_OFF 6u
#define FX_ST_OFF 32u
#define FXSAVE_LEN 512u

#define EHDR_LEN 64u
#define PHDR_LEN 56u
/* Notes of the binary (or of its first page in the core) read for build ids. */
#define EXE_NOTE_MAX (1u << 20)

int cf_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

uint16_t cf_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
uint32_t cf_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
uint64_t cf_le64(const uint8_t *p)
{
    return (uint64_t)cf_le32(p) | (uint64_t)cf_le32(p + 4) << 32;
}

/* Bytes [off, off+len) of the core; -EIO when they are not all in the file. */
int cf_core_pread(const struct corefile *cf, uint64_t off, void *buf, size_t len)
{
    if (off > cf->size || len > cf->size - off)
        return -EIO;
    if (cf->mem) {
        memcpy(buf, cf->mem + off, len);
        return 0;
    }
    return cf_pread_full(cf->fd, off, buf, len);
}

int cf_pread_full(int fd, uint64_t off, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        if (off > (uint64_t)INT64_MAX)
            return -EIO;
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO; /* the file shrank */
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

const char *corefile_compression(const uint8_t *head, size_t len)
{
    static const struct {
        const char *name;
        uint8_t magic[6];
        size_t len;
    } formats[] = {
        {"gzip", {0x1f, 0x8b}, 2},
        {"xz", {0xfd, '7', 'z', 'X', 'Z', 0x00}, 6},
        {"zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4},
        {"bzip2", {'B', 'Z', 'h'}, 3},
        {"lz4", {0x04, 0x22, 0x4d, 0x18}, 4},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (len >= formats[i].len && memcmp(head, formats[i].magic, formats[i].len) == 0)
            return formats[i].name;
    return NULL;
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case EM_X86_64:
        return "x86_64";
    case EM_AARCH64:
        return "aarch64";
    case EM_386:
        return "i386";
    case EM_ARM:
        return "arm";
    case EM_RISCV:
        return "riscv";
    case EM_PPC64:
        return "ppc64";
    case EM_S390:
        return "s390";
    default:
        return NULL;
    }
}

static const char *etype_name(unsigned t)
{
    switch (t) {
    case ET_NONE:
        return "ET_NONE";
    case ET_REL:
        return "ET_REL";
    case ET_EXEC:
        return "ET_EXEC";
    case ET_DYN:
        return "ET_DYN";
    case ET_CORE:
        return "ET_CORE";
    default:
        return "unknown type";
    }
}

/* Checks the identification bytes of an ELF header shared by the core and the binary. what: "" for
 * the core, "binary NAME " for the executable. */
static int check_ident(const uint8_t *h, size_t have, uint64_t size, const char *what, char *err,
                       size_t errlen)
{
    const char *z = corefile_compression(h, have);
    if (z)
        return cf_fail(err, errlen, -ENOEXEC,
                       "%slooks like a %s file, not an ELF core: decompress it first", what, z);
    if (have < 4 || memcmp(h, ELFMAG, SELFMAG) != 0)
        return cf_fail(err, errlen, -ENOEXEC, "%snot an ELF file", what);
    if (have < EHDR_LEN)
        return cf_fail(err, errlen, -ENOEXEC,
                       "%struncated: the ELF header needs %u bytes, the file has %llu", what,
                       EHDR_LEN, (unsigned long long)size);
    if (h[EI_CLASS] != ELFCLASS64)
        return cf_fail(err, errlen, -ENOEXEC, "%s%s ELF files are not supported (only 64-bit)",
                       what, h[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown-class");
    if (h[EI_DATA] != ELFDATA2LSB)
        return cf_fail(err, errlen, -ENOEXEC,
                       "%s%s ELF files are not supported (only little-endian)", what,
                       h[EI_DATA] == ELFDATA2MSB ? "big-endian" : "unknown-byte-order");
    return 0;
}

/* ------------------------------------------------------------------ program headers */

static int add_load(struct corefile *cf, unsigned idx, const uint8_t *ph, char *err, size_t errlen)
{
    struct cf_seg s = {
        .off = cf_le64(ph + 8),
        .vaddr = cf_le64(ph + 16),
        .filesz = cf_le64(ph + 32),
        .memsz = cf_le64(ph + 40),
        .flags = cf_le32(ph + 4),
    };
    if (s.memsz == 0)
        return 0;
    if (s.filesz > s.memsz)
        return cf_fail(
            err, errlen, -ENOEXEC,
            "corrupt: segment %u (PT_LOAD at 0x%llx) has p_filesz 0x%llx > p_memsz 0x%llx", idx,
            (unsigned long long)s.vaddr, (unsigned long long)s.filesz, (unsigned long long)s.memsz);
    if (s.vaddr + s.memsz < s.vaddr && s.vaddr + s.memsz != 0)
        return cf_fail(err, errlen, -ENOEXEC,
                       "corrupt: segment %u (PT_LOAD at 0x%llx) wraps around the address space",
                       idx, (unsigned long long)s.vaddr);
    if (s.off > cf->size || s.filesz > cf->size - s.off)
        return cf_fail(
            err, errlen, -ENOEXEC,
            "truncated: segment %u (PT_LOAD at 0x%llx) needs file bytes up to offset "
            "0x%llx, the file has %llu",
            idx, (unsigned long long)s.vaddr,
            (unsigned long long)(s.off + s.filesz < s.off ? UINT64_MAX : s.off + s.filesz),
            (unsigned long long)cf->size);
    cf->segs[cf->nsegs++] = s;
    return 0;
}

static int cmp_seg(const void *a, const void *b)
{
    const struct cf_seg *x = a, *y = b;
    return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* End of a segment, saturated (a segment may end exactly at 2^64). */
uint64_t cf_seg_end(const struct cf_seg *s)
{
    return s->vaddr + s->memsz < s->vaddr ? UINT64_MAX : s->vaddr + s->memsz;
}

static int read_phdrs(struct corefile *cf, const uint8_t *eh, char *err, size_t errlen)
{
    uint64_t phoff = cf_le64(eh + 32);
    unsigned phentsize = cf_le16(eh + 54), phnum = cf_le16(eh + 56);
    if (phnum == 0)
        return cf_fail(err, errlen, -ENOEXEC, "corrupt: the core has no program headers");
    if (phnum == PN_XNUM)
        return cf_fail(err, errlen, -E2BIG,
                       "the core has more than %u program headers (PN_XNUM): not supported",
                       COREFILE_MAX_PHDRS - 1);
    if (phentsize != PHDR_LEN)
        return cf_fail(err, errlen, -ENOEXEC, "corrupt: e_phentsize is %u, ELF64 needs %u",
                       phentsize, PHDR_LEN);
    cf->segs = calloc(phnum, sizeof *cf->segs);
    cf->note_segs = calloc(phnum, sizeof *cf->note_segs);
    if (!cf->segs || !cf->note_segs)
        return cf_fail(err, errlen, -ENOMEM, "out of memory for %u program headers", phnum);

    uint64_t notes_len = 0;
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t off = phoff + (uint64_t)i * PHDR_LEN;
        uint8_t ph[PHDR_LEN];
        if (off < phoff || off > cf->size || PHDR_LEN > cf->size - off)
            return cf_fail(err, errlen, -ENOEXEC,
                           "truncated: program header %u at offset 0x%llx runs past the end of the "
                           "file (size %llu)",
                           i, (unsigned long long)off, (unsigned long long)cf->size);
        int e = cf_core_pread(cf, off, ph, sizeof ph);
        if (e)
            return cf_fail(err, errlen, e, "cannot read program header %u: %s", i, strerror(-e));
        uint32_t type = cf_le32(ph);
        if (type == PT_LOAD) {
            if ((e = add_load(cf, i, ph, err, errlen)) != 0)
                return e;
        } else if (type == PT_NOTE) {
            uint64_t noff = cf_le64(ph + 8), nlen = cf_le64(ph + 32);
            if (noff > cf->size || nlen > cf->size - noff)
                return cf_fail(err, errlen, -ENOEXEC,
                               "truncated: segment %u (PT_NOTE) needs file bytes up to offset "
                               "0x%llx, the file has %llu",
                               i,
                               (unsigned long long)(noff + nlen < noff ? UINT64_MAX : noff + nlen),
                               (unsigned long long)cf->size);
            notes_len += nlen;
            if (notes_len > COREFILE_MAX_NOTES_LEN)
                return cf_fail(err, errlen, -E2BIG, "the core's notes exceed %u MiB",
                               COREFILE_MAX_NOTES_LEN >> 20);
            cf->note_segs[cf->nnote_segs++] =
                (struct cf_seg){.off = noff, .filesz = nlen, .vaddr = i};
        }
    }
    if (cf->nnote_segs == 0)
        return cf_fail(err, errlen, -ENOEXEC, "corrupt: the core has no PT_NOTE segment");

    if (cf->nsegs > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort(cf->segs, cf->nsegs, sizeof *cf->segs, cmp_seg);
    for (size_t i = 1; i < cf->nsegs; i++)
        if (cf->segs[i].vaddr < cf_seg_end(&cf->segs[i - 1]))
            return cf_fail(
                err, errlen, -ENOEXEC, "corrupt: PT_LOAD segments at 0x%llx and 0x%llx overlap",
                (unsigned long long)cf->segs[i - 1].vaddr, (unsigned long long)cf->segs[i].vaddr);

    cf->notes = malloc(notes_len ? notes_len : 1);
    if (!cf->notes)
        return cf_fail(err, errlen, -ENOMEM, "out of memory for %llu bytes of notes",
                       (unsigned long long)notes_len);
    return 0;
}

/* ------------------------------------------------------------------ notes */

/* Walks the notes in buf[0, len) (4-byte aligned as cores write them); calls fn for each. */
typedef int (*note_fn)(void *ctx, const char *name, uint32_t type, const uint8_t *desc, size_t len);

/* Returns 0, fn's error, or 1 (with *bad_at set) when a note runs past the end. */
static int walk_notes(const uint8_t *buf, size_t len, note_fn fn, void *ctx, size_t *bad_at)
{
    size_t pos = 0;
    while (len - pos >= 12) {
        uint32_t namesz = cf_le32(buf + pos), descsz = cf_le32(buf + pos + 4);
        uint32_t type = cf_le32(buf + pos + 8);
        size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
        size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
        size_t rest = len - pos - 12;
        if (name_pad > rest || descsz > rest - name_pad) {
            *bad_at = pos;
            return 1;
        }
        char name[16] = "";
        size_t n = namesz < sizeof name - 1 ? namesz : sizeof name - 1;
        memcpy(name, buf + pos + 12, n);
        name[n] = '\0';
        int e = fn(ctx, name, type, buf + pos + 12 + name_pad, descsz);
        if (e)
            return e;
        pos += 12 + name_pad + (desc_pad > rest - name_pad ? rest - name_pad : desc_pad);
    }
    return 0;
}

struct note_ctx {
    struct corefile *cf;
    char *err;
    size_t errlen;
};

static int parse_nt_file(struct corefile *cf, const uint8_t *d, size_t len, char *err,
                         size_t errlen)
{
    if (cf->maps)
        return 0; /* one NT_FILE per core; a second one is ignored */
    if (len < 16)
        return cf_fail(err, errlen, -ENOEXEC, "corrupt: NT_FILE is %zu bytes", len);
    uint64_t count = cf_le64(d), page = cf_le64(d + 8);
    if (count > COREFILE_MAX_FILES)
        return cf_fail(err, errlen, -E2BIG, "NT_FILE lists %llu mappings (at most %u)",
                       (unsigned long long)count, COREFILE_MAX_FILES);
    if (count * 24 > len - 16)
        return cf_fail(err, errlen, -ENOEXEC,
                       "corrupt: NT_FILE announces %llu mappings, its %zu bytes cannot hold them",
                       (unsigned long long)count, len);
    if (page == 0 || (page & (page - 1)) || page > (1u << 30))
        return cf_fail(err, errlen, -ENOEXEC, "corrupt: NT_FILE page size %llu",
                       (unsigned long long)page);
    cf->maps = calloc(count ? count : 1, sizeof *cf->maps);
    if (!cf->maps)
        return cf_fail(err, errlen, -ENOMEM, "out of memory for NT_FILE");
    const char *names = (const char *)d + 16 + count * 24;
    size_t names_len = len - 16 - count * 24;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = d + 16 + i * 24;
        struct corefile_mapping *m = &cf->maps[i];
        m->start = cf_le64(e);
        m->end = cf_le64(e + 8);
        uint64_t pgoff = cf_le64(e + 16);
        const char *nul = memchr(names, '\0', names_len);
        if (!nul)
            return cf_fail(err, errlen, -ENOEXEC,
                           "corrupt: NT_FILE name %llu is not terminated inside the note",
                           (unsigned long long)i);
        if (m->end < m->start || pgoff > UINT64_MAX / page)
            return cf_fail(err, errlen, -ENOEXEC,
                           "corrupt: NT_FILE mapping %llu [0x%llx, 0x%llx) offset page %llu",
                           (unsigned long long)i, (unsigned long long)m->start,
                           (unsigned long long)m->end, (unsigned long long)pgoff);
        m->file_off = pgoff * page;
        m->name = names;
        names_len -= (size_t)(nul + 1 - names);
        names = nul + 1;
    }
    cf->nmaps = (size_t)count;
    cf->map_page = page;
    return 0;
}

static int on_note(void *ctx, const char *name, uint32_t type, const uint8_t *d, size_t len)
{
    struct note_ctx *nc = ctx;
    struct corefile *cf = nc->cf;
    struct corefile_thread *t = cf->nthreads ? &cf->threads[cf->nthreads - 1] : NULL;
    bool core = strcmp(name, "CORE") == 0, linux_ = strcmp(name, "LINUX") == 0;

    if (core && type == NT_PRSTATUS) {
        size_t need = PRSTATUS_REG + cf->gpr_len;
        if (len < need)
            return cf_fail(nc->err, nc->errlen, -ENOEXEC,
                           "corrupt: NT_PRSTATUS of thread %zu is %zu bytes, %s needs %zu",
                           cf->nthreads + 1, len, machine_name(cf->machine), need);
        if (cf->nthreads == cf->threads_cap)
            return cf_fail(nc->err, nc->errlen, -E2BIG, "the core has more than %zu threads",
                           cf->threads_cap);
        t = &cf->threads[cf->nthreads++];
        memset(t, 0, sizeof *t);
        t->tid = (int32_t)cf_le32(d + PRSTATUS_PID);
        t->cursig = (int16_t)cf_le16(d + PRSTATUS_CURSIG);
        t->gpr = d + PRSTATUS_REG;
        t->gpr_len = cf->gpr_len;
    } else if (core && type == NT_FPREGSET) {
        if (t && !t->fpr) {
            t->fpr = d;
            t->fpr_len = len;
        }
    } else if (linux_ && type == NT_X86_XSTATE) {
        if (t && !t->xstate) {
            t->xstate = d;
            t->xstate_len = len;
        }
    } else if (core && type == NT_SIGINFO) {
        if (t && !t->siginfo) {
            t->siginfo = d;
            t->siginfo_len = len;
        }
        if (!cf->siginfo) {
            cf->siginfo = d;
            cf->siginfo_len = len;
        }
    } else if (core && type == NT_PRPSINFO) {
        if (len >= PRPSINFO_LEN && !cf->have_prpsinfo) {
            cf->have_prpsinfo = true;
            cf->pid = (int32_t)cf_le32(d + PRPSINFO_PID);
            memcpy(cf->command, d + PRPSINFO_FNAME, 16);
            cf->command[16] = '\0';
            memcpy(cf->args, d + PRPSINFO_ARGS, 80);
            cf->args[80] = '\0';
        }
    } else if (core && type == NT_AUXV) {
        if (!cf->auxv) {
            cf->auxv = d;
            cf->auxv_len = len & ~(size_t)15;
        }
    } else if (core && type == NT_FILE) {
        return parse_nt_file(cf, d, len, nc->err, nc->errlen);
    }
    return 0;
}

static int read_notes(struct corefile *cf, char *err, size_t errlen)
{
    size_t max_threads = 0, pos = 0;
    for (size_t i = 0; i < cf->nnote_segs; i++)
        max_threads += cf->note_segs[i].filesz / (12 + 8 + PRSTATUS_REG) + 1;
    if (max_threads > COREFILE_MAX_THREADS)
        max_threads = COREFILE_MAX_THREADS;
    cf->threads_cap = max_threads;
    cf->threads = calloc(max_threads, sizeof *cf->threads);
    if (!cf->threads)
        return cf_fail(err, errlen, -ENOMEM, "out of memory for %zu threads", max_threads);

    struct note_ctx nc = {cf, err, errlen};
    for (size_t i = 0; i < cf->nnote_segs; i++) {
        const struct cf_seg *s = &cf->note_segs[i];
        int e = cf_core_pread(cf, s->off, cf->notes + pos, (size_t)s->filesz);
        if (e)
            return cf_fail(err, errlen, e, "cannot read the notes at offset 0x%llx: %s",
                           (unsigned long long)s->off, strerror(-e));
        size_t bad_at = 0;
        e = walk_notes(cf->notes + pos, (size_t)s->filesz, on_note, &nc, &bad_at);
        if (e == 1)
            return cf_fail(err, errlen, -ENOEXEC,
                           "corrupt: the note at offset 0x%llx runs past the end of its PT_NOTE "
                           "segment (program header %llu)",
                           (unsigned long long)(s->off + bad_at), (unsigned long long)s->vaddr);
        if (e)
            return e;
        pos += (size_t)s->filesz;
    }
    if (cf->nthreads == 0)
        return cf_fail(err, errlen, -ENOEXEC,
                       "corrupt: the core has no NT_PRSTATUS note (no threads)");
    if (!cf->have_prpsinfo)
        cf->pid = cf->threads[0].tid;
    return 0;
}

/* ------------------------------------------------------------------ build ids */

struct id_ctx {
    struct corefile_build_id gnu, go;
};

static int on_id_note(void *ctx, const char *name, uint32_t type, const uint8_t *d, size_t len)
{
    struct id_ctx *ic = ctx;
    struct corefile_build_id *id = NULL;
    if (strcmp(name, "GNU") == 0 && type == NT_GNU_BUILD_ID)
        id = &ic->gnu;
    else if (strcmp(name, "Go") == 0 && type == NT_GO_BUILDID)
        id = &ic->go;
    if (!id || id->kind != COREFILE_BUILD_ID_NONE || len == 0)
        return 0;
    id->kind = id == &ic->gnu ? COREFILE_BUILD_ID_GNU : COREFILE_BUILD_ID_GO;
    id->len = len < COREFILE_MAX_BUILD_ID ? len : COREFILE_MAX_BUILD_ID;
    memcpy(id->bytes, d, id->len);
    return 0;
}

const char *corefile_build_id_str(const struct corefile_build_id *id, char *buf, size_t len)
{
    if (!len)
        return buf;
    buf[0] = '\0';
    if (!id || id->kind == COREFILE_BUILD_ID_NONE) {
        snprintf(buf, len, "none");
        return buf;
    }
    size_t o = 0;
    for (size_t i = 0; i < id->len && o + 3 <= len; i++) {
        uint8_t c = id->bytes[i];
        if (id->kind == COREFILE_BUILD_ID_GO && c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else if (id->kind == COREFILE_BUILD_ID_GO && c == 0)
            break;
        else
            o += (size_t)snprintf(buf + o, len - o, "%02x", c);
    }
    buf[o < len ? o : len - 1] = '\0';
    return buf;
}

/* Reads the program headers at phdr_addr (phnum of them) through read_fn and the notes of their
 * PT_NOTE segments. For the core: read only what the core itself holds. */
typedef int (*vread_fn)(struct corefile *cf, uint64_t addr, void *buf, size_t len);

static void ids_from_phdrs(struct corefile *cf, vread_fn rd, uint64_t phdr_addr, unsigned phnum,
                           uint64_t bias, struct id_ctx *ic)
{
    uint8_t *note = NULL;
    for (unsigned i = 0; i < phnum && i < 256; i++) {
        uint8_t ph[PHDR_LEN];
        if (rd(cf, phdr_addr + (uint64_t)i * PHDR_LEN, ph, sizeof ph) != 0)
            break;
        if (cf_le32(ph) != PT_NOTE)
            continue;
        uint64_t vaddr = cf_le64(ph + 16), filesz = cf_le64(ph + 32);
        if (filesz == 0 || filesz > EXE_NOTE_MAX)
            continue;
        free(note);
        note = malloc((size_t)filesz);
        if (!note || rd(cf, vaddr + bias, note, (size_t)filesz) != 0)
            continue;
        size_t bad_at;
        (void)walk_notes(note, (size_t)filesz, on_id_note, ic, &bad_at);
    }
    free(note);
}

/* Only the core's own PT_LOAD file bytes: a build id must not be read back from the binary. */
static int core_only_read(struct corefile *cf, uint64_t addr, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        const struct cf_seg *s = cf_find_seg(cf, addr);
        if (!s || addr - s->vaddr >= s->filesz)
            return -EIO;
        uint64_t avail = s->filesz - (addr - s->vaddr);
        size_t n = avail < len ? (size_t)avail : len;
        int e = cf_core_pread(cf, s->off + (addr - s->vaddr), p, n);
        if (e)
            return e;
        p += n;
        len -= n;
        addr += n;
    }
    return 0;
}

/* The binary's file bytes, by file offset (the phdrs and notes are read by offset, bias 0). */
static int exe_off_read(struct corefile *cf, uint64_t off, void *buf, size_t len)
{
    if (off > cf->exe_size || len > cf->exe_size - off)
        return -EIO;
    return cf_pread_full(cf->exe_fd, off, buf, len);
}

static void pick_id(struct corefile_build_id *out, const struct id_ctx *ic)
{
    *out = ic->gnu.kind != COREFILE_BUILD_ID_NONE ? ic->gnu : ic->go;
}

static int check_build_ids(struct corefile *cf, const struct corefile_opts *opts, const char *exe,
                           char *err, size_t errlen)
{
    struct id_ctx core_ids = {0}, exe_ids = {0};
    uint64_t at_phdr, at_phnum;
    if (corefile_auxv(cf, AT_PHDR, &at_phdr) && corefile_auxv(cf, AT_PHNUM, &at_phnum)) {
        /* The executable's load bias: AT_PHDR minus PT_PHDR's p_vaddr in those same headers. */
        uint64_t bias = 0;
        for (unsigned i = 0; i < at_phnum && i < 256; i++) {
            uint8_t ph[PHDR_LEN];
            if (core_only_read(cf, at_phdr + (uint64_t)i * PHDR_LEN, ph, sizeof ph) != 0)
                break;
            if (cf_le32(ph) == PT_PHDR) {
                bias = at_phdr - cf_le64(ph + 16);
                break;
            }
        }
        ids_from_phdrs(cf, core_only_read, at_phdr, (unsigned)(at_phnum > 256 ? 256 : at_phnum),
                       bias, &core_ids);
    }
    pick_id(&cf->core_id, &core_ids);
    if (cf->exe_fd < 0)
        return 0;
    /* The binary's notes, by file offset. */
    for (unsigned i = 0; i < cf->exe_phnum && i < 4096; i++) {
        uint8_t ph[PHDR_LEN];
        if (exe_off_read(cf, cf->exe_phoff + (uint64_t)i * PHDR_LEN, ph, sizeof ph) != 0)
            break;
        if (cf_le32(ph) != PT_NOTE)
            continue;
        uint64_t off = cf_le64(ph + 8), filesz = cf_le64(ph + 32);
        if (filesz == 0 || filesz > EXE_NOTE_MAX)
            continue;
        uint8_t *note = malloc((size_t)filesz);
        if (note && exe_off_read(cf, off, note, (size_t)filesz) == 0) {
            size_t bad_at;
            (void)walk_notes(note, (size_t)filesz, on_id_note, &exe_ids, &bad_at);
        }
        free(note);
    }
    pick_id(&cf->exe_id, &exe_ids);
    if (opts->ignore_build_id)
        return 0;
    /* Compare a kind both sides have (GNU first). When the core names an id and the binary has no
     * id of that kind, it is another binary too (a C program's GNU id against a Go core's Go id).
     */
    const struct corefile_build_id *a = NULL, *b = NULL;
    if (core_ids.gnu.kind && exe_ids.gnu.kind)
        a = &core_ids.gnu, b = &exe_ids.gnu;
    else if (core_ids.go.kind && exe_ids.go.kind)
        a = &core_ids.go, b = &exe_ids.go;
    else if (cf->core_id.kind)
        a = &cf->core_id, b = &cf->exe_id;
    if (a && (b->kind != a->kind || a->len != b->len || memcmp(a->bytes, b->bytes, a->len) != 0)) {
        char x[2 * COREFILE_MAX_BUILD_ID + 1], y[2 * COREFILE_MAX_BUILD_ID + 1];
        return cf_fail(err, errlen, -EINVAL, "core was written for build-id %s; %s has %s",
                       corefile_build_id_str(a, x, sizeof x), exe,
                       corefile_build_id_str(b, y, sizeof y));
    }
    return 0;
}

/* ------------------------------------------------------------------ the binary */

static int machine_mismatch(unsigned core, unsigned exe, char *err, size_t errlen)
{
    const char *cn = machine_name(core), *bn = machine_name(exe);
    char cbuf[24], bbuf[24];
    if (!bn)
        snprintf(bbuf, sizeof bbuf, "machine %u", exe), bn = bbuf;
    if (!cn)
        snprintf(cbuf, sizeof cbuf, "machine %u", core), cn = cbuf;
    return cf_fail(err, errlen, -EINVAL, "core is for %s, binary is %s", cn, bn);
}

/* Before the core is parsed: a binary of another architecture is the likelier mistake than whatever
 * else may be wrong with the core, so say that first. Only a readable 64-bit little-endian ELF
 * binary is judged here; open_exe reports everything else. */
static int early_machine_check(unsigned core_machine, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return 0;
    uint8_t eh[20];
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= sizeof eh &&
        cf_pread_full(fd, 0, eh, sizeof eh) == 0 && memcmp(eh, ELFMAG, SELFMAG) == 0 &&
        eh[EI_CLASS] == ELFCLASS64 && eh[EI_DATA] == ELFDATA2LSB &&
        cf_le16(eh + 18) != core_machine)
        e = machine_mismatch(core_machine, cf_le16(eh + 18), err, errlen);
    close(fd);
    return e;
}

static int open_exe(struct corefile *cf, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return cf_fail(err, errlen, -errno, "cannot open binary %s: %s", path, strerror(errno));
    cf->exe_fd = fd;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return cf_fail(err, errlen, -EINVAL, "binary %s is not a regular file", path);
    cf->exe_size = (uint64_t)st.st_size;

    uint8_t eh[EHDR_LEN] = {0};
    size_t have = cf->exe_size < EHDR_LEN ? (size_t)cf->exe_size : EHDR_LEN;
    int e = cf_pread_full(fd, 0, eh, have);
    if (e)
        return cf_fail(err, errlen, e, "cannot read binary %s: %s", path, strerror(-e));
    char what[64 + 256];
    snprintf(what, sizeof what, "binary %s: ", path);
    if ((e = check_ident(eh, have, cf->exe_size, what, err, errlen)) != 0)
        return e;
    unsigned type = cf_le16(eh + 16), machine = cf_le16(eh + 18);
    if (type != ET_EXEC && type != ET_DYN)
        return cf_fail(err, errlen, -EINVAL, "binary %s is not an executable (%s)", path,
                       etype_name(type));
    if (machine != cf->machine)
        return machine_mismatch(cf->machine, machine, err, errlen);
    uint64_t entry = cf_le64(eh + 24);
    cf->exe_phoff = cf_le64(eh + 32);
    cf->exe_phnum = cf_le16(eh + 56);
    if (cf_le16(eh + 54) != PHDR_LEN)
        return cf_fail(err, errlen, -EINVAL, "binary %s: e_phentsize is %u, ELF64 needs %u", path,
                       cf_le16(eh + 54), PHDR_LEN);
    /* A position-independent binary is loaded at a bias: AT_ENTRY minus e_entry. */
    uint64_t at_entry;
    if (type == ET_DYN && corefile_auxv(cf, AT_ENTRY, &at_entry))
        cf->exe_bias = at_entry - entry;

    cf->exe_segs = calloc(cf->exe_phnum ? cf->exe_phnum : 1, sizeof *cf->exe_segs);
    if (!cf->exe_segs)
        return cf_fail(err, errlen, -ENOMEM, "out of memory");
    for (unsigned i = 0; i < cf->exe_phnum; i++) {
        uint8_t ph[PHDR_LEN];
        if (exe_off_read(cf, cf->exe_phoff + (uint64_t)i * PHDR_LEN, ph, sizeof ph) != 0)
            return cf_fail(err, errlen, -EINVAL,
                           "binary %s is truncated: program header %u runs past its end", path, i);
        if (cf_le32(ph) != PT_LOAD)
            continue;
        struct cf_seg s = {.off = cf_le64(ph + 8),
                           .vaddr = cf_le64(ph + 16) + cf->exe_bias,
                           .filesz = cf_le64(ph + 32),
                           .memsz = cf_le64(ph + 40)};
        if (s.filesz > s.memsz || s.off > cf->exe_size || s.filesz > cf->exe_size - s.off)
            return cf_fail(err, errlen, -EINVAL,
                           "binary %s is truncated or corrupt: segment %u needs file bytes up to "
                           "0x%llx, the file has %llu",
                           path, i, (unsigned long long)(s.off + s.filesz),
                           (unsigned long long)cf->exe_size);
        /* A segment without bss is a plain file mapping: the rest of its last page shows the file's
         * next bytes. With bss, the loader zeroes that tail (memsz > filesz covers it). */
        if (s.memsz == s.filesz && s.memsz) {
            uint64_t end = s.vaddr + s.memsz, page_end = (end + 4095) & ~(uint64_t)4095;
            if (page_end > end) {
                s.memsz += page_end - end;
                s.filesz = s.memsz < cf->exe_size - s.off ? s.memsz : cf->exe_size - s.off;
            }
        }
        if (s.memsz)
            cf->exe_segs[cf->nexe_segs++] = s;
    }
    if (cf->nexe_segs > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort(cf->exe_segs, cf->nexe_segs, sizeof *cf->exe_segs, cmp_seg);
    return 0;
}

/* ------------------------------------------------------------------ open */

static int open_common(struct corefile *cf, const struct corefile_opts *opts, char *err,
                       size_t errlen)
{
    static const struct corefile_opts no_opts;
    if (!opts)
        opts = &no_opts;
    uint8_t eh[EHDR_LEN] = {0};
    size_t have = cf->size < EHDR_LEN ? (size_t)cf->size : EHDR_LEN;
    int e = cf_core_pread(cf, 0, eh, have);
    if (e)
        return cf_fail(err, errlen, e, "cannot read the core: %s", strerror(-e));
    if ((e = check_ident(eh, have, cf->size, "", err, errlen)) != 0)
        return e;
    unsigned type = cf_le16(eh + 16);
    cf->machine = cf_le16(eh + 18);
    if (type != ET_CORE)
        return cf_fail(err, errlen, -ENOEXEC, "not a core file (%s)", etype_name(type));
    if (opts->exe_path && (e = early_machine_check(cf->machine, opts->exe_path, err, errlen)) != 0)
        return e;
    if (cf->machine == EM_X86_64)
        cf->gpr_len = X86_64_GPR_LEN;
    else if (cf->machine == EM_AARCH64)
        cf->gpr_len = AARCH64_GPR_LEN;
    else {
        const char *mn = machine_name(cf->machine);
        return mn ? cf_fail(err, errlen, -ENOEXEC,
                            "cores of %s are not supported (only x86_64 and aarch64)", mn)
                  : cf_fail(err, errlen, -ENOEXEC, "cores of ELF machine %u are not supported",
                            cf->machine);
    }
    if ((e = read_phdrs(cf, eh, err, errlen)) != 0 || (e = read_notes(cf, err, errlen)) != 0)
        return e;

    uint64_t xcr0 = 0;
    const struct corefile_thread *t0 = &cf->threads[0];
    if (cf->machine == EM_X86_64 && t0->xstate && t0->xstate_len >= XSAVE_XCR0_OFF + 8)
        xcr0 = cf_le64(t0->xstate + XSAVE_XCR0_OFF);
    cf->arch = arch_by_elf_machine(cf->machine, xcr0);
    if (!cf->arch)
        return cf_fail(err, errlen, -ENOEXEC, "no register tables for ELF machine %u", cf->machine);

    if ((e = cf_maps_init(cf, opts, err, errlen)) != 0)
        return e;
    if (opts->exe_path && (e = open_exe(cf, opts->exe_path, err, errlen)) != 0)
        return e;
    return check_build_ids(cf, opts, opts->exe_path ? opts->exe_path : "", err, errlen);
}

static struct corefile *cf_new(void)
{
    struct corefile *cf = calloc(1, sizeof *cf);
    if (cf) {
        cf->fd = -1;
        cf->exe_fd = -1;
    }
    return cf;
}

int corefile_open_mem(const uint8_t *data, size_t len, const struct corefile_opts *opts,
                      struct corefile **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    struct corefile *cf = cf_new();
    if (!cf)
        return cf_fail(err, errlen, -ENOMEM, "out of memory");
    cf->mem = data;
    cf->size = len;
    int e = open_common(cf, opts, err, errlen);
    if (e) {
        corefile_close(cf);
        return e;
    }
    *out = cf;
    return 0;
}

int corefile_open(const char *path, const struct corefile_opts *opts, struct corefile **out,
                  char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    struct corefile *cf = cf_new();
    if (!cf)
        return cf_fail(err, errlen, -ENOMEM, "out of memory");
    int e;
    cf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (cf->fd < 0) {
        e = cf_fail(err, errlen, -errno, "cannot open core %s: %s", path, strerror(errno));
    } else if (fstat(cf->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        e = cf_fail(err, errlen, -EINVAL, "core %s is not a regular file", path);
    } else {
        cf->size = (uint64_t)st.st_size;
        e = open_common(cf, opts, err, errlen);
    }
    if (e) {
        corefile_close(cf);
        return e;
    }
    *out = cf;
    return 0;
}

void corefile_close(struct corefile *cf)
{
    if (!cf)
        return;
    cf_maps_fini(cf);
    if (cf->fd >= 0)
        close(cf->fd);
    if (cf->exe_fd >= 0)
        close(cf->exe_fd);
    free(cf->segs);
    free(cf->note_segs);
    free(cf->exe_segs);
    free(cf->notes);
    free(cf->threads);
    free(cf->maps);
    free(cf);
}

/* ------------------------------------------------------------------ accessors */

const struct arch_desc *corefile_arch(const struct corefile *cf)
{
    return cf->arch;
}
int64_t corefile_pid(const struct corefile *cf)
{
    return cf->pid;
}
const char *corefile_command(const struct corefile *cf)
{
    return cf->command;
}
const char *corefile_args(const struct corefile *cf)
{
    return cf->args;
}
size_t corefile_nthreads(const struct corefile *cf)
{
    return cf->nthreads;
}

const struct corefile_thread *corefile_thread(const struct corefile *cf, size_t i)
{
    return i < cf->nthreads ? &cf->threads[i] : NULL;
}

long corefile_thread_index(const struct corefile *cf, int64_t tid)
{
    for (size_t i = 0; i < cf->nthreads; i++)
        if (cf->threads[i].tid == tid)
            return (long)i;
    return -1;
}

int corefile_signal(const struct corefile *cf)
{
    if (cf->siginfo && cf->siginfo_len >= 4) {
        int s = (int32_t)cf_le32(cf->siginfo);
        if (s > 0)
            return s;
    }
    return cf->nthreads ? cf->threads[0].cursig : 0;
}

bool corefile_auxv(const struct corefile *cf, uint64_t type, uint64_t *value)
{
    for (size_t o = 0; o + 16 <= cf->auxv_len; o += 16) {
        uint64_t t = cf_le64(cf->auxv + o);
        if (t == AT_NULL)
            break;
        if (t == type) {
            *value = cf_le64(cf->auxv + o + 8);
            return true;
        }
    }
    return false;
}

size_t corefile_nsegments(const struct corefile *cf)
{
    return cf->nsegs;
}

bool corefile_segment(const struct corefile *cf, size_t i, struct corefile_segment *out)
{
    if (i >= cf->nsegs)
        return false;
    const struct cf_seg *s = &cf->segs[i];
    *out = (struct corefile_segment){s->vaddr, s->memsz, s->filesz, s->flags};
    return true;
}

size_t corefile_nmappings(const struct corefile *cf)
{
    return cf->nmaps;
}
const struct corefile_mapping *corefile_mapping(const struct corefile *cf, size_t i)
{
    return i < cf->nmaps ? &cf->maps[i] : NULL;
}
const struct corefile_build_id *corefile_core_build_id(const struct corefile *cf)
{
    return &cf->core_id;
}
const struct corefile_build_id *corefile_exe_build_id(const struct corefile *cf)
{
    return &cf->exe_id;
}

/* ------------------------------------------------------------------ registers */

/* x87 tag of one 80-bit register (Intel SDM vol. 1, 8.1.7): 0 valid, 1 zero, 2 special. */
static unsigned x87_tag_of(const uint8_t *st)
{
    unsigned exp = cf_le16(st + 8) & 0x7fffu;
    uint64_t mant = cf_le64(st);
    if (exp == 0x7fff)
        return 2;
    if (exp == 0)
        return mant == 0 ? 1 : 2;
    return (mant >> 63) ? 0 : 2;
}

/* FXSAVE keeps one "empty or not" bit per physical register; gdb shows the full 16-bit tag word. */
static uint16_t x87_full_tag(const uint8_t *fx)
{
    unsigned abridged = fx[FX_FTW_OFF];
    unsigned top = (cf_le16(fx + FX_FSW_OFF) >> 11) & 7u;
    unsigned tag = 0;
    for (unsigned phys = 0; phys < 8; phys++) {
        unsigned t = 3;
        if (abridged & (1u << phys))
            t = x87_tag_of(fx + FX_ST_OFF + 16u * ((phys - top) & 7u));
        tag |= t << (2 * phys);
    }
    return (uint16_t)tag;
}

static int copy_reg(const uint8_t *set, size_t set_len, const struct arch_reg *r, uint8_t *buf)
{
    if (!set || r->regset_off > set_len || r->regset_len > set_len - r->regset_off)
        return -ENODATA;
    memcpy(buf, set + r->regset_off, r->regset_len);
    return 0;
}

int corefile_read_reg(const struct corefile *cf, size_t i, unsigned regno, uint8_t *buf, size_t len)
{
    if (i >= cf->nthreads || regno >= cf->arch->nregs)
        return -EINVAL;
    const struct corefile_thread *t = &cf->threads[i];
    const struct arch_reg *r = &cf->arch->regs[regno];
    if (len != r->size_bits / 8 || r->regset_len > len)
        return -EINVAL;
    memset(buf, 0, len);
    int e;
    switch (r->regset) {
    case ARCH_REGSET_GPR:
        return copy_reg(t->gpr, t->gpr_len, r, buf);
    case ARCH_REGSET_FPR:
        if ((e = copy_reg(t->fpr, t->fpr_len, r, buf)) != 0)
            return e;
        if (cf->machine == EM_X86_64 && r->regset_off == FX_FOP_OFF && len >= 2)
            buf[1] &= 0x07; /* FOP is the low 11 bits of its word */
        return 0;
    case ARCH_REGSET_FTAG: {
        if (!t->fpr || t->fpr_len < FXSAVE_LEN || len < 2)
            return -ENODATA;
        uint16_t tag = x87_full_tag(t->fpr);
        buf[0] = (uint8_t)tag;
        buf[1] = (uint8_t)(tag >> 8);
        return 0;
    }
    case ARCH_REGSET_XSTATE: {
        if (!t->xstate || t->xstate_len < XSAVE_HDR_END)
            return -ENODATA;
        uint64_t xcr0 = cf_le64(t->xstate + XSAVE_XCR0_OFF);
        uint64_t bv = cf_le64(t->xstate + XSAVE_BV_OFF);
        if (!(xcr0 & XFEATURE_YMM))
            return -ENODATA;
        /* XSTATE_BV bit clear: the component is in its init state (zeros), whatever the bytes say.
         */
        if (!(bv & XFEATURE_YMM))
            return 0;
        return copy_reg(t->xstate, t->xstate_len, r, buf);
    }
    case ARCH_REGSET_NONE:
    default:
        return -ENODATA;
    }
}
