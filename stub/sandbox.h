/*
 * stub/sandbox.h - gostub gives up what it does not need once it holds the process: no new
 * privileges, every capability but CAP_SYS_PTRACE and CAP_DAC_OVERRIDE dropped (effective,
 * permitted, inheritable, ambient and bounding sets), and a seccomp-BPF allow-list of the system
 * calls the stub makes after attaching; any other call is refused with SIGSYS (SECCOMP_RET_TRAP):
 * the stub's crash handler restores the tracee's original bytes and the stub dies, which the kernel
 * treats as a tracer exit: it detaches every tracee and the process runs on.
 *
 * Raw syscalls only (capset, prctl, seccomp): no libcap, no libseccomp, so a static gostub still
 * links only libc and libev. Not a path policy: the filter sees numbers, not file names (see
 * doc/internals/sandbox.md for what it does and does not stop). Linux only, x86_64 and aarch64.
 */
#ifndef STUB_SANDBOX_H
#define STUB_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The capabilities kept (bit numbers of linux/capability.h): CAP_DAC_OVERRIDE (1) and
 * CAP_SYS_PTRACE (19). Why these two: doc/internals/sandbox.md. */
#define SANDBOX_KEPT_CAPS ((UINT64_C(1) << 1) | (UINT64_C(1) << 19))

struct sandbox_opts {
    bool disabled; /* --no-sandbox: sandbox_enter does nothing and returns 0 */
};

/* Enters the sandbox, for good: call once, after the attach or launch (launch needs fork and
 * execve) and after the listening sockets exist (bind and listen are not allowed afterwards), and
 * before the event loop starts (its epoll, signalfd and accept calls are allowed). The process must
 * be single-threaded: the filter is installed on the calling thread only.
 *
 * Steps, in order: PR_SET_NO_NEW_PRIVS; the bounding set is reduced to SANDBOX_KEPT_CAPS (only when
 * CAP_SETPCAP is held: a stub that is not root has nothing to drop there); the ambient set is
 * cleared; capset leaves effective = permitted = (permitted & SANDBOX_KEPT_CAPS), inheritable = 0;
 * then the seccomp filter (sandbox_install_filter). In a sanitizer build the filter is skipped (the
 * sanitizer runtime's leak check clones and ptraces at exit) and the other steps still run.
 *
 * Returns 0, or -errno with a one-line reason in err ("seccomp: Invalid argument: the kernel lacks
 * seccomp filters; run with --no-sandbox"). A failure may leave some steps done: the caller should
 * treat it as fatal (give the process back and exit), since the user did not ask to run unconfined.
 * Does not block, does not print. */
int sandbox_enter(const struct sandbox_opts *o, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The last step of sandbox_enter on its own (no_new_privs must be set already, or CAP_SYS_ADMIN
 * held): installs the allow-list, also in sanitizer builds. For tests. Returns 0 or -errno. */
int sandbox_install_filter(char *err, size_t errlen) __attribute__((warn_unused_result));

/* Number of instructions of the filter program for this architecture (for tests and the doc). */
size_t sandbox_filter_len(void);

#endif
