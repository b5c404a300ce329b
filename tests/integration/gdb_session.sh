#!/bin/sh
# gdb_session.sh - one gdb batch session, run twice: against gdbserver and against gostub, each attached
# to a fresh copy of the Go service (the -debug build). The two outputs must be equal once addresses,
# pids and thread ids are masked (mask_gdb in tests/lib.sh), and both must contain the values the
# session is expected to show (so two equally broken runs do not pass).
#
# The session: info threads, bt, a breakpoint on a function (main.handle) and one on file:line, continue
# until a request (sent by curl from gdb's shell) hits them, next/step/finish, Go locals (a string, an
# int, struct fields, a slice), x/8xb of the global main.hits, a conditional breakpoint, detach. After
# the detach the service must answer, be untraced and have its original text.
#
# SERVERS="gdbserver gdbserver" checks that the session itself is deterministic (no gostub needed).
# KEEP=1 keeps the scratch folder (outputs, gdb scripts, server logs); GOSTUB_FLAGS=-v for stub logs.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd gdb curl
need_ptrace
servers_under_test
build_targets

bin=$TARGET_BIN/service-debug
l_reply=$(src_line service.go reply)

# Masked because timing, not the server, decides them: where idle threads sit in the runtime when the
# server attaches (mask_runtime_frames), how many idle threads there are (drop_idle_threads; the
# count is checked against /proc/PID/task), which thread runs the goroutine that hits a breakpoint
# (mask_sched). And one legitimate difference: gdbserver evaluates breakpoint conditions itself
# (ConditionalBreakpoints+), so gdb tags a condition "(host evals)" or "(target evals)"; gostub leaves
# conditions to gdb and does not advertise the feature, so gdb prints no tag. The condition working
# (stopping on the third request only) is checked in both runs.
mask_threads() {
    mask_timing | sed -e 's/^\(\tstop only if .*\) (host evals)$/\1/'
}

# session SERVER LABEL - writes $T/LABEL.out (the gdb output) and checks the service afterwards.
session() {
    start_target service-debug 0
    start_server "$1" "$TARGET_PID"
    r=$T/$2.req
    cat >"$T/$2.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
echo MARK attached\n
info threads
shell ls /proc/$TARGET_PID/task | wc -l >$T/$2.nthreads
# At attach the current thread is the main thread, parked in the runtime: only its innermost frame
# is stable (the outer ones carry timing-dependent arguments such as futexsleep's ns).
bt 1
break main.handle
break service.go:$l_reply
shell curl -s -m 30 -o $r.1 http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK stopped-in-handle\n
bt
# Registers: rip is the breakpoint's address (the symbol shows it: masking keeps <main.handle+N>);
# fs_base is served (a Go-aware client finds the current g through it).
info registers rip
print \$fs_base != 0
next
next
next
next
echo MARK n\n
print n
print main.hits
next
next
echo MARK req\n
print req
print req.Path
print req.Count
print req.Tags
# gdb 13's Go support cannot index a slice (req.Tags[1]: "no component named operator[]") nor call
# len(): go through the slice header instead.
print req.Tags.array[1]
step
echo MARK in-describe\n
bt 2
# gdb 13 in batch mode prints no "Run till exit from" (it is printed only for commands typed at a
# terminal), and no "Value returned": Go's DWARF describes results as parameters (~r0), so to gdb the
# function returns void. What is left is the caller's frame line.
finish
echo MARK after-finish\n
continue
echo MARK at-reply-line\n
print label
print n
x/8xb &main.hits
delete
# A conditional breakpoint: requests 2 and 3 both reach main.describe, only the third stops.
break main.describe if req.Count == 3
shell (curl -s -m 30 -o $r.2 http://127.0.0.1:$TARGET_PORT/ping; curl -s -m 30 -o $r.3 http://127.0.0.1:$TARGET_PORT/ping) &
continue
echo MARK conditional\n
print req.Count
print main.hits
info breakpoints
delete
detach
echo MARK detached\n
G
    run_gdb "$T/$2.out" "$bin" "$T/$2.gdb" || fail "$2: gdb exited with status $?"
    ngdb=$(count_info_threads "$T/$2.out")
    nproc=$(cat "$T/$2.nthreads" 2>/dev/null)
    [ "$ngdb" = "$nproc" ] || fail "$2: info threads shows $ngdb threads, /proc/PID/task has $nproc"
    wait_exit "$SERVER_PID" 10 || fail "$2: $1 still runs after the detach"
    for i in 1 2 3; do
        wait_for_line "$r.$i" "^pong $i /ping#$i\$" 10 || fail "$2: request $i got '$(cat "$r.$i" 2>/dev/null)'"
    done
    check_alive_and_free "$TARGET_PID" "$TARGET_PORT" "$2 after detach"
    kill_wait "$TARGET_PID"
}

n=0
for s in $SERVERS; do
    n=$((n + 1))
    session "$s" "$n-$s"
done

# The values every run must show (anchored to the masked output, so a silent failure cannot pass).
expect='MARK attached
^\* 1 +Thread P\.T "service-debug" 
Breakpoint 1 at 0xADDR: file .*service.go, line [0-9]+\.
Breakpoint 2 at 0xADDR: file .*service.go, line '"$l_reply"'\.
hit Breakpoint 1, main.handle \(w=\.\.\., r=0xADDR\) at .*service.go:[0-9]+
^#1  0xADDR in net/http.HandlerFunc.ServeHTTP
^rip +0xADDR +0xADDR <main\.handle\+[0-9]+>$
^\$1 = true$
^\$2 = 1$
^\$3 = 1$
^\$4 = \{Path = 0xADDR "/ping", Count = 1, Tags = .*len = 2, cap = 2.*\}$
^\$5 = 0xADDR "/ping"$
^\$6 = 1$
^\$8 = 0xADDR "stub"$
^main.describe \(req=\.\.\., ~r0=\.\.\.\) at .*service.go:[0-9]+
^0xADDR in main.handle \(w=\.\.\., r=0xADDR\) at .*service.go:[0-9]+$
hit Breakpoint 2, main.handle .*service.go:'"$l_reply"'
^\$9 = 0xADDR "/ping#1"$
^\$10 = 1$
^0xADDR <main.hits>:	0x01	0x00	0x00	0x00	0x00	0x00	0x00	0x00$
hit Breakpoint 3, main.describe
^\$11 = 3$
^\$12 = 3$
stop only if req.Count == 3
breakpoint already hit 1 time
\[Inferior 1 \(process PID\) detached\]
MARK detached'
check_runs mask_threads "$expect"
lib_finish
