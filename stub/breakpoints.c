/*
 * stub/breakpoints.c - the software breakpoint table. The stub owns every trap it writes: it keeps
 * the original bytes, hides the traps from memory reads, keeps them in place across memory writes
 * (updating the saved bytes instead), and takes them all out when the process is given back.
 *
 * Z0 is idempotent per address, as gdbserver's gdb breakpoints are: gdb re-sends Z0 for a location
 * it believes removed, and a refcount would leave a trap behind after its single z0.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stub/guardian.h"
#include "stub/inferior_int.h"

struct swbreak *bp_find(struct inferior *inf, uint64_t addr)
{
    for (size_t i = 0; i < inf->nbps; i++)
        if (inf->bps[i].addr == addr)
            return &inf->bps[i];
    return NULL;
}

int bp_insert(struct inferior *inf, uint64_t addr, unsigned kind)
{
    const struct arch_desc *a = inf->arch;
    if (!a || a->trap_len == 0 || a->trap_len > INF_MAX_TRAP)
        return -ENOTSUP;
    if (kind != a->bp_kind)
        return -EINVAL;
    if (bp_find(inf, addr))
        return 0;
    /* Two traps must not overlap: the saved bytes of one would hold the other's trap. */
    for (size_t i = 0; i < inf->nbps; i++)
        if (addr < inf->bps[i].addr + inf->bps[i].len && inf->bps[i].addr < addr + a->trap_len)
            return -EINVAL;
    if (inf->nbps == inf->cap_bps) {
        size_t cap = inf->cap_bps ? inf->cap_bps * 2 : 16;
        struct swbreak *n = realloc(inf->bps, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        inf->bps = n;
        inf->cap_bps = cap;
    }
    struct swbreak bp = {.addr = addr, .len = a->trap_len};
    size_t got;
    int rc = mem_read_raw(inf, addr, bp.saved, bp.len, &got);
    if (rc < 0 || got < bp.len)
        return rc < 0 ? rc : -EFAULT;
    /* The guardian learns of the trap before it exists, and forgets it only once it is gone. */
    bool guarded = inf->pid == guardian_pid();
    if (guarded)
        guardian_bp_add(addr, bp.saved, a->trap, bp.len);
    rc = mem_write_raw(inf, addr, a->trap, a->trap_len);
    if (rc < 0) {
        if (guarded)
            guardian_bp_del(addr);
        return rc;
    }
    inf->bps[inf->nbps++] = bp;
    return 0;
}

/* Puts the saved bytes back, but only where the trap is still there: if the program rewrote its
 * own code meanwhile (a JIT, a loader), its bytes win. */
static int restore_bytes(struct inferior *inf, const struct swbreak *bp)
{
    uint8_t cur[INF_MAX_TRAP];
    size_t got;
    int rc = mem_read_raw(inf, bp->addr, cur, bp->len, &got);
    if (rc < 0 || got < bp->len)
        return rc < 0 ? rc : -EFAULT;
    if (memcmp(cur, inf->arch->trap, bp->len) != 0)
        return 0;
    return mem_write_raw(inf, bp->addr, bp->saved, bp->len);
}

/* The guardian's entry goes only once the bytes are back (or the trap is not there any more). */
static int restore(struct inferior *inf, const struct swbreak *bp)
{
    int rc = restore_bytes(inf, bp);
    if (rc == 0 && inf->pid == guardian_pid())
        guardian_bp_del(bp->addr);
    return rc;
}

int bp_remove(struct inferior *inf, uint64_t addr, unsigned kind)
{
    struct swbreak *bp = bp_find(inf, addr);
    if (!inf->arch || kind != inf->arch->bp_kind)
        return -EINVAL;
    if (!bp)
        return 0; /* gdb may remove what it never managed to insert */
    int rc = inf->exited ? 0 : restore(inf, bp);
    size_t i = (size_t)(bp - inf->bps);
    inf->bps[i] = inf->bps[--inf->nbps];
    return rc;
}

void bp_remove_all(struct inferior *inf)
{
    for (size_t i = 0; i < inf->nbps; i++)
        if (!inf->exited)
            (void)restore(inf, &inf->bps[i]);
    inf->nbps = 0;
}

void inf_emergency_restore(struct inferior *inf)
{
    int saved_errno = errno;

    if (!inf || inf->exited || !inf->arch || inf->nbps > inf->cap_bps || inf->nlwps > inf->cap_lwps)
        return;
    for (size_t i = 0; i < inf->nbps; i++)
        if (inf->bps[i].len <= INF_MAX_TRAP)
            (void)restore(inf, &inf->bps[i]);
    /* Running threads keep theirs: POKEUSER needs a ptrace-stop, and no waiting here. */
    for (size_t i = 0; i < inf->nlwps; i++)
        if (inf->lwps[i] && !inf->lwps[i]->running && hwdebug_clear_thread(inf->lwps[i]->tid) < 0)
            continue; /* gone, or not in a ptrace-stop after all: nothing more to try */
    errno = saved_errno;
}

void bp_hide(const struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < inf->nbps; i++) {
        const struct swbreak *bp = &inf->bps[i];
        for (unsigned k = 0; k < bp->len; k++) {
            uint64_t a = bp->addr + k;
            if (a >= addr && a - addr < len)
                buf[a - addr] = bp->saved[k];
        }
    }
}

void bp_shadow_write(struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < inf->nbps; i++) {
        struct swbreak *bp = &inf->bps[i];
        for (unsigned k = 0; k < bp->len; k++) {
            uint64_t a = bp->addr + k;
            if (a >= addr && a - addr < len) {
                bp->saved[k] = buf[a - addr];
                buf[a - addr] = inf->arch->trap[k];
            }
        }
        if (inf->pid == guardian_pid())
            guardian_bp_update(bp->addr, bp->saved, bp->len);
    }
}

int bp_lift(struct inferior *inf, struct swbreak *bp)
{
    return mem_write_raw(inf, bp->addr, bp->saved, bp->len);
}

int bp_relay(struct inferior *inf, struct swbreak *bp)
{
    return mem_write_raw(inf, bp->addr, inf->arch->trap, bp->len);
}
