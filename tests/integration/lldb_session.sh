#!/bin/sh
# lldb_session.sh - stock lldb 14 (gdb-remote) drives gostub attached to the Go service: reads registers,
# backtraces, stops at a breakpoint hit by an HTTP request, steps over a line (landing on the next line
# of main.handle, never in a signal handler such as runtime.sigtramp), continues to a second hit, and
# detaches; the service then runs on untraced with its text intact. The same session against
# lldb-server first is the reference for what lldb prints: the stops (reason, function, file:line)
# after the first continue must be the same through both servers.
#
# The requests are sent from inside lldb ("platform shell" runs a helper that fires one request in the
# background a second later), so each one arrives while lldb waits in "continue", after the breakpoint
# is set, and never while it steps. lldb's output is not flushed to a file while a command runs, so
# the test cannot react to it; the helper is the only timing the test relies on. The helper ignores
# SIGHUP: lldb runs under script(1)'s pseudo-terminal, whose hangup at lldb's exit would otherwise kill
# the request still held at the breakpoint when lldb detaches.
#
# The reference run uses a second instance of the service started with GODEBUG=asyncpreemptoff=1:
# lldb-server reports every SIGURG (Go's asynchronous preemption) to lldb - a stop that ends a batch
# session - and delivers one in the middle of "thread step-over", which then lands in
# runtime.sigtramp (seen here: "stop reason = step over ... runtime.sigtramp.abi0 at
# sys_linux_amd64.s:344"). Without preemption it shows what a correct session prints. gostub gets the
# ordinary service, preemption on, and no "process handle SIGURG": it must pass SIGURG through on its
# own and never in the middle of a step.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd lldb lldb-server curl script
need_ptrace
need_gostub
build_targets

# write_request_helper PORT - the helper lldb runs: one request to PORT a second later, in the background.
write_request_helper() {
    cat >"$T/request.sh" <<HELPER
#!/bin/sh
(trap '' HUP; sleep 1; curl -s -m 30 http://127.0.0.1:$1/ping) </dev/null >>"$T/requests.out" 2>&1 &
HELPER
    chmod +x "$T/request.sh"
}

# session OUTFILE - the lldb session against the server on $SERVER_PORT.
session() {
    : >"$T/requests.out"
    run_lldb "$1" "gdb-remote 127.0.0.1:$SERVER_PORT" \
        'register read rip rsp' \
        'bt 5' \
        'breakpoint set -n main.handle' \
        "platform shell $T/request.sh" \
        'continue' \
        'thread step-over' \
        "platform shell $T/request.sh" \
        'continue' \
        'breakpoint delete --force' \
        'process detach'
    lstatus=$?
    log "lldb exited with status $lstatus"
    # The two requests were held at the breakpoint; after the detach both must complete.
    i=0
    while [ "$(grep -c '^pong' "$T/requests.out")" -lt 2 ] && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

# stops FILE - one line per stop after the first continue: "reason | function | file:line".
stops() {
    awk '
        /^\(lldb\) continue/ { on = 1 }
        on && /stop reason = / { sub(/.*stop reason = /, ""); reason = $0; want = 1; next }
        want && /frame #0: / {
            f = $0; sub(/.*`/, "", f)        # "main.handle at service.go:44"
            fn = f; sub(/ at .*/, "", fn); sub(/ \+ [0-9]+$/, "", fn)
            loc = f; if (loc ~ / at /) sub(/.* at /, "", loc); else loc = "?"
            print reason " | " fn " | " loc; want = 0
        }' "$1"
}

# check_session NAME FILE PID PORT - the markers one lldb session must show.
check_session() {
    name=$1 out=$2 svc_pid=$3 svc_port=$4
    grep -Eq '^ +rip = 0x[0-9a-f]{16} +service-debug`' "$out" ||
        fail "$name: register read shows no rip inside the program"
    grep -Eq '^ +rsp = 0x[0-9a-f]{16}' "$out" || fail "$name: register read shows no rsp"
    grep -Eq '^ +frame #1: 0x[0-9a-f]+ service-debug`' "$out" || fail "$name: bt has no caller frame"
    grep -Eq '^Breakpoint 1: where = service-debug`main\.handle' "$out" ||
        fail "$name: the breakpoint on main.handle was not resolved"
    stops "$out" >"$out.stops"
    log "$name: stops after the first continue:"
    sed 's/^/  | /' "$out.stops"
    first=$(sed -n 1p "$out.stops")
    second=$(sed -n 2p "$out.stops")
    third=$(sed -n 3p "$out.stops")
    case $first in
    'breakpoint 1.1 | main.handle | service.go:'*) ;;
    *) fail "$name: first stop is not breakpoint 1.1 in main.handle: '$first'" ;;
    esac
    bp_line=${first##*:}
    case $second in
    "step over | main.handle | service.go:$((bp_line + 1))") ;;
    *) fail "$name: step-over from service.go:$bp_line did not land on the next line: '$second'" ;;
    esac
    case $third in
    "breakpoint 1.1 | main.handle | service.go:$bp_line") ;;
    *) fail "$name: continue did not reach the breakpoint again: '$third'" ;;
    esac
    [ "$(wc -l <"$out.stops")" -eq 3 ] || fail "$name: expected exactly 3 stops"
    if grep -n -E 'sigtramp|sighandler|signal SIGURG' "$out"; then
        fail "$name: lldb saw a signal handler or SIGURG"
    fi
    grep -Eq "^Process $svc_pid detached" "$out" || fail "$name: no 'Process $svc_pid detached'"
    [ "$(grep -c '^pong' "$T/requests.out")" -eq 2 ] ||
        fail "$name: the two requests held at the breakpoint did not complete after the detach"
    check_released "$svc_pid" "$svc_port" "$name"
}

# Reference: lldb-server, on a service without asynchronous preemption (see the top).
GODEBUG=asyncpreemptoff=1 start_target service-debug
write_request_helper "$TARGET_PORT"
start_lldb_server "$TARGET_PID"
session "$T/lldb-server.out"
check_session lldb-server "$T/lldb-server.out" "$TARGET_PID" "$TARGET_PORT"
wait_exit "$SERVER_PID" 10 || log "note: lldb-server still running after the detach"

start_target service-debug
write_request_helper "$TARGET_PORT"
start_server gostub "$TARGET_PID"
session "$T/gostub.out"
check_session gostub "$T/gostub.out" "$TARGET_PID" "$TARGET_PORT"
expect_server_exit "gostub after detach"

if ! cmp -s "$T/lldb-server.out.stops" "$T/gostub.out.stops"; then
    fail "the stops lldb reports differ between lldb-server and gostub:"
    diff -u "$T/lldb-server.out.stops" "$T/gostub.out.stops"
fi
[ "$LIB_FAILED" -eq 0 ] || { log "gostub session:"; sed 's/^/  | /' "$T/gostub.out"; }
lib_finish
