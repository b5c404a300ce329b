/*
 * tests/unit/test_values.c - goruntime/value against a real stopped Go process
 * (tests/targets/valtest, built by its build.sh into the build tree), compared with what
 * `dlv attach` prints for the same variables of the same process, plus hostile memory through a
 * fake reader (random bytes, garbage pointers, huge lengths: never a crash, bounded output).
 *
 * dlv runs first (it detaches and leaves the process parked), then the test seizes every thread
 * with ptrace and reads /proc/PID/mem, so both look at the same bytes and no address needs to be
 * normalised. Differences that are dlv's own mistakes or known gaps of ours are listed in
 * `differences` with the reason.
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
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/goruntime/eval.h"
#include "frontend/goruntime/goroutines.h"
#include "frontend/goruntime/unwind.h"
#include "frontend/goruntime/value.h"
#include "frontend/sym/func.h"
#include "frontend/sym/type.h"
#include "frontend/sym/var.h"

static char bin_dir[4096], dbg_bin[4200], opt_bin[4200];
static pid_t dbg_pid;

/* ------------------------------------------------------------------ a stopped process */

struct proc {
    pid_t pid;
    int memfd;
    pid_t tids[256];
    size_t ntids;
};

static int proc_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct proc *p = ctx;
    ssize_t n = pread(p->memfd, buf, len, (off_t)addr);
    return n == (ssize_t)len ? 0 : -EIO;
}

static const struct gomem_ops proc_ops = {proc_read_mem, NULL, NULL};

static void proc_attach(struct proc *p, pid_t pid)
{
    memset(p, 0, sizeof(*p));
    p->pid = pid;
    for (bool more = true; more;) {
        more = false;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/task", pid);
        DIR *d = opendir(path);
        ck_assert_msg(d, "no %s", path);
        struct dirent *e;
        while ((e = readdir(d))) {
            long tid = strtol(e->d_name, NULL, 10);
            bool known = false;
            for (size_t i = 0; i < p->ntids; i++)
                known |= p->tids[i] == tid;
            if (tid <= 0 || known || p->ntids == 256)
                continue;
            ck_assert_msg(ptrace(PTRACE_SEIZE, (pid_t)tid, NULL, NULL) == 0, "seize %ld: %s", tid,
                          strerror(errno));
            ck_assert(ptrace(PTRACE_INTERRUPT, (pid_t)tid, NULL, NULL) == 0);
            int st;
            ck_assert(waitpid((pid_t)tid, &st, __WALL) == (pid_t)tid);
            p->tids[p->ntids++] = (pid_t)tid;
            more = true;
        }
        closedir(d);
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", pid);
    p->memfd = open(path, O_RDONLY);
    ck_assert(p->memfd >= 0);
}

static void proc_detach(struct proc *p)
{
    for (size_t i = 0; i < p->ntids; i++)
        ptrace(PTRACE_DETACH, p->tids[i], NULL, NULL);
    close(p->memfd);
}

/* Starts BIN and waits for its "READY" line. */
static pid_t start_target(const char *bin)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("GOGC", "off", 1); /* no collection between dlv's look and ours */
        dup2(fds[1], 1);
        close(fds[0]);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[128] = "";
    if (!fgets(line, sizeof(line), f) || strncmp(line, "READY", 5) != 0) {
        fprintf(stderr, "%s did not start: '%s'\n", bin, line);
        kill(pid, SIGKILL);
        pid = -1;
    }
    fclose(f);
    if (pid > 0)
        usleep(300 * 1000); /* main prints READY, then parks in a chan receive */
    return pid;
}

