/*
 * frontend/target/corefile.h - a bounded reader of ELF64 little-endian core files (x86_64 and
 * aarch64 Linux: the kernel's own cores, gdb's gcore, godbg's dump) and of the file-backed bytes a
 * core leaves out. It gives: the threads (tid, signal, register sets as the notes hold them),
 * registers one at a time in arch/arch.h numbering, the process (pid, command, siginfo, auxv,
 * mapped files), the build ids of the core's executable and of the binary, and memory reads at any
 * address.
 *
 * Where memory comes from, in order: the core's PT_LOAD file bytes; for the part of a segment the
 * core leaves out (p_filesz < p_memsz: read-only text and unmodified file-backed data the kernel's
 * coredump_filter skips), the executable given by the caller (its PT_LOADs, relocated by the load
 * bias from NT_AUXV's AT_ENTRY), then the local file NT_FILE names for that address (at the right
 * offset); zeros only where no file backs the address (anonymous memory: the kernel dumps it or it
 * was never touched). Bytes that a file should supply but cannot (missing file) are unreadable,
 * never invented.
 *
 * A core is hostile input: no libelf, every offset and size is checked against the file's size,
 * every count has a cap, nothing is trusted to be aligned or terminated. Errors come back as -errno
 * plus an English sentence in the caller's err buffer ("truncated: program header 3 at offset 0x1f8
 * runs past the end of the file (size 400)").
 *
 * Not for: writing cores (godbg's dump), Go runtime knowledge (goruntime/), the tgt_ops table over
 * this reader (a thin core target: corefile_threads/corefile_read_reg/corefile_read_mem map one to
 * one). One owner, not thread-safe. Reads from a file-backed core use pread (no mmap: a core
 * truncated while open gives -EIO, not SIGBUS). Design notes: doc/internals/corefile.md.
 */
#ifndef FRONTEND_TARGET_COREFILE_H
#define FRONTEND_TARGET_COREFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

#define COREFILE_MUST_CHECK __attribute__((warn_unused_result))

/* Caps on what a core may declare (beyond them: an error naming the cap). */
#define COREFILE_MAX_PHDRS 65535u          /* e_phnum is 16 bits; PN_XNUM extension refused */
#define COREFILE_MAX_NOTES_LEN (64u << 20) /* all PT_NOTE segments together */
#define COREFILE_MAX_THREADS 32768u
#define COREFILE_MAX_FILES 65536u  /* NT_FILE entries */
#define COREFILE_MAX_BUILD_ID 128u /* bytes of a build id (GNU: 20; Go: an 83-char string) */

struct corefile;

enum corefile_build_id_kind {
    COREFILE_BUILD_ID_NONE = 0,
    COREFILE_BUILD_ID_GNU, /* NT_GNU_BUILD_ID (name "GNU", type 3): raw bytes, shown in hex */
    COREFILE_BUILD_ID_GO,  /* Go's .note.go.buildid (name "Go", type 4): printable text */
};

struct corefile_build_id {
    enum corefile_build_id_kind kind;
    size_t len;
    uint8_t bytes[COREFILE_MAX_BUILD_ID];
};

/* One thread, from its NT_PRSTATUS and the register notes that follow it. The pointers are into the
 * corefile's note buffer and live as long as the corefile. */
struct corefile_thread {
    int64_t tid; /* pr_pid */
    int cursig;  /* pr_cursig: the signal that stopped it (the crashing thread's is non-zero) */
    /* pr_reg: x86_64 user_regs_struct (216 bytes), aarch64 user_pt_regs (272) */
    const uint8_t *gpr;
    size_t gpr_len;
    const uint8_t *fpr; /* NT_FPREGSET: FXSAVE (512) or user_fpsimd_state (528); NULL when absent */
    size_t fpr_len;
    const uint8_t *xstate; /* NT_X86_XSTATE: the XSAVE image; NULL when absent */
    size_t xstate_len;
    /* NT_SIGINFO that follows this thread's notes (gdb writes one per thread) */
    const uint8_t *siginfo;
    size_t siginfo_len;
};

/* One NT_FILE entry: [start, end) maps name at byte offset file_off. */
struct corefile_mapping {
    uint64_t start, end, file_off;
    const char *name; /* NUL-terminated, inside the corefile */
};

struct corefile_opts {
    /* The executable the core came from. NULL: no binary (text the core left out is unreadable
     * unless NT_FILE's file exists locally). Checked: ELF, same machine, same build id. */
    const char *exe_path;
    /* Prefix for NT_FILE paths (a sysroot holding the crashed machine's libraries); NULL: "/" */
    const char *file_root;
    bool no_mapped_files; /* never open NT_FILE's files (only the core and exe_path) */
    bool ignore_build_id; /* open even when the binary's build id differs from the core's */
};

