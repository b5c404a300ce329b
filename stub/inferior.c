/*
 * stub/inferior.c - getting hold of a process and giving it back: attach (PTRACE_SEIZE of every
 * thread, with person-readable errors), launch (a child stopped at its first instruction), the
 * release path that must leave a production process exactly as it found it, kill, and the entry
 * point the event loop calls on SIGCHLD. The per-thread machinery is in lwp.c.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stub/guardian.h"
#include "stub/inferior_int.h"

/* TRACEFORK only to take our traps out of forked children (lwp.c); vfork children share the
 * parent's memory and are not followed. */
#define ATTACH_OPTIONS                                                                             \
    (PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT)
#define MAX_ATTACH_ROUNDS 100

static void seterr(struct inf_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void seterr(struct inf_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static struct inferior *inf_alloc(pid_t pid)
{
    struct inferior *inf = calloc(1, sizeof *inf);
    if (!inf)
        return NULL;
    inf->pid = pid;
    inf->mem_fd = -1;
    inf->last_stop_tid = pid;
    hwdebug_init(&inf->hw);
    for (size_t i = 0; i < sizeof inf->vfile_fds / sizeof inf->vfile_fds[0]; i++)
        inf->vfile_fds[i] = -1;
    return inf;
}

void inf_free(struct inferior *inf)
{
    if (!inf)
        return;
    vfile_close_all(inf);
    while (inf->nlwps > 0)
        lwp_remove(inf, inf->lwps[inf->nlwps - 1]->tid);
    free(inf->lwps);
    free(inf->bps);
    if (inf->mem_fd >= 0)
        close(inf->mem_fd);
    free(inf);
}

/* Finishes the setup shared by attach and launch once every thread is stopped. */
static int inf_ready(struct inferior *inf, struct inf_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)inf->pid);
    inf->mem_fd = open(path, O_RDWR | O_CLOEXEC);
    inf->arch = regcache_host_arch(inf->pid);
    if (!inf->arch) {
        seterr(err, "pid %d: cannot read its registers or its architecture is not supported",
               (int)inf->pid);
        return -ENOTSUP;
    }
    for (size_t i = 0; i < inf->nlwps; i++)
        regcache_init(&inf->lwps[i]->rc, inf->lwps[i]->tid, inf->arch);
    inf->ops = inf_target_template;
    inf->ops.arch = inf->arch;
    return 0;
}

/* ------------------------------------------------------------------ attach */

static bool has_cap_sys_ptrace(void)
{
    char caps[64];
    if (procfs_status_field(getpid(), 0, "CapEff", caps, sizeof caps) < 0)
        return geteuid() == 0;
    uint64_t v = strtoull(caps, NULL, 16);
    return (v >> 19) & 1; /* CAP_SYS_PTRACE = 19 */
}

static int yama_scope(void)
{
    char buf[16];
    if (procfs_read_file("/proc/sys/kernel/yama/ptrace_scope", buf, sizeof buf) <= 0)
        return -1;
    return atoi(buf);
}

static void tracer_error(pid_t pid, pid_t tracer, struct inf_error *err)
{
    char comm[64] = "";
    if (procfs_comm(tracer, 0, comm, sizeof comm) < 0 || !comm[0])
        snprintf(comm, sizeof comm, "unknown");
    seterr(err, "pid %d is already traced by pid %d (%s): detach that debugger first", (int)pid,
           (int)tracer, comm);
}

static pid_t tracer_of(pid_t pid, pid_t tid)
{
    char v[32];
    if (procfs_status_field(pid, tid, "TracerPid", v, sizeof v) < 0)
        return 0;
    return (pid_t)atoi(v);
}

static void permission_error(pid_t pid, struct inf_error *err)
{
    pid_t tracer = tracer_of(pid, 0);
    if (tracer > 0) {
        tracer_error(pid, tracer, err);
        return;
    }
    int scope = yama_scope();
    bool cap = has_cap_sys_ptrace();
    if (scope == 3) {
        seterr(err,
               "permission denied attaching to pid %d: kernel.yama.ptrace_scope is 3 (no "
               "attaching at all until reboot)",
               (int)pid);
    } else if (!cap && scope >= 1) {
        seterr(err,
               "permission denied attaching to pid %d: run as root, grant CAP_SYS_PTRACE, or "
               "lower kernel.yama.ptrace_scope (now %d)",
               (int)pid, scope);
    } else if (!cap) {
        seterr(err,
               "permission denied attaching to pid %d: run as root or grant CAP_SYS_PTRACE "
               "(the process belongs to another user or is not dumpable)",
               (int)pid);
    } else {
        seterr(err,
               "permission denied attaching to pid %d although CAP_SYS_PTRACE is held: a "
               "security module (SELinux, AppArmor) or another user namespace refuses it",
               (int)pid);
    }
}

