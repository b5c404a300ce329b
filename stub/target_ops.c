/*
 * stub/target_ops.c - the rsp_target table (rsp/target.h) served by a traced process: each
 * operation is a thin adapter onto lwp.c, breakpoints.c, memory.c, regcache.h, hwdebug.h and /proc.
 * ctx is the struct inferior. Operations never block for long and never call the stop callback
 * themselves.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "stub/inferior_int.h"

static struct lwp *stopped_lwp(struct inferior *inf, int64_t tid, int *rc)
{
    struct lwp *l = inf->exited ? NULL : lwp_find(inf, (pid_t)tid);
    if (!l) {
        *rc = -ESRCH;
        return NULL;
    }
    if (l->running || l->new_thread) {
        *rc = -EBUSY;
        return NULL;
    }
    *rc = 0;
    return l;
}

static int64_t op_pid(void *ctx)
{
    return ((struct inferior *)ctx)->pid;
}

static bool op_attached(void *ctx)
{
    return !((struct inferior *)ctx)->launched;
}

static size_t op_list_threads(void *ctx, int64_t *tids, size_t max)
{
    struct inferior *inf = ctx;
    size_t n = 0;
    for (size_t i = 0; i < inf->nlwps; i++) {
        if (inf->lwps[i]->new_thread)
            continue;
        if (n < max)
            tids[n] = inf->lwps[i]->tid;
        n++;
    }
    return n;
}

static bool op_thread_alive(void *ctx, int64_t tid)
{
    struct inferior *inf = ctx;
    return !inf->exited && lwp_find(inf, (pid_t)tid) != NULL;
}

static int op_thread_name(void *ctx, int64_t tid, char *buf, size_t len)
{
    struct inferior *inf = ctx;
    if (len == 0)
        return -EINVAL;
    buf[0] = '\0';
    if (!lwp_find(inf, (pid_t)tid))
        return -ESRCH;
    int rc = procfs_comm(inf->pid, (pid_t)tid, buf, len);
    if (rc < 0)
        buf[0] = '\0';
    return 0;
}

static int op_read_reg(void *ctx, int64_t tid, unsigned regno, uint8_t *buf, size_t len)
{
    int rc;
    struct lwp *l = stopped_lwp(ctx, tid, &rc);
    return l ? regcache_read(&l->rc, regno, buf, len) : rc;
}

static int op_write_reg(void *ctx, int64_t tid, unsigned regno, const uint8_t *buf, size_t len)
{
    int rc;
    struct lwp *l = stopped_lwp(ctx, tid, &rc);
    return l ? regcache_write(&l->rc, regno, buf, len) : rc;
}

static int op_read_mem(void *ctx, uint64_t addr, uint8_t *buf, size_t len, size_t *nread)
{
    struct inferior *inf = ctx;
    int rc = mem_read_raw(inf, addr, buf, len, nread);
    if (rc == 0)
        bp_hide(inf, addr, buf, *nread);
    return rc;
}

static int op_write_mem(void *ctx, uint64_t addr, const uint8_t *buf, size_t len)
{
    struct inferior *inf = ctx;
    if (len == 0)
        return 0;
    uint8_t *copy = malloc(len);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, buf, len);
    /* Saved bytes are updated only once the write is known to succeed. */
    struct swbreak *saved = NULL;
    if (inf->nbps) {
        saved = malloc(inf->nbps * sizeof *saved);
        if (!saved) {
            free(copy);
            return -ENOMEM;
        }
        memcpy(saved, inf->bps, inf->nbps * sizeof *saved);
    }
    bp_shadow_write(inf, addr, copy, len);
    int rc = mem_write_raw(inf, addr, copy, len);
    if (rc < 0 && saved)
        memcpy(inf->bps, saved, inf->nbps * sizeof *saved);
    free(saved);
    free(copy);
    return rc;
}

static int op_resume(void *ctx, const struct rsp_resume_action *acts, size_t n)
{
    return lwp_resume(ctx, acts, n);
}

static int op_interrupt(void *ctx)
{
    return lwp_interrupt(ctx);
}

static int op_detach(void *ctx)
{
    return inf_release(ctx);
}

/* k kills a launched program. An attached process - a production service - is released instead:
 * lldb sends k whenever it quits a gdb-remote session, and no client should be able to take a
 * service down by quitting. gostub --allow-kill (inf_set_allow_kill) lets k kill it anyway. */
static int op_kill(void *ctx)
{
    struct inferior *inf = ctx;
    if (!inf->launched && !inf->allow_kill)
        return inf_release(inf);
    return inf_kill(inf);
}

