/*
 * tests/unit/rsp_fake_target.c - the in-memory process of rsp_fake_target.h. Plain data and bounds
 * checks; nothing here knows about packets.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "rsp/server.h"
#include "tests/unit/rsp_fake_target.h"

static const char maps_text[] = "00001000-00003000 rw-p 00000000 00:00 0 [heap]\n"
                                "00400000-00402000 r-xp 00000000 08:01 42 /usr/bin/fake\n";

static int thread_index(struct fake_target *f, int64_t tid)
{
    for (int i = 0; i < FAKE_NTHREADS; i++)
        if (f->tids[i] == tid)
            return i;
    return f->permissive && tid > 0 ? (int)(tid & 1) : -1;
}

static void put_le(uint8_t *p, uint64_t v, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void fake_init(struct fake_target *f)
{
    const struct arch_desc *a = &arch_x86_64;

    memset(f, 0, sizeof(*f));
    f->attached = true;
    for (int i = 0; i < FAKE_NTHREADS; i++) {
        f->tids[i] = FAKE_PID + i;
        put_le(f->regs[i] + a->regs[16].g_off, 0x401000u + (unsigned)i, 8); /* rip */
        put_le(f->regs[i] + a->regs[7].g_off, 0x7ffc0000u, 8);              /* rsp */
        put_le(f->regs[i] + a->regs[6].g_off, 0x7ffc0100u, 8);              /* rbp */
        put_le(f->regs[i] + a->regs[0].g_off, 0x2a, 8);                     /* rax */
        f->stops[i].kind = RSP_STOP_SIGNAL;
        f->stops[i].pid = FAKE_PID;
        f->stops[i].tid = f->tids[i];
        f->stops[i].core = i + 1;
    }
    f->names[0] = "main";
    f->names[1] = "worker";
    /* Thread 101 sits at a breakpoint: qThreadStopInfo and jThreadsInfo report it. */
    f->stops[1].signal = SIGTRAP;
    f->stops[1].reason = RSP_REASON_SWBREAK;
    for (unsigned i = 0; i < FAKE_MEM_LEN; i++)
        f->mem[i] = (uint8_t)i;
    for (unsigned i = 0; i < FAKE_TEXT_LEN; i++)
        f->text[i] = 0x90;
    f->setfs_pid = -1;
}

void fake_set_pc(struct fake_target *f, int thread, uint64_t pc)
{
    put_le(f->regs[thread] + arch_x86_64.regs[16].g_off, pc, 8);
}

uint64_t fake_get_pc(const struct fake_target *f, int thread)
{
    uint64_t pc = 0;

    for (unsigned i = 8; i-- > 0;)
        pc = pc << 8 | f->regs[thread][arch_x86_64.regs[16].g_off + i];
    return pc;
}

static int64_t f_pid(void *ctx)
{
    (void)ctx;
    return FAKE_PID;
}

static bool f_attached(void *ctx)
{
    return ((struct fake_target *)ctx)->attached;
}

static size_t f_list_threads(void *ctx, int64_t *tids, size_t max)
{
    struct fake_target *f = ctx;

    for (size_t i = 0; i < FAKE_NTHREADS && i < max; i++)
        tids[i] = f->tids[i];
    return FAKE_NTHREADS;
}

static bool f_thread_alive(void *ctx, int64_t tid)
{
    return thread_index(ctx, tid) >= 0;
}

static int f_thread_name(void *ctx, int64_t tid, char *buf, size_t len)
{
    struct fake_target *f = ctx;
    int i = thread_index(f, tid);

    if (i < 0)
        return -ESRCH;
    snprintf(buf, len, "%s", f->names[i]);
    return 0;
}

/* Register 25 (st1) is unavailable, to exercise the 'xx' path. */
static int f_read_reg(void *ctx, int64_t tid, unsigned regno, uint8_t *buf, size_t len)
{
    struct fake_target *f = ctx;
    const struct arch_desc *a = &arch_x86_64;
    int i = thread_index(f, tid);

    if (i < 0)
        return -ESRCH;
    if (regno >= a->nregs || len != a->regs[regno].size_bits / 8)
        return -EINVAL;
    if (regno == 25)
        return -ENOENT;
    memcpy(buf, f->regs[i] + a->regs[regno].g_off, len);
    return 0;
}