/* Seizes every thread of /proc/PID/task until a round finds no new one. Threads created after
 * their creator was seized are attached by the kernel (TRACECLONE) and show up as EPERM here. */
static int seize_all(struct inferior *inf, struct inf_error *err)
{
    pid_t pid = inf->pid;
    size_t cap = 256;
    pid_t *tids = malloc(cap * sizeof *tids);
    int rc = 0;
    if (!tids)
        return -ENOMEM;
    for (int round = 0; round < MAX_ATTACH_ROUNDS; round++) {
        long n = procfs_tasks(pid, tids, cap);
        if (n < 0) {
            seterr(err, "pid %d exited during attach", (int)pid);
            rc = -ESRCH;
            break;
        }
        if ((size_t)n > cap) {
            pid_t *more = realloc(tids, ((size_t)n + 256) * sizeof *tids);
            if (!more) {
                rc = -ENOMEM;
                break;
            }
            tids = more;
            cap = (size_t)n + 256;
            round--; /* list again with room for all */
            continue;
        }
        bool added = false;
        for (long i = 0; i < n; i++) {
            pid_t tid = tids[i];
            if (lwp_find(inf, tid))
                continue;
            if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(long)ATTACH_OPTIONS) < 0) {
                int e = errno;
                if (e == ESRCH)
                    continue; /* vanished between listing and seizing */
                if (tid != pid && e == EPERM && tracer_of(pid, tid) == getpid()) {
                    struct lwp *l = lwp_add(inf, tid); /* auto-attached clone */
                    if (!l) {
                        rc = -ENOMEM;
                        goto out;
                    }
                    l->new_thread = true;
                    added = true;
                    continue;
                }
                if (tid != pid)
                    continue; /* an exiting thread; the leader decides */
                if (e == EPERM)
                    permission_error(pid, err);
                else
                    seterr(err, "cannot attach to pid %d: %s", (int)pid, strerror(e));
                rc = -e;
                goto out;
            }
            struct lwp *l = lwp_add(inf, tid);
            if (!l) {
                (void)ptrace(PTRACE_DETACH, tid, NULL, NULL);
                rc = -ENOMEM;
                goto out;
            }
            l->running = true;
            added = true;
        }
        if (!lwp_find(inf, pid)) {
            seterr(err, "pid %d exited during attach", (int)pid);
            rc = -ESRCH;
            goto out;
        }
        if (!added)
            break;
    }
out:
    free(tids);
    return rc;
}

int inf_attach(pid_t pid, struct inferior **out, struct inf_error *err)
{
    char path[64], state[64];
    struct stat sb;
    *out = NULL;
    if (err)
        err->msg[0] = '\0';
    if (pid <= 0) {
        seterr(err, "bad pid %d", (int)pid);
        return -EINVAL;
    }
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    if (stat(path, &sb) < 0 || procfs_status_field(pid, 0, "State", state, sizeof state) < 0) {
        seterr(err, "no such process: pid %d", (int)pid);
        return -ESRCH;
    }
    if (pid == getpid()) {
        seterr(err, "pid %d is gostub itself", (int)pid);
        return -EINVAL;
    }
    if (state[0] == 'Z' || state[0] == 'X') {
        seterr(err, "pid %d is a zombie: it has exited and waits for its parent to reap it",
               (int)pid);
        return -ESRCH;
    }
    pid_t tracer = tracer_of(pid, 0);
    if (tracer > 0) {
        tracer_error(pid, tracer, err);
        return -EBUSY;
    }

    struct inferior *inf = inf_alloc(pid);
    if (!inf) {
        seterr(err, "out of memory");
        return -ENOMEM;
    }
    int rc = seize_all(inf, err);
    if (rc == 0) {
        lwp_stop_all(inf);
        if (inf->exited || !lwp_find(inf, pid)) {
            seterr(err, "pid %d exited during attach", (int)pid);
            rc = -ESRCH;
        }
    }
    if (rc == 0)
        rc = inf_ready(inf, err);
    if (rc < 0) {
        if (err && !err->msg[0])
            seterr(err, "cannot attach to pid %d: %s", (int)pid, strerror(-rc));
        (void)inf_release(inf);
        inf_free(inf);
        return rc;
    }
    *out = inf;
    return 0;
}

