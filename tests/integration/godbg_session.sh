#!/bin/sh
# godbg_session.sh - one scripted session (an --init file) run three times on the same Go process
# (tests/targets/grtest: goroutines parked in every wait state, one spinning in main.spin):
#   1. godbg attach PID            (godbg starts gostub --stdio itself)
#   2. godbg connect HOST:PORT     (to stock gdbserver, binary fetched from the server: no BINARY)
#   3. dlv attach PID --init FILE  (the reference)
# Compared after masking addresses: every goroutine line (ids, user/start/go locations, wait reasons,
# -with/-without filters, -group),
# each parked goroutine's frames (`goroutine N stack 40`), goroutine switching, frame/up/down listings,
# disassembly (Go's x86asm text from capstone), a breakpoint's hit line and count, a named one, +N on the spinning goroutine (`break main.go:72`, `continue` x2).
# The same, shorter, on tests/targets/threads (200 goroutines in main.work: groups, counts).
# Also: an unknown command's text, `help` listing, and that every run leaves the process untraced.
#
# Masked, because timing and not the debugger decides them: goroutines running on a thread (their pcs
# move between attaches: `goroutines -with running` lines are dropped from the comparison, their ids
# are still compared), thread ids.
# dlv's own lines that godbg does not print, with the reason:
#   - "Type 'help' for list of commands." (dlv's banner; godbg prints it only at a terminal)
#   - dlv's exit at the end of input asks "Would you like to kill the process? [Y/n]" and reads EOF
#     (it detaches); godbg detaches from an attached process without asking. dlv 1.20 refuses
#     `exit -c` in an init file ("not connected to an --accept-multiclient server"), so the script
#     ends without exit and both debuggers exit at the end of input.
#   - dlv reports `clear`/`clearall` of breakpoints it set itself (none in this script) and lists its
#     internal runtime-fatal-throw / unrecovered-panic breakpoints in `breakpoints`: godbg sets none,
#     so `breakpoints` is not part of the compared script.
#   - dlv writes an init file's failures as "FILE:N: error"; godbg does the same only for unknown
#     commands, other failures print "Command failed: ..." (checked separately, not compared).
# KEEP=1 keeps the scratch folder (all outputs and diffs).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

GODBG=$top_builddir/frontend/godbg
[ -x "$GODBG" ] || die "$GODBG not built (run make first)"
need_gostub
need_ptrace
need_cmd go gdbserver dlv

bindir=$top_builddir/tests/targets/grtest
sh "$top_srcdir/tests/targets/grtest/build.sh" "$bindir" >&2 || die "building grtest failed"
bin=$bindir/grtest

"$bin" >"$T/grtest.out" 2>&1 &
pid=$!
track "$pid"
wait_for_line "$T/grtest.out" '^READY' 20 || die "grtest did not start"
log "grtest pid $pid"

# First pass: the goroutine ids, to write the per-goroutine part of the script.
printf 'goroutines\n' >"$T/ids.init"
"$GODBG" attach "$pid" "$bin" --init "$T/ids.init" </dev/null >"$T/ids.out" 2>"$T/ids.err" ||
    die "godbg attach failed: $(cat "$T/ids.err")"
ids=$(sed -n 's/^[ *] Goroutine \([0-9]*\) - .*\[.*\]$/\1/p' "$T/ids.out")
running=$(grep -c '(thread [0-9]*)$' "$T/ids.out")
[ -n "$ids" ] || die "no parked goroutines listed: $(cat "$T/ids.out")"
[ "$running" -ge 1 ] || fail "no running goroutine listed (main.spin runs all the time)"
spin=$(sed -n 's/^[ *] Goroutine \([0-9]*\) - User: .* main\.spin .*/\1/p' "$T/ids.out")
[ -n "$spin" ] || die "main.spin's goroutine not listed"

{
    echo goroutines
    echo goroutines -r
    echo goroutines -g
    echo goroutines -s
    echo 'goroutines -with user'
    echo 'goroutines -without curloc runtime'
    echo 'goroutines -t 3 -with userloc main. -without running'
    echo 'goroutines -group userloc -without running'
    echo 'goroutines -group user -without running'
    for g in $ids; do
        echo "goroutine $g stack 40"
    done
    echo goroutine 1
    echo stack
    echo frame 1
    echo up
    echo down
    echo list
    echo frame 2 list
    echo regs
    echo goroutine 99999
    echo 'disassemble -l main.main'
    echo 'disassemble -l main.recurse'
    echo 'frame 0 disassemble'
    echo 'x -fmt hex -count 16 -size 1 0x401000'
    echo 'x -fmt hex -count 4 -size 8 0x401000'
    echo "break main.go:72"
    echo continue
    echo continue
    echo clearall
    echo "break spinbp main.go:72"
    echo continue
    echo clear spinbp
    echo goroutine 1
    echo "frame 3 break +1"
    echo clearall
} >"$T/session.init"

