/*
 * tests/unit/test_core_target.c - the core-file target (frontend/target/core.c) on a real kernel
 * core of tests/targets/coretest (Go 1.19, -N -l; built into the build tree as corefile_real.sh
 * builds it) dying of a nil-map panic under GOTRACEBACK=crash with `ulimit -c unlimited` and
 * core_pattern writing `core` into the working folder. Through a gomem adapter over the tgt
 * (written here: the CLI's lives in godbg itself), goruntime/ lists the goroutines and unwinds
 * them; the crashing goroutine must be the one on the thread that took SIGABRT, and its stack must
 * reach main.main. When dlv is installed, every goroutine line (`goroutines`, with dlv's '*' on the
 * current one) and every stack (`goroutine N` + `stack 60`) must equal what `dlv core BIN CORE`
 * prints.
 *
 * Exit 77 (skipped) without go, or when the kernel writes no core file here (core_pattern a pipe to
 * systemd-coredump/apport, or a path elsewhere).
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/goruntime/goroutines.h"
#include "frontend/goruntime/unwind.h"
#include "frontend/sym/func.h"
#include "frontend/target/corefile.h"
#include "frontend/target/target.h"

static char out_dir[4096], bin[4200], core_path[4800], dlv_out[4400];
static bool have_dlv;

/* ------------------------------------------------------------------ gomem over a tgt */

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    return tgt_read_mem(ctx, addr, buf, len);
}

static int mem_read_many(void *ctx, size_t n, const uint64_t *addrs, const size_t *lens,
                         void *const *bufs, int *errs)
{
    return tgt_read_many(ctx, addrs, lens, bufs, n, errs);
}

static int mem_read_reg(void *ctx, int64_t tid, unsigned dwarf_regno, uint64_t *value)
{
    struct tgt *t = ctx;
    int regno = arch_regno_by_dwarf(t->arch, (int)dwarf_regno);
    if (regno < 0)
        return -ENODATA;
    return tgt_read_reg_u64(t, tid, (unsigned)regno, value);
}

static const struct gomem_ops tgt_mem_ops = {mem_read, mem_read_many, mem_read_reg};

/* ------------------------------------------------------------------ one look at the core */

struct look {
    struct tgt *t;
    struct sym_image *img;
    struct gomem mem;
    struct gort *rt;
    struct gort_thread th[256];
    size_t nth;
    struct gort_g *gs;
    size_t n;
    struct gort_loc *cur, *user;
    long crashing; /* index in gs of the goroutine on t->current_tid, -1 */
};