/* A thread holding an unreported event shows that event (lldb's jThreadsInfo and qThreadStopInfo
 * learn every thread's reason at once), but it stays pending and is still reported on a resume:
 * the server also calls this for qXfer:threads:read, where gdb sees nothing but the core, and an
 * event lost there would be a breakpoint hit gdb never hears of. (lldb may therefore see such a
 * hit twice; gdbserver would not show it at all until its turn.) */
static int op_thread_stop_info(void *ctx, int64_t tid, struct rsp_stop *out)
{
    struct inferior *inf = ctx;
    struct lwp *l = inf->exited ? NULL : lwp_find(inf, (pid_t)tid);
    if (!l)
        return -ESRCH;
    *out = l->has_pending && !l->running ? l->pending : l->last_stop;
    return 0;
}

static void op_set_pass_signals(void *ctx, const bool pass[RSP_HOST_NSIG])
{
    struct inferior *inf = ctx;
    memcpy(inf->pass, pass, sizeof inf->pass);
    inf->pass_set = true;
}

static void op_set_program_signals(void *ctx, const bool allow[RSP_HOST_NSIG])
{
    struct inferior *inf = ctx;
    memcpy(inf->program, allow, sizeof inf->program);
    inf->program_set = true;
}

static void op_set_thread_events(void *ctx, bool on)
{
    struct inferior *inf = ctx;
    inf->thread_events = on;
    if (!on)
        inf->nthread_exits = 0;
}

static int64_t pread_proc(pid_t pid, const char *file, uint64_t offset, uint8_t *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (offset > INT64_MAX) {
        close(fd);
        return 0;
    }
    ssize_t n = pread(fd, buf, len, (off_t)offset);
    int e = errno;
    close(fd);
    return n < 0 ? -e : n;
}

static int64_t op_read_auxv(void *ctx, uint64_t offset, uint8_t *buf, size_t len)
{
    struct inferior *inf = ctx;
    if (inf->exited)
        return -ESRCH;
    return pread_proc(inf->pid, "auxv", offset, buf, len);
}

static int op_exec_file(void *ctx, char *buf, size_t len)
{
    struct inferior *inf = ctx;
    char path[64];
    if (len == 0)
        return -EINVAL;
    snprintf(path, sizeof path, "/proc/%d/exe", (int)inf->pid);
    ssize_t n = readlink(path, buf, len - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return 0;
}

static int64_t op_read_siginfo(void *ctx, int64_t tid, uint64_t offset, uint8_t *buf, size_t len)
{
    int rc;
    struct lwp *l = stopped_lwp(ctx, tid, &rc);
    if (!l)
        return rc;
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, l->tid, NULL, &si) < 0)
        return -errno;
    if (offset >= sizeof si)
        return 0;
    size_t n = sizeof si - (size_t)offset;
    if (n > len)
        n = len;
    memcpy(buf, (const uint8_t *)&si + offset, n);
    return (int64_t)n;
}

/* ------------------------------------------------------------------ breakpoints */

static int op_bp_insert(void *ctx, uint64_t addr, unsigned kind)
{
    struct inferior *inf = ctx;
    return inf->exited ? -ESRCH : bp_insert(inf, addr, kind);
}

static int op_bp_remove(void *ctx, uint64_t addr, unsigned kind)
{
    return bp_remove(ctx, addr, kind);
}

static const struct rsp_breakpoint_ops breakpoint_ops = {
    .insert = op_bp_insert,
    .remove = op_bp_remove,
};

/* Debug registers can only be written while a thread is stopped; all-stop guarantees that when the
 * client sends Z packets. The table is re-applied to every thread on each change. */
static int hw_apply_all(struct inferior *inf)
{
    int rc = 0;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (l->running || l->new_thread)
            continue;
        int r = hwdebug_apply(&inf->hw, l->tid);
        if (r < 0 && r != -ESRCH && rc == 0)
            rc = r;
    }
    return rc;
}

static int hw_change(struct inferior *inf, bool insert, enum hwdebug_kind kind, uint64_t addr,
                     uint64_t len)
{
    if (inf->exited)
        return -ESRCH;
    int rc = insert ? hwdebug_insert(&inf->hw, kind, addr, len)
                    : hwdebug_remove(&inf->hw, kind, addr, len);
    if (rc < 0)
        return rc;
    inf->hw_used = true;
    rc = hw_apply_all(inf);
    if (rc < 0 && insert) {
        inf_ignore(hwdebug_remove(&inf->hw, kind, addr, len));
        (void)hw_apply_all(inf);
    }
    return rc;
}

static int op_hw_insert(void *ctx, uint64_t addr, unsigned kind)
{
    (void)kind;
    return hw_change(ctx, true, HWDEBUG_EXEC, addr, 1);
}

static int op_hw_remove(void *ctx, uint64_t addr, unsigned kind)
{
    (void)kind;
    return hw_change(ctx, false, HWDEBUG_EXEC, addr, 1);
}

