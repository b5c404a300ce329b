#!/bin/sh
# corefile_real.sh - frontend/target/corefile on real cores of tests/targets/coretest (Go 1.19, built
# with -gcflags=all='-N -l'), compared with what stock gdb reads from the same core and binary:
#   kernel-quit   the kernel's core: GOTRACEBACK=crash, ulimit -c unlimited, killed with SIGQUIT
#   kernel-panic  the kernel's core of a nil-map panic (GOTRACEBACK=crash)
#   gcore         gdb -p PID -batch -ex 'gcore FILE'
#   gdbserver     gdb's gcore through stock gdbserver --attach
#   gostub        gdb's gcore through gostub --listen 127.0.0.1:0 PID
# For each: the thread ids (equal to /proc/PID/task of the live process where it was alive to count),
# 15 registers of every thread ($REGS below: general, x87/SSE control, segment bases; gdb: thread
# apply all info registers), 16 bytes at every thread's
# stack pointer, in .text (main.main, runtime.mallocgc) and .rodata (not dumped by the kernel: read from the binary)
# and in the heap (the program's pattern buffer, its address printed as "HEAP 0x..."), all equal to gdb's
# x/16xb. The kernel cases need core_pattern to write a file in the working folder; when it is a pipe
# (systemd-coredump, apport) they are reported as skipped and the gdb cases still run.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd go gdb
need_ptrace
PROBE=$top_builddir/tests/unit/test_corefile
[ -x "$PROBE" ] || die "$PROBE not built (make check builds it)"

# The target, built here (tests/targets/build.sh belongs to the other targets).
out=$top_builddir/tests/targets/coretest
mkdir -p "$out"
bin=$out/coretest-debug
bin_opt=$out/coretest
src=$top_srcdir/tests/targets/coretest/main.go
gobuild() { # gobuild OUTPUT [flags...]
    o=$1
    shift
    [ -x "$o" ] && [ ! "$src" -nt "$o" ] && return 0
    (GOCACHE=$out/.gocache GOPATH=$out/.gopath GO111MODULE=off GOFLAGS= GOPROXY=off CGO_ENABLED=0 \
        HOME=${HOME:-$out} go build -o "$o.tmp$$" -ldflags=-compressdwarf=false "$@" "$src" &&
        mv -f "$o.tmp$$" "$o") || die "building $o failed"
}
gobuild "$bin" -gcflags=all='-N -l'
gobuild "$bin_opt"
text1=$(nm "$bin" | sed -n 's/^\([0-9a-f]*\) T main\.main$/0x\1/p')
text2=$(nm "$bin" | sed -n 's/^\([0-9a-f]*\) T runtime\.mallocgc$/0x\1/p')
# read-only data (.rodata, a segment the kernel does not dump at all): the last R symbol
rodata=$(nm -n "$bin" | awk '$2 == "R" { a = $1 } END { if (a != "") print "0x" a }')
[ -n "$text1" ] && [ -n "$text2" ] && [ -n "$rodata" ] || die "no main.main/runtime.mallocgc/rodata in $bin"
# nm pads addresses with zeros; the probe and the MEM lines do not
text1=$(printf '0x%x' $((text1))) text2=$(printf '0x%x' $((text2))) rodata=$(printf '0x%x' $((rodata)))

# start_coretest MODE - runs the program in $T/$name (core files land in the working folder) and waits
# for READY. Sets CT_PID, CT_OUT, CT_HEAP.
start_coretest() {
    CT_OUT=$T/$name/out
    (cd "$T/$name" && ulimit -c unlimited && GOTRACEBACK=crash exec "$bin" "$1") >"$CT_OUT" 2>&1 &
    CT_PID=$!
    track "$CT_PID"
    wait_for_line "$CT_OUT" '^READY' 15 || { cat "$CT_OUT"; die "$name: coretest did not start"; }
    CT_HEAP=$(sed -n 's/^HEAP \(0x[0-9a-f]*\)$/\1/p' "$CT_OUT")
}

# tasks PID - the live thread ids, once two readings 0.3 s apart agree (the runtime may still be starting
# an M just after READY).
# Registers compared with gdb's "info registers": general (pr_reg), x87/SSE control (NT_FPREGSET,
# ftag expanded from FXSAVE's abridged tag), segment bases.
REGS="rip rsp rbp rax r14 eflags cs ss fs_base gs_base fctrl fstat ftag fop mxcsr"

