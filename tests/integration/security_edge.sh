#!/bin/sh
# security_edge.sh - targets that move under the stub (issue 5, "the process never pays"), each driven
# by stock gdb through gostub, none may hang, each left running untraced with its text intact:
#   churn   threads created and destroyed without pause: attach, info threads, a breakpoint in the
#           threads' function hit, deleted, detach; the program keeps counting afterwards;
#   many    1,000 threads: attach time, gdb's "info threads" lists all 1,001, detach leaves none traced;
#   fork    a child forked every 50 ms runs the function with the breakpoint: children are not traced
#           and none dies (the program counts children that did not exit 0);
#   exec    the program execs /bin/sleep while gdb continues: the stub reports it, detach leaves sleep
#           running untraced;
#   exit    the program exits while running: gdb sees "exited with code 07", the stub ends 0;
#   killed  the program is SIGKILLed while stopped at a breakpoint: gdb sees it, the stub ends 0;
#   alloc   the connection's allocation fails (GOSTUB_TEST_FAIL_ALLOC=1): the client gets
#           "E.gostub: out of memory", the process is released, the stub exits 1;
#   persist --persist with the Go service: gdb killed at a breakpoint; between clients the text is
#           the binary's and the process runs untraced; the next client attaches;
#   crash   gostub dies of SIGSEGV (test hook GOSTUB_TEST_CRASH_AT_STOP=1) while reporting a breakpoint,
#           and of SIGSYS from a call the sandbox denies (GOSTUB_TEST_CRASH_AT_STOP=sys)
#           hit: the service survives (no trap left in its text), the held request completes.
# The C program is tests/integration/progs/edge_threads.c, built here with cc.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/security_lib.sh"

need_cmd gdb cc curl
need_ptrace
need_gostub
SAFETY_SERVER=gostub
PROG=$T/edge_threads
cc -O1 -g -pthread -o "$PROG" "$top_srcdir/tests/integration/progs/edge_threads.c" ||
    die "cannot build edge_threads.c"

# start_prog ARGS... - PROG in the background, waiting for READY; sets PROG_PID, PROG_OUT.
start_prog() {
    LIB_N=$((LIB_N + 1))
    PROG_OUT=$T/prog.$LIB_N.out
    "$PROG" "$@" >"$PROG_OUT" 2>&1 &
    PROG_PID=$!
    track "$PROG_PID"
    wait_for_line "$PROG_OUT" '^READY' 30 || die "edge_threads $* did not start: $(cat "$PROG_OUT")"
}

# gdb_batch NAME CMD... - run_gdb on PROG with these commands (after "target remote").
gdb_batch() {
    gname=$1
    shift
    printf 'target remote 127.0.0.1:%s\n' "$SERVER_PORT" >"$T/$gname.gdb"
    for c in "$@"; do printf '%s\n' "$c" >>"$T/$gname.gdb"; done
    run_gdb "$T/$gname.out" "$PROG" "$T/$gname.gdb" -iex 'set sysroot /'
    GOUT=$T/$gname.out
}

# free_and_counting WHAT - PROG_PID runs untraced, its text is the binary's, and it still counts.
free_and_counting() {
    wait_running "$PROG_PID" 10 || fail "$1: pid $PROG_PID is not running"
    check_untraced "$PROG_PID" || fail "$1: pid $PROG_PID is still traced"
    check_text "$PROG_PID" || fail "$1: text differs from the binary"
    c1=$(grep -c '^COUNT' "$PROG_OUT")
    sleep 2.2
    c2=$(grep -c '^COUNT' "$PROG_OUT")
    [ "$c2" -gt "$c1" ] || fail "$1: the program stopped counting"
}

stub_ended() {
    wait_exit "$SERVER_PID" "${2:-10}" || { fail "$1: gostub still runs"; return; }
    wait "$SERVER_PID" 2>/dev/null
    st=$?
    [ "$st" = 0 ] || fail "$1: gostub exit status $st"
}