static int f_write_reg(void *ctx, int64_t tid, unsigned regno, const uint8_t *buf, size_t len)
{
    struct fake_target *f = ctx;
    const struct arch_desc *a = &arch_x86_64;
    int i = thread_index(f, tid);

    if (i < 0)
        return -ESRCH;
    if (regno >= a->nregs || len != a->regs[regno].size_bits / 8)
        return -EINVAL;
    if (regno == 25)
        return -ENOENT;
    memcpy(f->regs[i] + a->regs[regno].g_off, buf, len);
    return 0;
}

static uint8_t *mem_at(struct fake_target *f, uint64_t addr, size_t *avail)
{
    if (addr >= FAKE_MEM_BASE && addr < FAKE_MEM_BASE + FAKE_MEM_LEN) {
        *avail = FAKE_MEM_BASE + FAKE_MEM_LEN - addr;
        return f->mem + (addr - FAKE_MEM_BASE);
    }
    if (addr >= FAKE_TEXT_BASE && addr < FAKE_TEXT_BASE + FAKE_TEXT_LEN) {
        *avail = FAKE_TEXT_BASE + FAKE_TEXT_LEN - addr;
        return f->text + (addr - FAKE_TEXT_BASE);
    }
    return NULL;
}

static int f_read_mem(void *ctx, uint64_t addr, uint8_t *buf, size_t len, size_t *nread)
{
    size_t avail;
    uint8_t *p = mem_at(ctx, addr, &avail);

    *nread = 0;
    if (addr == FAKE_FATAL_ADDR)
        return RSP_FATAL;
    if (!p && ((struct fake_target *)ctx)->permissive) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)(addr + i);
        *nread = len;
        return 0;
    }
    if (!p)
        return -EFAULT;
    *nread = len < avail ? len : avail;
    memcpy(buf, p, *nread);
    return 0;
}

static int f_write_mem(void *ctx, uint64_t addr, const uint8_t *buf, size_t len)
{
    size_t avail;
    uint8_t *p = mem_at(ctx, addr, &avail);

    if (!p && ((struct fake_target *)ctx)->permissive)
        return 0;
    if (!p || avail < len)
        return -EFAULT;
    memcpy(p, buf, len);
    return 0;
}

static int f_resume(void *ctx, const struct rsp_resume_action *acts, size_t n)
{
    struct fake_target *f = ctx;

    f->resumes++;
    f->last_nacts = n < 8 ? n : 8;
    memcpy(f->last_acts, acts, f->last_nacts * sizeof(*acts));
    if (f->resume_error)
        return f->resume_error;
    if (f->report_in_resume && f->server)
        rsp_server_report_stop(f->server, &f->stops[0]);
    return 0;
}

static int f_interrupt(void *ctx)
{
    ((struct fake_target *)ctx)->interrupts++;
    return 0;
}

static int f_detach(void *ctx)
{
    ((struct fake_target *)ctx)->detaches++;
    return 0;
}

static int f_kill(void *ctx)
{
    ((struct fake_target *)ctx)->kills++;
    return 0;
}

static int f_thread_stop_info(void *ctx, int64_t tid, struct rsp_stop *out)
{
    struct fake_target *f = ctx;
    int i = thread_index(f, tid);

    if (i < 0)
        return -ESRCH;
    *out = f->stops[i];
    return 0;
}

static void f_set_pass(void *ctx, const bool pass[RSP_HOST_NSIG])
{
    memcpy(((struct fake_target *)ctx)->pass, pass, RSP_HOST_NSIG * sizeof(bool));
}

static void f_set_program(void *ctx, const bool allow[RSP_HOST_NSIG])
{
    memcpy(((struct fake_target *)ctx)->program, allow, RSP_HOST_NSIG * sizeof(bool));
}

static void f_set_thread_events(void *ctx, bool on)
{
    ((struct fake_target *)ctx)->thread_events = on;
}

