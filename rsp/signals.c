/*
 * rsp/signals.c - conversion between Linux signal numbers and GDB's remote-protocol numbering
 * (gdb/signals.def, which is part of the protocol and never renumbered).
 *
 * Linux numbers are written out rather than taken from <signal.h> so that the table is the same on
 * every host that builds this library (x86_64 and aarch64 Linux share these numbers; glibc's
 * SIGRTMIN is not used because the kernel's realtime range starts at 32 whatever glibc reserves).
 */
#include "rsp/signals.h"

#include <stddef.h>

/* gdb/signals.def: the realtime numbers are out of line. Real-time event 33..63 are 45..75, event
 * 32 was added later as 77 and event 64 as 78 (76 is Solaris' SIGCANCEL). */
#define GDB_RT_33 45
#define GDB_RT_63 75
#define GDB_RT_32 77
#define GDB_RT_64 78

/* clang-format off */
/* Indexed by Linux signal number: GDB number and name. 0 in gdb means "no GDB equivalent" except for
 * index 0 itself. */
static const struct {
    unsigned char gdb;
    const char *name;
} host_signals[RSP_HOST_NSIG] = {
    [0]  = {0,  NULL},
    [1]  = {1,  "SIGHUP"},
    [2]  = {2,  "SIGINT"},
    [3]  = {3,  "SIGQUIT"},
    [4]  = {4,  "SIGILL"},
    [5]  = {5,  "SIGTRAP"},
    [6]  = {6,  "SIGABRT"},
    [7]  = {10, "SIGBUS"},
    [8]  = {8,  "SIGFPE"},
    [9]  = {9,  "SIGKILL"},
    [10] = {30, "SIGUSR1"},
    [11] = {11, "SIGSEGV"},
    [12] = {31, "SIGUSR2"},
    [13] = {13, "SIGPIPE"},
    [14] = {14, "SIGALRM"},
    [15] = {15, "SIGTERM"},
    [16] = {0,  "SIGSTKFLT"},   /* gdb has no number for it: reported as GDB_SIGNAL_UNKNOWN */
    [17] = {20, "SIGCHLD"},
    [18] = {19, "SIGCONT"},
    [19] = {17, "SIGSTOP"},
    [20] = {18, "SIGTSTP"},
    [21] = {21, "SIGTTIN"},
    [22] = {22, "SIGTTOU"},
    [23] = {16, "SIGURG"},
    [24] = {24, "SIGXCPU"},
    [25] = {25, "SIGXFSZ"},
    [26] = {26, "SIGVTALRM"},
    [27] = {27, "SIGPROF"},
    [28] = {28, "SIGWINCH"},
    [29] = {23, "SIGIO"},       /* SIGPOLL is the same signal on Linux */
    [30] = {32, "SIGPWR"},
    [31] = {12, "SIGSYS"},
};
/* clang-format on */

/* GDB numbers with a Linux meaning that the table above does not give back: GDB_SIGNAL_POLL (33) is
 * SIGIO on Linux; GDB_SIGNAL_IOT does not exist separately (it is SIGABRT, 6). */
#define GDB_SIGNAL_POLL 33
#define LINUX_SIGIO 29

static const char *const rt_names[] = {
    "SIG32", "SIG33", "SIG34", "SIG35", "SIG36", "SIG37", "SIG38", "SIG39", "SIG40",
    "SIG41", "SIG42", "SIG43", "SIG44", "SIG45", "SIG46", "SIG47", "SIG48", "SIG49",
    "SIG50", "SIG51", "SIG52", "SIG53", "SIG54", "SIG55", "SIG56", "SIG57", "SIG58",
    "SIG59", "SIG60", "SIG61", "SIG62", "SIG63", "SIG64",
};

int rsp_signal_to_gdb(int host_sig)
{
    if (host_sig == 0)
        return RSP_GDB_SIGNAL_0;
    if (host_sig < 0 || host_sig >= RSP_HOST_NSIG)
        return RSP_GDB_SIGNAL_UNKNOWN;
    if (host_sig == 32)
        return GDB_RT_32;
    if (host_sig == 64)
        return GDB_RT_64;
    if (host_sig > 32)
        return GDB_RT_33 + (host_sig - 33);
    int g = host_signals[host_sig].gdb;
    return g != 0 ? g : RSP_GDB_SIGNAL_UNKNOWN;
}

int rsp_signal_from_gdb(int gdb_sig)
{
    if (gdb_sig == RSP_GDB_SIGNAL_0)
        return 0;
    if (gdb_sig < 0 || gdb_sig >= RSP_GDB_SIGNAL_LAST)
        return -1;
    if (gdb_sig == GDB_RT_32)
        return 32;
    if (gdb_sig == GDB_RT_64)
        return 64;
    if (gdb_sig >= GDB_RT_33 && gdb_sig <= GDB_RT_63)
        return 33 + (gdb_sig - GDB_RT_33);
    if (gdb_sig == GDB_SIGNAL_POLL)
        return LINUX_SIGIO;
    for (int s = 1; s < 32; s++) {
        if (host_signals[s].gdb == gdb_sig)
            return s;
    }
    return -1;
}

const char *rsp_signal_name(int host_sig)
{
    if (host_sig <= 0 || host_sig >= RSP_HOST_NSIG)
        return "SIG?";
    if (host_sig >= 32)
        return rt_names[host_sig - 32];
    return host_signals[host_sig].name;
}
