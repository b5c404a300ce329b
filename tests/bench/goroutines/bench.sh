#!/bin/bash
# tests/bench/goroutines/bench.sh [--runs N] [--goroutines N] [--counts "N1 N2 ..."] - godbg + gostub
# side by side with Delve (dlv) on a Go process with 100,000 parked goroutines, in one run. A benchmark,
# never a test: it asserts nothing about speed and prints a table (README.md beside it says what each
# row means and records results). "make bench-goroutines" runs it from a build folder.
#
# Rows (median of N runs, default 3, alternating godbg and dlv on the same process):
#   1. wall time of `goroutines`: gostub --listen 127.0.0.1:0 PID launched, then godbg connect with an
#      init file "goroutines, exit" (exit detaches), until godbg exits; versus dlv attach PID with
#      --init "goroutines" and stdin /dev/null (dlv then exits on end of input and asks whether to kill
#      the process; it reads EOF and leaves the process running - the script checks it does);
#   2. the time the process was paused, measured by the target itself: a 1 ms ticker goroutine keeps
#      the largest gap between two ticks, read and reset over HTTP (GET /gap) before and after each
#      session. Every debugger here stops all threads, so the gap is the stop time (within a tick);
#   3. RSP packets and round trips for godbg to list N goroutines with their user frames (N in
#      --counts, default 1000 10000 100000), counted by rspcount.py, a proxy between godbg and gostub
#      (turnarounds, and "waits": replies that leave no request in flight - see rspcount.py); the
#      same session with only "exit" shows what connecting alone costs;
#   4. start-up: godbg exec BIG with init "break main.main, exit" versus dlv exec BIG with --init
#      "break main.main" (stdin /dev/null; dlv kills what it launched on exit), BIG linking much of
#      the standard library;
#   5. peak resident memory (VmHWM, from GNU time's maximum resident set size) of godbg and of gostub
#      in row 1 versus dlv's.
# Ratios are godbg / dlv (below 1: godbg takes less time or memory). The machine may be shared: the
# wall times move with its load; the ratios within one run are what to compare.
set -u

runs=3
ngr=100000
counts="1000 10000 100000"
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --goroutines) ngr=$2; shift 2 ;;
    --counts) counts=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--goroutines N] [--counts \"N1 N2 ...\"]" >&2; exit 2 ;;
    esac
done
case $runs$ngr in *[!0-9]*) echo "bench.sh: --runs and --goroutines want numbers" >&2; exit 2 ;; esac

srcdir=$(cd "$(dirname "$0")" && pwd)
builddir=${top_builddir:-$(pwd)}
GODBG=$builddir/frontend/godbg
GOSTUB=$builddir/stub/gostub
BIN=$builddir/tests/bench/goroutines/bin
log() { printf 'bench-goroutines: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
for c in dlv go python3 curl /usr/bin/time; do
    command -v "$c" >/dev/null 2>&1 || die "$c not found"
done
if [ ! -x "$GODBG" ] || [ ! -x "$GOSTUB" ]; then
    die "build godbg and gostub first (make in $builddir)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/bench-gr.XXXXXX") || die "mktemp failed"
