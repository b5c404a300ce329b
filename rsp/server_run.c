/*
 * rsp/server_run.c - run control: '?', vCont and the legacy c/C/s/S, detach (D) and kill (k,
 * vKill), and the encoding of stop replies with their expedited registers (GDB manual E.3). A
 * resume leaves the session RUNNING with no reply; the reply is the stop the owner reports later
 * through rsp_server_report_stop (which may happen inside target->resume when the target already
 * holds an unreported event).
 *
 * Not here: which thread's event is reported next (the target keeps its pending events).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rsp/server_internal.h"

#define MAX_ACTIONS 128

int srv_encode_stop(struct rsp_server *s, struct rsp_buf *b, const struct rsp_stop *in)
{
    const struct arch_desc *arch = s->tgt->arch;
    struct rsp_stop_style style = {
        .multiprocess = s->cl.multiprocess,
        .swbreak = s->cl.swbreak,
        .hwbreak = s->cl.hwbreak,
        .lldb = s->cl.xml_registers,
    };
    struct rsp_stop st = *in;
    int rc;

    if (st.pid == 0)
        st.pid = s->tgt->pid(s->ctx);
    if (st.kind == RSP_STOP_SIGNAL && st.tid > 0 && st.nregs == 0 && arch->expedite) {
        /* The registers gdb needs to unwind the first frame without asking (gdbserver's
         * amd64_expedite_regs: rbp, rsp, rip). */
        const int *e;

        for (e = arch->expedite; *e >= 0 && st.nregs < RSP_STOP_MAX_REGS; e++) {
            unsigned regno = (unsigned)*e, len;

            if (regno >= arch->nregs)
                continue;
            len = arch->regs[regno].size_bits / 8;
            if (len == 0 || len > sizeof(st.regs[0].value))
                continue;
            if (s->tgt->read_reg(s->ctx, st.tid, regno, st.regs[st.nregs].value, len) != 0)
                continue;
            st.regs[st.nregs].regno = regno;
            st.regs[st.nregs].len = len;
            st.nregs++;
        }
    }
    rc = rsp_stop_encode(b, &st, &style);
    if (rc == 0 && st.kind == RSP_STOP_SIGNAL && s->list_threads_in_stop)
        rc = srv_add_thread_list(s, b);
    return rc;
}

/* '?': the last stop, or the state the process was found in. */
int srv_h_status(struct rsp_server *s, struct rsp_cursor *a)
{
    int64_t tid = 0;

    (void)a;
    if (!s->have_stop) {
        struct rsp_stop st;

        memset(&st, 0, sizeof(st));
        st.kind = RSP_STOP_SIGNAL;
        st.core = -1;
        if (s->tgt->list_threads(s->ctx, &tid, 1) == 0)
            return -ESRCH;
        if (s->tgt->thread_stop_info(s->ctx, tid, &st) != 0) {
            memset(&st, 0, sizeof(st));
            st.kind = RSP_STOP_SIGNAL;
            st.core = -1;
        }
        if (st.tid <= 0)
            st.tid = tid;
        s->last_stop = st;
        s->have_stop = true;
    }
    return srv_encode_stop(s, &s->reply, &s->last_stop);
}

int srv_h_vcont_query(struct rsp_server *s, struct rsp_cursor *a)
{
    (void)a;
    return srv_reply_str(s, "vCont;c;C;s;S;t");
}

static int do_resume(struct rsp_server *s, const struct rsp_resume_action *acts, size_t n)
{
    int rc;

    /* RUNNING before the call: the target may report a pending stop from inside resume. */
    s->state = RSP_SESSION_RUNNING;
    s->no_reply = true;
    rc = s->tgt->resume(s->ctx, acts, n);
    if (rc == 0 || rc == RSP_FATAL)
        return rc;
    if (s->state == RSP_SESSION_RUNNING) {
        s->state = RSP_SESSION_STOPPED;
        s->no_reply = false;
        return rc;
    }
    return 0; /* the stop reply already went out */
}

/* A GDB signal number from the wire, as a host number. */
static int parse_signal(struct rsp_cursor *a, int *host)
{
    uint64_t g;
    int h;

    if (rsp_cursor_hex_u64(a, &g) != 0 || g >= RSP_GDB_SIGNAL_LAST)
        return -EINVAL;
    h = rsp_signal_from_gdb((int)g);
    if (h < 0)
        return -EINVAL;
    *host = h;
    return 0;
}

