#!/bin/sh
# tests/fuzz/check_client.sh - make check's bounded run of fuzz_client (tests/fuzz/bounded.sh).
exec sh "${top_srcdir:-$(dirname "$0")/../..}/tests/fuzz/bounded.sh" client
