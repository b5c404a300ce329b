#!/bin/sh
# tests/fuzz/bounded.sh NAME - a bounded libFuzzer run of tests/fuzz/fuzz_NAME for make check
# (configure CC=clang --enable-fuzzing; tests/fuzz/fuzz.inc). The seed corpus tests/fuzz/corpus/NAME/
# is read, never written: new inputs go to a scratch folder. FUZZ_SECONDS (default 5) bounds the run.
# Exit 0 when libFuzzer found nothing; 1 with the crash report and the input that caused it (kept
# in the scratch folder, and copied next to the log as fuzz_NAME.crash) otherwise.
# A longer run for developers: README.md, "Fuzzing".
set -u
name=$1
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
bin=$top_builddir/tests/fuzz/fuzz_$name
corpus=$top_srcdir/tests/fuzz/corpus/$name
[ -x "$bin" ] || { echo "fuzz_$name: $bin not built (configure CC=clang --enable-fuzzing)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_$name.XXXXXX") || exit 1
mkdir "$work/new"
# A missing corpus folder is an empty one (libFuzzer starts from nothing).
mkdir -p "$work/none"
seeds=$work/none
[ -d "$corpus" ] && seeds=$corpus
# -max_len: the largest seed is 16 KiB; let mutations grow past it a little.
"$bin" -max_total_time="${FUZZ_SECONDS:-5}" -timeout=20 -rss_limit_mb=2048 -max_len=20000 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/new" "$seeds" >"$work/log" 2>&1
status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
nseeds=$(find "$seeds" -type f | wc -l)
if [ "$status" -eq 0 ]; then
    echo "fuzz_$name: ${execs:-?} executions in ${FUZZ_SECONDS:-5} s from $nseeds seeds, clean"
    rm -rf "$work"
    exit 0
fi
echo "fuzz_$name: FAIL (libFuzzer exit $status after ${execs:-?} executions); the end of its log:"
grep -v '^#[0-9]' "$work/log" | tail -n 60
for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -f "$a" ] || continue
    echo "input: $a (reproduce: $bin $a)"
    cp "$a" "./fuzz_$name.crash" 2>/dev/null
done
exit 1
