/*
 * stub/main.c - gostub's entry point: parse the command line, set up the transport (listening
 * sockets, or stdin/stdout with --stdio), attach to the process or launch the program, then hand
 * everything to the event loop (loop.c). The only file that exits; exit status 0 for a normal end,
 * 1 for any error (bad arguments, no such process, permission, port in use).
 *
 * Order matters: the port is bound before the process is touched (a port in use must not stop a
 * production process for nothing), the process is attached before "Listening on port N" (so attach
 * errors show first and the line means "ready"), and the loop's signals are blocked before the
 * attach so that a SIGTERM can never leave the process attached without a release. The sandbox
 * (stub/sandbox.h) is entered last, once the process and the sockets are held: from then on no
 * exec, fork, bind or new file is possible.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stub/guardian.h"
#include "stub/inferior.h"
#include "stub/log.h"
#include "stub/loop.h"
#include "stub/net.h"
#include "stub/options.h"
#include "stub/sandbox.h"

static void die_usage(const char *msg)
{
    fprintf(stderr, "gostub: %s\n%sTry 'gostub --help' for more information.\n", msg,
            stub_options_usage());
    exit(1);
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

/* --stdio: the protocol keeps private copies of stdin and stdout; fd 0 becomes /dev/null and fd 1 a
 * copy of stderr, so no stray write (nor a launched program's output) can corrupt the stream. */
static int take_stdio(int *in_fd, int *out_fd)
{
    int null_fd;

    *in_fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
    *out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
    if (*in_fd < 0 || *out_fd < 0)
        return -errno;
    null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(2, 1) < 0)
        return -errno;
    close(null_fd);
    if (set_nonblock(*in_fd) < 0 || set_nonblock(*out_fd) < 0)
        return -errno;
    return 0;
}

