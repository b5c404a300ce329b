#!/bin/sh
# safety_client_gone.sh - the three ordinary ways a gdb session ends, each on a fresh debug build of the
# service, gdb driven one command at a time (tests/integration/safety_lib.sh):
#   detach    stopped at a breakpoint after the hardware watchpoint fired, gdb says "detach";
#   stopped   stopped at a breakpoint, two breakpoints and a watchpoint set, gdb is killed with SIGKILL:
#             no packet ever comes, the connection just closes;
#   running   running with two breakpoints (int3 in the text) and a hardware watchpoint (DR0/DR7 of
#             every thread) inserted, gdb is killed with SIGKILL.
# After each: gostub exits, the service runs (no thread in a stop), no thread has a tracer, the text is
# byte for byte the binary's, the request held at the breakpoint completes, and further requests -
# which run through both breakpoint addresses and write the watched variable, so a leftover int3 or
# debug register would kill the untraced service with SIGTRAP - are answered.
#
# tests/integration/gdb_safety.sh covers the same ground on the optimized build with "breakpoint
# always-inserted on" and gdb in batch mode; this one uses gdb's defaults (breakpoints taken out of
# memory at every stop) and the -N -l build. SAFETY_SERVER=gdbserver shows what the checks catch:
# detach passes; after either kill gdbserver keeps the service traced, waiting for a new client - all
# threads stopped after the kill at a breakpoint (the held request never completes), and after the
# kill while running both int3 bytes still in the text (0314 where the file has 0110).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl
need_ptrace
need_server
build_targets

# session - a fresh service, a server attached to it, gdb connected.
session() {
    start_target service-debug
    start_safety_server "$TARGET_PID"
    gdb_open "$TARGET_BIN/service-debug"
    gdb_attach
}

# finish WHAT [held] - the checks once the client is gone ("held": a request waits at the breakpoint).
finish() {
    [ "$SAFETY_SERVER" = gostub ] && expect_server_exit "$1"
    [ "${2:-}" = held ] && check_held_request "$1"
    check_released "$TARGET_PID" "$TARGET_PORT" "$1"
    reply=$(request "$TARGET_PORT")
    case $reply in
    pong*) ;;
    *) fail "$1: a further request got '$reply'" ;;
    esac
    kill -0 "$TARGET_PID" 2>/dev/null || fail "$1: the service died: $(tail -n 3 "$TARGET_OUT")"
    [ "$LIB_FAILED" -eq 0 ] || { log "$1: gdb output:"; sed 's/^/  | /' "$GDB_OUT" | tail -n 20; }
    kill -9 "$TARGET_PID" 2>/dev/null
}

# 1. detach
session
arm_and_hit "$TARGET_PORT"
gdb_send "continue"
gdb_wait 'hit Hardware watchpoint 3: main\.hits'
gdb_wait '^New value = '
gdb_send "detach"
gdb_mark detached
grep -Eq '\[Inferior 1 \(process [0-9]+\) detached\]' "$GDB_OUT" || fail "detach: gdb did not report the detach"
gdb_close
finish detach held

# 2. kill -9 of gdb while stopped at a breakpoint
session
arm_and_hit "$TARGET_PORT"
gdb_kill
finish "kill -9 at a breakpoint" held

# 3. kill -9 of gdb while running with breakpoints and a watchpoint inserted
session
gdb_send "break main.handle" "break main.describe" "watch main.hits"
gdb_mark armed
grep -Eq '(^|\(gdb\) )Hardware watchpoint 3: main\.hits' "$GDB_OUT" || die "gdb did not set a hardware watchpoint"
gdb_send "continue"
gdb_wait 'Continuing\.'
wait_running "$TARGET_PID" 10 || die "running: the service did not resume after continue"
# gdb inserts its breakpoints as it resumes: wait until they are in the text, or this tests nothing.
i=0
while check_text "$TARGET_PID" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 50 ] || die "running: no breakpoint in the text while running"
    sleep 0.1
done
grep -q 'hit Breakpoint' "$GDB_OUT" && die "running: a breakpoint was hit before the kill"
gdb_kill
finish "kill -9 while running"
lib_finish