mask() {
    sed -e '/^Type .help. for list of commands\.$/d' \
        -e '/^Breakpoint .* cleared at /d' \
        -e '/^Command failed: /d' -e '/^.*session.init:[0-9]*: /d' \
        -e 's/0x[0-9a-f][0-9a-f]*/ADDR/g' -e 's/(PC: [0-9a-f]*)/(PC: ADDR)/' \
        -e 's/(thread [0-9]*)/(thread T)/' -e 's/^Switched from \([0-9]*\) to \([0-9]*\) (thread [0-9]*)/Switched from \1 to \2/' \
        -e 's/\x1b\[[0-9;]*m//g' -e 's/[[:space:]]*$//' "$1" |
        # a running goroutine's location and its listing move between attaches: keep its id only
        awk '/\(thread T\)$/ { sub(/ - .*/, " - RUNNING"); }  { print }' |
        # the registers of the thread at attach time differ between attaches (it may be in a syscall)
        grep -v -E '^ *(R[a-z0-9]*|Rflags|[CDEFGS]s|Fs_base|Gs_base) = |\(dlv\) exit|Would you like to kill'
}

run_godbg_attach() {
    "$GODBG" attach "$pid" "$bin" --init "$T/session.init" </dev/null >"$T/gostub.out" 2>"$T/gostub.err"
    echo $? >"$T/gostub.rc"
}

run_godbg_gdbserver() {
    start_server gdbserver "$pid"
    "$GODBG" connect "127.0.0.1:$SERVER_PORT" --init "$T/session.init" </dev/null \
        >"$T/gdbserver.out" 2>"$T/gdbserver.err"
    echo $? >"$T/gdbserver.rc"
    wait_exit "$SERVER_PID" 10 >/dev/null 2>&1 || kill_wait "$SERVER_PID"
}

run_dlv() {
    (cd "$T" && timeout 60 dlv attach "$pid" --allow-non-terminal-interactive=true \
        --init "$T/session.init" </dev/null >"$T/dlv.out" 2>&1)
}

for run in godbg_attach godbg_gdbserver dlv; do
    log "session: $run"
    "run_$run"
    sleep 0.2
    check_untraced "$pid" || fail "$run left grtest traced"
    kill -0 "$pid" 2>/dev/null || die "grtest died during $run"
done

[ "$(cat "$T/gostub.rc")" = 0 ] || fail "godbg attach exited $(cat "$T/gostub.rc"): $(cat "$T/gostub.err")"
[ "$(cat "$T/gdbserver.rc")" = 0 ] ||
    fail "godbg connect exited $(cat "$T/gdbserver.rc"): $(cat "$T/gdbserver.err")"
grep -q 'using .*grtest from the server' "$T/gdbserver.err" ||
    fail "godbg connect without BINARY did not fetch the executable: $(cat "$T/gdbserver.err")"

# Things that must be there (so that equally broken outputs cannot pass).
hit="> main.spin() .*grtest/main.go:72 (hits goroutine($spin):2 total:2)"
for f in gostub gdbserver dlv; do
    grep -q "$hit" "$T/$f.out" || fail "$f: no second hit of main.go:72 by goroutine $spin"
    grep -q '^\[[0-9]* goroutines\]$' "$T/$f.out" || fail "$f: no goroutine count line"
    grep -q '\[chan receive\]$' "$T/$f.out" || fail "$f: no goroutine in chan receive"
done

for f in gostub gdbserver dlv; do
    mask "$T/$f.out" >"$T/$f.masked"
done
for f in gostub gdbserver; do
    if diff -u "$T/dlv.masked" "$T/$f.masked" >"$T/$f.diff"; then
        log "godbg via $f agrees with dlv ($(wc -l <"$T/$f.masked") lines)"
    else
        fail "godbg via $f differs from dlv (- dlv, + godbg):"
        head -n 80 "$T/$f.diff"
    fi
done

# tests/targets/threads: 200 goroutines parked in main.work, read through both servers and dlv.
# Only main.* locations are compared: its LockOSThread sleepers are caught in a sleep or a syscall
# depending on the moment.
build_targets
start_target threads-debug 200 4
tpid=$TARGET_PID
cat >"$T/threads.init" <<EOT
goroutines -with userloc main.work
goroutines -group userloc -with userloc main.
goroutines -s -with startloc main.work
goroutine 1 stack
EOT
"$GODBG" attach "$tpid" --init "$T/threads.init" </dev/null >"$T/t-gostub.out" 2>"$T/t-gostub.err" ||
    fail "godbg attach (threads): $(cat "$T/t-gostub.err")"