/* "vCont;ACTION[:TID];..." (GDB manual E.8 "vCont"). */
int srv_h_vcont(struct rsp_server *s, struct rsp_cursor *a)
{
    struct rsp_resume_action acts[MAX_ACTIONS];
    size_t n = 0;

    while (!rsp_cursor_eof(a)) {
        struct rsp_resume_action *act;
        char kind;

        if (n == MAX_ACTIONS)
            return -E2BIG;
        act = &acts[n];
        memset(act, 0, sizeof(*act));
        act->tid = -1;
        kind = *a->p++;
        switch (kind) {
        case 'c':
        case 's':
        case 't':
            act->action = kind;
            break;
        case 'C':
        case 'S':
            act->action = kind == 'C' ? 'c' : 's';
            if (parse_signal(a, &act->signal) != 0)
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
        if (rsp_cursor_skip_prefix(a, ":")) {
            if (srv_parse_thread_id(a, &act->tid) != 0)
                return -EINVAL;
            if (act->tid == 0)
                act->tid = srv_current_tid(s);
        }
        n++;
        if (!rsp_cursor_eof(a) && rsp_cursor_expect(a, ';') != 0)
            return -EINVAL;
        if (rsp_cursor_eof(a) && a->p[-1] == ';')
            return -EINVAL; /* trailing ';' */
    }
    if (n == 0)
        return -EINVAL;
    return do_resume(s, acts, n);
}

/* Legacy "c[addr]" / "s[addr]": resume at addr when given. */
static int legacy_resume(struct rsp_server *s, struct rsp_cursor *a, char action, bool with_sig)
{
    struct rsp_resume_action act = {.tid = -1, .action = action, .signal = 0};
    int64_t tid = s->c_tid > 0 ? s->c_tid : srv_current_tid(s);
    uint64_t addr;

    if (with_sig) {
        if (parse_signal(a, &act.signal) != 0)
            return -EINVAL;
        if (!rsp_cursor_eof(a) && rsp_cursor_expect(a, ';') != 0)
            return -EINVAL;
    }
    if (!rsp_cursor_eof(a)) {
        const struct arch_desc *arch = s->tgt->arch;
        uint8_t pc[8];
        unsigned i, len = arch->regs[arch->pc_regno].size_bits / 8;
        int rc;

        if (rsp_cursor_hex_u64(a, &addr) != 0 || !rsp_cursor_eof(a) || len > sizeof(pc))
            return -EINVAL;
        for (i = 0; i < len; i++) /* both architectures are little-endian */
            pc[i] = (uint8_t)(addr >> (8 * i));
        rc = s->tgt->write_reg(s->ctx, tid, (unsigned)arch->pc_regno, pc, len);
        if (rc != 0)
            return rc;
    }
    if (action == 's')
        act.tid = tid; /* step one thread; the others stay stopped */
    return do_resume(s, &act, 1);
}

int srv_h_continue(struct rsp_server *s, struct rsp_cursor *a)
{
    return legacy_resume(s, a, 'c', false);
}

int srv_h_continue_sig(struct rsp_server *s, struct rsp_cursor *a)
{
    return legacy_resume(s, a, 'c', true);
}

int srv_h_step(struct rsp_server *s, struct rsp_cursor *a)
{
    return legacy_resume(s, a, 's', false);
}

int srv_h_step_sig(struct rsp_server *s, struct rsp_cursor *a)
{
    return legacy_resume(s, a, 's', true);
}

/* "D" or "D;PID" */
int srv_h_detach(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t pid;
    int rc;

    if (rsp_cursor_skip_prefix(a, ";")) {
        if (rsp_cursor_hex_u64(a, &pid) != 0 || (int64_t)pid != s->tgt->pid(s->ctx))
            return -EINVAL;
    }
    if (!rsp_cursor_eof(a))
        return -EINVAL;
    rc = s->tgt->detach(s->ctx);
    if (rc != 0)
        return rc;
    s->state = RSP_SESSION_ENDED;
    s->end = RSP_END_DETACHED;
    return srv_reply_str(s, "OK");
}

/* 'k' has no reply (gdb does not wait for one). */
int srv_h_kill(struct rsp_server *s, struct rsp_cursor *a)
{
    int rc;

    (void)a;
    s->no_reply = true;
    rc = s->tgt->kill(s->ctx);
    if (rc == RSP_FATAL)
        return rc;
    if (rc != 0)
        srv_log(s, "kill failed: %d", rc);
    s->state = RSP_SESSION_ENDED;
    s->end = RSP_END_KILLED;
    return 0;
}

/* "vKill;PID" */
int srv_h_vkill(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t pid;
    int rc;

    if (rsp_cursor_hex_u64(a, &pid) != 0 || !rsp_cursor_eof(a) ||
        (int64_t)pid != s->tgt->pid(s->ctx))
        return -EINVAL;
    rc = s->tgt->kill(s->ctx);
    if (rc != 0)
        return rc;
    s->state = RSP_SESSION_ENDED;
    s->end = RSP_END_KILLED;
    return srv_reply_str(s, "OK");
}

/* "vAttach;PID" and "vRun;..." (extended-remote): one server serves one process, the one its owner
 * attached or launched; another is never taken on (issue 5), so the client shows why. */
int srv_h_vother(struct rsp_server *s, struct rsp_cursor *a)
{
    char text[128];

    (void)a;
    snprintf(text, sizeof text,
             "gostub serves only pid %lld: attaching to or running another process is refused",
             (long long)s->tgt->pid(s->ctx));
    return srv_reply_error_text(s, text);
}