/* 64 bytes of auxv-like data holding every character that must be escaped. */
static int64_t copy_obj(const uint8_t *obj, size_t total, uint64_t offset, uint8_t *buf, size_t len)
{
    if (offset >= total)
        return 0;
    if (len > total - offset)
        len = total - (size_t)offset;
    memcpy(buf, obj + offset, len);
    return (int64_t)len;
}

static const uint8_t auxv_data[16] = {'#', '$', '}', '*', 0, 1, 2, 3, 0x21, 0, 0, 0, 0, 0, 0, 0};

static int64_t f_read_auxv(void *ctx, uint64_t offset, uint8_t *buf, size_t len)
{
    (void)ctx;
    return copy_obj(auxv_data, sizeof(auxv_data), offset, buf, len);
}

static int f_exec_file(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    snprintf(buf, len, "/usr/bin/fake");
    return 0;
}

static int64_t f_read_siginfo(void *ctx, int64_t tid, uint64_t offset, uint8_t *buf, size_t len)
{
    uint8_t si[128];

    if (thread_index(ctx, tid) < 0)
        return -ESRCH;
    memset(si, 0, sizeof(si));
    si[0] = SIGTRAP;
    return copy_obj(si, sizeof(si), offset, buf, len);
}

static int bp_insert(void *ctx, uint64_t addr, unsigned kind)
{
    struct fake_target *f = ctx;

    if (kind != 1)
        return -EINVAL;
    if (f->nbps == FAKE_MAX_BPS)
        return -ENOSPC;
    f->bps[f->nbps++] = addr;
    return 0;
}

static int bp_remove(void *ctx, uint64_t addr, unsigned kind)
{
    struct fake_target *f = ctx;

    (void)kind;
    for (unsigned i = 0; i < f->nbps; i++) {
        if (f->bps[i] == addr) {
            f->bps[i] = f->bps[--f->nbps];
            return 0;
        }
    }
    return -ENOENT;
}

static int hw_insert(void *ctx, uint64_t addr, unsigned kind)
{
    struct fake_target *f = ctx;

    (void)addr;
    (void)kind;
    if (f->nhw == 4)
        return -ENOSPC;
    f->nhw++;
    return 0;
}

static int hw_remove(void *ctx, uint64_t addr, unsigned kind)
{
    struct fake_target *f = ctx;

    (void)addr;
    (void)kind;
    if (f->nhw == 0)
        return -ENOENT;
    f->nhw--;
    return 0;
}

static int wp_insert(void *ctx, enum rsp_watch_type type, uint64_t addr, uint64_t len)
{
    if (type == RSP_WATCH_READ)
        return -ENOTSUP; /* like x86: no read-only watchpoints */
    if (len == 0 || len > 8)
        return -EINVAL;
    if (hw_insert(ctx, addr, 0) != 0)
        return -ENOSPC;
    ((struct fake_target *)ctx)->watch_addr = addr;
    return 0;
}

static int wp_remove(void *ctx, enum rsp_watch_type type, uint64_t addr, uint64_t len)
{
    (void)len;
    if (type == RSP_WATCH_READ)
        return -ENOTSUP;
    if (((struct fake_target *)ctx)->watch_addr == addr)
        ((struct fake_target *)ctx)->watch_addr = 0;
    return hw_remove(ctx, addr, 0);
}

/* vFile: /proc/100/maps opens as fd 3; nothing else exists. */
static int vf_open(void *ctx, const char *path, int flags, int mode)
{
    struct fake_target *f = ctx;

    (void)mode;
    if (strcmp(path, "/proc/100/maps") != 0)
        return -ENOENT;
    if (flags != O_RDONLY)
        return -EACCES;
    f->open_fds++;
    return 3;
}

static int64_t vf_pread(void *ctx, int fd, uint8_t *buf, size_t len, uint64_t offset)
{
    (void)ctx;
    if (fd != 3)
        return -EBADF;
    return copy_obj((const uint8_t *)maps_text, sizeof(maps_text) - 1, offset, buf, len);
}

static int vf_close(void *ctx, int fd)
{
    struct fake_target *f = ctx;

    if (fd != 3 || f->open_fds == 0)
        return -EBADF;
    f->open_fds--;
    return 0;
}