static void stop_target(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* ------------------------------------------------------------------ what dlv prints */

/* Every package variable of valtest (main.go's var block). */
static const char *const names[] = {
    "I",      "I8",    "I16",   "I32",     "I64",    "U",      "U8",       "U16",      "U32",
    "U64",    "UP",    "F32",   "F64",     "FBig",   "FSmall", "FNaN",     "FInf",     "C64",
    "C128",   "Col",   "ColX",  "Fl",      "Fl0",    "ColArr", "B",        "BF",       "R",
    "By",     "K",     "S",     "SEmpty",  "SLong",  "SEsc",   "Arr",      "ArrS",     "Arr0",
    "ArrBig", "Sl",    "SlNil", "SlEmpty", "SlBig",  "SlStr",  "Bytes",    "Mat",      "M",
    "MNil",   "MInt",  "MPtr",  "MBig",    "Ptr",    "PtrNil", "PP",       "PInt",     "Out",
    "OutP",   "Emb",   "Cyc",   "Eface",   "EfaceS", "EfaceP", "EfaceNil", "Err",      "ErrNil",
    "ErrF",   "Sh",    "Ch",    "ChNil",   "ChU",    "Fn",     "FnNil",    "FnTop",    "UPtr",
    "Anon",   "Deep",  "Str2",  "IfSl",    "MIf",    "SArr",   "LongStrs", "ShortStr", "HP",
    "ManyV",  "Empty", "MSet",  "MRect",   "PtrArr", "PStr",   "Closure",  "U16Arr",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Where we knowingly print something else than dlv, and why. */
static const struct {
    const char *name;
    const char *why;
} differences[] = {
    {"-", "none known: every variable of valtest prints as dlv prints it"},
};

/* Expressions and frame commands checked against dlv besides the package variables: HOW says
 * what we run (FRAME: evaluated in main.stop's frame of goroutine 1, dlv's `frame 3`). */
enum how { GLOBAL, EXPR, FRAME, LOCALS, ARGS, WHATIS };
/* Casts of addresses taken from DWARF (main.Out, main.I), filled in by main(). */
static char cast_dlv[160], cast_expr[128], castint_dlv[160], castint_expr[128];
static const struct check {
    const char *key, *dlv;
    enum how how;
    const char *expr;
} checks[] = {
    {"field", "print main.Out.In.Name", EXPR, "main.Out.In.Name"},
    {"autoderef", "print main.OutP.In.Tags", EXPR, "main.OutP.In.Tags"},
    {"autoderef2", "print main.OutP.Next.Next.P.Tags[2]", EXPR, "main.OutP.Next.Next.P.Tags[2]"},
    {"deref", "print *main.PInt", EXPR, "*main.PInt"},
    {"derefstruct", "print *main.Ptr", EXPR, "*main.Ptr"},
    {"pp", "print **main.PP", EXPR, "**main.PP"},
    {"cyc", "print main.Cyc.Next.Next.Next.Val", EXPR, "main.Cyc.Next.Next.Next.Val"},
    {"arr", "print main.Arr[2]", EXPR, "main.Arr[2]"},
    {"arrbig", "print main.ArrBig[99]", EXPR, "main.ArrBig[99]"},
    {"slice", "print main.SlBig[50]", EXPR, "main.SlBig[50]"},
    {"mat", "print main.Mat[1]", EXPR, "main.Mat[1]"},
    {"strindex", "print main.S[1]", EXPR, "main.S[1]"},
    {"mapstr", "print main.M[\"two\"]", EXPR, "main.M[\"two\"]"},
    {"mapint", "print main.MInt[-2]", EXPR, "main.MInt[-2]"},
    {"mapbig", "print main.MBig[77]", EXPR, "main.MBig[77]"},
    {"mapptr", "print main.MPtr[main.Ptr]", EXPR, "main.MPtr[main.Ptr]"},
    {"len", "print len(main.SlStr)", EXPR, "len(main.SlStr)"},
    {"cap", "print cap(main.Sl)", EXPR, "cap(main.Sl)"},
    {"lenmap", "print len(main.MBig)", EXPR, "len(main.MBig)"},
    {"lenstr", "print len(main.SLong)", EXPR, "len(main.SLong)"},
    {"lenarr", "print len(main.ArrBig)", EXPR, "len(main.ArrBig)"},
    {"lenchan", "print len(main.Ch)", EXPR, "len(main.Ch)"},
    {"capchan", "print cap(main.Ch)", EXPR, "cap(main.Ch)"},
    {"add", "print main.I + 2", EXPR, "main.I + 2"},
    {"mul", "print main.I * main.I", EXPR, "main.I * main.I"},
    {"div", "print main.I / 5", EXPR, "main.I / 5"},
    {"fadd", "print main.F64 + 1", EXPR, "main.F64 + 1"},
    {"cmp", "print main.I < 0", EXPR, "main.I < 0"},
    {"cmpstr", "print main.S == \"hello, world\"", EXPR, "main.S == \"hello, world\""},
    {"land", "print main.B && !main.BF", EXPR, "main.B && !main.BF"},
    {"lor", "print main.BF || main.I > 100", EXPR, "main.BF || main.I > 100"},
    {"nilptr", "print main.PtrNil == nil", EXPR, "main.PtrNil == nil"},
    {"nilmap", "print main.MNil == nil", EXPR, "main.MNil == nil"},
    {"nilerr", "print main.Err != nil", EXPR, "main.Err != nil"},
    {"lit", "print \"lit\"", EXPR, "\"lit\""},
    {"mapexprkey", "print main.MInt[main.I+43]", EXPR, "main.MInt[main.I+43]"},
    {"mapstrkey2", "print main.M[\"t\"+main.S[7:9]]", EXPR, "main.M[\"t\"+main.S[7:9]]"},
    {"concat", "print main.S + \"!\"", EXPR, "main.S + \"!\""},
    {"cmplong", "print main.SLong == main.SLong", EXPR, "main.SLong == main.SLong"},
    {"cmplong2", "print main.SLong < main.SLong[:71]", EXPR, "main.SLong < main.SLong[:71]"},
    {"mapstrkey", "print main.M[main.S[0:3]+\"e\"]", EXPR, "main.M[main.S[0:3]+\"e\"]"},
    {"litnum", "print 1 + 2*3", EXPR, "1 + 2*3"},
    {"embed", "print main.Emb.Name", EXPR, "main.Emb.Name"},
    {"iface", "print main.ErrF", EXPR, "main.ErrF"},
    {"locals", "frame 3 locals", LOCALS, NULL},
    {"args", "frame 3 args", ARGS, NULL},
    {"shadow", "frame 3 print li", FRAME, "li"},
    {"local", "frame 3 print lo", FRAME, "lo"},
    {"localidx", "frame 3 print lsl[1]", FRAME, "lsl[1]"},
    {"localmap", "frame 3 print lm[\"k\"]", FRAME, "lm[\"k\"]"},
    {"arg", "frame 3 print p.Tags", FRAME, "p.Tags"},
    {"argexpr", "frame 3 print n * 2 == li", FRAME, "n * 2 == li"},
    {"escaped", "frame 3 print esc + 1", FRAME, "esc + 1"},
    {"pkgfromframe", "frame 3 print Out.ID", FRAME, "Out.ID"},
    {"curg", "print runtime.curg.goid", FRAME, "runtime.curg.goid"},
    {"nosym", "print nosuch", EXPR, "nosuch"},
    {"notstruct", "print main.I.X", EXPR, "main.I.X"},
    {"parse", "print (1", EXPR, "(1"},
    {"conv", "print main.Color(2)", EXPR, "main.Color(2)"},
    {"convarith", "print main.Kind(3) + main.K", EXPR, "main.Kind(3) + main.K"},
    {"ptrarr", "print (&main.Arr)[1]", EXPR, "(&main.Arr)[1]"},
    {"addr", "print &main.I", EXPR, "&main.I"},
    {"slice2", "print main.SlBig[2:5]", EXPR, "main.SlBig[2:5]"},
    {"slicestr", "print main.S[7:]", EXPR, "main.S[7:]"},
    {"slicestr0", "print main.S[3:3]", EXPR, "main.S[3:3]"},
    {"slicecap", "print main.Sl[1:4]", EXPR, "main.Sl[1:4]"},
    {"slicearr", "print main.Arr[1:]", EXPR, "main.Arr[1:]"},
    {"sliceoob", "print main.Sl[2:9]", EXPR, "main.Sl[2:9]"},
    {"slicelen", "print len(main.SlStr[1:])", EXPR, "len(main.SlStr[1:])"},
    {"whatis", "whatis main.Out", WHATIS, "main.Out"},
    {"whatiserr", "whatis main.Err", WHATIS, "main.Err"},
    {"whatisnilerr", "whatis main.ErrNil", WHATIS, "main.ErrNil"},
    {"whatiseface", "whatis main.Eface", WHATIS, "main.Eface"},
    {"whatisexpr", "whatis main.I + 1", WHATIS, "main.I + 1"},
    {"whatisfield", "whatis main.OutP.In.Tags[0]", WHATIS, "main.OutP.In.Tags[0]"},
    {"whatiscol", "whatis main.Col", WHATIS, "main.Col"},
    {"whatismap", "whatis main.M", WHATIS, "main.M"},
    {"whatisch", "whatis main.Ch", WHATIS, "main.Ch"},
    {"cast", cast_dlv, EXPR, cast_expr},
    {"castint", castint_dlv, EXPR, castint_expr},
};
#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static char *dlv_text[NNAMES + NCHECKS];
static bool have_dlv;

static const char *difference(const char *name)
{
    for (size_t i = 0; i < sizeof(differences) / sizeof(differences[0]); i++)
        if (strcmp(differences[i].name, name) == 0)
            return differences[i].why;
    return NULL;
}

static const char *key_of(size_t i)
{
    return i < NNAMES ? names[i] : checks[i - NNAMES].key;
}

/* Runs dlv attach on PID: each package variable and each check, between marker lines. */
static void run_dlv(pid_t pid)
{
    char init[4300], out[4300], cmd[9000];
    snprintf(init, sizeof(init), "%s/dlv-init.txt", bin_dir);
    snprintf(out, sizeof(out), "%s/dlv-out.txt", bin_dir);
    FILE *f = fopen(init, "w");
    if (!f)
        return;
    for (size_t i = 0; i < NNAMES; i++)
        fprintf(f, "print \"@@ %s\"\nprint main.%s\n", names[i], names[i]);
    fprintf(f, "goroutine 1\n");
    for (size_t i = 0; i < NCHECKS; i++)
        fprintf(f, "print \"@@ %s\"\n%s\n", checks[i].key, checks[i].dlv);
    fprintf(f, "print \"@@ end\"\nexit\n");
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "timeout 120 dlv attach %d --init '%s' --allow-non-terminal-interactive=true "
             "</dev/null >'%s' 2>&1",
             (int)pid, init, out);
    if (system(cmd) < 0)
        return;
    f = fopen(out, "r");
    if (!f)
        return;
    char line[65536];
    int cur = -1;
    size_t len = 0;
    static char acc[1 << 20];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "\"@@ ", 4) == 0) {
            if (cur >= 0) {
                while (len && acc[len - 1] == '\n')
                    len--;
                acc[len] = '\0';
                dlv_text[cur] = strdup(acc);
            }
            line[strcspn(line + 4, "\"") + 4] = '\0';
            cur = -1;
            for (size_t i = 0; i < NNAMES + NCHECKS; i++)
                if (strcmp(key_of(i), line + 4) == 0)
                    cur = (int)i;
            len = 0;
            continue;
        }
        if (strncmp(line, "Switched from", 13) == 0)
            continue;
        size_t n = strlen(line);
        if (cur >= 0 && len + n < sizeof(acc)) {
            memcpy(acc + len, line, n);
            len += n;
        }
    }
    fclose(f);
    have_dlv = dlv_text[0] != NULL;
}