tasks() {
    t1=$(ls "/proc/$1/task" | sort -n | tr '\n' ' ')
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        sleep 0.3
        t2=$(ls "/proc/$1/task" | sort -n | tr '\n' ' ')
        [ "$t1" = "$t2" ] && break
        t1=$t2
    done
    echo "$t1"
}

# compare CORE [LIVE_TIDS] - the probe and gdb on CORE; fails on any difference.
compare() {
    core=$1 live=${2:-}
    d=$T/$name
    set --
    for r in $REGS; do set -- "$@" reg "$r"; done
    if ! "$PROBE" --probe "$core" "$bin" -- info threads "$@" >"$d/probe1" 2>&1; then
        fail "$name: the reader refused the core: $(cat "$d/probe1")"
        return
    fi
    tids=$(sed -n 's/^THREAD //p' "$d/probe1" | sort -n | tr '\n' ' ')
    log "$name: $(grep -c ^THREAD "$d/probe1") threads: $tids; $(grep -E '^(SIGNAL|BUILDID)' "$d/probe1" | tr '\n' ' ')"
    if [ -n "$live" ] && [ "$tids" != "$live" ]; then
        fail "$name: core threads '$tids', the process had '$live'"
    fi
    addrs="$(sed -n 's/^REG [0-9]* rsp //p' "$d/probe1") $text1 $text2 $rodata $CT_HEAP $(printf '0x%x' $((CT_HEAP + 0x7fff0)))"
    set --
    for a in $addrs; do set -- "$@" mem "$a" 16; done
    "$PROBE" --probe "$core" "$bin" -- "$@" >"$d/probe2" 2>&1 || fail "$name: probe mem failed"

    {
        echo "info threads"
        echo "thread apply all info registers $REGS"
        for a in $addrs; do echo "x/16xb $a"; done
    } >"$d/gdb.cmds"
    run_gdb "$d/gdb.out" "$bin" "$d/gdb.cmds" -c "$core" || fail "$name: gdb on the core exited with $?"

    # Both sides as sorted "THREAD tid" / "REG tid name value" / "MEM addr bytes" lines.
    {
        grep '^THREAD' "$d/probe1"
        grep '^REG' "$d/probe1"
        sed 's/ error .*/ error/' "$d/probe2"
    } | sort >"$d/ours"
    awk -v addrs="$addrs" -v regs="$REGS" '
        BEGIN { n = split(addrs, A, " "); m = 0; k = split(regs, R, " "); for (i = 1; i <= k; i++) isreg[R[i]] = 1 }
        /^[* ] +[0-9]+ +LWP [0-9]+/ { s = $0; sub(/^[* ] +[0-9]+ +LWP /, "", s); split(s, w, " "); print "THREAD " w[1] }
        /^Thread [0-9]+ \(LWP [0-9]+\)/ { s = $0; sub(/.*\(LWP /, "", s); sub(/\).*/, "", s); tid = s }
        ($1 in isreg) && $2 ~ /^0x/ { print "REG " tid " " $1 " " $2 }
        /^0x[0-9a-f]+( <[^>]*>)?:/ {
            line = $0; sub(/^[^:]*:/, "", line)
            k = split(line, b, /[ \t]+/)
            for (i = 1; i <= k; i++) if (b[i] ~ /^0x[0-9a-f][0-9a-f]$/) bytes[m] = bytes[m] " " b[i]
            if (++half == 2) { half = 0; m++ }
        }
        /Cannot access memory at address/ { bytes[m] = " error"; half = 0; m++ }
        END { for (i = 0; i < m; i++) printf "MEM %s%s\n", A[i + 1], bytes[i] }
    ' "$d/gdb.out" | sort >"$d/theirs"
    if ! diff "$d/theirs" "$d/ours" >"$d/diff"; then
        fail "$name: the reader and gdb differ (< gdb, > reader):"
        head -n 40 "$d/diff"
    fi
    nmem=$(grep -c '^MEM .* 0x' "$d/ours")
    [ "$nmem" -ge 4 ] || fail "$name: only $nmem memory reads succeeded"
    log "$name: $(wc -l <"$d/ours") lines equal to gdb's ($nmem memory reads)"
}