static int vf_fstat(void *ctx, int fd, uint8_t st[64])
{
    (void)ctx;
    if (fd != 3)
        return -EBADF;
    memset(st, 0, 64);
    st[7] = '#';                               /* st_mode's low byte: a byte that needs escaping */
    st[31] = (uint8_t)(sizeof(maps_text) - 1); /* st_size */
    return 0;
}

static int64_t vf_readlink(void *ctx, const char *path, char *buf, size_t len)
{
    (void)ctx;
    if (strcmp(path, "/proc/100/exe") != 0)
        return -ENOENT;
    return copy_obj((const uint8_t *)"/usr/bin/fake", 13, 0, (uint8_t *)buf, len);
}

static int vf_setfs(void *ctx, int64_t pid)
{
    ((struct fake_target *)ctx)->setfs_pid = pid;
    return 0;
}

static int region_info(void *ctx, uint64_t addr, struct rsp_region *out)
{
    (void)ctx;
    memset(out, 0, sizeof(*out));
    if (addr >= FAKE_MEM_BASE && addr < FAKE_MEM_BASE + FAKE_MEM_LEN) {
        *out = (struct rsp_region){FAKE_MEM_BASE, FAKE_MEM_LEN, true, true, true, false, "[heap]"};
    } else if (addr >= FAKE_TEXT_BASE && addr < FAKE_TEXT_BASE + FAKE_TEXT_LEN) {
        *out = (struct rsp_region){FAKE_TEXT_BASE, FAKE_TEXT_LEN, true,           true,
                                   false,          true,          "/usr/bin/fake"};
    } else if (addr >= FAKE_MEM_BASE + FAKE_MEM_LEN && addr < FAKE_TEXT_BASE) {
        out->start = FAKE_MEM_BASE + FAKE_MEM_LEN;
        out->size = FAKE_TEXT_BASE - out->start;
    } else {
        return -EINVAL;
    }
    return 0;
}

static int monitor_command(void *ctx, const char *cmd, struct rsp_buf *out)
{
    struct fake_target *f = ctx;

    if (strcmp(cmd, "help") == 0 && !f->monitor_no_help)
        return rsp_buf_adds(out, "fake monitor commands:\n  threads -- list the threads\n");
    if (strcmp(cmd, "threads") == 0)
        return rsp_buf_addf(out, "%lld main\n%lld worker\n", (long long)f->tids[0],
                            (long long)f->tids[1]);
    return -EINVAL;
}

static const struct rsp_breakpoint_ops bp_ops = {bp_insert, bp_remove};
static const struct rsp_hw_breakpoint_ops hw_ops = {hw_insert, hw_remove};
static const struct rsp_watchpoint_ops wp_ops = {wp_insert, wp_remove};
static const struct rsp_vfile_ops vf_ops = {vf_open,  vf_pread,    vf_close,
                                            vf_fstat, vf_readlink, vf_setfs};
static const struct rsp_memory_region_ops region_ops = {region_info};
static const struct rsp_monitor_ops monitor_ops = {monitor_command};

#define FAKE_BASE_OPS                                                                              \
    .arch = &arch_x86_64, .pid = f_pid, .attached = f_attached, .list_threads = f_list_threads,    \
    .thread_alive = f_thread_alive, .thread_name = f_thread_name, .read_reg = f_read_reg,          \
    .write_reg = f_write_reg, .read_mem = f_read_mem, .write_mem = f_write_mem,                    \
    .resume = f_resume, .interrupt = f_interrupt, .detach = f_detach, .kill = f_kill,              \
    .thread_stop_info = f_thread_stop_info, .set_pass_signals = f_set_pass,                        \
    .set_program_signals = f_set_program, .set_thread_events = f_set_thread_events,                \
    .read_auxv = f_read_auxv, .exec_file = f_exec_file, .read_siginfo = f_read_siginfo

const struct rsp_target fake_target_full = {
    FAKE_BASE_OPS,           .breakpoints = &bp_ops, .hw_breakpoints = &hw_ops,
    .watchpoints = &wp_ops,  .vfile = &vf_ops,       .memory_regions = &region_ops,
    .monitor = &monitor_ops,
};

const struct rsp_target fake_target_base = {FAKE_BASE_OPS};