static void look_take(struct look *l)
{
    memset(l, 0, sizeof(*l));
    char err[512] = "";
    ck_assert_msg(tgt_core_open(core_path, bin, &l->t, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(sym_image_open(bin, &l->img), 0);
    l->mem.ops = &tgt_mem_ops;
    l->mem.ctx = l->t;
    const char *why = NULL;
    ck_assert_msg(gort_new(l->img, &l->mem, &l->rt, &why) == 0, "%s", why ? why : "");
    struct tgt_thread tt[256];
    size_t total;
    ck_assert_int_eq(l->t->ops->threads(l->t, tt, 256, &total), 0);
    ck_assert_uint_le(total, 256);
    for (size_t i = 0; i < total; i++) {
        l->th[i].tid = tt[i].tid;
        ck_assert_int_eq(gort_thread_g(l->rt, tt[i].tid, &l->th[i].tls_g), 0);
    }
    l->nth = total;
    ck_assert_int_eq(gort_goroutines(l->rt, l->th, l->nth, &l->gs, &l->n), 0);
    l->cur = calloc(l->n, sizeof(*l->cur));
    l->user = calloc(l->n, sizeof(*l->user));
    ck_assert_int_eq(gort_user_locs(l->rt, l->gs, l->n, l->cur, l->user), 0);
    l->crashing = -1;
    for (size_t i = 0; i < l->n; i++)
        if (l->gs[i].thread == l->t->current_tid)
            l->crashing = (long)i;
}

static void look_free(struct look *l)
{
    free(l->gs);
    free(l->cur);
    free(l->user);
    gort_free(l->rt);
    sym_image_free(l->img);
    tgt_close(l->t);
}

/* ------------------------------------------------------------------ the target itself */

START_TEST(test_open)
{
    struct tgt *t = NULL;
    char err[512] = "";
    ck_assert_msg(tgt_core_open(core_path, bin, &t, err, sizeof(err)) == 0, "%s", err);
    ck_assert_str_eq(t->ops->name, "core");
    ck_assert(strncmp(t->arch->name, "x86_64", 6) == 0);
    ck_assert(!t->can_run && !t->running && !t->exited);
    ck_assert(t->ops->resume == NULL && t->ops->wait == NULL && t->ops->interrupt == NULL);
    ck_assert(t->ops->set_bp == NULL && t->ops->clear_bp == NULL);
    ck_assert(t->ops->detach == NULL && t->ops->kill == NULL);
    ck_assert_ptr_nonnull(tgt_core_file(t));
    ck_assert_int_gt(t->pid, 0);
    /* The thread that took the fatal SIGABRT (Go's crash() after the panic). */
    ck_assert_int_eq(t->last_stop.kind, RSP_STOP_SIGNAL);
    ck_assert_int_eq(t->last_stop.signal, SIGABRT);
    ck_assert_int_eq(t->last_stop.tid, t->current_tid);
    struct corefile *cf = tgt_core_file(t);
    ck_assert_int_eq(corefile_thread(cf, (size_t)corefile_thread_index(cf, t->current_tid))->cursig,
                     SIGABRT);
    /* GOMAXPROCS(4) and a spinning goroutine: several threads, the current one among them. */
    struct tgt_thread th[64];
    size_t n = 0;
    bool found = false;
    ck_assert_int_eq(t->ops->threads(t, th, 64, &n), 0);
    ck_assert_uint_ge(n, 3);
    for (size_t i = 0; i < n && i < 64; i++)
        found |= th[i].tid == t->current_tid;
    ck_assert(found);
    size_t n2 = 99;
    ck_assert_int_eq(t->ops->threads(t, th, 1, &n2), 0); /* the total even when max is smaller */
    ck_assert_uint_eq(n2, n);
    /* Registers: pc in the runtime's code, fs_base (DWARF 58) set, rsp readable. */
    uint64_t pc, fsb, sp;
    struct sym_image *img;
    const struct sym_func *fn;
    ck_assert_int_eq(sym_image_open(bin, &img), 0);
    ck_assert_int_eq(tgt_read_pc(t, t->current_tid, &pc), 0);
    ck_assert_int_eq(sym_func_by_addr(img, pc, &fn), 0);
    ck_assert_msg(strncmp(fn->name, "runtime.", 8) == 0, "%s", fn->name);
    int fsr = arch_regno_by_dwarf(t->arch, 58);
    ck_assert_int_ge(fsr, 0);
    ck_assert_int_eq(tgt_read_reg_u64(t, t->current_tid, (unsigned)fsr, &fsb), 0);
    ck_assert_uint_ne(fsb, 0);
    ck_assert_int_eq(tgt_tls_base(t, t->current_tid, &sp), 0);
    ck_assert_uint_eq(sp, fsb);
    ck_assert_int_eq(
        tgt_read_reg_u64(t, t->current_tid, (unsigned)arch_regno_by_dwarf(t->arch, 7), &sp), 0);
    uint64_t word;
    ck_assert_int_eq(tgt_read_u64(t, sp, &word), 0);
    ck_assert_int_eq(tgt_read_reg_u64(t, 999999, (unsigned)fsr, &word), -ESRCH);
    /* Memory: the binary's text through the core (the kernel leaves it out), nothing at 0. */
    uint8_t code[16], file[16];
    ck_assert_int_eq(tgt_read_mem(t, fn->lowpc, code, sizeof(code)), 0);
    ck_assert_int_eq(sym_image_read(img, fn->lowpc, file, sizeof(file)), 0);
    ck_assert_mem_eq(code, file, sizeof(code));
    ck_assert_int_eq(tgt_read_mem(t, 0x10, code, 8), -EIO);
    size_t nread = 99;
    ck_assert_int_eq(t->ops->read_mem(t, 0x10, code, 8, &nread), -EIO);
    ck_assert_uint_eq(nread, 0);
    /* Read-only. */
    ck_assert_int_eq(tgt_write_mem(t, sp, code, 8), -EROFS);
    ck_assert_int_eq(t->ops->write_reg(t, t->current_tid, (unsigned)fsr, code, 8), -EROFS);
    ck_assert_uint_eq(sp == 0, 0);
    sym_image_free(img);
    tgt_close(t);
}
END_TEST

/* Bad inputs: a clear sentence and no tgt, never a crash. */
START_TEST(test_open_errors)
{
    struct tgt *t = (struct tgt *)&t;
    char err[512] = "";
    char path[4500];
    ck_assert_int_eq(tgt_core_open("/nonexistent/core", bin, &t, err, sizeof(err)), -ENOENT);
    ck_assert_ptr_null(t);
    ck_assert_uint_gt(strlen(err), 0);
    /* Another binary: /bin/sh has a GNU build id, the core a Go one. */
    err[0] = '\0';
    ck_assert_int_lt(tgt_core_open(core_path, "/bin/sh", &t, err, sizeof(err)), 0);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, "core was written for build-id ") != NULL, "%s", err);
    /* Not a core at all: the binary itself. */
    err[0] = '\0';
    ck_assert_int_eq(tgt_core_open(bin, bin, &t, err, sizeof(err)), -ENOEXEC);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, "not a core file") != NULL, "%s", err);
    /* Garbage. */
    snprintf(path, sizeof(path), "%s/garbage", out_dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 4096; i++)
        fputc((i * 131 + 7) & 0xff, f);
    fclose(f);
    err[0] = '\0';
    ck_assert_int_lt(tgt_core_open(path, bin, &t, err, sizeof(err)), 0);
    ck_assert_ptr_null(t);
    ck_assert_uint_gt(strlen(err), 0);
    unlink(path);
    /* Without the binary the core still opens (text unreadable, the rest there). */
    ck_assert_int_eq(tgt_core_open(core_path, NULL, &t, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_null(tgt_core_file(NULL));
    tgt_close(t);
}
END_TEST

/* ------------------------------------------------------------------ goroutines over the core */

START_TEST(test_goroutines)
{
    struct look l;
    look_take(&l);
    size_t live = 0, parked = 0, sleepers = 0;
    bool spinner = false;
    for (size_t i = 0; i < l.n; i++) {
        if (gort_status_is(l.rt, l.gs[i].status, GORT_DEAD))
            continue;
        live++;
        const char *u = l.user[i].func ? l.user[i].func : "";
        parked += strcmp(u, "main.parked") == 0;
        sleepers += strcmp(u, "time.Sleep") == 0;
        spinner |= strcmp(u, "main.spinner") == 0;
    }
    ck_assert_uint_ge(live, 10);
    ck_assert_uint_eq(parked, 4);
    ck_assert_uint_eq(sleepers, 4);
    ck_assert(spinner);
    /* The crashing goroutine: the one the SIGABRT thread runs, main's own (goroutine 1). */
    ck_assert_msg(l.crashing >= 0, "no goroutine on thread %lld", (long long)l.t->current_tid);
    const struct gort_g *g = &l.gs[l.crashing];
    ck_assert_int_eq(g->goid, 1);
    ck_assert_ptr_nonnull(l.user[l.crashing].func);
    ck_assert_str_eq(l.user[l.crashing].func, "main.main");
    struct gort_frame fr[64];
    size_t nf = 0;
    enum gort_stack_end end;
    ck_assert_int_eq(gort_stack(l.rt, g, fr, 64, &nf, &end), 0);
    ck_assert_int_eq(end, GORT_END_GOEXIT);
    size_t main_at = nf, panic_at = nf;
    for (size_t i = 0; i < nf; i++) {
        if (fr[i].func && strcmp(fr[i].func, "main.main") == 0 && main_at == nf)
            main_at = i;
        if (fr[i].func && strcmp(fr[i].func, "runtime.gopanic") == 0 && panic_at == nf)
            panic_at = i;
    }
    ck_assert_msg(main_at < nf, "main.main not on the crashing goroutine's stack");
    ck_assert_uint_lt(panic_at, main_at);
    ck_assert_ptr_nonnull(fr[0].func);
    ck_assert_msg(strncmp(fr[0].func, "runtime.", 8) == 0, "%s", fr[0].func);
    ck_assert_str_eq(fr[nf - 1].func, "runtime.goexit");
    look_free(&l);
}
END_TEST

/* ------------------------------------------------------------------ dlv core */

struct dlv_g {
    long long id;
    char line[1024];  /* the whole `goroutines` line, trailing newline cut */
    char start[1024]; /* the `goroutines -s` line */
    char frames[64][1024];
    size_t nframes;
};

static size_t parse_dlv(struct dlv_g *dg, size_t max)
{
    FILE *f = fopen(dlv_out, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024], pending[400] = "";
    size_t n = 0, section = 0;
    struct dlv_g *cur = NULL;
    while (fgets(line, sizeof(line), f)) {
        long long id;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '[' && strstr(line, " goroutines]")) {
            section++;
            continue;
        }
        if (section == 1 && sscanf(line + 2, "Goroutine %lld -", &id) == 1) {
            for (size_t i = 0; i < n; i++)
                if (dg[i].id == id)
                    snprintf(dg[i].start, sizeof(dg[i].start), "%s", line);
            continue;
        }
        if (section == 0 && sscanf(line + 2, "Goroutine %lld -", &id) == 1 && n < max) {
            memset(&dg[n], 0, sizeof(dg[n]));
            dg[n].id = id;
            snprintf(dg[n].line, sizeof(dg[n].line), "%s", line);
            n++;
            continue;
        }
        long long from, to;
        if (sscanf(line, "Switched from %lld to %lld", &from, &to) == 2) {
            cur = NULL;
            for (size_t i = 0; i < n; i++)
                if (dg[i].id == to)
                    cur = &dg[i];
            continue;
        }
        if (strstr(line, "unknown goroutine") || strstr(line, "Command failed")) {
            cur = NULL;
            continue;
        }
        unsigned long long pc;
        char fn[256], loc[512];
        int idx;
        if (sscanf(line, " %d 0x%llx in %255s", &idx, &pc, fn) == 3) {
            snprintf(pending, sizeof(pending), "%#llx %s", pc, fn);
            continue;
        }
        if (pending[0] && sscanf(line, " at %511s", loc) == 1) {
            if (cur && cur->nframes < 64)
                snprintf(cur->frames[cur->nframes++], sizeof(cur->frames[0]), "%s %s", pending,
                         loc);
            pending[0] = '\0';
        }
    }
    fclose(f);
    return n;
}

