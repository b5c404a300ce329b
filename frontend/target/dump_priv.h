/*
 * frontend/target/dump_priv.h - the state dump.c (notes, registers, writing) and dump_maps.c (the
 * process's mappings: /proc/PID/maps and smaps through vFile, or qMemoryRegionInfo) share. Not for
 * the layers above: they see dump.h.
 */
#ifndef FRONTEND_TARGET_DUMP_PRIV_H
#define FRONTEND_TARGET_DUMP_PRIV_H

#include "frontend/target/dump.h"

#define PAGE 4096u
/* The standard XSAVE format with x87|SSE|AVX ends at byte 832. */
#define XSAVE_AVX_LEN 832

struct map {
    uint64_t start, end, off;
    bool r, w, x, priv;
    bool untouched; /* smaps: anonymous with no page resident or swapped: zeros, not read */
    char *name;     /* NULL: anonymous */
};

struct seg {
    uint64_t addr, memsz, filesz, file_off;
    uint32_t flags;
    bool skip_read; /* known zeros: left as a hole in the file */
};

struct thread_regs {
    int64_t tid;
    uint8_t gpr[272]; /* x86_64 216, aarch64 272 */
    uint8_t fpr[528]; /* x86_64 FXSAVE 512, aarch64 user_fpsimd_state 528 */
    uint8_t xs[XSAVE_AVX_LEN];
    bool has_fpr, has_xs;
};

struct dump {
    struct tgt *t;
    struct tgt_dump_opts opts;
    char *err;
    size_t errlen;
    int fd;
    const struct arch_desc *base; /* arch/'s table with regset offsets */
    size_t gpr_len, fpr_len, prstatus_len;
    struct thread_regs *th;
    size_t nth;
    struct map *maps;
    size_t nmaps;
    struct seg *segs;
    size_t nsegs;
    uint8_t *auxv;
    size_t auxv_len;
    uint8_t *notes;
    size_t notes_len, notes_cap;
    char fname[16], psargs[80];
    bool binary_read; /* the server answers 'x' (tgt_rsp_read_blocks_binary) */
    tgt_dump_progress_fn *progress;
    void *arg;
    uint64_t done, total, last_ns;
    struct tgt_dump_result res;
};

/* /proc/PID/NAME of the process through vFile, into a malloc'd NUL-terminated buffer. */
int dump_fetch_proc(struct dump *d, const char *name, char **out, size_t *outlen) TGT_MUST_CHECK;
/* d->maps from /proc/PID/maps (and, unless opts.no_smaps, the untouched marks from smaps). */
int dump_maps_from_vfile(struct dump *d) TGT_MUST_CHECK;
/* d->maps by walking qMemoryRegionInfo from address 0. */
int dump_maps_from_region_info(struct dump *d) TGT_MUST_CHECK;
bool dump_map_is_file(const struct map *m); /* named by a path */

#endif