static const struct rsp_hw_breakpoint_ops hw_breakpoint_ops = {
    .insert = op_hw_insert,
    .remove = op_hw_remove,
};

static enum hwdebug_kind watch_kind(enum rsp_watch_type type)
{
    switch (type) {
    case RSP_WATCH_WRITE:
        return HWDEBUG_WRITE;
    case RSP_WATCH_READ:
        return HWDEBUG_READ;
    case RSP_WATCH_ACCESS:
        return HWDEBUG_ACCESS;
    }
    return 0;
}

static int op_watch_insert(void *ctx, enum rsp_watch_type type, uint64_t addr, uint64_t len)
{
    enum hwdebug_kind k = watch_kind(type);
    if (k == 0)
        return -EINVAL;
    /* x86 has no read-only watchpoints: gdb falls back to an access watchpoint on the empty reply.
     */
    if (k == HWDEBUG_READ)
        return -ENOTSUP;
    return hw_change(ctx, true, k, addr, len);
}

static int op_watch_remove(void *ctx, enum rsp_watch_type type, uint64_t addr, uint64_t len)
{
    enum hwdebug_kind k = watch_kind(type);
    if (k == 0)
        return -EINVAL;
    if (k == HWDEBUG_READ)
        return -ENOTSUP;
    return hw_change(ctx, false, k, addr, len);
}

static const struct rsp_watchpoint_ops watchpoint_ops = {
    .insert = op_watch_insert,
    .remove = op_watch_remove,
};

/* ------------------------------------------------------------------ regions and monitor */

static int op_region_info(void *ctx, uint64_t addr, struct rsp_region *out)
{
    struct inferior *inf = ctx;
    if (inf->exited)
        return -ESRCH;
    return procfs_region(inf->pid, addr, out);
}

static const struct rsp_memory_region_ops region_ops = {
    .region_info = op_region_info,
};

static int monitor_threads(struct inferior *inf, struct rsp_buf *out)
{
    int rc = rsp_buf_addf(out, "%-8s %-16s %-10s %s\n", "tid", "name", "state", "pc");
    for (size_t i = 0; i < inf->nlwps && rc == 0; i++) {
        struct lwp *l = inf->lwps[i];
        char name[64] = "";
        (void)procfs_comm(inf->pid, l->tid, name, sizeof name);
        const char *state = l->running ? "running" : l->exiting ? "exiting" : "stopped";
        uint64_t pc;
        if (!l->running && !l->new_thread && lwp_get_pc(inf, l, &pc) == 0)
            rc =
                rsp_buf_addf(out, "%-8d %-16s %-10s 0x%" PRIx64 "\n", (int)l->tid, name, state, pc);
        else
            rc = rsp_buf_addf(out, "%-8d %-16s %-10s -\n", (int)l->tid, name, state);
    }
    return rc;
}

static int op_monitor(void *ctx, const char *cmd, struct rsp_buf *out)
{
    struct inferior *inf = ctx;
    while (*cmd == ' ')
        cmd++;
    if (strcmp(cmd, "threads") == 0)
        return monitor_threads(inf, out);
    if (strcmp(cmd, "help") == 0 || *cmd == '\0')
        return rsp_buf_adds(out, "gostub monitor commands:\n"
                                 "  help     this list\n"
                                 "  threads  one line per thread: tid, name, state, pc\n");
    return rsp_buf_addf(out, "unknown monitor command \"%s\"; try \"monitor help\"\n", cmd);
}

static const struct rsp_monitor_ops monitor_ops = {
    .command = op_monitor,
};

const struct rsp_target inf_target_template = {
    .arch = NULL,
    .pid = op_pid,
    .attached = op_attached,
    .list_threads = op_list_threads,
    .thread_alive = op_thread_alive,
    .thread_name = op_thread_name,
    .read_reg = op_read_reg,
    .write_reg = op_write_reg,
    .read_mem = op_read_mem,
    .write_mem = op_write_mem,
    .resume = op_resume,
    .interrupt = op_interrupt,
    .detach = op_detach,
    .kill = op_kill,
    .thread_stop_info = op_thread_stop_info,
    .set_pass_signals = op_set_pass_signals,
    .set_program_signals = op_set_program_signals,
    .set_thread_events = op_set_thread_events,
    .read_auxv = op_read_auxv,
    .exec_file = op_exec_file,
    .read_siginfo = op_read_siginfo,
    .breakpoints = &breakpoint_ops,
    .hw_breakpoints = &hw_breakpoint_ops,
    .watchpoints = &watchpoint_ops,
    .vfile = &inf_vfile_ops,
    .memory_regions = &region_ops,
    .monitor = &monitor_ops,
};