/* S without the line numbers after ".go:" / ".s:" (for the one known difference below). */
static void no_line(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 1 < n; i++) {
        out[o++] = in[i];
        if (in[i] == ':' && i > 0 && (in[i - 1] == 'o' || in[i - 1] == 's'))
            while (in[i + 1] >= '0' && in[i + 1] <= '9')
                i++;
    }
    out[o] = '\0';
}

/* Frame F of ours (OURS) against dlv's (D, frame F of DF). Above runtime.asyncPreempt (a goroutine
 * the runtime preempted while it ran: the spinner, when sysmon got to it before the crash) the pc
 * is the interrupted instruction: we look its line up at the pc, as Go's traceback does; dlv 1.20
 * at pc - 1, so its line can be the one before. The pc and function must still agree. */
static bool frame_eq(const char *ours, const struct dlv_g *d, size_t f)
{
    if (strcmp(ours, d->frames[f]) == 0)
        return true;
    if (f == 0 || !strstr(d->frames[f - 1], " runtime.asyncPreempt "))
        return false;
    char a[1024], b[1024];
    no_line(ours, a, sizeof(a));
    no_line(d->frames[f], b, sizeof(b));
    return strcmp(a, b) == 0;
}

static bool preempted(const struct dlv_g *d)
{
    for (size_t f = 0; f < d->nframes; f++)
        if (strstr(d->frames[f], " runtime.asyncPreempt "))
            return true;
    return false;
}

