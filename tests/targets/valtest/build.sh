#!/bin/sh
# build.sh OUTDIR - build the value test target with Debian's go into OUTDIR:
#   valtest      -gcflags=all='-N -l' (what a debugger user builds)
#   valtest-opt  default flags (optimized, inlined)
# GOCACHE and GOPATH live under OUTDIR. Rebuilds only when a source is newer than the binary.
set -eu
out=${1:?usage: build.sh OUTDIR}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
GOCACHE="$out/gocache"; GOPATH="$out/gopath"; GO111MODULE=on; GOTOOLCHAIN=local; CGO_ENABLED=0
export GOCACHE GOPATH GO111MODULE GOTOOLCHAIN CGO_ENABLED
command -v go >/dev/null 2>&1 || { echo "build.sh: go not found (apt-get install golang-go)" >&2; exit 77; }
stale() {
    [ -f "$1" ] || return 0
    [ -n "$(find "$src" \( -name '*.go' -o -name go.mod -o -name build.sh \) -newer "$1" 2>/dev/null)" ]
}
cd "$src"
if stale "$out/valtest"; then go build -gcflags=all='-N -l' -o "$out/valtest" .; fi
if stale "$out/valtest-opt"; then go build -o "$out/valtest-opt" .; fi
