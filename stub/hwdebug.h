/*
 * stub/hwdebug.h - hardware breakpoints and watchpoints. A process-wide table of the four x86 debug
 * register slots (DR0-DR3 addresses, DR7 control), applied to every thread with ptrace(POKEUSER)
 * and to each new thread as it appears; DR6 tells which slot fired. aarch64 (hardware debug through
 * NT_ARM_HW_BREAK/WATCH) is not implemented: every call returns -ENOTSUP there.
 */
#ifndef STUB_HWDEBUG_H
#define STUB_HWDEBUG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/arch.h"

enum hwdebug_kind { HWDEBUG_EXEC = 1, HWDEBUG_WRITE = 2, HWDEBUG_READ = 3, HWDEBUG_ACCESS = 4 };

struct hwdebug {
    uint64_t addr[ARCH_X86_DR_SLOTS];
    uint64_t dr7;
    /* The request each slot serves (a split range uses several slots of one request). */
    struct {
        enum hwdebug_kind kind;
        uint64_t addr, len; /* the whole range the client asked for */
        unsigned refs;
    } slot_req[ARCH_X86_DR_SLOTS];
};

void hwdebug_init(struct hwdebug *hw);
/* Adds a breakpoint/watchpoint to the table (does not touch threads). -ENOSPC when the slots are
 * used up, -EINVAL for an impossible range, -ENOTSUP for HWDEBUG_READ on x86 (no read-only
 * watchpoints). */
int hwdebug_insert(struct hwdebug *hw, enum hwdebug_kind kind, uint64_t addr, uint64_t len)
    __attribute__((warn_unused_result));
int hwdebug_remove(struct hwdebug *hw, enum hwdebug_kind kind, uint64_t addr, uint64_t len)
    __attribute__((warn_unused_result));
bool hwdebug_empty(const struct hwdebug *hw);
/* Writes the table into a stopped thread's debug registers (DR7 disabled first, addresses, then
 * DR7). */
int hwdebug_apply(const struct hwdebug *hw, pid_t tid) __attribute__((warn_unused_result));
/* Zeroes DR7 and DR0-3 of a stopped thread (before detach). */
int hwdebug_clear_thread(pid_t tid) __attribute__((warn_unused_result));
/* After a SIGTRAP: reads and clears DR6. *hit gets the request that fired (kind and the client's
 * address) or kind 0 when no slot fired (e.g. a single step). */
int hwdebug_check_hit(const struct hwdebug *hw, pid_t tid, enum hwdebug_kind *kind, uint64_t *addr)
    __attribute__((warn_unused_result));

#endif