START_TEST(test_dlv)
{
    if (!have_dlv) {
        fprintf(stderr, "dlv not installed: comparison skipped\n");
        return;
    }
    static struct dlv_g dg[64];
    size_t nd = parse_dlv(dg, 64);
    ck_assert_uint_ge(nd, 10);
    struct look l;
    look_take(&l);
    size_t live = 0, nsig = 0, nparked = 0;
    bool star = false;
    for (size_t i = 0; i < l.n; i++) {
        const struct gort_g *g = &l.gs[i];
        if (gort_status_is(l.rt, g->status, GORT_DEAD))
            continue;
        live++;
        struct dlv_g *d = NULL;
        for (size_t j = 0; j < nd; j++)
            if (dg[j].id == g->goid)
                d = &dg[j];
        ck_assert_msg(d, "goroutine %lld not listed by dlv", (long long)g->goid);
        char ours[1024];
        bool current = (long)i == l.crashing;
        star |= current;
        gort_format_goroutine(l.rt, g, "User", &l.user[i], current, ours, sizeof(ours));
        char a[1024], b[1024];
        no_line(ours, a, sizeof(a));
        no_line(d->line, b, sizeof(b));
        ck_assert_msg(strcmp(ours, d->line) == 0 || (preempted(d) && strcmp(a, b) == 0),
                      "goroutine %lld\n ours: %s\n dlv:  %s", (long long)g->goid, ours, d->line);
        /* Start: the go statement's wrapper closures (DW_AT_trampoline) looked through. */
        struct gort_loc sl;
        gort_start_loc(l.rt, g, &sl);
        gort_format_goroutine(l.rt, g, "Start", &sl, current, ours, sizeof(ours));
        ck_assert_msg(strcmp(ours, d->start) == 0, "start of %lld\n ours: %s\n dlv:  %s",
                      (long long)g->goid, ours, d->start);
        if (l.user[i].func && strcmp(l.user[i].func, "main.parked") == 0) {
            ck_assert_str_eq(sl.func, "main.parked");
            nparked++;
        }
        struct gort_frame fr[64];
        size_t nf;
        char fs[64][1024];
        ck_assert_int_eq(gort_stack(l.rt, g, fr, 61, &nf, NULL), 0);
        for (size_t f = 0; f < nf; f++)
            snprintf(fs[f], sizeof(fs[f]), "%#llx %s %s:%u", (unsigned long long)fr[f].pc,
                     fr[f].func ? fr[f].func : "?", fr[f].file ? fr[f].file : "?", fr[f].line);
        /* Through a signal frame dlv 1.20 and we part: dlv shows sigtramp's return address (the
         * restorer, runtime.sigreturn) as a frame and unwinds it by its CFI, which skips what the
         * signal interrupted; we continue at the ucontext's registers (raise and dieFromSignal
         * inside runtime.crash here), as gdb does. Compared: the frames up to sigtramp, and the
         * frames dlv has after the restorer against our last ones; ours must have at least one
         * interrupted frame in between. */
        size_t k = d->nframes;
        for (size_t f = 1; f < d->nframes; f++)
            if (strstr(d->frames[f], " runtime.sigreturn ") &&
                strstr(d->frames[f - 1], " runtime.sigtramp "))
                k = f;
        size_t tail = k < d->nframes ? d->nframes - k - 1 : 0;
        bool ok = k < d->nframes ? nf > k + tail : nf == d->nframes;
        for (size_t f = 0; ok && f < k && f < nf; f++)
            ok = frame_eq(fs[f], d, f);
        for (size_t f = 0; ok && f < tail; f++)
            ok = frame_eq(fs[nf - tail + f], d, k + 1 + f);
        if (!ok)
            for (size_t f = 0; f < nf || f < d->nframes; f++)
                fprintf(stderr, "goroutine %lld frame %zu\n ours: %s\n dlv:  %s\n",
                        (long long)g->goid, f, f < nf ? fs[f] : "-",
                        f < d->nframes ? d->frames[f] : "-");
        ck_assert_msg(ok, "goroutine %lld: the stack differs from dlv's (above)",
                      (long long)g->goid);
        nsig += k < d->nframes;
    }
    /* The crashing goroutine's stack crosses the SIGABRT handler's frame. */
    ck_assert_uint_ge(nsig, 1);
    ck_assert_uint_eq(nparked, 4);
    ck_assert(star);
    ck_assert_uint_eq(live, nd);
    look_free(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("core_target");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_open);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_goroutines);
    tcase_add_test(tc, test_dlv);
    suite_add_tcase(s, tc);
    return s;
}

