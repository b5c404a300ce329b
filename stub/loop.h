/*
 * stub/loop.h - gostub's event loop: the listening sockets (or stdin/stdout with --stdio), the one
 * client connection feeding the rsp server, SIGCHLD and the termination signals through a signalfd,
 * and the idle timer. It owns the inferior from the moment it runs, and on every way out (client
 * gone, detach, kill, timeout, SIGTERM) gives the process back before returning. It never exits the
 * program: it returns the exit status to main.c.
 */
#ifndef STUB_LOOP_H
#define STUB_LOOP_H

#include <signal.h>
#include <sys/types.h>

#include "stub/inferior.h"
#include "stub/net.h"
#include "stub/options.h"

struct stub_loop_params {
    const struct stub_options *opt;
    struct net_listeners *listeners; /* TCP: bound and listening; NULL with --stdio */
    int in_fd, out_fd;               /* --stdio: the client's two descriptors; -1 otherwise */
    struct inferior *inf;            /* attached or launched; the loop takes ownership */
};

/* The signals the loop takes through its signalfd (SIGCHLD, SIGTERM, SIGINT, SIGHUP). main.c blocks
 * them (sigprocmask) before attaching so none is lost or acted on by default before the loop runs.
 */
void stub_loop_signals(sigset_t *set);

/* Runs until gostub should end; returns the exit status (0, or 1 after a failure). The inferior is
 * released, killed or gone by then, and freed; the listeners and stdio descriptors are closed. */
int stub_loop_run(const struct stub_loop_params *p);

#endif
