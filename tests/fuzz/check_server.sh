#!/bin/sh
# tests/fuzz/check_server.sh - make check's bounded run of fuzz_server (tests/fuzz/bounded.sh).
exec sh "${top_srcdir:-$(dirname "$0")/../..}/tests/fuzz/bounded.sh" server