# --- churn
start_prog churn
stub_start --listen 127.0.0.1:0 "$PROG_PID"
gdb_batch churn "info threads" "break work" "continue" "continue" "delete" "info threads" "detach"
[ "$(grep -c 'Breakpoint 1, work ()' "$GOUT")" = 2 ] || { cat "$GOUT"; fail "churn: breakpoint in work not hit twice"; }
grep -q 'Inferior 1 (process [0-9]*) detached' "$GOUT" || fail "churn: no detach"
stub_ended churn
free_and_counting churn
kill_wait "$PROG_PID"

# --- many threads
start_prog many 1000
ntasks=$(find "/proc/$PROG_PID/task" -mindepth 1 -maxdepth 1 | wc -l)
[ "$ntasks" = 1001 ] || fail "many: $ntasks threads, not 1001"
t0=$(date +%s.%N)
stub_start --listen 127.0.0.1:0 "$PROG_PID"
t1=$(date +%s.%N)
log "many: attached to 1001 threads in $(echo "$t1 - $t0" | bc 2>/dev/null || echo "?") s"
grep -q 'attached to pid [0-9]* (1001 threads)' "$SERVER_LOG" || fail "many: not all 1001 threads attached"
gdb_batch many "info threads" "detach"
n=$(count_info_threads "$GOUT")
[ "$n" = 1001 ] || fail "many: gdb's info threads lists $n threads, not 1001"
stub_ended many 30
free_and_counting many
kill_wait "$PROG_PID"

# --- fork
start_prog fork
stub_start --listen 127.0.0.1:0 "$PROG_PID"
gdb_batch fork "break work" "continue" "continue" "continue" "delete" "detach"
[ "$(grep -c 'Breakpoint 1, work ()' "$GOUT")" -ge 3 ] || { cat "$GOUT"; fail "fork: breakpoint not hit 3 times"; }
stub_ended fork
free_and_counting fork
grep -q BADCHILD "$PROG_OUT" && fail "fork: a child died: $(grep BADCHILD "$PROG_OUT" | head -n 3)"
kill_wait "$PROG_PID"

# --- exec
start_prog exec 2
stub_start --listen 127.0.0.1:0 "$PROG_PID"
gdb_batch exec "continue" "info threads" "detach"
grep -Eq 'executing new program|SIGTRAP' "$GOUT" || { cat "$GOUT"; fail "exec: gdb was not told of the exec"; }
stub_ended exec
wait_running "$PROG_PID" 10 || fail "exec: pid $PROG_PID not running"
check_untraced "$PROG_PID" || fail "exec: still traced"
case $(readlink "/proc/$PROG_PID/exe") in
*/sleep) ;;
*) fail "exec: pid $PROG_PID runs $(readlink "/proc/$PROG_PID/exe"), not sleep" ;;
esac
kill_wait "$PROG_PID"

# --- exit while running
start_prog exit 2
stub_start --listen 127.0.0.1:0 "$PROG_PID"
gdb_batch exit "continue"
grep -q 'exited with code 07' "$GOUT" || { cat "$GOUT"; fail "exit: gdb did not see the exit code"; }
stub_ended exit
wait "$PROG_PID" 2>/dev/null

# --- killed while stopped at a breakpoint
start_prog churn
stub_start --listen 127.0.0.1:0 "$PROG_PID"
gdb_batch killed "break work" "continue" "shell kill -9 $PROG_PID; sleep 0.5" "continue"
grep -q 'Breakpoint 1, work ()' "$GOUT" || fail "killed: breakpoint not hit"
grep -q 'terminated with signal SIGKILL' "$GOUT" || { cat "$GOUT"; fail "killed: gdb was not told"; }
stub_ended killed
wait "$PROG_PID" 2>/dev/null