/* ------------------------------------------------------------------ our text */

static char *format_global(struct sym_image *img, struct gort_values *vs, const char *name,
                           const struct gort_load_config *cfg, bool multiline)
{
    char full[128];
    snprintf(full, sizeof(full), "main.%s", name);
    struct sym_global g;
    ck_assert_msg(sym_global_by_name(img, full, &g) == 0, "%s not in DWARF", full);
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 20);
    struct gort_value_src src = {g.addr, NULL, 0};
    ck_assert_int_eq(gort_value_format(vs, g.type, &src, cfg, multiline, &b), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
    return (char *)rsp_buf_take(&b, NULL);
}

/* main.stop's frame of goroutine 1 (parked in a chan receive inside it). */
static void stop_frame(struct sym_image *img, const struct gomem *mem, struct gort_eval_frame *fr,
                       size_t *index)
{
    struct gort *rt;
    const char *why = NULL;
    ck_assert_int_eq(gort_new(img, mem, &rt, &why), 0);
    struct gort_g *gs;
    size_t n;
    ck_assert_int_eq(gort_goroutines(rt, NULL, 0, &gs, &n), 0);
    memset(fr, 0, sizeof(*fr));
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        if (gs[i].goid != 1)
            continue;
        struct gort_frame frames[64];
        size_t count;
        ck_assert_int_eq(gort_stack(rt, &gs[i], frames, 64, &count, NULL), 0);
        for (size_t j = 0; j < count && !found; j++)
            if (frames[j].func && strcmp(frames[j].func, "main.stop") == 0) {
                ck_assert_int_eq(sym_func_by_addr(img, frames[j].lookup_pc, &fr->fn), 0);
                fr->pc = frames[j].lookup_pc;
                fr->cfa = frames[j].cfa;
                fr->line = frames[j].line;
                fr->curg = gs[i].addr;
                *index = j;
                found = true;
            }
    }
    ck_assert_msg(found, "main.stop not on goroutine 1's stack");
    free(gs);
    gort_free(rt);
}

