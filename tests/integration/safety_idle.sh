#!/bin/sh
# safety_idle.sh - gostub --idle-timeout 2: silence while the process is stopped must not keep a
# production service frozen. Three cases on the same service, each with a fresh gostub:
#   1. no client ever connects (the tunnel was never opened): gostub attached and stopped the process
#      at start, and must release it;
#   2. a TCP client connects and never sends a byte (a port scanner, a hung tunnel): released;
#   3. gdb: while the service runs under "continue", silence is normal and gostub keeps the session
#      (checked for 4 s); once a request stops it at a breakpoint and gdb says nothing more (a laptop
#      closed mid-session), gostub must release it: breakpoints and watchpoint removed, text restored,
#      untraced, running, the held request completed.
# Each time gostub exits afterwards. The timeout is 2 s; the checks allow 10 s for a loaded machine.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl bash
need_ptrace
need_gostub
[ "$SAFETY_SERVER" = gostub ] || skip "--idle-timeout is gostub's"
build_targets
start_target service-debug

# 1. no client
start_safety_server "$TARGET_PID" --idle-timeout 2
[ "$(tracer_pid "$TARGET_PID")" = "$SERVER_PID" ] || die "gostub is not tracing pid $TARGET_PID after start"
expect_server_exit "no client" 10
check_released "$TARGET_PID" "$TARGET_PORT" "no client"

# 2. a client that connects and stays silent (bash's /dev/tcp opens a connection and sends nothing)
start_safety_server "$TARGET_PID" --idle-timeout 2
bash -c "exec 5<>/dev/tcp/127.0.0.1/$SERVER_PORT && sleep 30" &
track $!
wait_for_line "$SERVER_LOG" 'connected' 10 || log "note: gostub logged no connection"
expect_server_exit "silent TCP client" 10
check_released "$TARGET_PID" "$TARGET_PORT" "silent TCP client"

# 3. gdb, silent while running (kept), then silent while stopped at a breakpoint (released)
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