static void block_loop_signals(void)
{
    sigset_t set;

    stub_loop_signals(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

/* An address other hosts can reach gets a warning, unless --allow restricts the peers. */
static void warn_exposed(const struct net_listeners *l, const struct stub_options *o)
{
    if (o->nallow > 0) {
        stub_log("accepting clients only from %zu network%s (--allow); others are closed unread",
                 o->nallow, o->nallow == 1 ? "" : "s");
        return;
    }
    if (l->every_interface)
        stub_log("warning: listening on every interface (%s): anyone who can reach port %u "
                 "controls the process; there is no authentication (use ssh, see gostub(1))",
                 l->addrs, l->port);
    else if (l->exposed)
        stub_log("warning: listening on %s, which other hosts can reach; there is no "
                 "authentication (use ssh, see gostub(1))",
                 l->addrs);
}

/* --listen unix:PATH: the socket file must go when gostub ends, however it ends (SIGKILL too), and
 * the sandbox forbids unlink. A small child made before the sandbox waits for the end of a pipe
 * whose write end only gostub holds, then removes the file if it is still our socket (same inode).
 * It has gostub's signal mask (SIGTERM, SIGINT, SIGHUP blocked): a Ctrl-C does not kill it. */
static void remove_socket_at_exit(const char *path)
{
    struct stat st, now;
    int p[2];
    pid_t pid;

    if (lstat(path, &st) < 0 || pipe2(p, O_CLOEXEC) < 0)
        return;
    pid = fork();
    if (pid < 0) {
        stub_log("cannot watch %s: it will stay after gostub ends", path);
        close(p[0]);
        close(p[1]);
        return;
    }
    if (pid == 0) {
        char c;
        for (int fd = 3; fd < 1024; fd++)
            if (fd != p[0])
                close(fd);
        while (read(p[0], &c, 1) != 0 && errno == EINTR)
            ;
        if (lstat(path, &now) == 0 && S_ISSOCK(now.st_mode) && now.st_ino == st.st_ino &&
            now.st_dev == st.st_dev)
            unlink(path);
        _exit(0);
    }
    close(p[0]); /* p[1] stays open, close-on-exec, until gostub ends */
}

/* After the attach or launch (fork, execve) and the listening sockets (bind, listen), before the
 * loop: see stub/sandbox.h. A failure gives the process back: the user did not ask for an
 * unconfined stub (--no-sandbox is how to ask). */
static int enter_sandbox(const struct stub_options *opt, struct inferior *inf)
{
    struct sandbox_opts so = {.disabled = opt->no_sandbox};
    char err[256];

    if (sandbox_enter(&so, err, sizeof(err)) == 0)
        return 0;
    stub_log("cannot enter the sandbox: %s", err);
    if (inf_launched(inf) ? inf_kill(inf) < 0 : inf_release(inf) < 0)
        stub_log("and giving pid %d back failed", (int)inf_pid(inf));
    inf_free(inf);
    return -1;
}

/* The startup banner's limits: what protects the process, in one line. */
static void print_limits(const struct stub_options *o)
{
    char max_stop[48];

    if (o->max_stop_s)
        snprintf(max_stop, sizeof(max_stop), "%us", o->max_stop_s);
    else
        snprintf(max_stop, sizeof(max_stop), "off");
    stub_log("max-stop %s, idle-timeout %us%s%s%s", max_stop, o->idle_timeout_s,
             o->read_only ? ", read-only" : "", o->allow_kill ? ", kill allowed" : "",
             o->no_sandbox ? ", no sandbox" : ", sandboxed");
}

int main(int argc, char **argv)
{
    struct stub_options opt;
    struct net_listeners listeners;
    struct stub_loop_params params;
    struct inferior *inf = NULL;
    struct inf_error ierr;
    char err[512];
    int in_fd = -1, out_fd = -1, rc;

    if (stub_options_parse(argc, argv, &opt, err, sizeof(err)) < 0)
        die_usage(err);
    if (opt.help) {
        fputs(stub_options_help(), stdout);
        return 0;
    }
    if (opt.version) {
        printf("gostub %s\n", PACKAGE_VERSION);
        return 0;
    }
    setvbuf(stderr, NULL, _IONBF, 0);
    stub_log_verbose = opt.verbose;

    if (opt.stdio) {
        rc = take_stdio(&in_fd, &out_fd);
        if (rc < 0) {
            stub_log("cannot use stdin/stdout: %s", strerror(-rc));
            return 1;
        }
    } else if (opt.unix_path[0]) {
        /* --allow-uid: others must be able to connect at all; SO_PEERCRED then decides. */
        mode_t mode = opt.nallow_uid > 0 ? 0666 : 0600;
        if (net_listen_unix(opt.unix_path, mode, &listeners, err, sizeof(err)) < 0) {
            stub_log("%s", err);
            return 1;
        }
    } else if (net_listen(&opt.listen, &listeners, err, sizeof(err)) < 0) {
        stub_log("%s", err);
        return 1;
    }

    ierr.msg[0] = '\0';
    if (opt.argv) {
        /* The program inherits the signal mask and ignored signals: block and ignore only after. */
        rc = inf_launch(opt.argv, &inf, &ierr);
        block_loop_signals();
    } else {
        block_loop_signals();
        rc = inf_attach(opt.pid, &inf, &ierr);
    }
    if (rc < 0) {
        if (ierr.msg[0])
            stub_log("%s", ierr.msg);
        else if (opt.argv)
            stub_log("cannot launch %s: %s", opt.argv[0], strerror(-rc));
        else
            stub_log("cannot attach to pid %d: %s", (int)opt.pid, strerror(-rc));
        if (!opt.stdio)
            net_close_listeners(&listeners);
        return 1;
    }
    /* A vanished client must show up as a write error, not kill the stub before the release. */
    signal(SIGPIPE, SIG_IGN);

    if (opt.argv) {
        stub_log("launched %s as pid %d", opt.argv[0], (int)inf_pid(inf));
    } else {
        size_t n = inf_thread_count(inf);
        stub_log("attached to pid %d (%zu thread%s)", (int)inf_pid(inf), n, n == 1 ? "" : "s");
    }
    if (opt.unix_path[0])
        remove_socket_at_exit(opt.unix_path);
    /* Before the sandbox (fork): see stub/guardian.h. Without it a SIGKILL of gostub leaves its
     * traps in the process, as before. */
    rc = guardian_start(inf_pid(inf));
    if (rc < 0)
        stub_log("no guardian (%s): a SIGKILL of gostub would leave its breakpoints in the process",
                 strerror(-rc));
    if (enter_sandbox(&opt, inf) < 0) {
        if (!opt.stdio)
            net_close_listeners(&listeners);
        return 1;
    }
    print_limits(&opt);
    if (opt.unix_path[0]) {
        fprintf(stderr, "Listening on unix:%s\n", opt.unix_path);
    } else if (!opt.stdio) {
        warn_exposed(&listeners, &opt);
        /* gdbserver's exact words: scripts wait for this line and read the port from it. */
        fprintf(stderr, "Listening on port %u\n", listeners.port);
    }
    fflush(stderr);

    memset(&params, 0, sizeof(params));
    params.opt = &opt;
    params.listeners = opt.stdio ? NULL : &listeners;
    params.in_fd = in_fd;
    params.out_fd = out_fd;
    params.inf = inf;
    rc = stub_loop_run(&params);
    guardian_done();
    return rc;
}