start_server gdbserver "$tpid"
"$GODBG" connect "127.0.0.1:$SERVER_PORT" "$TARGET_BIN/threads-debug" --init "$T/threads.init" \
    </dev/null >"$T/t-gdbserver.out" 2>"$T/t-gdbserver.err" ||
    fail "godbg connect (threads): $(cat "$T/t-gdbserver.err")"
wait_exit "$SERVER_PID" 10 >/dev/null 2>&1 || kill_wait "$SERVER_PID"
(cd "$T" && timeout 60 dlv attach "$tpid" --allow-non-terminal-interactive=true \
    --init "$T/threads.init" </dev/null >"$T/t-dlv.out" 2>&1)
sleep 0.2
check_untraced "$tpid" || fail "a session left threads traced"
grep -q '^\[200 goroutines\]$' "$T/t-dlv.out" || fail "dlv (threads): not 200 goroutines in main.work"
grep -q '^	Total: 200$' "$T/t-dlv.out" || fail "dlv (threads): no group of 200"
for f in t-gostub t-gdbserver t-dlv; do
    mask "$T/$f.out" >"$T/$f.masked"
done
for f in t-gostub t-gdbserver; do
    if diff -u "$T/t-dlv.masked" "$T/$f.masked" >"$T/$f.diff"; then
        log "threads: godbg via ${f#t-} agrees with dlv ($(wc -l <"$T/$f.masked") lines)"
    else
        fail "threads: godbg via ${f#t-} differs from dlv (- dlv, + godbg):"
        head -n 40 "$T/$f.diff"
    fi
done
kill_wait "$tpid"

# The texts dlv prints for an unknown command and for help.
out=$(printf 'nosuchcommand\nhelp\nexit\n' | "$GODBG" attach "$pid" "$bin" 2>/dev/null)
echo "$out" | grep -qx 'Command failed: command not available' ||
    fail "unknown command: $(echo "$out" | head -n 3)"
echo "$out" | grep -q '^    goroutines (alias: grs) -* List program goroutines\.$' ||
    fail "help does not list goroutines in dlv's layout"
check_untraced "$pid" || fail "the help session left grtest traced"

# godbg exec: a launched program, a function breakpoint, and the end of input in batch mode kills it.
printf 'break main.spin\ncontinue\ngoroutine\n' >"$T/exec.init"
timeout 60 "$GODBG" exec "$bin" --init "$T/exec.init" </dev/null >"$T/exec.out" 2>"$T/exec.err" ||
    fail "godbg exec exited $?: $(cat "$T/exec.err")"
grep -q '^> main\.spin() .*grtest/main.go:[0-9]* (hits goroutine([0-9]*):1 total:1)' "$T/exec.out" ||
    fail "godbg exec: no hit of main.spin: $(cat "$T/exec.out")"
grep -q '^	Start: .* main\.spin ' "$T/exec.out" || fail "godbg exec: goroutine does not start in main.spin"
lpid=$(sed -n 's/^gostub: launched .* as pid \([0-9]*\)$/\1/p' "$T/exec.err")
[ -n "$lpid" ] || fail "godbg exec: gostub did not say which pid it launched: $(cat "$T/exec.err")"
if [ -n "$lpid" ] && kill -0 "$lpid" 2>/dev/null; then
    st=$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$lpid/status" 2>/dev/null)
    [ "$st" = Z ] || { fail "godbg exec in batch mode left pid $lpid running"; kill -9 "$lpid"; }
fi

# godbg connect to a gostub listening on TCP, without BINARY (fetched through vFile).
start_server gostub "$pid"
printf 'goroutines -with userloc main.chanRecv\n' >"$T/tcp.init"
"$GODBG" connect "127.0.0.1:$SERVER_PORT" --init "$T/tcp.init" </dev/null >"$T/tcp.out" 2>"$T/tcp.err" ||
    fail "godbg connect to gostub exited $?: $(cat "$T/tcp.err")"
grep -q 'Goroutine [0-9]* - User: .*main.go:41 main.chanRecv .*\[chan receive\]$' "$T/tcp.out" ||
    fail "godbg connect to gostub: $(cat "$T/tcp.out" "$T/tcp.err")"
wait_exit "$SERVER_PID" 10 || kill_wait "$SERVER_PID"
sleep 0.2
check_untraced "$pid" || fail "godbg connect to gostub left grtest traced"

# exit -k kills an attached process (godbg passes --allow-kill to the gostub it starts).
printf 'exit -k\n' | "$GODBG" attach "$pid" "$bin" >"$T/kill.out" 2>&1 || fail "exit -k: $(cat "$T/kill.out")"
wait_exit "$pid" 10 || fail "exit -k left grtest running: $(cat "$T/kill.out")"

lib_finish
