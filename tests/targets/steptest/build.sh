#!/bin/sh
# build.sh OUTDIR - build the stepping test target (-gcflags=all='-N -l') into OUTDIR/steptest.
# GOCACHE and GOPATH live under OUTDIR. Rebuilds only when a source is newer than the binary.
set -eu
out=${1:?usage: build.sh OUTDIR}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
GOCACHE="$out/gocache"; GOPATH="$out/gopath"; GO111MODULE=on; GOTOOLCHAIN=local; CGO_ENABLED=0
export GOCACHE GOPATH GO111MODULE GOTOOLCHAIN CGO_ENABLED
command -v go >/dev/null 2>&1 || { echo "build.sh: go not found" >&2; exit 77; }
cd "$src"
if [ ! -f "$out/steptest" ] || [ -n "$(find "$src" -name '*.go' -newer "$out/steptest")" ]; then
    go build -gcflags=all='-N -l' -o "$out/steptest" .
fi
