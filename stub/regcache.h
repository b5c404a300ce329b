/*
 * stub/regcache.h - one thread's registers through ptrace, in target-description numbering
 * (arch/arch.h says where Linux keeps each one). Register sets are fetched lazily once per stop and
 * dropped on resume; writes go straight through to the thread. Not for debug registers (hwdebug.h).
 */
#ifndef STUB_REGCACHE_H
#define STUB_REGCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/arch.h"

struct regcache {
    pid_t tid;
    const struct arch_desc *arch;
    bool gpr_valid, fpr_valid, xstate_valid;
    uint8_t gpr[512];     /* user_regs_struct (x86_64: 216 bytes) / user_pt_regs */
    uint8_t fpr[528];     /* FXSAVE area (512) / user_fpsimd_state (528) */
    uint8_t xstate[4096]; /* XSAVE area (NT_X86_XSTATE) */
    size_t xstate_len;
};

void regcache_init(struct regcache *rc, pid_t tid, const struct arch_desc *arch);
/* Forget everything fetched (call before the thread runs again). */
void regcache_invalidate(struct regcache *rc);
/* One register, len = size_bits/8. -ENOENT: not available on this thread/kernel. -ESRCH: thread
 * gone. */
int regcache_read(struct regcache *rc, unsigned regno, uint8_t *buf, size_t len)
    __attribute__((warn_unused_result));
int regcache_write(struct regcache *rc, unsigned regno, const uint8_t *buf, size_t len)
    __attribute__((warn_unused_result));
int regcache_get_pc(struct regcache *rc, uint64_t *pc) __attribute__((warn_unused_result));
int regcache_set_pc(struct regcache *rc, uint64_t pc) __attribute__((warn_unused_result));
/* The XCR0 the kernel reports in the thread's XSAVE area (x86_64; 0 elsewhere or when unknown). */
int regcache_xcr0(pid_t tid, uint64_t *xcr0) __attribute__((warn_unused_result));
/* The host architecture description for a stopped thread (x86_64 with or without AVX, or aarch64).
 */
const struct arch_desc *regcache_host_arch(pid_t tid);

#endif
