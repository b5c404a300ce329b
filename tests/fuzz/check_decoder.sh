#!/bin/sh
# tests/fuzz/check_decoder.sh - make check's bounded run of fuzz_decoder (tests/fuzz/bounded.sh).
exec sh "${top_srcdir:-$(dirname "$0")/../..}/tests/fuzz/bounded.sh" decoder
