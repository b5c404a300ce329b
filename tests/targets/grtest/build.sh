#!/bin/sh
# build.sh OUTDIR - build the goroutine test target with Debian's go into OUTDIR:
#   grtest      -gcflags=all='-N -l' (what a debugger user builds)
#   grtest-opt  default flags (optimized, inlined)
#   grtest-arm64  -N -l for linux/arm64 (not run here: its DWARF and CFI drive a fake-memory test)
#   grtest-ext  -N -l, cgo on, linked by the C linker (-linkmode=external): g's TLS slot found
#               through runtime.tlsg. Skipped (with a note) when cgo cannot build here.
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
if stale "$out/grtest"; then go build -gcflags=all='-N -l' -o "$out/grtest" .; fi
if stale "$out/grtest-opt"; then go build -o "$out/grtest-opt" .; fi
if stale "$out/grtest-arm64"; then
    GOARCH=arm64 go build -gcflags=all='-N -l' -o "$out/grtest-arm64" .
fi
if stale "$out/grtest-ext"; then
    CGO_ENABLED=1 go build -gcflags=all='-N -l' -ldflags=-linkmode=external -o "$out/grtest-ext" . ||
        echo "build.sh: no cgo here: grtest-ext not built" >&2
fi
