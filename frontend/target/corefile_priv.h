/*
 * frontend/target/corefile_priv.h - what corefile.c (headers, notes, registers) and corefile_mem.c
 * (memory reads, mapped files) share. Not for other modules: they use corefile.h.
 */
#ifndef FRONTEND_TARGET_COREFILE_PRIV_H
#define FRONTEND_TARGET_COREFILE_PRIV_H

#include "frontend/target/corefile.h"

/* A PT_LOAD (of the core, or of the binary with vaddr relocated by the load bias). For PT_NOTE
 * entries of the core, vaddr holds the program header's index. */
struct cf_seg {
    uint64_t vaddr, memsz, filesz, off;
    uint32_t flags;
};

/* A local file that NT_FILE names, opened on first use. */
struct cf_file {
    const char *name;
    int fd; /* -2: not tried yet; -1: missing or not a regular file */
    uint64_t size;
};

struct corefile {
    const uint8_t *mem; /* corefile_open_mem's bytes, else NULL and fd is the core */
    int fd;
    uint64_t size;
    unsigned machine;
    size_t gpr_len;
    const struct arch_desc *arch;

    struct cf_seg *segs; /* PT_LOADs with memsz > 0, sorted by vaddr, not overlapping */
    size_t nsegs;
    struct cf_seg *note_segs;
    size_t nnote_segs;
    uint8_t *notes; /* all PT_NOTE bytes; threads and maps point into it */

    struct corefile_thread *threads;
    size_t nthreads, threads_cap;
    bool have_prpsinfo;
    int64_t pid;
    char command[17], args[81];
    const uint8_t *siginfo, *auxv;
    size_t siginfo_len, auxv_len;

    struct corefile_mapping *maps; /* NT_FILE, sorted by start by cf_maps_init */
    size_t nmaps;
    uint64_t map_page;     /* NT_FILE's page size */
    unsigned *map_file;    /* maps[i]'s index in files */
    struct cf_file *files; /* distinct names */
    size_t nfiles;
    char *file_root;
    bool no_mapped_files;

    int exe_fd;
    uint64_t exe_size, exe_phoff, exe_bias;
    unsigned exe_phnum;
    struct cf_seg *exe_segs; /* sorted by (relocated) vaddr */
    size_t nexe_segs;

    struct corefile_build_id core_id, exe_id;
};

int cf_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
uint16_t cf_le16(const uint8_t *p);
uint32_t cf_le32(const uint8_t *p);
uint64_t cf_le64(const uint8_t *p);
int cf_core_pread(const struct corefile *cf, uint64_t off, void *buf, size_t len);
int cf_pread_full(int fd, uint64_t off, void *buf, size_t len);
uint64_t cf_seg_end(const struct cf_seg *s);
/* The core segment containing addr, or NULL. */
const struct cf_seg *cf_find_seg(const struct corefile *cf, uint64_t addr);
/* Sorts NT_FILE's mappings and builds the table of distinct files (corefile_mem.c). */
int cf_maps_init(struct corefile *cf, const struct corefile_opts *opts, char *err, size_t errlen);
void cf_maps_fini(struct corefile *cf);

#endif
