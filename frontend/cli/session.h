/*
 * frontend/cli/session.h - one debugging session as the commands see it: the target (target/), the
 * local copy of the program (sym/), the Go runtime reader (goruntime/) over a gomem adapter, the
 * thread and goroutine lists of the current stop, the selected goroutine and frame, and godbg's own
 * breakpoint table. The commands (cli/cmd_*.c) read and change it; nothing here prints.
 *
 * Not for: option parsing (main.c), text for the user (the cli_*.c files turn every -errno into
 * words). One owner, no threads. Every call blocks on the target.
 */
#ifndef FRONTEND_CLI_SESSION_H
#define FRONTEND_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frontend/goruntime/goroutines.h"
#include "frontend/goruntime/unwind.h"
#include "frontend/sym/image.h"
#include "frontend/target/target.h"

#define SES_MUST_CHECK __attribute__((warn_unused_result))
#define SES_MAX_THREADS 4096
#define SES_MAX_FRAMES 256
#define SES_MAX_BP_ADDRS 16
#define SES_MAX_SUBST 16

struct ses_bp {
    int id;                           /* 1, 2, ... as dlv numbers them (a named one uses one too) */
    char name[64];                    /* `break NAME LOC`; empty when unnamed */
    uint64_t addrs[SES_MAX_BP_ADDRS]; /* every address it was set at */
    size_t naddrs;
    char *func; /* function of addrs[0] (image string, may be NULL) */
    char *file; /* file:line of addrs[0] */
    uint32_t line;
    uint64_t total_hits;
    struct ses_bp_hit {
        int64_t goid;
        uint64_t n;
    } * hits; /* hits per goroutine, in order of first hit */
    size_t nhits;
};

struct ses_subst {
    char *from, *to;
};

struct session {
    struct tgt *t;
    struct sym_image *img;
    struct gort *rt; /* NULL when the binary lacks the runtime's DWARF: goroutine commands refuse */
    const char *rt_why;
    struct gomem mem;
    bool launched;  /* we started the program (exec): exit asks, or kills in batch mode */
    pid_t stub_pid; /* the gostub we started, 0 for connect */

    /* The current stop, loaded lazily and dropped by every resume: the threads (ses_refresh), the
     * selected thread's own goroutine (ses_select_thread: its g pointer and that one g), and the
     * whole goroutine list only when a command needs it (ses_load_goroutines). */
    bool loaded;
    struct tgt_thread *threads;
    size_t nthreads;
    bool gs_loaded;
    struct gort_g *gs;
    size_t ngs;
    bool have_one;       /* one_g holds the goroutine the selected thread ran at this stop */
    struct gort_g one_g; /* read alone through the thread's g pointer */
    int m_offs;          /* runtime.m procid/curg offsets: 0 not looked up, 1 known, -1 missing */
    uint64_t m_procid_off, m_curg_off;

    int64_t cur_tid;  /* selected thread */
    int64_t cur_goid; /* selected goroutine, 0 when the thread runs none */
    int cur_frame;    /* selected frame of the selected goroutine (or thread) */

    struct ses_bp *bps;
    size_t nbps;
    int next_bp_id;

    struct ses_subst subst[SES_MAX_SUBST];
    size_t nsubst;
};

/* Takes T and IMG (owned from then on, on failure too). Resolves the Go runtime (a binary without
 * it still debugs, without goroutines: rt NULL, rt_why says why). 0 or -ENOMEM. */
int ses_init(struct session *s, struct tgt *t, struct sym_image *img) SES_MUST_CHECK;
void ses_fini(struct session *s);

/* Threads of the current stop (read once per stop). 0 or -errno from the target. */
int ses_refresh(struct session *s) SES_MUST_CHECK;
/* ses_refresh, then every goroutine of the current stop into s->gs (read once per stop). 0 or
 * -errno. */
int ses_load_goroutines(struct session *s) SES_MUST_CHECK;
/* Drops everything read in the current stop (after a resume, a write). */
void ses_invalidate(struct session *s);
/* Selects the goroutine that thread TID runs (or the thread alone), frame 0: from the thread's g
 * pointer and that one g when it names a live goroutine, else from the whole list. */
void ses_select_thread(struct session *s, int64_t tid);

/* The goroutine with id GOID, NULL when none (or the list cannot be read): the selected thread's
 * own when it is that one, else from the whole list (loaded here when not yet). */
const struct gort_g *ses_find_g(struct session *s, int64_t goid);
/* The selected goroutine, or NULL (thread without a goroutine, or no runtime). */
const struct gort_g *ses_cur_g(struct session *s);

/* The frames of the selected goroutine (or of the selected thread when it runs none): at most MAX
 * into OUT. 0, or -errno. */
int ses_frames(struct session *s, struct gort_frame *out, size_t max, size_t *n) SES_MUST_CHECK;
/* Frames of thread TID from its registers alone (no goroutine): frame pointers. */
int ses_thread_frames(struct session *s, int64_t tid, struct gort_frame *out, size_t max,
                      size_t *n) SES_MUST_CHECK;

/* A local path for FILE after `config substitute-path` rules; returns FILE itself when no rule
 * matches, else BUF. */
const char *ses_subst_path(const struct session *s, const char *file, char *buf, size_t len);

/* Breakpoints: set at ADDRS (inserted in the target), described by the location of addrs[0]. *out
 * is the new entry (valid until the table changes). -EEXIST when one is already at addrs[0]. */
int ses_bp_add(struct session *s, const uint64_t *addrs, size_t n,
               struct ses_bp **out) SES_MUST_CHECK;
int ses_bp_remove(struct session *s, int id) SES_MUST_CHECK;
struct ses_bp *ses_bp_by_id(struct session *s, int id);
struct ses_bp *ses_bp_by_addr(struct session *s, uint64_t addr);
/* Counts a hit of BP by goroutine GOID. */
void ses_bp_hit(struct ses_bp *bp, int64_t goid);

/* Resumes every thread and waits for the next stop, which selects the stopping thread. A stop at
 * one of our breakpoints sets *bp (else NULL). Ctrl-C (SIGINT) interrupts the target. 0, -errno. */
int ses_continue(struct session *s, struct rsp_stop *stop, struct ses_bp **bp) SES_MUST_CHECK;

/* The same backwards (rr): step_tid 0 runs back to the previous breakpoint (or the start of the
 * recording), else that thread steps back one instruction. -EOPNOTSUPP when the target cannot
 * run backwards (tgt_rsp_can_reverse). */
int ses_reverse(struct session *s, int64_t step_tid, struct rsp_stop *stop,
                struct ses_bp **bp) SES_MUST_CHECK;

/* Whether SIG is one the Go runtime uses for itself (SIGURG...): continue hands it back silently.
 */
bool ses_signal_passed(int sig);
/* Asks the server to pass the signals Go uses all the time (SIGURG, SIGPROF...) without even
 * stopping (QPassSignals), where it can. */
void ses_pass_signals(struct session *s);

#endif