/* Our text for check I (package variables first, then checks[]). */
static char *ours_for(struct gort_values *vs, const struct gort_eval_frame *fr, size_t i)
{
    struct gort_eval_frame none = {0};
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 20);
    char expr[128], err[256] = "";
    struct gort_eval_result r;
    int rc = 0;
    enum how how = i < NNAMES ? GLOBAL : checks[i - NNAMES].how;
    if (how == GLOBAL)
        snprintf(expr, sizeof(expr), "main.%s", names[i]);
    else if (how == EXPR || how == FRAME)
        snprintf(expr, sizeof(expr), "%s", checks[i - NNAMES].expr);
    if (how == WHATIS) {
        snprintf(expr, sizeof(expr), "%s", checks[i - NNAMES].expr);
        if (gort_eval(vs, &none, expr, &r, err, sizeof(err)) == 0)
            ck_assert_int_eq(gort_eval_whatis(vs, &r, &b), 0);
        else
            ck_assert_int_eq(rsp_buf_addf(&b, "%s", err), 0);
        while (b.len && b.data[b.len - 1] == '\n')
            b.len--;
    } else if (how == LOCALS || how == ARGS) {
        ck_assert_int_eq(gort_eval_locals(vs, fr, how == ARGS, &gort_load_locals, &b), 0);
        while (b.len && b.data[b.len - 1] == '\n')
            b.len--;
    } else {
        rc = gort_eval(vs, how == FRAME ? fr : &none, expr, &r, err, sizeof(err));
        if (rc == 0)
            ck_assert_int_eq(gort_eval_format(vs, &r, &gort_load_print, true, &b), 0);
        else
            ck_assert_int_eq(rsp_buf_addf(&b, "%s", err), 0);
    }
    ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
    return (char *)rsp_buf_take(&b, NULL);
}

START_TEST(test_print_like_dlv)
{
    if (!have_dlv) {
        fprintf(stderr, "dlv not available: comparison skipped\n");
        return;
    }
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    struct proc p;
    proc_attach(&p, dbg_pid);
    struct gomem mem = {&proc_ops, &p};
    struct gort_values *vs;
    ck_assert_int_eq(gort_values_new(img, &mem, &vs), 0);
    struct gort_eval_frame fr;
    size_t index = 0;
    stop_frame(img, &mem, &fr, &index);
    ck_assert_int_eq(index, 3); /* dlv's `frame 3` in checks[] */
    int bad = 0, same = 0;
    for (size_t i = 0; i < NNAMES + NCHECKS; i++) {
        char *ours = ours_for(vs, &fr, i);
        if (i < NNAMES) { /* the value printer alone must agree with the evaluator's result */
            char *direct = format_global(img, vs, names[i], &gort_load_print, true);
            ck_assert_str_eq(direct, ours);
            free(direct);
        }
        const char *want = dlv_text[i] ? dlv_text[i] : "(dlv printed nothing)";
        /* An error in an --init file: "FILE:LINE: message". */
        size_t dl = strlen(bin_dir);
        if (strncmp(want, bin_dir, dl) == 0 && strncmp(want + dl, "/dlv-init.txt:", 14) == 0) {
            const char *m = strchr(want + dl + 14, ':');
            if (m && m[1] == ' ')
                want = m + 2;
        }
        const char *why = difference(key_of(i));
        if (strcmp(ours, want) == 0) {
            same++;
        } else if (why) {
            fprintf(stderr, "known difference %s (%s):\n  dlv:  %s\n  ours: %s\n", key_of(i), why,
                    want, ours);
        } else {
            fprintf(stderr, "DIFFER %s:\n--- dlv\n%s\n--- ours\n%s\n", key_of(i), want, ours);
            bad++;
        }
        free(ours);
    }
    fprintf(stderr, "print/locals/args: %d of %zu the same as dlv\n", same, NNAMES + NCHECKS);
    gort_values_free(vs);
    proc_detach(&p);
    sym_image_free(img);
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* The one-line form (locals, args, and values inside others) with dlv's locals configuration:
 * expected texts observed with dlv's `locals` on locals of the same kinds (valtest's main.stop). */