/* ------------------------------------------------------------------ launch */

/* The child waits on a pipe until it is seized, then execs: the first stop the stub sees is the
 * PTRACE_EVENT_EXEC at the program's first instruction. (A raise(SIGSTOP) handshake would leave a
 * group stop behind that the kernel re-instates on detach.) exec failures come back through a
 * close-on-exec pipe as an errno. */
int inf_launch(char *const argv[], struct inferior **out, struct inf_error *err)
{
    int go[2], fail[2];
    *out = NULL;
    if (err)
        err->msg[0] = '\0';
    if (!argv || !argv[0]) {
        seterr(err, "no program to run");
        return -EINVAL;
    }
    if (pipe2(go, O_CLOEXEC) < 0) {
        seterr(err, "pipe: %s", strerror(errno));
        return -errno;
    }
    if (pipe2(fail, O_CLOEXEC) < 0) {
        int e = errno;
        close(go[0]);
        close(go[1]);
        seterr(err, "pipe: %s", strerror(e));
        return -e;
    }
    pid_t child = fork();
    if (child < 0) {
        int e = errno;
        close(go[0]), close(go[1]), close(fail[0]), close(fail[1]);
        seterr(err, "fork: %s", strerror(e));
        return -e;
    }
    if (child == 0) {
        char c;
        sigset_t none;
        close(go[1]);
        close(fail[0]);
        /* Not the stub's signal state: the loop blocks signals for its signalfd and ignores
         * SIGPIPE, and both would survive exec. */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        /* Its own process group, as gdbserver does: a Ctrl-C meant for gostub's terminal must not
         * reach the program too. */
        setpgid(0, 0);
        while (read(go[0], &c, 1) < 0 && errno == EINTR)
            ;
        execvp(argv[0], argv);
        int e = errno;
        ssize_t w = write(fail[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(go[0]);
    close(fail[1]);

    int rc = 0;
    if (ptrace(PTRACE_SEIZE, child, NULL, (void *)(long)(ATTACH_OPTIONS | PTRACE_O_EXITKILL)) < 0) {
        rc = -errno;
        seterr(err, "cannot trace the new process: %s", strerror(errno));
        kill(child, SIGKILL);
    }
    if (write(go[1], "g", 1) < 0 && rc == 0) {
        rc = -errno;
        seterr(err, "cannot start the new process: %s", strerror(errno));
    }
    close(go[1]);

    bool execed = false;
    int status = 0;
    while (!execed) {
        pid_t t = waitpid(child, &status, __WALL);
        if (t < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status))
            break;
        if (!WIFSTOPPED(status))
            continue;
        int event = (int)((unsigned)status >> 16);
        if (event == PTRACE_EVENT_EXEC && rc == 0) {
            execed = true;
            break;
        }
        int sig = event == 0 ? WSTOPSIG(status) : 0;
        (void)ptrace(PTRACE_CONT, child, NULL, (void *)(long)sig);
    }
    int child_errno = 0;
    ssize_t got = read(fail[0], &child_errno, sizeof child_errno);
    close(fail[0]);
    if (!execed) {
        if (rc == 0) {
            rc = got == (ssize_t)sizeof child_errno && child_errno ? -child_errno : -ECHILD;
            seterr(err, "cannot run %s: %s", argv[0], strerror(-rc));
        }
        kill(child, SIGKILL);
        while (waitpid(child, &status, __WALL) < 0 && errno == EINTR)
            ;
        return rc;
    }

    struct inferior *inf = inf_alloc(child);
    struct lwp *l = inf ? lwp_add(inf, child) : NULL;
    if (!l) {
        inf_free(inf);
        kill(child, SIGKILL);
        waitpid(child, &status, __WALL);
        seterr(err, "out of memory");
        return -ENOMEM;
    }
    inf->launched = true;
    rc = inf_ready(inf, err);
    if (rc < 0) {
        (void)inf_kill(inf);
        inf_free(inf);
        return rc;
    }
    *out = inf;
    return 0;
}

/* ------------------------------------------------------------------ the loop's entry points */

void inf_set_stop_callback(struct inferior *inf, inf_stop_fn fn, void *arg)
{
    inf->stop_fn = fn;
    inf->stop_arg = arg;
}

const struct rsp_target *inf_target(struct inferior *inf)
{
    return &inf->ops;
}

void inf_handle_events(struct inferior *inf)
{
    if (!inf || inf->released)
        return;
    for (;;) {
        int status;
        pid_t t = waitpid(-1, &status, __WALL | WNOHANG);
        if (t < 0 && errno == EINTR)
            continue;
        if (t <= 0)
            break;
        lwp_handle_status(inf, t, status);
    }
    lwp_report_if_ready(inf);
}

/* ------------------------------------------------------------------ giving the process back */

int inf_release(struct inferior *inf)
{
    if (!inf || inf->released)
        return 0;
    if (inf->exited) {
        inf->released = true;
        return 0;
    }
    lwp_stop_all(inf);
    if (inf->exited) {
        inf->released = true;
        return 0;
    }
    /* Pending breakpoint events already had their PC moved back at classification time, so the
     * threads re-execute the original instruction once the bytes are restored. */
    bp_remove_all(inf);
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (inf->hw_used)
            inf_ignore(hwdebug_clear_thread(l->tid));
    }
    hwdebug_init(&inf->hw);
    lwp_flush_traps(inf);
    int rc = 0;
    /* Clones first, the leader last (as gdbserver does): the leader's detach must not race the
     * group's exit notification. */
    for (size_t k = inf->nlwps; k > 0; k--) {
        struct lwp *l = inf->lwps[k - 1];
        if (l->running) {
            /* It never stopped for us (timed out): detaching needs a stop, so leave it; the
             * kernel detaches it when the stub exits. */
            rc = -EBUSY;
            continue;
        }
        int sig = lwp_detach_signal(inf, l);
        /* ptrace injects only from a signal-delivery-stop; otherwise queue it. */
        if (sig && !l->at_signal_stop) {
            (void)syscall(SYS_tgkill, inf->pid, l->tid, sig);
            sig = 0;
        }
        for (int s = 1; s < 64; s++)
            if ((l->deliver_sigs & (1ull << s)) && s != sig)
                (void)syscall(SYS_tgkill, inf->pid, l->tid, s);
        if (ptrace(PTRACE_DETACH, l->tid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
            rc = -errno;
    }
    while (inf->nlwps > 0)
        lwp_remove(inf, inf->lwps[inf->nlwps - 1]->tid);
    if (inf->mem_fd >= 0) {
        close(inf->mem_fd);
        inf->mem_fd = -1;
    }
    inf->released = true;
    /* Everything was given back: nothing for the guardian to repair any more. */
    if (rc == 0 && inf->pid == guardian_pid())
        guardian_clear();
    return rc;
}

int inf_kill(struct inferior *inf)
{
    if (!inf || inf->exited || inf->released)
        return 0;
    kill(inf->pid, SIGKILL);
    /* Reap every thread until the leader's status arrives (PTRACE_EVENT_EXIT stops still need a
     * resume, even under SIGKILL). */
    for (int i = 0; i < 100000 && !inf->exited; i++) {
        int status;
        pid_t t = waitpid(-1, &status, __WALL);
        if (t < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (WIFSTOPPED(status)) {
            (void)ptrace(PTRACE_CONT, t, NULL, NULL);
            continue;
        }
        lwp_handle_status(inf, t, status);
    }
    inf->exited = true;
    inf->exit_pending = false;
    inf->released = true;
    return 0;
}

void inf_set_allow_kill(struct inferior *inf, bool allow)
{
    inf->allow_kill = allow;
}

pid_t inf_pid(const struct inferior *inf)
{
    return inf->pid;
}

bool inf_launched(const struct inferior *inf)
{
    return inf->launched;
}

bool inf_exited(const struct inferior *inf)
{
    return inf->exited;
}

bool inf_running(const struct inferior *inf)
{
    for (size_t i = 0; i < inf->nlwps; i++)
        if (inf->lwps[i]->running)
            return true;
    return false;
}

size_t inf_thread_count(const struct inferior *inf)
{
    return inf->nlwps;
}