/* Opens the core at path. On success *out owns an open corefile (free with corefile_close). On
 * failure *out is NULL, the result is -errno (-ENOEXEC: not a usable core, -EINVAL: mismatching
 * binary, -E2BIG: a cap exceeded, -ENOENT..: from open) and err (when not NULL) holds a sentence.
 * Blocks on file reads (notes are read whole: at most COREFILE_MAX_NOTES_LEN). */
int corefile_open(const char *path, const struct corefile_opts *opts, struct corefile **out,
                  char *err, size_t errlen) COREFILE_MUST_CHECK;
/* The same over len bytes in memory, which must stay valid and unchanged until corefile_close (they
 * are not copied). opts as above (exe_path is still a file). */
int corefile_open_mem(const uint8_t *data, size_t len, const struct corefile_opts *opts,
                      struct corefile **out, char *err, size_t errlen) COREFILE_MUST_CHECK;
void corefile_close(struct corefile *cf); /* NULL is a no-op; closes every file it opened */

/* x86_64 (or its AVX variant, from XCR0 in NT_X86_XSTATE at byte 464) or aarch64. */
const struct arch_desc *corefile_arch(const struct corefile *cf);
int64_t corefile_pid(const struct corefile *cf); /* NT_PRPSINFO pr_pid, else the first tid */
const char *
corefile_command(const struct corefile *cf);          /* pr_fname (at most 15 chars), "" if none */
const char *corefile_args(const struct corefile *cf); /* pr_psargs (at most 79 chars), "" if none */

size_t corefile_nthreads(const struct corefile *cf);
/* Thread i (0 <= i < nthreads) in note order: the kernel puts the thread that took the signal
 * first. NULL when i is out of range. */
const struct corefile_thread *corefile_thread(const struct corefile *cf, size_t i);
/* Index of the thread with this tid, or -1. */
long corefile_thread_index(const struct corefile *cf, int64_t tid);
/* The signal the process died of: NT_SIGINFO's si_signo, else the first thread's pr_cursig; 0 when
 * neither says (a gcore of a live process). */
int corefile_signal(const struct corefile *cf);

/* One register of thread i in corefile_arch(cf) numbering; len must be the register's size. Applies
 * arch_reg's regset/regset_off/regset_len (the rest zero), expands x86's abridged FXSAVE tag, and
 * honours XSTATE_BV (a component in its init state reads as zeros). -ENODATA: the core has no such
 * register set for this thread (no NT_X86_XSTATE, or XCR0 without AVX); -EINVAL: bad i/regno/len.
 */
int corefile_read_reg(const struct corefile *cf, size_t i, unsigned regno, uint8_t *buf,
                      size_t len) COREFILE_MUST_CHECK;

/* Memory, as tgt_ops.read_mem: *nread gets the readable prefix; returns 0 when *nread > 0, -EIO
 * when addr itself is unreadable (unmapped, or left out of the core with no file to supply it),
 * another -errno when a file read failed. Blocks on pread. */
int corefile_read_mem(struct corefile *cf, uint64_t addr, uint8_t *buf, size_t len,
                      size_t *nread) COREFILE_MUST_CHECK;

/* The core's PT_LOAD segments (memsz > 0), sorted by address: the process's mappings as the core
 * recorded them. flags are PF_R/PF_W/PF_X; file_len is how many of the first bytes the core itself
 * holds (the rest comes from files or is zero, see corefile_read_mem). */
struct corefile_segment {
    uint64_t addr, len, file_len;
    uint32_t flags;
};
size_t corefile_nsegments(const struct corefile *cf);
/* Segment i into *out; false when i is out of range. */
bool corefile_segment(const struct corefile *cf, size_t i, struct corefile_segment *out);

/* AT_* value from NT_AUXV; false when there is none. */
bool corefile_auxv(const struct corefile *cf, uint64_t type, uint64_t *value);
size_t corefile_nmappings(const struct corefile *cf);
const struct corefile_mapping *corefile_mapping(const struct corefile *cf, size_t i);

/* Build id of the executable as the core recorded it (from the notes in the ELF header page the
 * kernel dumps; kind NONE when the core does not hold that page), and the binary's (NONE without
 * exe_path or without a note). */
const struct corefile_build_id *corefile_core_build_id(const struct corefile *cf);
const struct corefile_build_id *corefile_exe_build_id(const struct corefile *cf);
/* Text of a build id into buf (hex for GNU, the string for Go, "none"); returns buf. */
const char *corefile_build_id_str(const struct corefile_build_id *id, char *buf, size_t len);

/* "gzip", "xz", "zstd", "bzip2", "lz4" when the bytes start with that format's magic, else NULL. */
const char *corefile_compression(const uint8_t *head, size_t len);

#endif
