#!/bin/sh
# godbg_values.sh - print, whatis, locals, args, vars, set and config's value limits on the same Go
# process (tests/targets/valtest, parked in main.stop), through `godbg attach` (gostub over a
# pipe), `godbg connect` to stock gdbserver and `dlv attach`, with the same --init script; the outputs must be equal after
# masking addresses. The script selects goroutine 1 and main.stop's frame (`frame 3`), lists locals
# and args (with -v and a filter), prints a dozen values of different kinds (structs, pointers,
# slices, maps, interfaces, errors, chans, long strings, arrays, named integers with constants,
# comparisons), whatis, `vars` with regexes (dlv's address order, one line; -v in full), changes the
# limits with config and prints again, sets a package int, bool, uint8 (truncated), pointer (to
# another and to nil) and a local, printing each, restores them all, and two failing commands
# (their messages compared without dlv's "FILE:N: " and godbg's "Command failed: " prefixes).
# Also checks `config -list` and that both runs leave the process untraced and unchanged.
# Masked: dlv's "Warning: debugging optimized function" after `frame 3`. dlv prints it for the
# goroutine's frame 0 (runtime.gopark, whose unit dlv counts as optimized); godbg's frame command
# (cli/cmd_stack.c show_frame) decides it by the selected frame (main.stop, built -N -l), so only
# dlv prints it here. A frame-listing difference, not a value one.
# KEEP=1 keeps the scratch folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

GODBG=$top_builddir/frontend/godbg
[ -x "$GODBG" ] || die "$GODBG not built (run make first)"
need_gostub
need_ptrace
need_cmd go dlv gdbserver

bindir=$top_builddir/tests/targets/valtest
sh "$top_srcdir/tests/targets/valtest/build.sh" "$bindir" >&2 || die "building valtest failed"
bin=$bindir/valtest

GOGC=off "$bin" >"$T/valtest.out" 2>&1 &
pid=$!
track "$pid"
wait_for_line "$T/valtest.out" '^READY' 20 || die "valtest did not start"
sleep 0.3 # main prints READY, then parks in main.stop's chan receive
log "valtest pid $pid"

cat >"$T/values.init" <<'INIT'
goroutine 1
frame 3
locals
args
print li
print lo
print lsl
print lm
print p
print n * 2 == li
print main.Out
print main.Ptr
print main.SlStr
print main.M
print main.Err
print main.Eface
print main.Ch
print main.SLong
print main.ArrBig
print main.Col
print main.Fl
print main.Out.In.Tags[1]
whatis main.Err
whatis lo
whatis p.Tags
locals -v lo
args n
vars main.I
vars ^main\.(S|Sl|M|Ptr|Out)$
vars -v ^main\.Out$
vars ^main\.nosuchvariable$
config max-string-len x
config max-string-len 5
config max-array-values 2
print main.SLong
print main.ArrBig
print main.SlStr
config max-string-len 64
config max-array-values 64
config max-variable-recurse 0
print main.HP
config max-variable-recurse 1
set main.I = 7
print main.I
set main.B = false
print main.B
set main.U8 = 259
print main.U8
set main.PtrNil = main.Ptr
print main.PtrNil
set main.PtrNil = nil
print main.PtrNil
set li = 123
print li
set main.I = -42
set main.B = true
set main.U8 = 255
set li = 99
print nosuch
set main.I = 1.5
set main.I
set nosuch =
set main.I =
INIT

"$GODBG" attach "$pid" "$bin" --init "$T/values.init" </dev/null >"$T/gostub.out" 2>"$T/gostub.err" ||
    fail "godbg attach exited $?: $(cat "$T/gostub.err")"
sleep 0.2
check_untraced "$pid" || fail "godbg left valtest traced"
# The same through stock gdbserver (godbg connect, the binary given).
start_server gdbserver "$pid"
"$GODBG" connect "127.0.0.1:$SERVER_PORT" "$bin" --init "$T/values.init" </dev/null \
    >"$T/gdbserver.out" 2>"$T/gdbserver.err" || fail "godbg connect exited $?: $(cat "$T/gdbserver.err")"
wait_exit "$SERVER_PID" 10 >/dev/null 2>&1 || kill_wait "$SERVER_PID"
sleep 0.2
check_untraced "$pid" || fail "godbg + gdbserver left valtest traced"
(cd "$T" && timeout 60 dlv attach "$pid" --allow-non-terminal-interactive=true \
    --init "$T/values.init" </dev/null >"$T/dlv.out" 2>&1)
sleep 0.2
check_untraced "$pid" || fail "dlv left valtest traced"
kill -0 "$pid" 2>/dev/null || die "valtest died"

mask() {
    sed -e '/^Type .help. for list of commands\.$/d' \
        -e 's/^Command failed: //' -e 's/^.*values\.init:[0-9]*: //' \
        -e 's/0x[0-9a-f][0-9a-f]*/ADDR/g' -e 's/(PC: [0-9a-f]*)/(PC: ADDR)/' \
        -e 's/^Switched from \([0-9]*\) to \([0-9]*\) (thread [0-9]*)/Switched from \1 to \2/' \
        -e 's/\x1b\[[0-9;]*m//g' -e 's/[[:space:]]*$//' "$1" |
        grep -v -E '^\(dlv\) exit|Would you like to kill|^Warning: debugging optimized function$'
}
mask "$T/dlv.out" >"$T/dlv.masked"
mask "$T/gostub.out" >"$T/gostub.masked"
mask "$T/gdbserver.out" >"$T/gdbserver.masked"

# Things that must be there (so that equally broken outputs cannot pass).
for f in dlv gostub gdbserver; do
    grep -q '^(li) = 42$' "$T/$f.masked" || fail "$f: no shadowed li in locals"
    grep -q '^p = (\*main.Inner)(ADDR)$' "$T/$f.masked" || fail "$f: no argument p"
    grep -q '^"01234\.\.\.+67 more"$' "$T/$f.masked" || fail "$f: max-string-len 5 not applied"
    grep -qx '123' "$T/$f.masked" || fail "$f: set li = 123 not read back"
    grep -qx 'main.I = -42' "$T/$f.masked" || fail "$f: vars main.I"
done
for f in gostub gdbserver; do
    if diff -u "$T/dlv.masked" "$T/$f.masked" >"$T/$f.diff"; then
        log "godbg via $f agrees with dlv ($(wc -l <"$T/$f.masked") lines)"
    else
        fail "godbg via $f differs from dlv (- dlv, + godbg):"
        head -n 80 "$T/$f.diff"
    fi
done

# The values set were restored by the script: a third look sees the originals.
printf 'print main.I\nprint main.U8\nprint main.PtrNil\nconfig max-string-len 9\nconfig -list\n' >"$T/after.init"
"$GODBG" attach "$pid" "$bin" --init "$T/after.init" </dev/null >"$T/after.out" 2>"$T/after.err" ||
    fail "godbg attach (after) failed: $(cat "$T/after.err")"
[ "$(sed -n 1,3p "$T/after.out")" = "$(printf -- '-42\n255\n*main.Inner nil')" ] ||
    fail "values not restored: $(cat "$T/after.out")"
grep -q '^max-string-len            9$' "$T/after.out" || fail "config -list: $(cat "$T/after.out")"
check_untraced "$pid" || fail "the last session left valtest traced"

lib_finish