static const struct {
    const char *name, *want;
} oneline[] = {
    {"I", "-42"},
    {"S", "\"hello, world\""},
    {"Sl", "[]int len: 3, cap: 4, [...]"},
    {"SlNil", "[]int len: 0, cap: 0, nil"},
    {"M", "map[string]int [...]"},
    {"MNil", "map[string]int nil"},
    {"Ch", "chan int 2/5"},
    {"ChNil", "chan int nil"},
    {"PtrNil", "*main.Inner nil"},
    {"Err", "error(*errors.errorString) 0x"}, /* the data word's own address: dlv's quirk */
    {"ErrNil", "error nil"},
    {"Eface", "interface {}(int) 5"},
    {"Fn", "main.glob..func1"},
    {"FnNil", "nil"},
    {"Anon", "struct { A int; B string } {A: 1, B: \"anon\"}"},
    {"Out", "main.Outer {ID: -7, In: (*main.Inner)(0x"},
};

START_TEST(test_oneline)
{
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    struct proc p;
    proc_attach(&p, dbg_pid);
    struct gomem mem = {&proc_ops, &p};
    struct gort_values *vs;
    ck_assert_int_eq(gort_values_new(img, &mem, &vs), 0);
    for (size_t i = 0; i < sizeof(oneline) / sizeof(oneline[0]); i++) {
        char *ours = format_global(img, vs, oneline[i].name, &gort_load_locals, false);
        ck_assert_msg(strncmp(ours, oneline[i].want, strlen(oneline[i].want)) == 0,
                      "%s: want '%s', got '%s'", oneline[i].name, oneline[i].want, ours);
        ck_assert_ptr_null(strchr(ours, '\n'));
        free(ours);
    }
    /* whatis */
    struct sym_global g;
    ck_assert_int_eq(sym_global_by_name(img, "main.Out", &g), 0);
    struct rsp_buf b;
    rsp_buf_init(&b, 256);
    ck_assert_int_eq(gort_type_name(vs, g.type, &b), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
    ck_assert_str_eq((char *)b.data, "main.Outer");
    rsp_buf_fini(&b);
    gort_values_free(vs);
    proc_detach(&p);
    sym_image_free(img);
}
END_TEST

/* The optimized build has the same package variables: they must print the same text as the -N -l
 * build prints them (values are set at run time identically; only addresses differ). */
START_TEST(test_optimized_build)
{
    pid_t pid = start_target(opt_bin);
    ck_assert_int_gt(pid, 0);
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(opt_bin, &img), 0);
    struct proc p;
    proc_attach(&p, pid);
    struct gomem mem = {&proc_ops, &p};
    struct gort_values *vs;
    ck_assert_int_eq(gort_values_new(img, &mem, &vs), 0);
    static const char *const plain[] = {"I",     "SLong", "SEsc", "ArrBig", "SlStr", "M",
                                        "Eface", "ErrF",  "Sh",   "Emb",    "C128",  "FSmall"};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        char *ours = format_global(img, vs, plain[i], &gort_load_print, true);
        for (size_t j = 0; j < NNAMES; j++)
            if (have_dlv && strcmp(names[j], plain[i]) == 0)
                ck_assert_msg(strcmp(ours, dlv_text[j]) == 0, "%s: '%s' vs '%s'", plain[i], ours,
                              dlv_text[j]);
        free(ours);
    }
    /* Locals and args of the optimized main.stop, where Go keeps some in registers and drops
     * others: what dlv 1.20.2 printed for the same frame (its readings of ls, lm, le and ~r0 there
     * are garbage or "empty OP stack"; see doc/internals/values.md). */
    struct gort_eval_frame fr;
    size_t index;
    stop_frame(img, &mem, &fr, &index);
    ck_assert_int_eq(index, 3);
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 16);
    ck_assert_int_eq(gort_eval_locals(vs, &fr, false, &gort_load_locals, &b), 0);
    ck_assert_int_eq(gort_eval_locals(vs, &fr, true, &gort_load_locals, &b), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
    fprintf(stderr, "optimized main.stop:\n%s", (char *)b.data);
    static const char *const want[] = {"\nlp = (*main.Inner)(0x", "\nn = 21\n",
                                       "\np = (*main.Inner)(0x",
                                       "\nlo = main.Outer {ID: -7, In: (*main.Inner)(0xc"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_msg(strstr((char *)b.data, want[i]), "no '%s'", want[i] + 1);
    rsp_buf_fini(&b);
    gort_values_free(vs);
    proc_detach(&p);
    stop_target(pid);
    sym_image_free(img);
}
END_TEST

/* set: numbers, bools and pointers written through /proc/PID/mem, read back, then restored. */
static int proc_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
    int fd = *(int *)ctx;
    return pwrite(fd, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -EIO;
}

static const struct {
    const char *lhs, *rhs, *frame_expr, *want; /* want: the text of lhs after, or an error */
} sets[] = {
    {"main.I", "7", NULL, "7"},
    {"main.I", "main.I * -3 + 1", NULL, "-20"},
    {"main.U8", "256 + 3", NULL, "3"},
    {"main.F64", "2.5", NULL, "2.5"},
    {"main.F32", "main.F32 * 2", NULL, "3"},
    {"main.BF", "true", NULL, "true"},
    {"main.BF", "!main.BF", NULL, "false"},
    {"main.PtrNil", "main.Ptr", NULL,
     "*main.Inner {Name: \"inner\", Tags: []string len: 3, cap: 3, [\"a\",\"b\",\"c\"]}"},
    {"main.PtrNil", "nil", NULL, "*main.Inner nil"},
    {"main.Out.ID", "-70", NULL, "-70"},
    /* refused, with dlv 1.20.2's words for the same commands */
    {"main.OutP.In.Name", "\"x\"", NULL,
     "literal string can not be allocated because function calls are not allowed without using "
     "'call'"},
    {"main.B", "1", NULL, "can not convert 1 constant to bool"},
    {"main.I", "1.5", NULL, "can not convert 1.5 constant to int"},
    {"main.PtrNil", "main.OutP", NULL, "can not convert value of type *main.Outer to *main.Inner"},
    {"main.U8", "259", NULL, "3"}, /* truncated, as dlv does */
    {"main.PtrNil", "&main.Out.In", NULL,
     "*main.Inner {Name: \"inner\", Tags: []string len: 3, cap: 3, [\"a\",\"b\",\"c\"]}"},
    {"main.PtrNil", "&main.Out", NULL, "can not convert value of type *main.Outer to *main.Inner"},
    {"main.PtrNil", "nil", NULL, "*main.Inner nil"},
    {"li", "5", "li", "5"},
    {"n", "n + 1", "n", "22"},
    /* restore */
    {"main.I", "-42", NULL, "-42"},
    {"main.U8", "255", NULL, "255"},
    {"main.F64", "3.141592653589793", NULL, "3.141592653589793"},
    {"main.F32", "1.5", NULL, "1.5"},
    {"main.Out.ID", "-7", NULL, "-7"},
    {"li", "99", "li", "99"},
    {"n", "21", "n", "21"},
};

START_TEST(test_set)
{
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    struct proc p;
    proc_attach(&p, dbg_pid);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)dbg_pid);
    int wfd = open(path, O_RDWR);
    ck_assert_int_ge(wfd, 0);
    struct gomem mem = {&proc_ops, &p};
    struct gort_values *vs;
    ck_assert_int_eq(gort_values_new(img, &mem, &vs), 0);
    struct gort_eval_frame fr;
    size_t index;
    stop_frame(img, &mem, &fr, &index);
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        char err[256] = "";
        const struct gort_eval_frame *f = sets[i].frame_expr ? &fr : &(struct gort_eval_frame){0};
        int rc = gort_eval_set(vs, f, sets[i].lhs, sets[i].rhs, proc_write, &wfd, err, sizeof(err));
        if (rc != 0) {
            ck_assert_msg(strcmp(err, sets[i].want) == 0, "set %s = %s: '%s', want '%s'",
                          sets[i].lhs, sets[i].rhs, err, sets[i].want);
            continue;
        }
        ck_assert_msg(rc == 0, "set %s = %s: %s", sets[i].lhs, sets[i].rhs, err);
        struct gort_eval_result r;
        ck_assert_int_eq(gort_eval(vs, f, sets[i].lhs, &r, err, sizeof(err)), 0);
        struct rsp_buf b;
        rsp_buf_init(&b, 4096);
        ck_assert_int_eq(gort_eval_format(vs, &r, &gort_load_print, false, &b), 0);
        ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
        ck_assert_msg(strcmp((char *)b.data, sets[i].want) == 0, "set %s = %s: '%s', want '%s'",
                      sets[i].lhs, sets[i].rhs, (char *)b.data, sets[i].want);
        rsp_buf_fini(&b);
    }
    close(wfd);
    gort_values_free(vs);
    proc_detach(&p);
    sym_image_free(img);
}
END_TEST

