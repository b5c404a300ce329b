/*
 * frontend/main.c - godbg's entry point: options and the four ways in (connect to an RSP server,
 * attach to a local process through a gostub we start, launch a program under one, open a core
 * file with the core target: postmortem, nothing runs), the local copy
 * of the binary (fetched from the server when not given; build ids compared), then the command
 * loop, and the end of the session (detach, or kill). The only place godbg exits.
 *
 * Not for: commands (cli/), session state (cli/session.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "frontend/cli/cli.h"
#include "frontend/sym/image.h"

#define CONNECT_TIMEOUT_MS 30000
#define FETCH_MAX_LEN ((uint64_t)2 << 30) /* largest executable fetched from a server */

static const char usage_text[] =
    "Usage: godbg [OPTIONS] connect HOST:PORT [BINARY]\n"
    "       godbg [OPTIONS] attach PID [BINARY]\n"
    "       godbg [OPTIONS] exec BINARY [-- ARGS...]\n"
    "       godbg [OPTIONS] core BINARY CORE\n"
    "Debug a Go program through a GDB remote protocol server (gostub, gdbserver), with\n"
    "Delve's commands and output.\n"
    "\n"
    "  connect HOST:PORT [BINARY]  talk to a server already running; BINARY is the local\n"
    "                              copy of the program (default: fetched from the server)\n"
    "  attach PID [BINARY]         start `gostub --stdio PID` and debug process PID\n"
    "                              (BINARY default: /proc/PID/exe)\n"
    "  exec BINARY [-- ARGS...]    start BINARY ARGS under `gostub --stdio`, stopped at its\n"
    "                              first instruction\n"
    "  core BINARY CORE            examine CORE, a core file of BINARY (the kernel's,\n"
    "                              gcore's or godbg's dump): nothing runs or is written\n"
    "\n"
    "Options:\n"
    "      --init FILE  run the commands in FILE first\n"
    "      --batch      run the --init commands and the commands read from standard input,\n"
    "                   then exit without prompting (implied when standard input is not a\n"
    "                   terminal)\n"
    "  -h, --help       show this help and the commands, then exit\n"
    "  -V, --version    show the version and exit\n"
    "\n"
    "exit (or end of input) detaches from an attached process and leaves it running;\n"
    "`exit -k` kills it. A program started with exec is killed (after asking when\n"
    "interactive). GODBG_GOSTUB names the gostub to run (default: next to godbg, then PATH).\n";

static void on_sigint(int sig)
{
    (void)sig;
}

static void die_usage(const char *msg)
{
    fprintf(stderr, "godbg: %s\nTry 'godbg --help' for more information.\n", msg);
    exit(2);
}

/* gostub beside us (the build tree keeps it in ../stub/), else on PATH. */
static void find_gostub(char *out, size_t len)
{
    const char *env = getenv("GODBG_GOSTUB");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = 0;
        char *dir = dirname(self);
        const char *cands[] = {"/../stub/gostub", "/gostub"};
        for (size_t i = 0; i < 2; i++) {
            snprintf(out, len, "%s%s", dir, cands[i]);
            if (access(out, X_OK) == 0)
                return;
        }
    }
    snprintf(out, len, "gostub");
}

/* Starts gostub --stdio ARGV... with a socket pair on its stdin/stdout; *fd is our end. */
static pid_t spawn_stub(char *const *stub_args, int *fd)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        /* Its own process group: Ctrl-C at our prompt interrupts the program through the protocol,
         * and must not kill the stub. */
        setpgid(0, 0);
        dup2(sv[1], 0);
        dup2(sv[1], 1);
        execvp(stub_args[0], stub_args);
        fprintf(stderr,
                "godbg: cannot run %s: %s (build it, put it on PATH, or set GODBG_GOSTUB)\n",
                stub_args[0], strerror(errno));
        _exit(127);
    }
    close(sv[1]);
    *fd = sv[0];
    return pid;
}

