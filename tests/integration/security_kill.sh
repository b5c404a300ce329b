#!/bin/sh
# security_kill.sh - only the attached process, and no kill of it unless asked (issue 5):
#   - raw client: vAttach and vRun of another process get "E.gostub serves only pid N: ...", vKill of
#     another pid an error, and the session goes on (D then answers OK);
#   - gdb's "kill" (vKill) and lldb's "process kill" (k) of an attached process release it instead: it
#     runs on untraced, the stub logs the refusal and exits 0 (lldb, which waits for a reply to k
#     that gostub never sends, prints "failed to send the k packet" and believes it exited);
#   - with --allow-kill gdb's kill kills it;
#   - a launched program is still killed by gdb's kill (nothing to protect).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/security_lib.sh"

need_cmd gdb
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
need_ptrace
need_gostub
start_sleeper

hexs() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# --- other processes
stub_start --listen 127.0.0.1:0 "$SLEEP_PID"
probe "tcp:127.0.0.1:$SERVER_PORT" "qSupported:multiprocess+" "vAttach;1" "vRun;$(hexs /bin/sh)" \
    "vKill;1" "qAttached" "D"
[ "$(grep -c "^REPLY E.gostub serves only pid $SLEEP_PID: attaching to or running another process is refused\$" "$PROBE_OUT")" = 2 ] ||
    fail "vAttach/vRun: not refused with gostub's text"
sed -n 5p "$PROBE_OUT" | grep -q '^REPLY E' || fail "vKill of pid 1: not an error"
grep -qx 'REPLY 1' "$PROBE_OUT" || fail "the session did not go on after the refusals (qAttached)"
grep -qx 'REPLY OK' "$PROBE_OUT" || fail "D after the refusals: no OK"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after D"
wait_running "$SLEEP_PID" 10 || fail "sleep does not run after D"
kill -0 1 || fail "pid 1 gone?!"

# --- gdb kill of an attached process: released
stub_start --listen 127.0.0.1:0 "$SLEEP_PID"
printf 'target remote 127.0.0.1:%s\nkill\n' "$SERVER_PORT" >"$T/kill.gdb"
run_gdb "$T/kill.out" /bin/sleep "$T/kill.gdb"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after gdb's kill"
wait "$SERVER_PID" 2>/dev/null
st=$?
[ "$st" = 0 ] || fail "gostub exit status $st after a refused kill"
grep -q 'refused (--allow-kill)' "$SERVER_LOG" || fail "the refused kill is not logged"
wait_running "$SLEEP_PID" 10 || fail "gdb kill without --allow-kill: sleep does not run"
check_untraced "$SLEEP_PID" || fail "gdb kill without --allow-kill: sleep still traced"

# --- lldb process kill (k): released
if command -v lldb >/dev/null 2>&1; then
    stub_start --listen 127.0.0.1:0 "$SLEEP_PID"
    run_lldb "$T/lldb.out" "gdb-remote 127.0.0.1:$SERVER_PORT" "process kill"
    sed 's/^/  lldb | /' "$T/lldb.out" | grep -v Traceback | head -n 20
    wait_exit "$SERVER_PID" 10 || fail "gostub still runs after lldb's process kill"
    wait_running "$SLEEP_PID" 10 || fail "lldb process kill: sleep does not run"
    check_untraced "$SLEEP_PID" || fail "lldb process kill: sleep still traced"
    grep -q 'refused (--allow-kill)' "$SERVER_LOG" || fail "lldb's kill: refusal not logged"
else
    log "lldb not installed: its part skipped"
fi

# --- --allow-kill: gdb's kill kills
stub_start --allow-kill --listen 127.0.0.1:0 "$SLEEP_PID"
grep -q 'kill allowed' "$SERVER_LOG" || fail "the banner does not say kill allowed"
printf 'target remote 127.0.0.1:%s\nkill\n' "$SERVER_PORT" >"$T/kill2.gdb"
run_gdb "$T/kill2.out" /bin/sleep "$T/kill2.gdb"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after an allowed kill"
wait_exit "$SLEEP_PID" 10 || fail "--allow-kill: sleep still alive after gdb's kill"

# --- a launched program is killed without --allow-kill
LIB_N=$((LIB_N + 1))
stub_start --listen 127.0.0.1:0 -- /bin/sleep 600
lpid=$(sed -n 's/.*launched .* as pid \([0-9]*\).*/\1/p' "$SERVER_LOG")
printf 'target remote 127.0.0.1:%s\nkill\n' "$SERVER_PORT" >"$T/kill3.gdb"
run_gdb "$T/kill3.out" /bin/sleep "$T/kill3.gdb"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after killing its launched program"
[ -n "$lpid" ] && [ -d "/proc/$lpid" ] && [ "$(proc_state "$lpid" | head -n 1)" != Z ] &&
    fail "the launched program survived gdb's kill"
lib_finish