# ---------------------------------------------------------------- the kernel's cores
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
kernel_case() { # kernel_case NAME MODE
    name=$1
    mkdir -p "$T/$name"
    case $pattern in
    '|'*)
        log "SKIP $name: core_pattern is a pipe ($pattern): the kernel hands cores to a program"
        return
        ;;
    esac
    start_coretest "$2"
    live=
    if [ "$2" = wait ]; then
        live=$(tasks "$CT_PID")
        kill -QUIT "$CT_PID"
    fi
    wait_exit "$CT_PID" 20 || fail "$name: coretest did not die"
    core=$(ls "$T/$name"/core* 2>/dev/null | head -n 1)
    if [ -z "$core" ]; then
        log "SKIP $name: no core file appeared (core_pattern '$pattern', ulimit -c $(ulimit -c))"
        return
    fi
    # a panicking process is gone before it can be counted: compared with gdb only
    compare "$core" "$live"
    if [ "$name" = kernel-quit ]; then
        # another binary (the same source built with optimizations: another Go build id)
        "$PROBE" --probe "$core" "$bin_opt" -- info >"$T/$name/wrongbin" 2>&1
        grep -q "^ERROR core was written for build-id .*; $bin_opt has " "$T/$name/wrongbin" ||
            fail "$name: another binary: $(cat "$T/$name/wrongbin")"
        log "$name: with another binary: $(cat "$T/$name/wrongbin")"
        # the same core cut short, and compressed
        head -c 300000 "$core" >"$T/$name/cut"
        "$PROBE" --probe "$T/$name/cut" "$bin" -- info >"$T/$name/cut.out" 2>&1
        grep -q '^ERROR truncated: segment [0-9]* (PT_LOAD at 0x[0-9a-f]*) needs file bytes up to offset 0x[0-9a-f]*, the file has 300000$' \
            "$T/$name/cut.out" || fail "$name: cut core: $(cat "$T/$name/cut.out")"
        gzip -1 -c "$core" >"$T/$name/core.gz"
        "$PROBE" --probe "$T/$name/core.gz" "$bin" -- info >"$T/$name/gz.out" 2>&1
        grep -qx 'ERROR looks like a gzip file, not an ELF core: decompress it first' "$T/$name/gz.out" ||
            fail "$name: gzipped core: $(cat "$T/$name/gz.out")"
        log "$name: cut: $(cat "$T/$name/cut.out"); gzip: $(cat "$T/$name/gz.out")"
        rm -f "$T/$name/cut" "$T/$name/core.gz"
    fi
    [ "${KEEP:-0}" = 1 ] || rm -f "$core"
}
kernel_case kernel-quit wait
kernel_case kernel-panic panic

# ---------------------------------------------------------------- gdb's gcore, direct and remote
gcore_case() { # gcore_case NAME direct|gdbserver|gostub
    name=$1
    mkdir -p "$T/$name"
    start_coretest wait
    live=$(tasks "$CT_PID")
    case $2 in
    direct)
        echo "gcore $T/$name/core" >"$T/$name/gcore.cmds"
        run_gdb "$T/$name/gcore.out" "$bin" "$T/$name/gcore.cmds" -p "$CT_PID" ||
            fail "$name: gdb gcore exited with $?"
        ;;
    *)
        start_server "$2" "$CT_PID"
        printf 'target remote 127.0.0.1:%s\ngcore %s\ndetach\n' "$SERVER_PORT" "$T/$name/core" \
            >"$T/$name/gcore.cmds"
        GDB_TIMEOUT=120 run_gdb "$T/$name/gcore.out" "$bin" "$T/$name/gcore.cmds" ||
            fail "$name: gdb gcore through $2 exited with $?"
        wait_exit "$SERVER_PID" 10 || kill -9 "$SERVER_PID" 2>/dev/null
        ;;
    esac
    kill -9 "$CT_PID" 2>/dev/null
    wait_exit "$CT_PID" 10
    if [ ! -s "$T/$name/core" ]; then
        fail "$name: gcore wrote no core"
        cat "$T/$name/gcore.out"
        return
    fi
    compare "$T/$name/core" "$live"
    [ "${KEEP:-0}" = 1 ] || rm -f "$T/$name/core"
}
gcore_case gcore direct
if command -v gdbserver >/dev/null 2>&1; then
    gcore_case gcore-gdbserver gdbserver
else
    log "SKIP gcore-gdbserver: gdbserver is not installed"
fi
if [ -x "$GOSTUB" ]; then
    gcore_case gcore-gostub gostub
else
    log "SKIP gcore-gostub: $GOSTUB not built"
fi

