/*
 * stub/hwdebug.c - hardware breakpoints and watchpoints on x86-64: a process-wide table of the four
 * debug register slots, kept in the encoding the CPU uses (DR0-DR3 addresses, DR7 control;
 * arch/arch.c knows the bits), written into each stopped thread with PTRACE_POKEUSER at
 * offsetof(struct user, u_debugreg[i]). Linux checks every value (alignment, user-space addresses)
 * as it turns them into perf breakpoints, and reports hits in a per-thread virtual DR6. Keeping the
 * table in sync with every thread (new clones included) is the caller's job: it calls
 * hwdebug_apply. aarch64 is not implemented (-ENOTSUP).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "stub/guardian.h"
#include "stub/hwdebug.h"

#if defined(__x86_64__)
#define DR_OFFSET(i) (offsetof(struct user, u_debugreg) + (size_t)(i) * sizeof(long))
#endif

void hwdebug_init(struct hwdebug *hw)
{
    memset(hw, 0, sizeof *hw);
}

#if defined(__x86_64__)
static bool same_request(const struct hwdebug *hw, unsigned slot, enum hwdebug_kind kind,
                         uint64_t addr, uint64_t len)
{
    return hw->slot_req[slot].refs > 0 && hw->slot_req[slot].kind == kind &&
           hw->slot_req[slot].addr == addr && hw->slot_req[slot].len == len;
}
#endif

int hwdebug_insert(struct hwdebug *hw, enum hwdebug_kind kind, uint64_t addr, uint64_t len)
{
#if defined(__x86_64__)
    enum arch_x86_dr_type type;
    switch (kind) {
    case HWDEBUG_EXEC:
        type = ARCH_DR_EXEC;
        /* gdb sends the breakpoint kind (1 on x86); the CPU watches one instruction start */
        len = 1;
        break;
    case HWDEBUG_WRITE:
        type = ARCH_DR_WRITE;
        break;
    case HWDEBUG_ACCESS:
        type = ARCH_DR_ACCESS;
        break;
    case HWDEBUG_READ:
        /* x86 has no read-only condition; gdb then falls back to an access watchpoint */
        return -ENOTSUP;
    default:
        return -EINVAL;
    }
    if (len == 0 || addr + len < addr)
        return -EINVAL;

    /* The same request again (gdb re-inserting, or two clients' breakpoints): share its slots. */
    bool found = false;
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++)
        if (same_request(hw, s, kind, addr, len)) {
            hw->slot_req[s].refs++;
            found = true;
        }
    if (found)
        return 0;

    uint64_t piece_addr[ARCH_X86_DR_SLOTS];
    unsigned piece_len[ARCH_X86_DR_SLOTS];
    unsigned n = 1;
    if (type == ARCH_DR_EXEC) {
        piece_addr[0] = addr; /* instruction breakpoints need no alignment */
        piece_len[0] = 1;
    } else {
        n = arch_x86_dr_split(addr, len, piece_addr, piece_len, ARCH_X86_DR_SLOTS);
    }
    unsigned free_slots = 0;
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++)
        free_slots += hw->slot_req[s].refs == 0;
    if (n > free_slots)
        return -ENOSPC;

    unsigned s = 0;
    for (unsigned i = 0; i < n; i++) {
        while (hw->slot_req[s].refs != 0)
            s++;
        hw->addr[s] = piece_addr[i];
        hw->dr7 = arch_x86_dr7_set(hw->dr7, s, type, piece_len[i]);
        hw->slot_req[s].kind = kind;
        hw->slot_req[s].addr = addr;
        hw->slot_req[s].len = len;
        hw->slot_req[s].refs = 1;
    }
    return 0;
#else
    (void)hw, (void)kind, (void)addr, (void)len;
    return -ENOTSUP;
#endif
}

int hwdebug_remove(struct hwdebug *hw, enum hwdebug_kind kind, uint64_t addr, uint64_t len)
{
#if defined(__x86_64__)
    if (kind == HWDEBUG_READ)
        return -ENOTSUP;
    if (kind == HWDEBUG_EXEC)
        len = 1;
    bool found = false;
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++) {
        if (!same_request(hw, s, kind, addr, len))
            continue;
        found = true;
        if (--hw->slot_req[s].refs == 0) {
            hw->dr7 = arch_x86_dr7_clear(hw->dr7, s);
            hw->addr[s] = 0;
            memset(&hw->slot_req[s], 0, sizeof hw->slot_req[s]);
        }
    }
    return found ? 0 : -ENOENT;
#else
    (void)hw, (void)kind, (void)addr, (void)len;
    return -ENOTSUP;
#endif
}

bool hwdebug_empty(const struct hwdebug *hw)
{
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++)
        if (hw->slot_req[s].refs != 0)
            return false;
    return true;
}

#if defined(__x86_64__)
static int poke_dr(pid_t tid, unsigned i, uint64_t value)
{
    if (ptrace(PTRACE_POKEUSER, tid, (void *)DR_OFFSET(i), (void *)(uintptr_t)value) == -1)
        return errno == ESRCH ? -ESRCH : -errno;
    return 0;
}

static int peek_dr(pid_t tid, unsigned i, uint64_t *value)
{
    errno = 0;
    long v = ptrace(PTRACE_PEEKUSER, tid, (void *)DR_OFFSET(i), NULL);
    if (v == -1 && errno != 0)
        return -errno;
    *value = (uint64_t)v;
    return 0;
}
#endif

int hwdebug_apply(const struct hwdebug *hw, pid_t tid)
{
#if defined(__x86_64__)
    int err;
    /* DR7 off first: Linux re-validates an enabled slot when its address changes (an 8-byte
     * slot rejects an address aligned only to 4); no slot should be live with an old address. */
    if ((err = poke_dr(tid, 7, 0)) != 0)
        return err;
    if (hw->dr7 != 0)
        guardian_note_hw(); /* before the registers are set: see stub/guardian.h */
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++)
        if (arch_x86_dr7_slot_enabled(hw->dr7, s) && (err = poke_dr(tid, s, hw->addr[s])) != 0)
            return err;
    if (hw->dr7 != 0 && (err = poke_dr(tid, 7, hw->dr7)) != 0)
        return err;
    return 0;
#else
    (void)hw, (void)tid;
    return -ENOTSUP;
#endif
}

int hwdebug_clear_thread(pid_t tid)
{
#if defined(__x86_64__)
    int err;
    if ((err = poke_dr(tid, 7, 0)) != 0)
        return err;
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++)
        if ((err = poke_dr(tid, s, 0)) != 0)
            return err;
    return poke_dr(tid, 6, 0);
#else
    (void)tid;
    return -ENOTSUP;
#endif
}

int hwdebug_check_hit(const struct hwdebug *hw, pid_t tid, enum hwdebug_kind *kind, uint64_t *addr)
{
    *kind = 0;
    *addr = 0;
#if defined(__x86_64__)
    uint64_t dr6;
    int err = peek_dr(tid, 6, &dr6);
    if (err)
        return err;
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++) {
        if (!(dr6 & (1u << s)) || hw->slot_req[s].refs == 0)
            continue;
        *kind = hw->slot_req[s].kind;
        *addr = hw->slot_req[s].addr;
        break;
    }
    /* The CPU (and Linux's virtual DR6) never clears the B bits itself: a stale bit would turn the
     * next single-step into a phantom watchpoint hit. */
    if (dr6 & (ARCH_X86_DR6_HIT_MASK | ARCH_X86_DR6_BS))
        return poke_dr(tid, 6, 0);
    return 0;
#else
    (void)hw, (void)tid;
    return -ENOTSUP;
#endif
}
