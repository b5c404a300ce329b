#!/bin/sh
# security_maxstop.sh - gostub --max-stop SECONDS (issue 5): the process is never kept stopped longer,
# whatever the client does.
#   1. gdb stops the Go service at a breakpoint (a request held there, a hardware watchpoint set) and
#      then says nothing: after --max-stop the stub gives the process back (breakpoints and watchpoint
#      out, detached), the held request completes, the text is the binary's, while gdb is still
#      connected; gdb's next command shows gostub's reason ("was stopped longer than --max-stop");
#      gdb's detach ends the session and the stub exits 0.
#   2. a client that keeps talking (a register read every 0.3 s) does not stop the clock.
#   3. no client at all: released after --max-stop; with --persist the next client attaches again.
#   4. the banner shows the limit.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/security_lib.sh"

need_cmd gdb curl
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
need_ptrace
need_gostub
build_targets
start_target service
SAFETY_SERVER=gostub

# --- 1. stopped at a breakpoint, gdb silent
stub_start --max-stop 3 --listen 127.0.0.1:0 "$TARGET_PID"
grep -q 'max-stop 3s' "$SERVER_LOG" || fail "the banner does not show max-stop 3s"
gdb_open "$TARGET_BIN/service"
gdb_attach
arm_and_hit "$TARGET_PORT"
t0=$(date +%s)
wait_for_line "$SERVER_LOG" 'stopped for 3s \(--max-stop\): released pid' 15 ||
    fail "no max-stop release in the stub's log"
t1=$(date +%s)
log "released $((t1 - t0)) s after the hit"
[ $((t1 - t0)) -le 5 ] || fail "released after $((t1 - t0)) s, not about 3"
check_held_request "max-stop, gdb still connected"
check_released "$TARGET_PID" "$TARGET_PORT" "max-stop, gdb still connected"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the stub ended instead of keeping the client"
gdb_send "maint flush register-cache" "info registers rip"
gdb_mark regs
grep -q 'was stopped longer than --max-stop (3s)' "$GDB_OUT" || {
    sed 's/^/  | /' "$GDB_OUT"
    fail "gdb does not show the max-stop reason"
}
gdb_send "detach"
gdb_mark detached
gdb_close
expect_server_exit "max-stop then detach"
check_released "$TARGET_PID" "$TARGET_PORT" "max-stop then detach"

# --- 2. a chatty client does not reset the clock
stub_start --max-stop 2 --idle-timeout 1 --listen 127.0.0.1:0 "$TARGET_PID"
gdb_open "$TARGET_BIN/service"
gdb_attach
i=0
while [ $i -lt 15 ] && ! grep -q 'released pid' "$SERVER_LOG"; do
    gdb_send "maint flush register-cache" "info registers rip"
    sleep 0.3
    i=$((i + 1))
done
grep -q 'stopped for 2s (--max-stop): released pid' "$SERVER_LOG" ||
    fail "a client reading registers kept the process stopped past --max-stop"
grep -q 'idle for' "$SERVER_LOG" && fail "the idle timeout fired although the client talked"
gdb_send "detach"
gdb_mark detached2
gdb_close
expect_server_exit "chatty client"
check_released "$TARGET_PID" "$TARGET_PORT" "chatty client"

# --- 3. no client; --persist attaches again for the next one
stub_start --max-stop 1 --persist --listen 127.0.0.1:0 "$TARGET_PID"
wait_for_line "$SERVER_LOG" 'stopped for 1s \(--max-stop\): released pid' 10 ||
    fail "no client: not released after --max-stop"
check_released "$TARGET_PID" "$TARGET_PORT" "max-stop without a client"
kill -0 "$SERVER_PID" 2>/dev/null || fail "--persist: the stub ended after the max-stop release"
gdb_open "$TARGET_BIN/service"
gdb_attach
grep -q 'attached to pid [0-9]* again' "$SERVER_LOG" || fail "--persist: no attach for the next client"
gdb_send "detach"
gdb_mark detached3
gdb_close
wait_for_line "$SERVER_LOG" 'waiting for the next client' 10 || fail "--persist: not waiting again"
stub_term
[ "$STUB_STATUS" = 0 ] || fail "stub exit status $STUB_STATUS"
check_released "$TARGET_PID" "$TARGET_PORT" "after --persist"

# Without --persist and without a client the stub ends after the release.
stub_start --max-stop 1 --listen 127.0.0.1:0 "$TARGET_PID"
expect_server_exit "max-stop without a client, no --persist" 10
check_released "$TARGET_PID" "$TARGET_PORT" "max-stop without a client, no --persist"
lib_finish
