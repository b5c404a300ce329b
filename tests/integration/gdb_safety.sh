#!/bin/sh
# gdb_safety.sh - production safety of gostub driven by stock gdb: whatever way the client leaves, the
# service keeps running untraced with its original text. Three ways, each on a fresh optimized service:
#   detach   stopped at a breakpoint, with a watchpoint, then "detach";
#   kill     stopped at a breakpoint ("breakpoint always-inserted on", so the int3 bytes are in memory)
#            with a watchpoint, then kill -9 of gdb (and its process group): the TCP connection drops;
#   running  running with two breakpoints and a watchpoint inserted (checked: the text differs from the
#            binary while they are in), then kill -9 of gdb.
# After each: the stub exits (it was not started with --persist), no thread of the service is stopped,
# TracerPid is 0 on every thread, the text segment equals the binary's file byte for byte, a request
# that was pending is answered, and two further requests are answered - a breakpoint or a debug
# register left behind would kill the untraced Go process with SIGTRAP on the first of them.
#
# Runs against gostub only: gdbserver does not pass this test (when its client vanishes it keeps the
# process stopped with the breakpoints in memory, waiting for a new connection).
# SAFETY_SERVER=gdbserver shows that the test detects exactly that. KEEP=1 keeps the scratch folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd gdb curl setsid
need_ptrace
SERVERS=${SAFETY_SERVER:-gostub}
servers_under_test
build_targets

bin=$TARGET_BIN/service
l_reply=$(src_line service.go reply)

# after WHAT [PENDING-REQUEST-FILE] - the checks once the client is gone.
after() {
    wait_exit "$SERVER_PID" 10 || fail "$1: $SERVERS still runs after its client went away"
    if [ -n "${2:-}" ]; then
        wait_for_line "$2" '^pong 1 /ping#1$' 10 || fail "$1: the pending request got '$(cat "$2" 2>/dev/null)'"
    fi
    check_alive_and_free "$TARGET_PID" "$TARGET_PORT" "$1"
    reply=$(request "$TARGET_PORT") || true
    case $reply in
    pong*) ;;
    *) fail "$1: a further request got '$reply'" ;;
    esac
    kill -0 "$TARGET_PID" 2>/dev/null || fail "$1: the service died ($(tail -n 3 "$TARGET_OUT"))"
    kill_wait "$TARGET_PID"
}

# 1. detach
start_target service 0
start_server "$SERVERS" "$TARGET_PID"
cat >"$T/detach.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
set breakpoint always-inserted on
break main.handle
watch 'main.hits'
shell curl -s -m 30 -o $T/detach.req http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK stopped\n
detach
echo MARK detached\n
G
run_gdb "$T/detach.out" "$bin" "$T/detach.gdb" || fail "detach: gdb exited with status $?"
grep -q 'hit Breakpoint 1, main.handle' "$T/detach.out" || fail "detach: no breakpoint hit: $(cat "$T/detach.out")"
grep -q '^\[Inferior 1 (process [0-9]*) detached\]' "$T/detach.out" || fail "detach: gdb did not detach"
after detach "$T/detach.req"

# 2. kill -9 of gdb while stopped at a breakpoint
start_target service 0
start_server "$SERVERS" "$TARGET_PID"
cat >"$T/kill.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
set breakpoint always-inserted on
break main.handle
watch 'main.hits'
# setsid: the request must outlive the kill -9 of gdb's process group.
shell setsid curl -s -m 30 -o $T/kill.req http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK stopped\n
shell sleep 600
G
GDB_BG=1 run_gdb "$T/kill.out" "$bin" "$T/kill.gdb"
if wait_for_line "$T/kill.out" '^MARK stopped$' 30; then
    grep -q 'hit Breakpoint 1, main.handle' "$T/kill.out" || fail "kill: no breakpoint hit: $(cat "$T/kill.out")"
    log "kill: gdb stopped at the breakpoint; kill -9 of gdb"
else
    fail "kill: gdb never stopped at the breakpoint: $(cat "$T/kill.out")"
fi
kill -9 "-$GDB_PID"
wait "$GDB_PID" 2>/dev/null
after kill "$T/kill.req"

# 3. kill -9 of gdb while the process runs with breakpoints and a watchpoint inserted
start_target service 0
start_server "$SERVERS" "$TARGET_PID"
cat >"$T/running.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
break main.handle
break service.go:$l_reply
watch 'main.hits'
echo MARK continuing\n
continue
G
GDB_BG=1 run_gdb "$T/running.out" "$bin" "$T/running.gdb"
wait_for_line "$T/running.out" '^MARK continuing$' 30 || fail "running: gdb never continued: $(cat "$T/running.out")"
wait_running "$TARGET_PID" 10 || fail "running: the process does not run after continue"
# gdb inserts its breakpoints when it resumes: they must be in memory now, or this case tests nothing.
i=0
while check_text "$TARGET_PID" >/dev/null 2>&1 && [ "$i" -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
if check_text "$TARGET_PID" >"$T/running.text" 2>&1; then
    fail "running: no breakpoint in the text while running (the case would test nothing)"
else
    log "running: breakpoints are in memory ($(grep -c address "$T/running.text") bytes differ); kill -9 of gdb"
fi
kill -9 "-$GDB_PID"
wait "$GDB_PID" 2>/dev/null
after running

lib_finish
