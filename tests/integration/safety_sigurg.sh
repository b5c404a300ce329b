#!/bin/sh
# safety_sigurg.sh - a burst of SIGURG never reaches the client. gostub is attached to the CPU-bound
# spin target, whose loops the Go runtime can only preempt by sending SIGURG to their threads (and its
# collector loop makes stop-the-world bursts of them). gdb continues for about three seconds, then
# interrupts: the only stop gdb may report is the SIGINT of the interrupt, never a SIGURG.
#
# gdb is set up as the strictest client: it never sends QPassSignals ("set remote pass-signals-packet
# off") and prints every SIGURG the stub reports ("handle SIGURG nostop print pass": print, then resume
# by itself). gostub must pass SIGURG straight through on its own, as the issue requires "even when the
# client never sent QPassSignals". The contrast: the same session through gdbserver
# (SAFETY_SERVER=gdbserver) prints "Thread N received signal SIGURG" over and over before the
# interrupt (3,429 of them in one run here), each one a full stop of every thread and a round trip to
# gdb; with "handle SIGURG stop" the first one ends the continue. (gdbserver's interrupt then fails as
# well: it sends SIGINT to the process group of the attached pid, and spin started by this script is
# not a group leader.) (With gdb's default, "nostop noprint pass", gdb lists SIGURG in
# QPassSignals and gdbserver then passes it silently.)
#
# That SIGURG really flowed is checked, not assumed: spin's loops have no preemption points, so the
# collector goroutine completes a cycle (main.gcs grows) only when SIGURG reaches them - with
# GODEBUG=asyncpreemptoff=1, spin makes no progress at all. A stub that swallowed SIGURG would pass
# the "no SIGURG in gdb's output" check and fail this one.
#
# Then, still under that pressure, 300 "stepi" on a thread in main.burn (gdb resumes every thread for
# each step, so the runtime keeps signalling): no step may land in the signal path (runtime.sigtramp,
# sighandler, asyncPreempt...) - SIGURG is never delivered in the middle of a single-step. Through gdbserver (target started with setsid, so that its
# interrupt works, and gdb's default "handle SIGURG nostop noprint pass") the same 300 steps landed in
# runtime.sigtramp 5 times, then in runtime.futex and runtime.usleep, the goroutine preempted.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb
need_ptrace
need_server
build_targets
start_target spin
start_safety_server "$TARGET_PID"
gdb_open "$TARGET_BIN/spin"
gdb_send "set remote pass-signals-packet off" "handle SIGURG nostop print pass"
gdb_attach
gdb_send "printf \"MARK gcs-before %d\\n\", 'main.gcs'"
gdb_wait 'MARK gcs-before [0-9]+$'
# "continue &" and "interrupt": gdb reading a pipe treats SIGINT as a quit request, not as Ctrl-C for
# the target. gdb writes the asynchronous stop report when it next flushes, so the test sends markers
# until the report shows up.
gdb_send "continue &"
gdb_wait 'Continuing\.'
sleep 3
gdb_send "interrupt"
i=0
while ! grep -q 'received signal SIGINT' "$GDB_OUT"; do
    i=$((i + 1))
    [ "$i" -le 20 ] || { sed 's/^/  | /' "$GDB_OUT" | tail -n 30; die "no SIGINT stop after the interrupt"; }
    sleep 0.5
    gdb_mark "wait$i"
done
gdb_send "printf \"MARK gcs-after %d\\n\", 'main.gcs'"
gdb_wait 'MARK gcs-after [0-9]+$'
before=$(sed -n 's/.*MARK gcs-before \([0-9]*\)$/\1/p' "$GDB_OUT")
after=$(sed -n 's/.*MARK gcs-after \([0-9]*\)$/\1/p' "$GDB_OUT")
log "collector cycles while running under gdb: $before -> $after"
[ "$after" -gt "$before" ] ||
    fail "spin made no progress while running (main.gcs $before -> $after): SIGURG did not reach it"

# 300 single steps on a thread of main.burn, each location shown by "display/i $pc" ("=> 0xADDR
# <FUNCTION+OFFSET>:").
gdb_send "info threads"
gdb_mark threads
tid=$(grep -E '^(\(gdb\) )?[* ] +[0-9]+ +Thread .* in main\.burn ' "$GDB_OUT" | tail -n 1 |
    sed -E 's/^(\(gdb\) )?[* ] +([0-9]+) .*/\2/')
[ -n "$tid" ] || die "no thread was in main.burn at the interrupt"
gdb_send "thread $tid" 'display/i $pc' 'set $n = 0' 'while $n < 300' 'stepi' 'set $n = $n + 1' 'end'
gdb_mark stepped 120
grep -E '^(\(gdb\) )?=> 0x' "$GDB_OUT" | sed -E 's/.*<([^+>]*).*/\1/' >"$T/steps"
nsteps=$(wc -l <"$T/steps")
[ "$nsteps" -ge 300 ] || fail "gdb showed $nsteps step locations, expected 301"
# A step must never land in the signal path (a SIGURG delivered mid-step). Landing in the scheduler
# is not that: gdb resumes every thread for each step, so a stop-the-world of the collector can take
# the P from the stepped thread's goroutine at its next safe point (seen once in CI: 301 steps in
# runtime.(*mcache).releaseAll/stopm/futex, none in the signal path); such steps are logged.
sigpath='^runtime\.(sigtramp|sigtrampgo|sighandler|sigreturn|asyncPreempt|asyncPreempt2|doSigPreempt|sigfwdgo|badsignal)'
if grep -E "$sigpath" "$T/steps" >"$T/insig"; then
    fail "steps landed in the signal path: $(sort "$T/insig" | uniq -c | tr '\n' ' ')"
elif grep -v '^main\.burn$' "$T/steps" >"$T/elsewhere"; then
    log "$nsteps step locations, none in the signal path; outside main.burn (scheduler): $(sort "$T/elsewhere" | uniq -c | tr '\n' ' ')"
else
    log "$nsteps step locations, all in main.burn"
fi
if grep -n 'received signal SIGURG' "$GDB_OUT" >"$T/sigurg"; then
    fail "gdb saw SIGURG $(wc -l <"$T/sigurg") times; the first ones:"
    head -n 5 "$T/sigurg"
fi
stops=$(grep -c 'received signal' "$GDB_OUT")
[ "$stops" -eq 1 ] || fail "gdb reported $stops signal stops, expected only the SIGINT of the interrupt"
gdb_send "detach"
gdb_mark detached
gdb_close
wait_running "$TARGET_PID" 10 || fail "spin is not running after the detach"
check_untraced "$TARGET_PID" || fail "spin is still traced after the detach"
check_text "$TARGET_PID" || fail "the text of spin differs from its binary"
[ "$SAFETY_SERVER" = gostub ] && expect_server_exit "after detach"
[ "$LIB_FAILED" -eq 0 ] || { log "gdb output:"; sed 's/^/  | /' "$GDB_OUT" | tail -n 30; }
lib_finish
