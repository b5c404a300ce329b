/*
 * frontend/target/dump.h - `dump FILE`: an ELF64 core of a live process written through the target
 * layer (any RSP server: gostub, gdbserver, lldb-server), that godbg's corefile reader, gdb and
 * `dlv core` open. It holds every thread's registers (NT_PRSTATUS, NT_FPREGSET, NT_X86_XSTATE where
 * the server gives those registers), NT_PRPSINFO, NT_AUXV, NT_FILE and a PT_LOAD per mapping: the
 * bytes of every readable mapping that is writable or not backed by a file; read-only file-backed
 * mappings get only their first page (the ELF header and build-id notes, as the kernel's default
 * coredump_filter does), readers take the rest from the files.
 *
 * Not for: reading cores (corefile.h), deciding what to tell the user (cli/). Design notes and the
 * pause measurements: doc/internals/dump.md.
 */
#ifndef FRONTEND_TARGET_DUMP_H
#define FRONTEND_TARGET_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/target/target.h"

/* Progress: bytes of memory read so far and the total to read. Called at most ~10 times a second,
 * and once at the end with done == total. */
typedef void tgt_dump_progress_fn(void *arg, uint64_t done, uint64_t total);

/* What a dump did (for the CLI's summary line and for tests). */
struct tgt_dump_result {
    size_t nthreads;         /* NT_PRSTATUS notes written */
    size_t nsegments;        /* PT_LOAD headers */
    size_t nfiles;           /* NT_FILE entries */
    uint64_t bytes_total;    /* memory bytes the core holds (file bytes of the PT_LOADs) */
    uint64_t bytes_zeroed;   /* of those, unreadable in the process and left as zeros */
    uint64_t pages_zeroed;   /* the same in pages */
    uint64_t round_trips;    /* protocol round trips the dump took (tgt_get_stats difference) */
    const char *maps_source; /* "vFile /proc/PID/maps" or "qMemoryRegionInfo" */
    const char *mem_packets; /* "x" (binary) or "m" (hex) */
};

/* Choices for tests and measurements; NULL means all false. */
struct tgt_dump_opts {
    bool region_info; /* list mappings with qMemoryRegionInfo even when vFile works */
    bool hex_reads;   /* read memory with 'm' even when the server has 'x' */
    bool no_smaps;    /* read untouched anonymous mappings too */
};

/* Writes an ELF core of the stopped target t to path (created or truncated, mode 0600). The target
 * must be stopped (-EBUSY when it runs) and be an RSP target (-EOPNOTSUPP for others). Blocks until
 * done; the process stays stopped meanwhile (the caller decides when it runs again). progress may
 * be NULL. res may be NULL. On failure: -errno, a sentence in err, and the partial file removed.
 * Unreadable pages inside a mapping are not a failure: they are zeros in the core (counted). */
int tgt_dump_core(struct tgt *t, const char *path, tgt_dump_progress_fn *progress, void *arg,
                  char *err, size_t errlen) TGT_MUST_CHECK;
int tgt_dump_core_ex(struct tgt *t, const char *path, const struct tgt_dump_opts *opts,
                     tgt_dump_progress_fn *progress, void *arg, struct tgt_dump_result *res,
                     char *err, size_t errlen) TGT_MUST_CHECK;

/* ---- RSP queries the dump needs (rsp_dump.c); t must be an RSP target. */

/* The process's auxiliary vector (qXfer:auxv:read) into a malloc'd buffer (*out, *len; caller
 * frees). -EOPNOTSUPP when the server does not offer it. */
int tgt_rsp_auxv(struct tgt *t, uint8_t **out, size_t *len) TGT_MUST_CHECK;

/* One answer of lldb's qMemoryRegionInfo:ADDR. mapped false: [start, start+size) is a hole. */
struct tgt_region {
    uint64_t start, size;
    bool mapped, r, w, x;
    char name[256]; /* the mapped file, "" when none or not said */
};
/* -EOPNOTSUPP when the server does not answer qMemoryRegionInfo. */
int tgt_rsp_region_info(struct tgt *t, uint64_t addr, struct tgt_region *out) TGT_MUST_CHECK;

/* Whether the server answers lldb-style binary 'x' reads ("x0,0" gives "OK": gostub, lldb-server;
 * gdbserver 13 does not), in no-ack mode (needed to pipeline). 0 or -EOPNOTSUPP. */
int tgt_rsp_probe_binary_read(struct tgt *t) TGT_MUST_CHECK;
/* As tgt_ops.read_blocks, with pipelined 'x' requests (half the bytes of 'm', no hex): only after
 * tgt_rsp_probe_binary_read said yes. */
int tgt_rsp_read_blocks_binary(struct tgt *t, const uint64_t *addr, const size_t *len,
                               uint8_t *const *buf, size_t n, size_t *nread) TGT_MUST_CHECK;

#endif
