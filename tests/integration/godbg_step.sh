#!/bin/sh
# godbg_step.sh - run control in godbg against dlv 1.20 on tests/targets/steptest (built -N -l).
# Each --init script runs through `godbg exec` (gostub), `godbg connect` to a stock gdbserver that
# launched the program, and `dlv exec`:
#   1. a breakpoint with a condition
#      (`cond 1 i == 3`: dlv 1.20 rejects `break FILE:LINE if COND`, so godbg's `break ... if` is
#      checked on its own), next x3 over a loop (a next landing on the breakpoint's line names it,
#      uncounted, as dlv does), step into a call, stepout, si x2, `cond -hitcount`, breakpoints.
#   2. the same program with 8 goroutines running the same loop: after a breakpoint hit and
#      clearall, next x4, step and stepout must stay on the goroutine that hit it (ids and lines
#      compared with dlv's; the goroutine id itself is timing, so each debugger's is checked
#      against its own hit).
#   3. recursion (main.fact): next and stepout keep to the frame they started in; step into
#      fmt.Fprintln over the runtime calls of the line.
#   4. watch -w on a package variable firing twice, listed and cleared, against dlv; watch -r's
#      refusal.
# Compared: the "> func() file:line" stop lines (PC and hit counts masked where timing decides
# them), `breakpoints` rows and cond lines, "Goroutine N:" lines.
# Not compared, with the reason: dlv's listing after si is a disassembly (godbg lists source);
# dlv prints "Values returned:" after stepout (godbg does not yet); dlv lists its internal
# runtime-fatal-throw / unrecovered-panic breakpoints; dlv prints one line per thread that hit a
# breakpoint in the same stop (godbg: the selected one).
# KEEP=1 keeps the scratch folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

GODBG=$top_builddir/frontend/godbg
[ -x "$GODBG" ] || die "$GODBG not built (run make first)"
need_gostub
need_ptrace
need_cmd go dlv

bindir=$top_builddir/tests/targets/steptest
sh "$top_srcdir/tests/targets/steptest/build.sh" "$bindir" >&2 || die "building steptest failed"
bin=$bindir/steptest

# run_both NAME [ARGS]: $T/NAME.init through godbg exec and dlv exec; outputs NAME.godbg, NAME.dlv
run_both() {
    name=$1
    shift
    timeout 60 "$GODBG" exec "$bin" --init "$T/$name.init" -- "$@" </dev/null \
        >"$T/$name.godbg" 2>"$T/$name.godbg.err" || fail "$name: godbg exited $?: $(tail -n 5 "$T/$name.godbg.err")"
    if command -v gdbserver >/dev/null 2>&1; then
        start_server gdbserver -- "$bin" "$@"
        timeout 60 "$GODBG" connect "127.0.0.1:$SERVER_PORT" "$bin" --init "$T/$name.init" </dev/null \
            >"$T/$name.gdbserver" 2>"$T/$name.gdbserver.err" ||
            fail "$name: godbg connect (gdbserver) exited $?: $(tail -n 5 "$T/$name.gdbserver.err")"
        wait_exit "$SERVER_PID" 10 || kill_wait "$SERVER_PID"
    else
        cp "$T/$name.godbg" "$T/$name.gdbserver"
    fi
    (cd "$T" && timeout 60 dlv exec "$bin" --allow-non-terminal-interactive=true \
        --init "$T/$name.init" -- "$@" </dev/null >"$T/$name.dlv" 2>&1) ||
        fail "$name: dlv exited $?"
}

# keep: the compared lines, addresses masked
keep() {
    grep -E '^> |^Breakpoint [0-9]+ |^	cond |^Goroutine [0-9]+:$|^Watchpoint ' "$1" |
        sed -e 's/(PC: 0x[0-9a-f]*)/(PC: X)/' -e 's/ at 0x[0-9a-f,x]* for / at X for /'
}

cat >"$T/seq.init" <<'EOF'
break main.go:29
cond 1 i == 3
breakpoints
continue
next
next
next
step
next
stepout
si
si
cond -hitcount 1 > 5
breakpoints
continue
exit
EOF
run_both seq
keep "$T/seq.dlv" >"$T/seq.dlv.k"
for v in godbg gdbserver; do
    keep "$T/seq.$v" >"$T/seq.$v.k"
    if diff -u "$T/seq.dlv.k" "$T/seq.$v.k" >"$T/seq.$v.diff"; then
        log "seq: $v: $(wc -l <"$T/seq.$v.k") lines equal to dlv's"
    else
        fail "seq: $v differs from dlv (- dlv, + $v):"
        cat "$T/seq.$v.diff"
    fi
done
[ "$(grep -c '^> ' "$T/seq.godbg.k")" -ge 9 ] || fail "seq: fewer stops than expected: $(cat "$T/seq.godbg")"
grep -q '^45 120 10$' "$T/seq.godbg.err" "$T/seq.godbg" ||
    fail "seq: the program did not run to its end after the steps"