PIDS=""
track() { PIDS="$PIDS $*"; }
cleanup() {
    trap - EXIT INT TERM HUP
    # GNU time's child first (gostub runs under it), then the process itself.
    for p in $PIDS; do pkill -9 -P "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

sh "$srcdir/target/build.sh" "$BIN" || die "building the targets failed"

# run CMD... - CMD in the background, waited for: a signal to this script then runs the cleanup trap
# at once (bash defers traps until a foreground command ends), which kills CMD and its children.
run() {
    "$@" &
    rpid=$!
    track $rpid
    wait $rpid
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
maxrss() { sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"; }

# wait_line FILE REGEX SECONDS - polls every 10 ms.
wait_line() {
    i=0
    while ! grep -Eq "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt $(($3 * 100)) ] && return 1
        sleep 0.01
    done
}

# start_parked N - sets TPID and TPORT.
NSTART=0
start_parked() {
    NSTART=$((NSTART + 1))
    out=$T/parked.$NSTART.out # a fresh file: an old LISTEN line would attach too early
    "$BIN/parked" "$1" >"$out" 2>&1 &
    TPID=$!
    track $TPID
    wait_line "$out" '^LISTEN [0-9]+$' 300 || die "parked $1 did not start"
    TPORT=$(sed -n 's/^LISTEN //p' "$out")
}
gap() { curl -s --max-time 30 "http://127.0.0.1:$TPORT/gap"; }

# untraced PID - the process runs on, no tracer (a detach may take a moment to show).
untraced() {
    for _ in $(seq 100); do
        if [ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" = 0 ]; then
            return 0
        fi
        sleep 0.05
    done
    die "pid $1 is gone or still traced after the session"
}

# start_gostub PID - sets SPID and SPORT; gostub runs under GNU time (output $T/gs.time).
start_gostub() {
    rm -f "$T/gs.out"
    /usr/bin/time -v -o "$T/gs.time" "$GOSTUB" --listen 127.0.0.1:0 "$1" >"$T/gs.out" 2>&1 &
    SPID=$!
    track $SPID
    wait_line "$T/gs.out" 'Listening on port [0-9]+' 60 || { cat "$T/gs.out" >&2; die "gostub did not listen"; }
    SPORT=$(sed -n 's/.*Listening on port \([0-9]*\).*/\1/p' "$T/gs.out")
}

printf 'goroutines\nexit\n' >"$T/g.init"
printf 'goroutines\n' >"$T/d.init"
printf 'exit\n' >"$T/g0.init"

# ---- rows 1, 2, 5: the 100k process
log "starting parked $ngr"
start_parked "$ngr"
log "parked: pid $TPID; $runs runs, godbg then dlv"
for r in $(seq "$runs"); do
    gap >/dev/null
    t0=$(now)
    start_gostub "$TPID"
    t1=$(now)
    run /usr/bin/time -v -o "$T/gd.time" "$GODBG" --batch --init "$T/g.init" connect \
        "127.0.0.1:$SPORT" "$BIN/parked" </dev/null >"$T/gd.out" 2>"$T/gd.err"
    t2=$(now)
    wait $SPID
    untraced "$TPID"
    g=$(gap)
    line=$(grep -E '^\[[0-9]+ goroutines\]$' "$T/gd.out")
    [ -n "$line" ] || { cat "$T/gd.err" >&2; die "godbg printed no [N goroutines] line"; }
    echo "godbg $(elapsed "$t0" "$t2") $(elapsed "$t1" "$t2") $g $(maxrss "$T/gd.time") $(maxrss "$T/gs.time") $line" >>"$T/runs"

    gap >/dev/null
    t0=$(now)
    run /usr/bin/time -v -o "$T/dl.time" dlv attach "$TPID" "$BIN/parked" --allow-non-terminal-interactive=true \
        --init "$T/d.init" </dev/null >"$T/dl.out" 2>&1
    t2=$(now)
    untraced "$TPID"
    g=$(gap)
    grep -q 'Would you like to kill the process? \[Y/n\] EOF' "$T/dl.out" ||
        { tail -5 "$T/dl.out" >&2; die "dlv did not end as expected"; }
    dline=$(grep -Eo '^\[[0-9]+ goroutines\]$' "$T/dl.out")
    [ -n "$dline" ] || { tail -5 "$T/dl.out" >&2; die "dlv printed no [N goroutines] line"; }
    echo "dlv $(elapsed "$t0" "$t2") - $g $(maxrss "$T/dl.time") - $dline" >>"$T/runs"
    log "run $r: $(tail -2 "$T/runs" | tr '\n' ';')"
done
{ kill -9 "$TPID"; wait "$TPID"; } 2>/dev/null

# ---- row 3: round trips for N goroutines
for n in $counts; do
    log "round trips: parked $n"
    start_parked "$n"
    for what in g0 g; do
        start_gostub "$TPID"
        rm -f "$T/proxy.port"
        python3 "$srcdir/rspcount.py" "$T/proxy.port" "127.0.0.1:$SPORT" "$T/stats.$what.$n" &
        ppid=$!
        track $ppid
        wait_line "$T/proxy.port" '^[0-9]+$' 30 || die "rspcount.py did not start"
        run "$GODBG" --batch --init "$T/$what.init" connect "127.0.0.1:$(cat "$T/proxy.port")" \
            "$BIN/parked" </dev/null >"$T/rt.out" 2>&1
        wait $ppid
        wait $SPID
        untraced "$TPID"
        if [ $what = g ]; then
            grep -Eo '^\[[0-9]+ goroutines\]$' "$T/rt.out" >"$T/listed.$n" ||
                { cat "$T/rt.out" >&2; die "godbg listed nothing"; }
        fi
    done
    { kill -9 "$TPID"; wait "$TPID"; } 2>/dev/null
done

# ---- row 4: start-up on a big binary
printf 'break main.main\nexit\n' >"$T/s.init"
printf 'break main.main\n' >"$T/sd.init"
log "start-up: $BIN/big ($(du -k "$BIN/big" | cut -f1) KiB); $runs runs"
for r in $(seq "$runs"); do
    t0=$(now)
    run env GODBG_GOSTUB="$GOSTUB" "$GODBG" --batch --init "$T/s.init" exec "$BIN/big" </dev/null >"$T/su.out" 2>&1
    t1=$(now)
    grep -q '^Breakpoint 1 set at' "$T/su.out" || { cat "$T/su.out" >&2; die "godbg set no breakpoint"; }
    t2=$(now)
    run dlv exec "$BIN/big" --allow-non-terminal-interactive=true --init "$T/sd.init" </dev/null >"$T/sd.out" 2>&1
    t3=$(now)
    grep -q '^Breakpoint 1 set at' "$T/sd.out" || { cat "$T/sd.out" >&2; die "dlv set no breakpoint"; }
    echo "$(elapsed "$t0" "$t1") $(elapsed "$t2" "$t3")" >>"$T/startup"
done

# ---- the table
log "done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$T" "$counts" <<'PY'
import statistics, sys, os
T, counts = sys.argv[1], sys.argv[2].split()
g, d = [], []
for line in open(os.path.join(T, "runs")):
    f = line.split()
    (g if f[0] == "godbg" else d).append(f)
med = lambda rows, i, conv=float: statistics.median(conv(r[i]) for r in rows)
def row(name, a, b, fmt):
    ratio = "%.2f" % (a / b) if b else "-"
    print("| %s | %s | %s | %s |" % (name, fmt % a, fmt % b, ratio))
print("| metric | godbg | dlv | ratio |")
print("|---|---:|---:|---:|")
row("goroutines, %s: wall s (gostub launch to godbg exit / dlv attach to exit)" % g[0][6].strip("[]"), med(g, 1), med(d, 1), "%.2f")
print("| godbg alone (connect to exit), s | %.2f | - | - |" % med(g, 2))
row("process paused (largest tick gap), s", med(g, 3) / 1e6, med(d, 3) / 1e6, "%.2f")
row("peak RSS (VmHWM) of the client: godbg vs dlv, MiB", med(g, 4) / 1024, med(d, 4) / 1024, "%.1f")
row("peak RSS (VmHWM) on the host: gostub vs dlv, MiB", med(g, 5) / 1024, med(d, 4) / 1024, "%.1f")
s = [l.split() for l in open(os.path.join(T, "startup"))]
row("start-up to `break main.main` set, big binary, s", statistics.median(float(x[0]) for x in s), statistics.median(float(x[1]) for x in s), "%.2f")
print()
print("| parked goroutines (godbg lists) | requests (c2s packets) | round trips (turnarounds) | waits (nothing in flight) | bytes s2c | exit-only session: requests, turnarounds, waits |")
print("|---:|---:|---:|---:|---:|---:|")
for n in counts:
    st = dict(l.split() for l in open(os.path.join(T, "stats.g." + n)))
    st0 = dict(l.split() for l in open(os.path.join(T, "stats.g0." + n)))
    listed = open(os.path.join(T, "listed." + n)).read().strip().strip("[]").split()[0]
    print("| %s (%s) | %s | %s | %s | %s | %s, %s, %s |" % (n, listed, st["c2s_packets"], st["round_trips"], st["waits"], st["s2c_bytes"], st0["c2s_packets"], st0["round_trips"], st0["waits"]))
print()
print("runs (kind wall godbg-alone gap_us client_kib gostub_kib count):")
for l in open(os.path.join(T, "runs")):
    print("  " + l.rstrip())
print("start-up runs (godbg dlv):", "; ".join(l.strip() for l in open(os.path.join(T, "startup"))))
PY