/* ------------------------------------------------------------------ hostile memory */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Memory where every page reads as pseudo-random bytes that are often pointers back into the
 * same small window, small or huge lengths, or zero. */
#define FAKE_BASE 0xc000000000ull
#define FAKE_LEN (1u << 16)
static uint8_t fake[FAKE_LEN];
static uint64_t fake_reads;

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    fake_reads++;
    if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_LEN || len > FAKE_LEN - (addr - FAKE_BASE))
        return -EIO;
    memcpy(buf, fake + (addr - FAKE_BASE), len);
    return 0;
}

static const struct gomem_ops fake_ops = {fake_read, NULL, NULL};

static uint64_t fake_regs[17]; /* by DWARF number */

static int fake_reg_read(void *ctx, unsigned regno, uint64_t *v)
{
    (void)ctx;
    if (regno >= 17)
        return -ENODATA;
    *v = fake_regs[regno];
    return 0;
}

START_TEST(test_hostile)
{
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    struct gomem mem = {&fake_ops, NULL};
    struct gort_values *vs;
    ck_assert_int_eq(gort_values_new(img, &mem, &vs), 0);
    for (int round = 0; round < 40; round++) {
        for (size_t i = 0; i < FAKE_LEN; i += 8) {
            uint64_t r = rnd(), v;
            switch (r % 6) {
            case 0:
                v = 0;
                break;
            case 1:
                v = FAKE_BASE + (rnd() % FAKE_LEN & ~7ull); /* a pointer into the window */
                break;
            case 2:
                v = rnd() % 200; /* a small length or count */
                break;
            case 3:
                v = rnd() >> (rnd() % 64); /* anything, often huge */
                break;
            case 4:
                v = FAKE_BASE + i; /* points to itself: cycles */
                break;
            default:
                v = rnd();
            }
            memcpy(fake + i, &v, 8);
        }
        for (size_t n = 0; n < NNAMES; n++) {
            char full[64];
            snprintf(full, sizeof(full), "main.%s", names[n]);
            struct sym_global g;
            ck_assert_int_eq(sym_global_by_name(img, full, &g), 0);
            for (int c = 0; c < 2; c++) {
                struct rsp_buf b;
                rsp_buf_init(&b, 1 << 22);
                struct gort_value_src src = {FAKE_BASE + (rnd() % FAKE_LEN & ~7ull), NULL, 0};
                fake_reads = 0;
                int rc = gort_value_format(vs, g.type, &src,
                                           c ? &gort_load_print : &gort_load_locals, c != 0, &b);
                ck_assert_msg(rc == 0 || rc == -E2BIG || rc == -ENOMEM, "%s: %d", full, rc);
                ck_assert_msg(fake_reads < 2000000, "%s: %llu reads", full,
                              (unsigned long long)fake_reads);
                rsp_buf_fini(&b);
            }
        }
    }
    /* Expressions and locals over the same garbage, in main.stop's frame at random CFAs. */
    static const char *const exprs[] = {
        "main.Out.Next.Next.Next.In.Tags[1]",
        "main.M[\"two\"]",
        "main.MBig[77]",
        "main.MPtr[main.Ptr]",
        "len(main.MBig) + cap(main.Sl)",
        "main.S[3] == 1",
        "*main.PP",
        "main.Cyc.Next.Next.Next.Next.Val",
        "main.ErrF",
        "lo.In.Tags[0]",
        "lm[\"k\"]",
        "lsl[1] * n",
        "li",
        "runtime.curg.goid",
        "main.Mat[1][0]",
        "(*main.Outer)(0xc000000100).P.Name",
        "main.SLong[70]",
        "len(main.Ch)",
    };
    const struct sym_func *fn;
    ck_assert_int_eq(sym_func_by_name(img, "main.stop", &fn), 0);
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < FAKE_LEN; i += 8) {
            uint64_t v =
                rnd() % 3 == 0 ? FAKE_BASE + (rnd() % FAKE_LEN & ~7ull) : rnd() >> (rnd() % 64);
            memcpy(fake + i, &v, 8);
        }
        struct gort_eval_frame fr = {fn,   fn->highpc - 1, FAKE_BASE + (rnd() % FAKE_LEN), 0,
                                     NULL, NULL,           FAKE_BASE + (rnd() % FAKE_LEN)};
        for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
            struct gort_eval_result r;
            char err[256];
            struct rsp_buf b;
            rsp_buf_init(&b, 1 << 22);
            if (gort_eval(vs, &fr, exprs[i], &r, err, sizeof(err)) == 0) {
                int rc = gort_eval_format(vs, &r, &gort_load_print, true, &b);
                ck_assert_msg(rc == 0 || rc == -E2BIG || rc == -ENOMEM, "%s: %d", exprs[i], rc);
            } else {
                ck_assert_msg(err[0] != '\0', "%s: failed without a message", exprs[i]);
            }
            rsp_buf_reset(&b);
            ck_assert_int_eq(gort_eval_locals(vs, &fr, i & 1, &gort_load_print, &b), 0);
            rsp_buf_fini(&b);
        }
    }
    /* Variables in register pieces, as optimized code has them: a string in RAX (pointer) and RBX
     * (length), a slice in three registers, a stack value, an int in memory at the CFA. */
    {
        static const char text[] = "in registers";
        memcpy(fake, text, sizeof(text) - 1);
        fake_regs[0] = FAKE_BASE;        /* rax: string data */
        fake_regs[3] = sizeof(text) - 1; /* rbx: its length */
        fake_regs[2] = FAKE_BASE + 64;   /* rcx: slice data */
        fake_regs[4] = 2;                /* rsi: len, rdi: cap */
        fake_regs[5] = 3;
        uint64_t e0 = 7, e1 = -1ull, e2 = 42;
        memcpy(fake + 64, &e0, 8);
        memcpy(fake + 72, &e1, 8);
        memcpy(fake + 128, &e2, 8);
        const struct sym_type *st, *slt, *it;
        ck_assert_int_eq(sym_type_by_name(img, "string", &st), 0);
        ck_assert_int_eq(sym_type_by_name(img, "[]int", &slt), 0);
        ck_assert_int_eq(sym_type_by_name(img, "int", &it), 0);
        /* DW_OP_reg0 DW_OP_piece 8 DW_OP_reg3 DW_OP_piece 8 */
        static const uint8_t e_str[] = {0x50, 0x93, 8, 0x53, 0x93, 8};
        /* DW_OP_reg2 piece 8, DW_OP_reg4 piece 8, DW_OP_reg5 piece 8 */
        static const uint8_t e_sl[] = {0x52, 0x93, 8, 0x54, 0x93, 8, 0x55, 0x93, 8};
        /* DW_OP_call_frame_cfa */
        static const uint8_t e_cfa[] = {0x9c};
        /* DW_OP_lit5 DW_OP_stack_value */
        static const uint8_t e_val[] = {0x35, 0x9f};
        const struct {
            const char *name;
            uint64_t type;
            const uint8_t *e;
            size_t len;
            const char *want;
        } rv[] = {
            {"s", st->id, e_str, sizeof(e_str), "\"in registers\""},
            {"sl", slt->id, e_sl, sizeof(e_sl), "[]int len: 2, cap: 3, [7,-1]"},
            {"m", it->id, e_cfa, sizeof(e_cfa), "42"},
            {"v", it->id, e_val, sizeof(e_val), "5"},
            {"gone", it->id, NULL, 0, "gone is optimized away"},
        };
        struct gort_eval_frame rf = {fn, fn->lowpc, FAKE_BASE + 128, 0, fake_reg_read, NULL, 0};
        /* Registers by name, as dlv's pseudo-variables (decimal; whatis "CPU Register"). */
        struct gort_eval_result rr;
        char rerr[256];
        struct rsp_buf rb;
        rsp_buf_init(&rb, 4096);
        ck_assert_int_eq(gort_eval(vs, &rf, "RBX + 1", &rr, rerr, sizeof(rerr)), 0);
        ck_assert_int_eq(gort_eval_format(vs, &rr, &gort_load_print, true, &rb), 0);
        ck_assert_int_eq(gort_eval(vs, &rf, "RSI", &rr, rerr, sizeof(rerr)), 0);
        ck_assert_int_eq(gort_eval_whatis(vs, &rr, &rb), 0);
        ck_assert_int_eq(rsp_buf_addc(&rb, '\0'), 0);
        ck_assert_str_eq((char *)rb.data, "13CPU Register\n");
        rsp_buf_fini(&rb);
        struct gort_eval_frame noregs = rf;
        noregs.read_reg = NULL;
        ck_assert_int_ne(gort_eval(vs, &noregs, "RAX", &rr, rerr, sizeof(rerr)), 0);
        ck_assert_str_eq(rerr, "register RAX is not available in this frame");
        for (size_t i = 0; i < sizeof(rv) / sizeof(rv[0]); i++) {
            struct sym_var v = {0};
            v.name = rv[i].name;
            v.type = rv[i].type;
            v.expr = rv[i].e;
            v.expr_len = rv[i].len;
            struct gort_eval_result r;
            char err[256];
            struct rsp_buf b;
            rsp_buf_init(&b, 4096);
            if (gort_eval_var(vs, &rf, &v, &r, err, sizeof(err)) == 0)
                ck_assert_int_eq(gort_eval_format(vs, &r, &gort_load_print, false, &b), 0);
            else
                ck_assert_int_eq(rsp_buf_adds(&b, err), 0);
            ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
            ck_assert_str_eq((char *)b.data, rv[i].want);
            rsp_buf_fini(&b);
        }
    }
    /* A value from register bytes: no address, short bytes. */
    struct sym_global g;
    ck_assert_int_eq(sym_global_by_name(img, "main.Out", &g), 0);
    uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct gort_value_src src = {0, bytes, sizeof(bytes)};
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 16);
    ck_assert_int_eq(gort_value_format(vs, g.type, &src, &gort_load_print, false, &b), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
    ck_assert_msg(strncmp((char *)b.data, "main.Outer {ID: 578437695752307201, In: ", 40) == 0,
                  "%s", (char *)b.data);
    ck_assert_ptr_nonnull(strstr((char *)b.data, "(unreadable value bytes too short)"));
    rsp_buf_fini(&b);
    ck_assert_int_eq(sym_global_by_name(img, "main.I", &g), 0);
    rsp_buf_init(&b, 1 << 16);
    ck_assert_int_eq(gort_value_format(vs, g.type, &src, &gort_load_print, false, &b), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, '\0'), 0);
    ck_assert_str_eq((char *)b.data, "578437695752307201");
    rsp_buf_fini(&b);
    gort_values_free(vs);
    sym_image_free(img);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("values");
    TCase *tc = tcase_create("process");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_print_like_dlv);
    tcase_add_test(tc, test_oneline);
    tcase_add_test(tc, test_optimized_build);
    tcase_add_test(tc, test_set);
    suite_add_tcase(s, tc);
    TCase *th = tcase_create("hostile");
    tcase_set_timeout(th, 300);
    tcase_add_test(th, test_hostile);
    suite_add_tcase(s, th);
    return s;
}