# ---------------------------------------------------------------- an aarch64 core from qemu-user
# qemu-aarch64 writes its own core of a crashing guest (qemu_PROG_DATE_PID.core, x86's gdb and lldb 14
# cannot read it here), so the oracle is what is known: the heap pattern the program wrote
# (byte i = i*7+3), .text bytes equal to the binary's file bytes, every sp inside a dumped segment, every
# pc inside the binary's text, and the architecture's register table.
aarch64_case() {
    name=qemu-aarch64
    mkdir -p "$T/$name"
    if ! command -v qemu-aarch64 >/dev/null 2>&1; then
        log "SKIP $name: qemu-aarch64 is not installed"
        return
    fi
    abin=$out/coretest-arm64
    GOARCH=arm64 gobuild "$abin" -gcflags=all='-N -l'
    (cd "$T/$name" && ulimit -c unlimited && GOTRACEBACK=crash exec qemu-aarch64 "$abin" panic) \
        >"$T/$name/out" 2>&1
    core=$(ls "$T/$name"/qemu_*.core 2>/dev/null | head -n 1)
    if [ -z "$core" ]; then
        log "SKIP $name: qemu wrote no core (ulimit -c $(ulimit -c))"
        return
    fi
    heap=$(sed -n 's/^HEAP \(0x[0-9a-f]*\)$/\1/p' "$T/$name/out")
    amain=$(nm "$abin" | sed -n 's/^\([0-9a-f]*\) T main\.main$/0x\1/p')
    amain=$(printf '0x%x' $((amain)))
    "$PROBE" --probe "$core" "$abin" -- info threads reg pc reg sp mem "$heap" 16 mem "$amain" 16 \
        >"$T/$name/probe" 2>&1 || { fail "$name: $(cat "$T/$name/probe")"; return; }
    grep -q '^ARCH aarch64$' "$T/$name/probe" || fail "$name: not read as aarch64"
    nthr=$(grep -c '^THREAD' "$T/$name/probe")
    [ "$nthr" -ge 2 ] || fail "$name: $nthr threads"
    want=$(awk 'BEGIN { for (i = 0; i < 16; i++) printf " 0x%02x", (i * 7 + 3) % 256 }')
    grep -qx "MEM $heap$want" "$T/$name/probe" || fail "$name: heap bytes: $(grep "MEM $heap" "$T/$name/probe")"
    # main.main's bytes in the binary file: its PT_LOAD's offset + (addr - vaddr)
    # (mawk has no strtonum: hex fields go through the shell's arithmetic)
    loads() { # loads FILE - "TYPE OFFSET VADDR FILESZ MEMSZ FLAGS" in decimal for each PT_LOAD
        readelf -lW "$1" | while read -r ty off va _pa fsz msz flg; do
            [ "$ty" = LOAD ] && echo "$((off)) $((va)) $((fsz)) $((msz)) $flg"
        done
    }
    foff=$(loads "$abin" | awk -v a=$((amain)) '$2 <= a && a < $2 + $3 { printf "%d", $1 + a - $2 }')
    fbytes=$(od -An -tx1 -j "$foff" -N16 "$abin" | awk '{ for (i = 1; i <= NF; i++) printf " 0x%s", $i }')
    grep -qx "MEM $amain$fbytes" "$T/$name/probe" || fail "$name: .text bytes differ from the file's:$fbytes"
    # every sp in a dumped PT_LOAD, every pc in the binary's executable PT_LOAD
    loads "$core" | awk '$3 > 0 { print $2, $2 + $4 }' >"$T/$name/loads"
    loads "$abin" | awk '$0 ~ /E/ { print $2, $2 + $4 }' >"$T/$name/text"
    sed -n 's/^REG [0-9]* sp //p' "$T/$name/probe" | while read -r sp; do
        awk -v a=$((sp)) '$1 <= a && a < $2 { ok = 1 } END { exit !ok }' "$T/$name/loads" ||
            echo "sp $sp outside the dumped segments"
    done >"$T/$name/bad"
    sed -n 's/^REG [0-9]* pc //p' "$T/$name/probe" | while read -r pc; do
        awk -v a=$((pc)) '$1 <= a && a < $2 { ok = 1 } END { exit !ok }' "$T/$name/text" ||
            echo "pc $pc outside the binary's text"
    done >>"$T/$name/bad"
    [ -s "$T/$name/bad" ] && fail "$name: $(cat "$T/$name/bad")"
    log "$name: $nthr threads, heap, .text, sp and pc checked"
    [ "${KEEP:-0}" = 1 ] || rm -f "$T/$name"/*core*
}
aarch64_case

lib_finish
