/*
 * tests/unit/rsp_fake_target.h - an in-memory process behind the rsp target table, for the server's
 * unit tests, the transcript replays and the fuzz target: pid 100 with threads 100 ("main") and 101
 * ("worker"), x86_64 registers, memory at [0x1000, 0x3000) and [0x400000, 0x402000), breakpoints,
 * watchpoints, host I/O over two fake files, memory regions and a monitor. It records what the
 * server asked of it so tests can check the calls, not just the replies.
 */
#ifndef TESTS_RSP_FAKE_TARGET_H
#define TESTS_RSP_FAKE_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "rsp/target.h"

#define FAKE_PID 100
#define FAKE_NTHREADS 2
#define FAKE_MEM_BASE 0x1000u
#define FAKE_MEM_LEN 0x2000u
#define FAKE_TEXT_BASE 0x400000u
#define FAKE_TEXT_LEN 0x2000u
#define FAKE_FATAL_ADDR 0xdead0000u /* reading here returns RSP_FATAL */
#define FAKE_MAX_BPS 16

struct fake_target {
    int64_t tids[FAKE_NTHREADS];
    const char *names[FAKE_NTHREADS];
    uint8_t regs[FAKE_NTHREADS][1024]; /* 'g' layout of arch_x86_64 */
    struct rsp_stop stops[FAKE_NTHREADS];
    uint8_t mem[FAKE_MEM_LEN];
    uint8_t text[FAKE_TEXT_LEN];
    bool attached;
    /* Replays of recorded sessions: any tid is a live thread (tid & 1 picks which), any address is
     * readable (byte = address & 0xff) and writable (discarded). */
    bool permissive;

    uint64_t bps[FAKE_MAX_BPS];
    unsigned nbps;
    unsigned nhw;        /* hardware breakpoints + watchpoints in use, at most 4 */
    uint64_t watch_addr; /* the last watchpoint inserted and not removed, 0 when none */

    struct rsp_resume_action last_acts[8];
    size_t last_nacts;
    unsigned resumes, interrupts, detaches, kills;
    int resume_error;          /* returned by resume when set */
    bool report_in_resume;     /* report stops[0] from inside resume (a pending event) */
    struct rsp_server *server; /* for report_in_resume */

    bool pass[RSP_HOST_NSIG], program[RSP_HOST_NSIG];
    bool thread_events;
    bool monitor_no_help; /* the monitor does not know "help" */
    int open_fds;
    int64_t setfs_pid;
};

/* Fills f with the process described above. */
void fake_init(struct fake_target *f);
/* Register bytes of a thread (index 0 or 1) in 'g' layout, for tests that move the pc. */
void fake_set_pc(struct fake_target *f, int thread, uint64_t pc);
uint64_t fake_get_pc(const struct fake_target *f, int thread);
/* The full table (every optional group) and the base-only table (every group NULL). */
extern const struct rsp_target fake_target_full;
extern const struct rsp_target fake_target_base;

#endif
