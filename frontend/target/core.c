/*
 * frontend/target/core.c - the core-file target: tgt_ops over the bounded ELF core reader
 * (corefile.h). Threads, registers (in corefile_arch numbering, which is arch/'s: DWARF numbers
 * such as 58 for fs_base map through arch_regno_by_dwarf as on a live target) and memory come from
 * the core, the binary and NT_FILE's files; writes are refused with -EROFS and every run-control
 * slot is NULL (can_run false). The thread that took the fatal signal is current_tid and last_stop.
 * Design notes: doc/internals/corefile.md ("The core target").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/target/corefile.h"
#include "frontend/target/target.h"

struct tgt_core {
    struct tgt base; /* first: the tgt handed out is the start of this struct */
    struct corefile *cf;
};

static const struct tgt_ops core_ops;

static struct tgt_core *C(struct tgt *t)
{
    return (struct tgt_core *)t;
}

static void core_close(struct tgt *t)
{
    struct tgt_core *c = C(t);
    corefile_close(c->cf);
    tgt_fini_common(t);
    free(c);
}

static int core_threads(struct tgt *t, struct tgt_thread *out, size_t max, size_t *n)
{
    const struct corefile *cf = C(t)->cf;
    size_t count = corefile_nthreads(cf);
    for (size_t i = 0; i < count && i < max; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        out[i].tid = corefile_thread(cf, i)->tid;
    }
    *n = count;
    return 0;
}

static int core_read_reg(struct tgt *t, int64_t tid, unsigned regno, uint8_t *buf, size_t len)
{
    const struct corefile *cf = C(t)->cf;
    long i = corefile_thread_index(cf, tid);
    if (i < 0)
        return -ESRCH;
    return corefile_read_reg(cf, (size_t)i, regno, buf, len);
}

static int core_write_reg(struct tgt *t, int64_t tid, unsigned regno, const uint8_t *buf,
                          size_t len)
{
    (void)t, (void)tid, (void)regno, (void)buf, (void)len;
    return -EROFS;
}

static int core_read_mem(struct tgt *t, uint64_t addr, uint8_t *buf, size_t len, size_t *nread)
{
    *nread = 0;
    if (len == 0)
        return 0;
    return corefile_read_mem(C(t)->cf, addr, buf, len, nread);
}

static int core_write_mem(struct tgt *t, uint64_t addr, const uint8_t *buf, size_t len)
{
    (void)t, (void)addr, (void)buf, (void)len;
    return -EROFS;
}

static const struct tgt_ops core_ops = {
    .name = "core",
    .close = core_close,
    .threads = core_threads,
    .read_reg = core_read_reg,
    .write_reg = core_write_reg,
    .read_mem = core_read_mem,
    .read_blocks = NULL, /* a local file: read_mem in a loop costs no round trips */
    .write_mem = core_write_mem,
    .stats = NULL,
    /* run control: a core cannot run */
};

/* The thread that took the fatal signal: the first with a non-zero pr_cursig (the kernel puts it
 * first; gdb's gcore of a stopped process may name one further on), else the first with an
 * NT_SIGINFO whose si_signo is set, else the first thread. */
static size_t crashing_thread(const struct corefile *cf)
{
    size_t n = corefile_nthreads(cf);
    for (size_t i = 0; i < n; i++)
        if (corefile_thread(cf, i)->cursig != 0)
            return i;
    for (size_t i = 0; i < n; i++) {
        const struct corefile_thread *th = corefile_thread(cf, i);
        int32_t signo = 0;
        if (th->siginfo && th->siginfo_len >= 4)
            memcpy(&signo, th->siginfo, 4); /* si_signo, little-endian like the core */
        if (signo != 0)
            return i;
    }
    return 0;
}

int tgt_core_open_opts(const char *core_path, const struct corefile_opts *opts, struct tgt **out,
                       char *err, size_t errlen)
{
    *out = NULL;
    struct tgt_core *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    int rc = corefile_open(core_path, opts, &c->cf, err, errlen);
    if (rc < 0) {
        free(c);
        return rc;
    }
    if (corefile_nthreads(c->cf) == 0) {
        if (err && errlen)
            snprintf(err, errlen, "the core holds no thread (no NT_PRSTATUS note)");
        corefile_close(c->cf);
        free(c);
        return -ENOEXEC;
    }
    struct tgt *t = &c->base;
    rc = tgt_init_common(t);
    if (rc < 0) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        corefile_close(c->cf);
        free(c);
        return rc;
    }
    t->ops = &core_ops;
    t->arch = corefile_arch(c->cf);
    t->pid = corefile_pid(c->cf);
    const struct corefile_thread *th = corefile_thread(c->cf, crashing_thread(c->cf));
    t->current_tid = th->tid;
    t->last_stop.kind = RSP_STOP_SIGNAL;
    t->last_stop.pid = t->pid;
    t->last_stop.tid = th->tid;
    t->last_stop.signal = th->cursig != 0 ? th->cursig : corefile_signal(c->cf);
    t->last_stop.reason = RSP_REASON_NONE;
    t->last_stop.core = -1;
    t->can_run = false;
    t->running = false;
    t->exited = false; /* its memory and threads are all there to read */
    *out = t;
    return 0;
}

int tgt_core_open(const char *core_path, const char *binary_path, struct tgt **out, char *err,
                  size_t errlen)
{
    struct corefile_opts opts = {.exe_path = binary_path};
    return tgt_core_open_opts(core_path, &opts, out, err, errlen);
}

struct corefile *tgt_core_file(struct tgt *t)
{
    if (t == NULL || t->ops != &core_ops)
        return NULL;
    return C(t)->cf;
}
