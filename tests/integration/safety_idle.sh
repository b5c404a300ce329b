#!/bin/sh
# safety_idle.sh - gostub --idle-timeout 2: a client that falls silent while the process is stopped
# (a laptop closed mid-session) must not keep a production service frozen. While the service runs
# under "continue", silence is normal and gostub keeps the session (checked for 4 s). Once a request
# stops it at a breakpoint and gdb says nothing more, gostub must release it within a few seconds:
# breakpoints and watchpoint removed, text restored, untraced, running; the held request completes;
# gostub exits.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl
need_ptrace
need_gostub
[ "$SAFETY_SERVER" = gostub ] || skip "--idle-timeout is gostub's"
build_targets
start_target service-debug
start_safety_server "$TARGET_PID" --idle-timeout 2
gdb_open "$TARGET_BIN/service-debug"
gdb_attach
gdb_send "break main.handle" "watch main.hits" "continue"
gdb_wait 'Continuing\.'
wait_running "$TARGET_PID" 10 || die "the service did not resume after continue"
sleep 4
tp=$(tracer_pid "$TARGET_PID")
[ "$tp" = "$SERVER_PID" ] ||
    die "gostub let go of a running process after 4 s of normal silence (TracerPid '$tp')"
kill -0 "$SERVER_PID" 2>/dev/null || die "gostub exited while its client waited in continue"
log "still attached after 4 s of silence while running"

request "$TARGET_PORT" >"$T/held.out" 2>&1 &
track $!
gdb_wait 'hit Breakpoint 1, main\.handle'
log "stopped at the breakpoint; gdb now stays silent"
# The timeout is 2 s; allow for a loaded machine.
if wait_running "$TARGET_PID" 10; then
    log "the process runs again"
else
    fail "the process is still stopped 10 s into the silence (idle timeout 2 s)"
fi
check_held_request "idle timeout"
check_released "$TARGET_PID" "$TARGET_PORT" "idle timeout"
expect_server_exit "idle timeout"
gdb_close
lib_finish
