#!/bin/sh
# godbg_rr.sh - godbg's reverse execution (rewind, rev next/step-instruction/stepout) and rr's
# quirks, against a SCRIPTED STAND-IN FOR rr, NOT rr ITSELF.
#
# rr cannot record on this machine's CPU (rr needs a hardware counter of retired conditional
# branches that counts exactly; it is not installed here either), so no real rr session can run
# here. Instead tests/integration/rr_fake/rr_fake.py:
#   1. "records" tests/integration/rr_fake/prog.go (built -N -l) by single-stepping main.main under
#      a stock gdbserver from its entry to its return, keeping each step's registers and stack
#      window and a dump of the process's mappings at the end;
#   2. replays that history over TCP answering as rr's GdbServer does, written from rr's documented
#      behaviour and sources (see the header of rr_fake.py and
#      /work/shared/research/stub_anchors.md section 2.3): rr's qSupported list with
#      ReverseContinue+ and ReverseStep+, bc/bs, replaylog:begin at the start of the history, no
#      'M' packet, and the synthetic SIGKILL stop before the recorded exit.
# The history starts at main.main's entry (rr's would start at exec). What passes here shows godbg
# speaks the protocol as rr documents it; it proves nothing about a real rr's timing or quirks
# not written down in the replay script.
#
# Checked: break, continue to two breakpoints, rewind back to the first (hit counts go on as dlv's
# do), rev next to the previous line's start, rev step-instruction, rev stepout from a callee to the
# call, set through X (the server refuses M) and print, the synthetic SIGKILL reported as the exit
# and rewind from it, the real exit after it; with the reverse features left out, rewind and rev
# refused with dlv's "not a recording" and no bc/bs sent; rewind and rev in help and man/godbg.1.
# KEEP=1 keeps the scratch folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

GODBG=$top_builddir/frontend/godbg
FAKE=$top_srcdir/tests/integration/rr_fake/rr_fake.py
[ -x "$GODBG" ] || die "$GODBG not built (run make first)"
need_cmd go gdbserver python3
need_ptrace

mkdir -p "$T/prog"
cp "$top_srcdir/tests/integration/rr_fake/prog.go" "$T/prog/"
printf 'module rrprog\n\ngo 1.19\n' >"$T/prog/go.mod"
(cd "$T/prog" && go build -gcflags='-N -l' -o prog .) >&2 || die "building prog.go failed"
bin=$T/prog/prog
entry=$(go tool nm "$bin" | awk '$3 == "main.main" { print $1 }')
[ -n "$entry" ] || die "no main.main in $bin"
# (exit 2: a signal handler ran inside the recorded steps; try again)
for try in 1 2 3; do
    timeout 60 python3 "$FAKE" record "$bin" "$entry" "$T/rec.json" >&2 && break
    rc=$?
    if [ "$rc" != 2 ] || [ "$try" = 3 ]; then
        die "recording failed ($rc)"
    fi
done

# serve NAME [--no-reverse]: the replay server in the background; SERVER_PORT
serve() {
    name=$1
    shift
    python3 "$FAKE" serve "$T/rec.json" "$T/$name.port" --log "$T/$name.packets" "$@" \
        2>"$T/$name.server.err" &
    track $!
    SERVER_PID=$!
    i=0
    while [ ! -s "$T/$name.port" ]; do
        i=$((i + 1))
        [ "$i" -lt 100 ] || die "$name: the replay server did not start: $(cat "$T/$name.server.err")"
        sleep 0.1
    done
    SERVER_PORT=$(cat "$T/$name.port")
}

# run NAME: $T/NAME.init through godbg connect; NAME.out
run() {
    timeout 60 "$GODBG" connect "127.0.0.1:$SERVER_PORT" "$bin" --init "$T/$1.init" </dev/null \
        >"$T/$1.out" 2>"$T/$1.err" || fail "$1: godbg exited $?: $(tail -n 5 "$T/$1.err")"
    wait_exit "$SERVER_PID" 10 || kill_wait "$SERVER_PID"
}

# keep FILE: the stop lines, exits, failures and printed values; PCs and pids masked
keep() {
    grep -E '^> |^Process |^Command failed|^[0-9]+$' "$1" |
        sed -e 's/(PC: 0x[0-9a-f]*)/(PC: X)/' -e 's/^Process [0-9]*/Process N/' -e 's|/.*/prog.go|prog.go|'
}

cat >"$T/rev.init" <<'EOF'
break prog.go:15
break prog.go:17
continue
continue
rewind
rev next
rev step-instruction
continue
break prog.go:9
continue
rev stepout
clear 3
continue
set d = 9
print d
continue
rewind
continue
continue
continue
exit
EOF
cat >"$T/rev.want" <<'EOF'
> main.main() prog.go:15 (hits goroutine(1):1 total:1) (PC: X)
> main.main() prog.go:17 (hits goroutine(1):1 total:1) (PC: X)
> main.main() prog.go:15 (hits goroutine(1):2 total:2) (PC: X)
> main.main() prog.go:14 (PC: X)
> main.main() prog.go:13 (PC: X)
> main.main() prog.go:15 (hits goroutine(1):3 total:3) (PC: X)
> main.twice() prog.go:9 (hits goroutine(1):1 total:1) (PC: X)
> main.main() prog.go:16 (PC: X)
> main.main() prog.go:17 (hits goroutine(1):2 total:2) (PC: X)
9
Process N has exited with status 0
> main.main() prog.go:17 (hits goroutine(1):3 total:3) (PC: X)
Process N has exited with status 0
Process N has exited with status 0
Command failed: the process has exited; nothing to continue
EOF
serve rev
run rev
keep "$T/rev.out" >"$T/rev.got"
diff -u "$T/rev.want" "$T/rev.got" >"$T/rev.diff" || fail "reverse session differs: $(cat "$T/rev.diff")"
# rr's quirks on the wire: the write went out as X, never as M; bc and bs were used.
grep -aq '^X[0-9a-f]*,8:' "$T/rev.packets" || fail "set did not write with X"
! grep -aq '^M' "$T/rev.packets" || fail "godbg sent M to a server that has none"
grep -aqx 'bc' "$T/rev.packets" || fail "rewind sent no bc"
grep -aqx 'bs' "$T/rev.packets" || fail "rev sent no bs"

# A server without ReverseContinue+/ReverseStep+: refused as dlv refuses them.
cat >"$T/norev.init" <<'EOF'
break prog.go:17
continue
rewind
rev next
rw
exit
EOF
serve norev --no-reverse
run norev
[ "$(grep -c '^Command failed: not a recording$' "$T/norev.out")" = 3 ] ||
    fail "rewind/rev without reverse support: $(cat "$T/norev.out")"
! grep -aqE '^b[cs]$' "$T/norev.packets" || fail "bc/bs sent to a server without them"

# help and the man page
for cmd in rewind rev; do
    grep -q "^\\.BR $cmd " "$top_srcdir/man/godbg.1" || fail "man/godbg.1 does not describe $cmd"
done
serve help
printf 'help\nhelp rev\nexit\n' >"$T/help.init"
run help
grep -q '^    rewind (alias: rw) -* Run backwards until breakpoint or start of recorded history\.$' \
    "$T/help.out" || fail "help does not list rewind: $(cat "$T/help.out")"
grep -q '^    rev -* Reverses the execution of the target program for the command specified\.$' \
    "$T/help.out" || fail "help does not list rev"
grep -q 'rev next | step | step-instruction | stepout' "$T/help.out" || fail "help rev: no usage"

lib_finish
