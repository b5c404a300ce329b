#!/bin/sh
# gdb_launch.sh - launch mode: "gdbserver 127.0.0.1:0 PROGRAM ARGS" and "gostub --listen 127.0.0.1:0 --
# PROGRAM ARGS" start the threads target stopped at its first instruction; gdb breaks on main.main and
# on a file:line, continues to each, prints two locals, and lets the program run to its normal exit.
# Outputs must be equal after masking; both must show the stop at the ELF entry point, both stops, the
# values and "exited normally"; the program's own output (it inherits the server's stdout) must hold
# its READY and MARK lines; the server must exit once the program has.
#
# SERVERS="gdbserver gdbserver" checks the test itself; KEEP=1 keeps the scratch folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd gdb
need_ptrace
servers_under_test
build_targets

bin=$TARGET_BIN/threads-debug
l_release=$(src_line threads.go release)

session() {
    start_server "$1" -- "$bin" 10 2 exit
    cat >"$T/$2.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
echo MARK launched\n
# The first instruction of a static Go binary is the ELF entry point, _rt0_amd64_linux.
info symbol \$pc
break main.main
break threads.go:$l_release
continue
echo MARK main\n
bt 1
continue
echo MARK release\n
print ng
print nt
print exit
delete
continue
echo MARK exited\n
G
    run_gdb "$T/$2.out" "$bin" "$T/$2.gdb" || fail "$2: gdb exited with status $?"
    wait_exit "$SERVER_PID" 10 || fail "$2: $1 still runs after the program exited"
    grep -q '^READY goroutines=10 threads=2$' "$SERVER_LOG" || fail "$2: no READY line from the program"
    grep -q '^MARK sum 45$' "$SERVER_LOG" || fail "$2: no 'MARK sum 45' line from the program"
}

# How many threads the Go runtime has started by each stop, and in which order gdb learns of them, is
# timing: a run of "[New Thread P.T]" lines collapses to one (uniq). Which thread hits: mask_timing.
mask_launch() {
    mask_timing | uniq
}

n=0
for s in $SERVERS; do
    n=$((n + 1))
    session "$s" "$n-$s"
done

expect='^MARK launched$
^_rt0_amd64_linux in section \.text
^Breakpoint 1 at 0xADDR: file .*threads\.go, line [0-9]+\.$
^Breakpoint 2 at 0xADDR: file .*threads\.go, line '"$l_release"'\.$
hit Breakpoint 1, main\.main \(\) at .*threads\.go:[0-9]+$
^#0  main\.main \(\) at .*threads\.go:[0-9]+$
hit Breakpoint 2, main\.main \(\) at .*threads\.go:'"$l_release"'$
^\$1 = 10$
^\$2 = 2$
^\$3 = true$
^\[Inferior 1 \(process PID\) exited normally\]$
^MARK exited$'
check_runs mask_launch "$expect"
lib_finish
