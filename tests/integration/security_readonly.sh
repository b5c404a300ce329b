#!/bin/sh
# security_readonly.sh - gostub --read-only (issue 5): stock gdb attaches to the Go service, shows a
# backtrace, reads memory and a variable; a breakpoint is refused when gdb inserts it (break +
# continue: "Cannot insert breakpoint 1 ... Command aborted", the process does not run), "set var"
# is refused and the value is unchanged, a register write is refused with gostub's text shown by
# gdb; detach works and the text is byte for byte the binary's. The exact E.text of every refused
# packet (Z0-Z4, M, X, G, P) is checked with a raw client, and what stays allowed (z0, X with no
# data, m, g).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/security_lib.sh"

need_cmd gdb curl
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
need_ptrace
need_gostub
build_targets
start_target service
request "$TARGET_PORT" >/dev/null
before=$(request "$TARGET_PORT")

stub_start --read-only --listen 127.0.0.1:0 "$TARGET_PID"
grep -q 'read-only' "$SERVER_LOG" || fail "the banner does not say read-only"
cat >"$T/ro.gdb" <<EOG
target remote 127.0.0.1:$SERVER_PORT
echo MARK bt\n
bt 2
echo MARK x\n
x/2xb 'main.handle'
printf "MARK hits %d\n", 'main.hits'
break main.handle
continue
echo MARK after-continue\n
set var 'main.hits' = 4242
printf "MARK hits-after %d\n", 'main.hits'
set var \$rax = 1
watch 'main.hits'
continue
echo MARK after-watch\n
delete
detach
EOG
run_gdb "$T/ro.out" "$TARGET_BIN/service" "$T/ro.gdb" -iex 'set sysroot /'
sed 's/^/  gdb | /' "$T/ro.out"
grep -A1 '^MARK bt' "$T/ro.out" | grep -q '^#0 ' || fail "bt printed no frame"
grep -A1 '^MARK x' "$T/ro.out" | grep -q '<main.handle>:' || fail "x/2xb main.handle printed nothing"
hits=$(sed -n 's/^MARK hits \([0-9]*\)$/\1/p' "$T/ro.out")
case $hits in
[1-9]*) ;;
*) fail "main.hits could not be read ('$hits')" ;;
esac
grep -q 'Cannot insert breakpoint 1' "$T/ro.out" || fail "break + continue: no 'Cannot insert breakpoint 1'"
grep -q 'Command aborted' "$T/ro.out" || fail "break + continue: gdb did not abort the continue"
grep -q 'Cannot access memory at address' "$T/ro.out" || fail "set var: no error shown"
[ "$(sed -n 's/^MARK hits-after \([0-9]*\)$/\1/p' "$T/ro.out")" = "$hits" ] ||
    fail "set var changed main.hits"
grep -q "remote failure reply 'E.read-only: gostub --read-only refuses to write registers'" "$T/ro.out" ||
    fail "set var \$rax: gostub's text not shown by gdb"
grep -Eq 'Could not insert hardware watchpoint|Could not insert hardware breakpoints' "$T/ro.out" ||
    fail "watch + continue: the watchpoint was not refused"
grep -q '\[Inferior 1 (process [0-9]*) detached\]' "$T/ro.out" || fail "detach failed"
grep -q 'Continuing' "$T/ro.out" && ! grep -q 'Command aborted' "$T/ro.out" && fail "the process ran"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after detach"
check_released "$TARGET_PID" "$TARGET_PORT" "read-only gdb session"

# The replies themselves, with a raw client (no gdb retries or rewording in the way).
stub_start --read-only --listen 127.0.0.1:0 "$TARGET_PID"
addr=$(nm "$TARGET_BIN/service" | sed -n 's/^\([0-9a-f]*\) T main\.handle$/\1/p')
[ -n "$addr" ] || die "no main.handle in the service's symbols"
probe "tcp:127.0.0.1:$SERVER_PORT" qSupported "Z0,$addr,1" "Z1,$addr,1" "Z2,$addr,8" "Z4,$addr,8" \
    "M$addr,1:cc" "X$addr,1:a" "X$addr,0:" "z0,$addr,1" "m$addr,4" "g" "P0=0000000000000000" \
    "G$(printf '%0400d' 0)" "D"
bp='E.read-only: gostub --read-only refuses breakpoints and watchpoints'
mem='E.read-only: gostub --read-only refuses to write memory'
regs='E.read-only: gostub --read-only refuses to write registers'
[ "$(grep -c "^REPLY $bp\$" "$PROBE_OUT")" = 4 ] || fail "Z0/Z1/Z2/Z4: not all refused with '$bp'"
[ "$(grep -c "^REPLY $mem\$" "$PROBE_OUT")" = 2 ] || fail "M/X: not both refused with '$mem'"
[ "$(grep -c "^REPLY $regs\$" "$PROBE_OUT")" = 2 ] || fail "P/G: not both refused with '$regs'"
[ "$(grep -c '^REPLY OK$' "$PROBE_OUT")" = 3 ] || fail "X len 0, z0 and D should each answer OK"
grep -Eq '^REPLY [0-9a-f]{8}$' "$PROBE_OUT" || fail "m (a read) refused"
grep -Eq '^REPLY [0-9a-f]{2}.{100,}' "$PROBE_OUT" || fail "g (a register read) refused" # RLE-encoded
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after D"
check_released "$TARGET_PID" "$TARGET_PORT" "read-only raw session"
after=$(request "$TARGET_PORT")
log "service before: $before; after: $after"
lib_finish
