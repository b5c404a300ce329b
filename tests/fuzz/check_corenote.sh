#!/bin/sh
# tests/fuzz/check_corenote.sh - make check's bounded run of fuzz_corenote (tests/fuzz/bounded.sh).
exec sh "${top_srcdir:-$(dirname "$0")/../..}/tests/fuzz/bounded.sh" corenote