/* ------------------------------------------------------------------ set-up */

/* Builds coretest-debug as tests/integration/corefile_real.sh does (same path, same flags), unless
 * it is newer than its source. 0, 77 (no go), 1. */
static int build_target(const char *src)
{
    char gosrc[4200];
    static char cmd[65536];
    snprintf(gosrc, sizeof(gosrc), "%s/tests/targets/coretest/main.go", src);
    struct stat ss, sb;
    if (stat(bin, &sb) == 0 && stat(gosrc, &ss) == 0 && sb.st_mtime >= ss.st_mtime)
        return 0;
    if (system("command -v go >/dev/null 2>&1") != 0) {
        fprintf(stderr, "go not installed: skipped\n");
        return 77;
    }
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && GOCACHE='%s/.gocache' GOPATH='%s/.gopath' GO111MODULE=off GOFLAGS= "
             "GOPROXY=off CGO_ENABLED=0 HOME=\"${HOME:-%s}\" go build -o '%s.ct%d' "
             "-ldflags=-compressdwarf=false -gcflags=all='-N -l' '%s' >&2 && mv -f '%s.ct%d' '%s'",
             out_dir, out_dir, out_dir, out_dir, bin, (int)getpid(), gosrc, bin, (int)getpid(),
             bin);
    return system(cmd) == 0 ? 0 : 1;
}