# Watchpoints: -r refused (x86 has no read-only watchpoint; the error is dlv's words, its line
# prefix differs, and it spends id 2 as dlv's does), -w firing twice, listed, cleared by id 3.
cat >"$T/watch.init" <<'EOF'
break main.add
continue
watch -r main.hits
watch -w main.hits
clear 1
breakpoints
continue
continue
clear 3
breakpoints
continue
exit
EOF
run_both watch
keep "$T/watch.dlv" >"$T/watch.dlv.k"
for v in godbg gdbserver; do
    keep "$T/watch.$v" >"$T/watch.$v.k"
    if diff -u "$T/watch.dlv.k" "$T/watch.$v.k" >"$T/watch.$v.diff"; then
        log "watch: $v: $(wc -l <"$T/watch.$v.k") lines equal to dlv's"
    else
        fail "watch: $v differs from dlv (- dlv, + $v):"
        cat "$T/watch.$v.diff"
    fi
done
[ "$(grep -c '^> watchpoint on \[main.hits\] main.add() .*main.go:16 (hits goroutine(1):[12] total:[12])' "$T/watch.godbg")" -eq 2 ] ||
    fail "watch: not two hits: $(cat "$T/watch.godbg")"
grep -q '^Command failed: break on read only not supported$' "$T/watch.godbg" || fail "watch -r: $(cat "$T/watch.godbg")"

# Recursion: next over `return n * fact(n-1)` in the n == 3 frame must not stop in the deeper
# frames (their hits of the breakpoint's line, condition false, and of the step's own lines are
# other frames); stepout lands in the caller's frame (n printed after each).
cat >"$T/rec.init" <<'EOF'
break main.fact
cond 1 n == 3
continue
next
next
next
print n
stepout
print n
exit
EOF
run_both rec
keep "$T/rec.dlv" >"$T/rec.dlv.k"
grep -E '^[0-9]+$' "$T/rec.dlv" >>"$T/rec.dlv.k"
for v in godbg gdbserver; do
    keep "$T/rec.$v" >"$T/rec.$v.k"
    grep -E '^[0-9]+$' "$T/rec.$v" >>"$T/rec.$v.k"
    if diff -u "$T/rec.dlv.k" "$T/rec.$v.k" >"$T/rec.$v.diff"; then
        log "rec: $v: $(wc -l <"$T/rec.$v.k") lines equal to dlv's"
    else
        fail "rec: $v differs from dlv (- dlv, + $v):"
        cat "$T/rec.$v.diff"
    fi
done

# step into a call of another package (fmt.Fprintln, past the runtime's convT64 calls on the
# way), a second step inside it, stepout back to main.main.
printf 'break main.go:37\ncontinue\nstep\nstep\nstepout\nexit\n' >"$T/call.init"
run_both call
keep "$T/call.dlv" >"$T/call.dlv.k"
for v in godbg gdbserver; do
    keep "$T/call.$v" >"$T/call.$v.k"
    if diff -u "$T/call.dlv.k" "$T/call.$v.k" >"$T/call.$v.diff"; then
        log "call: $v: $(wc -l <"$T/call.$v.k") lines equal to dlv's"
    else
        fail "call: $v differs from dlv (- dlv, + $v):"
        cat "$T/call.$v.diff"
    fi
done

# godbg's own `break LOC if COND` (dlv 1.20 cannot parse it after FILE:LINE) and a false
# condition's hits not counted.
printf 'break main.go:29 if i == 6\ncontinue\nbreakpoints\nbreak hot main.add if a > 20\ncontinue\nbreakpoints\n' >"$T/if.init"
timeout 60 "$GODBG" exec "$bin" --init "$T/if.init" </dev/null >"$T/if.out" 2>&1 || fail "if: godbg exited $?"
grep -q '^> main.loop() .*main.go:29 (hits goroutine(1):1 total:1)' "$T/if.out" ||
    fail "if: no stop at i == 6: $(cat "$T/if.out")"
grep -q '^> \[hot\] main.add() .*main.go:13 (hits goroutine(1):1 total:1)' "$T/if.out" ||
    fail "if: no stop of the named conditional breakpoint: $(cat "$T/if.out")"
grep -q '^	cond a > 20$' "$T/if.out" || fail "if: breakpoints does not show the condition"

# Goroutines running the same lines: next/step/stepout stay on the goroutine that hit.
cat >"$T/par.init" <<'EOF'
break main.go:54
continue
clearall
next
goroutine
next
goroutine
next
goroutine
next
goroutine
step
goroutine
stepout
goroutine
exit
EOF
run_both par par
for d in godbg gdbserver dlv; do
    # the goroutine of the last breakpoint line printed (dlv prints every thread's hit)
    g=$(sed -n 's/^> .*(hits goroutine(\([0-9]*\)):.*/\1/p' "$T/par.$d" | tail -n 1)
    n=$(grep -c "^Goroutine $g:\$" "$T/par.$d")
    [ -n "$g" ] && [ "$n" -eq 6 ] || fail "par: $d left goroutine $g: $(grep -E '^(>|Goroutine)' "$T/par.$d")"
    grep -E '^> ' "$T/par.$d" | grep -v 'hits goroutine' | sed 's/(PC: 0x[0-9a-f]*)/(PC: X)/' >"$T/par.$d.k"
done
for v in godbg gdbserver; do
    if diff -u "$T/par.dlv.k" "$T/par.$v.k" >"$T/par.$v.diff"; then
        log "par: $v: $(wc -l <"$T/par.$v.k") stop lines equal to dlv's, same goroutine throughout"
    else
        fail "par: $v differs from dlv (- dlv, + $v):"
        cat "$T/par.$v.diff"
    fi
done

lib_finish
