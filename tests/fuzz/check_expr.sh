#!/bin/sh
# tests/fuzz/check_expr.sh - make check's bounded run of fuzz_expr (tests/fuzz/bounded.sh).
exec sh "${top_srcdir:-$(dirname "$0")/../..}/tests/fuzz/bounded.sh" expr