/* Runs `coretest panic` in DIR with cores on and GOTRACEBACK=crash; finds the core it leaves there.
 * 0, 77 (no core written here), 1. */
static int make_core(const char *dir)
{
    char cmd[9000];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0)
        return 1;
    FILE *pf = fopen("/proc/sys/kernel/core_pattern", "r");
    char pattern[256] = "";
    if (pf) {
        if (!fgets(pattern, sizeof(pattern), pf))
            pattern[0] = '\0';
        fclose(pf);
    }
    if (pattern[0] == '|') {
        fprintf(stderr, "core_pattern is a pipe (%s): no kernel core here, skipped\n", pattern);
        return 77;
    }
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
        if (chdir(dir) != 0 || setrlimit(RLIMIT_CORE, &rl) != 0)
            _exit(126);
        setenv("GOTRACEBACK", "crash", 1);
        int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, bin, "panic", (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return 1;
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT) {
        fprintf(stderr, "coretest did not die of SIGABRT (status %#x): see %s/out\n", st, dir);
        return 1;
    }
    DIR *d = opendir(dir);
    struct dirent *e;
    core_path[0] = '\0';
    while (d && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "core", 4) == 0)
            snprintf(core_path, sizeof(core_path), "%s/%s", dir, e->d_name);
    if (d)
        closedir(d);
    if (!core_path[0]) {
        fprintf(stderr, "no core file in %s (core_pattern '%s', dumped: %d): skipped\n", dir,
                pattern, WCOREDUMP(st) ? 1 : 0);
        return 77;
    }
    return 0;
}

/* dlv core on the core, once: every goroutine and each one's stack. */
static void run_dlv(const char *dir)
{
    have_dlv = system("command -v dlv >/dev/null 2>&1") == 0;
    if (!have_dlv)
        return;
    char init[4400], cmd[20000];
    snprintf(init, sizeof(init), "%s/dlv-init.txt", dir);
    snprintf(dlv_out, sizeof(dlv_out), "%s/dlv-out.txt", dir);
    FILE *f = fopen(init, "w");
    if (!f) {
        have_dlv = false;
        return;
    }
    fprintf(f, "goroutines\ngoroutines -s\n");
    for (int id = 1; id <= 40; id++)
        fprintf(f, "goroutine %d\nstack 60\n", id);
    fprintf(f, "exit\n");
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "HOME='%s' timeout 60 dlv core '%s' '%s' --init '%s' "
             "--allow-non-terminal-interactive=true </dev/null >'%s' 2>&1",
             dir, bin, core_path, init, dlv_out);
    if (system(cmd) != 0)
        fprintf(stderr, "dlv core exited with an error: see %s\n", dlv_out);
}

int main(void)
{
    const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");
    if (!src || !build) {
        fprintf(stderr, "top_srcdir/top_builddir not set (run through make check)\n");
        return 77;
    }
    snprintf(out_dir, sizeof(out_dir), "%s/tests/targets/coretest", build);
    snprintf(bin, sizeof(bin), "%s/coretest-debug", out_dir);
    char cmd[4300];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", out_dir);
    if (system(cmd) != 0)
        return 1;
    int rc = build_target(src);
    if (rc != 0)
        return rc;
    char dir[4300];
    snprintf(dir, sizeof(dir), "%s/core-target", out_dir);
    rc = make_core(dir);
    if (rc != 0)
        return rc;
    run_dlv(dir);
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (!failed)
        unlink(core_path);
    return failed ? 1 : 0;
}