# --- an allocation failure (test hook GOSTUB_TEST_FAIL_ALLOC): the process is given back
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
start_prog churn
GOSTUB_TEST_FAIL_ALLOC=1 stub_start --persist --listen 127.0.0.1:0 "$PROG_PID"
probe "tcp:127.0.0.1:$SERVER_PORT" qSupported
grep -qx 'REPLY E.gostub: out of memory' "$PROBE_OUT" || fail "alloc: the client was not told"
wait_exit "$SERVER_PID" 10 || fail "alloc: gostub still runs"
wait "$SERVER_PID" 2>/dev/null
st=$?
[ "$st" = 1 ] || fail "alloc: gostub exit status $st, not 1"
grep -q 'out of memory: released pid' "$SERVER_LOG" || fail "alloc: no release logged"
free_and_counting alloc
kill_wait "$PROG_PID"

# --- --persist: the text is intact between clients
need_cmd go
build_targets
start_target service
stub_start --persist --listen 127.0.0.1:0 "$TARGET_PID"
gdb_open "$TARGET_BIN/service"
gdb_attach
arm_and_hit "$TARGET_PORT"
gdb_kill
wait_for_line "$SERVER_LOG" 'waiting for the next client' 10 || fail "persist: the stub did not release"
check_held_request "persist, between clients"
check_released "$TARGET_PID" "$TARGET_PORT" "persist, between clients"
kill -0 "$SERVER_PID" 2>/dev/null || fail "persist: the stub ended"
gdb_open "$TARGET_BIN/service"
gdb_attach
gdb_send "detach"
gdb_mark detached
gdb_close
wait_for_line "$SERVER_LOG" 'attached to pid [0-9]* again' 10 || fail "persist: no second attach"
check_released "$TARGET_PID" "$TARGET_PORT" "persist, after the second client"
stub_term
[ "$STUB_STATUS" = 0 ] || fail "persist: stub exit status $STUB_STATUS"

# --- the stub crashes (test hook: SIGSEGV when the breakpoint hit is reported, with the breakpoints
# and the watchpoint inserted): its handler puts the original bytes back before the kernel detaches.
if grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null; then
    log "crash: skipped in a sanitizer build (ASan keeps its own SIGSEGV handler)"
else
    GOSTUB_TEST_CRASH_AT_STOP=1 stub_start --listen 127.0.0.1:0 "$TARGET_PID"
    gdb_open "$TARGET_BIN/service"
    gdb_attach
    gdb_send "break main.handle" "break main.describe" "watch main.hits" "continue"
    request "$TARGET_PORT" >"$T/held.out" 2>&1 &
    track $!
    wait_exit "$SERVER_PID" 15 || fail "crash: gostub did not die"
    wait "$SERVER_PID" 2>/dev/null
    st=$?
    [ "$st" = 139 ] || fail "crash: gostub exit status $st, not 139 (SIGSEGV)"
    grep -q 'internal error (fatal signal): restoring' "$SERVER_LOG" || fail "crash: handler did not run"
    gdb_kill
    check_held_request "crash"
    check_released "$TARGET_PID" "$TARGET_PORT" "crash"

    # The same with a system call the sandbox denies (test hook: setuid when the hit is reported):
    # SECCOMP_RET_TRAP raises SIGSYS, the handler restores the bytes, the stub dies of SIGSYS.
    GOSTUB_TEST_CRASH_AT_STOP=sys stub_start --listen 127.0.0.1:0 "$TARGET_PID"
    gdb_open "$TARGET_BIN/service"
    gdb_attach
    gdb_send "break main.handle" "break main.describe" "watch main.hits" "continue"
    request "$TARGET_PORT" >"$T/held.out" 2>&1 &
    track $!
    wait_exit "$SERVER_PID" 15 || fail "denied call: gostub did not die"
    wait "$SERVER_PID" 2>/dev/null
    st=$?
    [ "$st" = 159 ] || fail "denied call: gostub exit status $st, not 159 (SIGSYS)"
    grep -q 'internal error (fatal signal): restoring' "$SERVER_LOG" ||
        fail "denied call: handler did not run"
    gdb_kill
    check_held_request "denied call"
    check_released "$TARGET_PID" "$TARGET_PORT" "denied call"
fi
lib_finish