int main(void)
{
    const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");
    char cmd[9000];
    if (!src || !build) {
        fprintf(stderr, "top_srcdir/top_builddir not set (run through make check)\n");
        return 77;
    }
    snprintf(bin_dir, sizeof(bin_dir), "%s/tests/targets/valtest", build);
    snprintf(cmd, sizeof(cmd), "sh '%s/tests/targets/valtest/build.sh' '%s' >&2", src, bin_dir);
    int rc = system(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        return 77;
    if (rc != 0) {
        fprintf(stderr, "building valtest failed\n");
        return 1;
    }
    snprintf(dbg_bin, sizeof(dbg_bin), "%s/valtest", bin_dir);
    snprintf(opt_bin, sizeof(opt_bin), "%s/valtest-opt", bin_dir);
    struct sym_image *img;
    struct sym_global gout, gi;
    if (sym_image_open(dbg_bin, &img) != 0 || sym_global_by_name(img, "main.Out", &gout) != 0 ||
        sym_global_by_name(img, "main.I", &gi) != 0) {
        fprintf(stderr, "valtest has no main.Out or main.I\n");
        return 1;
    }
    sym_image_free(img);
    snprintf(cast_expr, sizeof(cast_expr), "(*main.Outer)(%#llx)", (unsigned long long)gout.addr);
    snprintf(cast_dlv, sizeof(cast_dlv), "print %s", cast_expr);
    snprintf(castint_expr, sizeof(castint_expr), "*(*int)(%#llx) + 1", (unsigned long long)gi.addr);
    snprintf(castint_dlv, sizeof(castint_dlv), "print %s", castint_expr);
    dbg_pid = start_target(dbg_bin);
    if (dbg_pid < 0)
        return 1;
    if (system("command -v dlv >/dev/null 2>&1") == 0)
        run_dlv(dbg_pid);
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    stop_target(dbg_pid);
    for (size_t i = 0; i < NNAMES; i++)
        free(dlv_text[i]);
    return failed ? 1 : 0;
}