/* The executable from the server (qXfer:exec-file, vFile) into a temporary file. */
static int fetch_binary(struct tgt *t, char *path, size_t len)
{
    char remote[PATH_MAX];
    int rc = tgt_rsp_exec_file(t, remote, sizeof(remote));
    if (rc < 0) {
        fprintf(stderr, "godbg: the server does not say which program it runs (%s).\n",
                strerror(-rc));
        return rc;
    }
    snprintf(path, len, "%s/godbg-exe-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -errno;
    uint64_t got = 0;
    rc = tgt_rsp_fetch_file(t, remote, fd, FETCH_MAX_LEN, &got);
    close(fd);
    if (rc < 0) {
        unlink(path);
        fprintf(stderr, "godbg: could not copy %s from the server: %s.\n", remote, strerror(-rc));
        return rc;
    }
    fprintf(stderr, "godbg: using %s from the server (%" PRIu64 " bytes)\n", remote, got);
    return 0;
}

/* Warns when the program in memory is not the local binary: Go's build id note is loaded
 * (SHF_ALLOC), so its bytes in the process must equal the file's. */
static void check_build_id(struct tgt *t, struct sym_image *img)
{
    const struct sym_section *sec = sym_image_section_by_name(img, ".note.go.buildid");
    if (!sec || !sec->addr || sec->size == 0 || sec->size > 4096)
        return;
    uint8_t file[4096], mem[4096];
    if (sym_image_read(img, sec->addr, file, sec->size) < 0)
        return;
    if (tgt_read_mem(t, sec->addr, mem, sec->size) < 0 || memcmp(file, mem, sec->size) != 0)
        fprintf(stderr,
                "godbg: warning: %s does not match the program being debugged (its Go build id "
                "differs): locations and values will be wrong; give the binary the process runs\n",
                sym_image_path(img));
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"init", required_argument, NULL, 'i'},
        {"batch", no_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *init = NULL;
    bool batch = false;
    int ch;
    /* Options may come anywhere before "--" (as `dlv attach PID --init FILE`); what follows "--"
     * is the program's. */
    int dashdash = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            dashdash = i;
            break;
        }
    while ((ch = getopt_long(dashdash, argv, "hV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'i':
            init = optarg;
            break;
        case 'b':
            batch = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            printf("\n");
            cli_print_help();
            return 0;
        case 'V':
            printf("godbg %s\n", PACKAGE_VERSION);
            return 0;
        default:
            die_usage("unknown option");
        }
    }
    if (optind >= dashdash)
        die_usage("say what to debug: connect, attach, exec or core");
    const char *mode = argv[optind++];
    int nargs = dashdash - optind;
    char **args = argv + optind;
    char **prog_args = argv + dashdash + (dashdash < argc);
    int nprog = argc - dashdash - (dashdash < argc);

    signal(SIGPIPE, SIG_IGN);
    struct tgt *t = NULL;
    const char *why = NULL;
    const char *binary = NULL;
    char exe_buf[PATH_MAX], tmp_exe[PATH_MAX] = "", stub[PATH_MAX];
    pid_t stub_pid = 0;
    bool launched = false, core_mode = false;
    int rc;

    if (strcmp(mode, "connect") == 0) {
        if (nargs < 1 || nargs > 2 || nprog > 0)
            die_usage("connect takes HOST:PORT and an optional BINARY");
        rc = tgt_rsp_connect(args[0], CONNECT_TIMEOUT_MS, &t, &why);
        if (rc < 0) {
            fprintf(stderr, "godbg: could not connect to %s: %s%s%s\n", args[0], strerror(-rc),
                    why ? ": " : "", why ? why : "");
            return 1;
        }
        binary = nargs == 2 ? args[1] : NULL;
    } else if (strcmp(mode, "attach") == 0 || strcmp(mode, "exec") == 0) {
        bool exec_mode = mode[0] == 'e';
        if (nargs < 1)
            die_usage(exec_mode ? "exec takes BINARY [-- ARGS...]" : "attach takes PID [BINARY]");
        find_gostub(stub, sizeof(stub));
        if (!exec_mode && nprog > 0)
            die_usage("attach takes no program arguments");
        char **sargv = calloc((size_t)nargs + (size_t)nprog + 5, sizeof(char *));
        if (!sargv)
            return 1;
        int k = 0;
        sargv[k++] = stub;
        sargv[k++] = (char *)"--stdio";
        if (exec_mode) {
            binary = args[0];
            if (access(binary, R_OK | X_OK) != 0) {
                fprintf(stderr, "godbg: cannot run %s: %s\n", binary, strerror(errno));
                return 1;
            }
            sargv[k++] = (char *)"--";
            sargv[k++] = args[0];
            if (nargs > 1)
                die_usage("program arguments go after --: godbg exec BINARY -- ARGS...");
            for (int i = 0; i < nprog; i++)
                sargv[k++] = prog_args[i];
            launched = true;
        } else {
            if (nargs > 2)
                die_usage("attach takes PID and an optional BINARY");
            char *end;
            long pid = strtol(args[0], &end, 10);
            if (*end || pid <= 0)
                die_usage("attach needs a process id (a positive number)");
            /* godbg kills an attached process only on `exit -k`, which gostub refuses without
             * this option (it would release the process instead). */
            sargv[k++] = (char *)"--allow-kill";
            sargv[k++] = args[0];
            if (nargs == 2) {
                binary = args[1];
            } else {
                snprintf(exe_buf, sizeof(exe_buf), "/proc/%ld/exe", pid);
                binary = exe_buf;
            }
        }
        int fd;
        stub_pid = spawn_stub(sargv, &fd);
        free(sargv);
        if (stub_pid < 0) {
            fprintf(stderr, "godbg: cannot start %s: %s\n", stub, strerror(errno));
            return 1;
        }
        int fd2 = dup(fd);
        rc = fd2 < 0 ? -errno : tgt_rsp_connect_fds(fd, fd2, CONNECT_TIMEOUT_MS, &t, &why);
        if (rc < 0) {
            /* gostub that exited has said why on stderr (no such process, not permitted...) */
            int st = 0;
            usleep(100000);
            if (waitpid(stub_pid, &st, WNOHANG) == stub_pid) {
                fprintf(stderr, "godbg: %s could not start the session (its reason is above)\n",
                        stub);
            } else {
                fprintf(stderr, "godbg: %s did not start a session: %s%s%s\n", stub, strerror(-rc),
                        why ? ": " : "", why ? why : "");
                kill(stub_pid, SIGTERM);
                waitpid(stub_pid, NULL, 0);
            }
            return 1;
        }
    } else if (strcmp(mode, "core") == 0) {
        if (nargs != 2 || nprog > 0)
            die_usage("core takes BINARY and CORE");
        /* The reader's messages are sentences already (build-id mismatch, truncated, compressed).
         */
        char err[512] = "";
        binary = args[0];
        rc = tgt_core_open(args[1], binary, &t, err, sizeof(err));
        if (rc < 0) {
            fprintf(stderr, "godbg: %s\n", err[0] ? err : strerror(-rc));
            return 1;
        }
        core_mode = true;
    } else {
        die_usage("unknown mode (connect, attach, exec or core)");
    }

    if (!binary) {
        if (fetch_binary(t, tmp_exe, sizeof(tmp_exe)) < 0) {
            fprintf(stderr,
                    "godbg: a local copy of the binary is needed: run godbg connect %s "
                    "BINARY\n",
                    args[0]);
            if (t->ops->detach)
                (void)t->ops->detach(t);
            tgt_close(t);
            return 1;
        }
        binary = tmp_exe;
    }
    struct sym_image *img = NULL;
    rc = sym_image_open(binary, &img);
    if (tmp_exe[0])
        unlink(tmp_exe); /* the image keeps its descriptor */
    if (rc < 0) {
        fprintf(stderr, "godbg: cannot read %s: %s\n", binary,
                rc == -ENOEXEC ? "not an ELF executable" : strerror(-rc));
        if (t->ops->detach)
            (void)t->ops->detach(t);
        tgt_close(t);
        if (stub_pid > 0)
            waitpid(stub_pid, NULL, 0);
        return 1;
    }
    check_build_id(t, img);

    struct session s;
    rc = ses_init(&s, t, img);
    if (rc < 0) {
        fprintf(stderr, "godbg: out of memory\n");
        return 1;
    }
    s.launched = launched;
    if (strcmp(t->ops->name, "rsp") == 0)
        ses_pass_signals(&s);
    s.stub_pid = stub_pid;
    if (!s.rt)
        fprintf(stderr, "godbg: warning: no goroutine information: %s\n", s.rt_why);
    if (ses_refresh(&s) == 0) {
        /* The process's main thread first, as dlv selects it after attaching; servers name
         * different threads in their first stop (gdbserver: often the last one it attached). */
        int64_t first = t->current_tid;
        for (size_t i = 0; i < s.nthreads && !core_mode; i++)
            if (t->pid > 0 && s.threads[i].tid == t->pid)
                first = t->pid;
        /* A core: the thread that took the fatal signal (tgt_core_open's current_tid), as dlv. */
        ses_select_thread(&s, first);
    }

    /* Ctrl-C at the prompt clears the line (readline) and never ends godbg; during continue the
     * session's own handler interrupts the program. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);

    struct cli c = {.s = &s};
    c.interactive = isatty(0) && !batch;
    c.batch = batch || !isatty(0);
    if (init) {
        rc = cli_source(&c, init);
        if (rc < 0)
            fprintf(stderr, "godbg: cannot read %s: %s\n", init, strerror(-rc));
    }
    if (c.quit == CLI_GO_ON && !(batch && isatty(0)))
        cli_loop(&c);
    else if (c.quit == CLI_GO_ON)
        (void)cli_exec(&c, "exit");

    int status = 0;
    if (!t->exited && !core_mode) { /* a core has nothing to detach from or kill */
        if (c.quit == CLI_QUIT_KILL) {
            rc = t->ops->kill ? t->ops->kill(t) : -EOPNOTSUPP;
            if (rc < 0) {
                fprintf(stderr, "godbg: could not kill the process: %s\n", strerror(-rc));
                status = 1;
            }
        } else {
            while (s.nbps)
                if (ses_bp_remove(&s, s.bps[0].id) < 0)
                    break;
            rc = t->ops->detach ? t->ops->detach(t) : 0;
            if (rc < 0) {
                fprintf(stderr, "godbg: could not detach: %s\n", strerror(-rc));
                status = 1;
            }
        }
    }
    ses_fini(&s);
    if (stub_pid > 0)
        waitpid(stub_pid, NULL, 0);
    return status;
}
