#!/bin/sh
# build.sh OUTDIR - build the sym/ test targets with Debian's go into OUTDIR:
#   symtest      -gcflags=all='-N -l' (no optimization, no inlining: what a debugger user builds)
#   symtest-opt  default flags (optimized, inlined, location lists)
#   symbig       a program importing much of the standard library (start-up timing)
#   symtest-plain  symtest with uncompressed DWARF (-ldflags=-compressdwarf=false)
#   symtest-trim   symtest built with -trimpath (file names "symtest/main.go", "runtime/proc.go")
#   symcgo         cgo/ linked externally by gcc (DWARF 4 and 5 units mixed); only when a C
#                  compiler works - the test skips its checks without it
#   symtest-arm64  symtest cross-built for linux/arm64 (-N -l): the same tables on another arch
# GOCACHE and GOPATH live under OUTDIR so the build never touches $HOME. Rebuilds only when a source
# is newer than the binary.
set -eu
out=${1:?usage: build.sh OUTDIR}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
GOCACHE="$out/gocache"; GOPATH="$out/gopath"; GOFLAGS=-mod=mod; GO111MODULE=on; GOTOOLCHAIN=local
CGO_ENABLED=0
export GOCACHE GOPATH GOFLAGS GO111MODULE GOTOOLCHAIN CGO_ENABLED
command -v go >/dev/null 2>&1 || { echo "build.sh: go not found (apt-get install golang-go)" >&2; exit 77; }
stale() { # stale BINARY: true when BINARY is missing or older than a source file
    [ -f "$1" ] || return 0
    [ -n "$(find "$src" \( -name '*.go' -o -name go.mod -o -name build.sh \) -newer "$1" 2>/dev/null)" ]
}
cd "$src"
if stale "$out/symtest"; then go build -gcflags=all='-N -l' -o "$out/symtest" .; fi
# -B gives the optimized build a GNU build-id note, which Go omits by default.
if stale "$out/symtest-opt"; then
    go build -ldflags=-B=0x5ec0ffee0123456789abcdef -o "$out/symtest-opt" .
fi
if stale "$out/symbig"; then go build -o "$out/symbig" ./big; fi
if stale "$out/symtest-plain"; then
    go build -gcflags=all='-N -l' -ldflags=-compressdwarf=false -o "$out/symtest-plain" .
fi
if stale "$out/symtest-trim"; then
    go build -trimpath -gcflags=all='-N -l' -o "$out/symtest-trim" .
fi
if stale "$out/symcgo" && command -v gcc >/dev/null 2>&1; then
    CGO_ENABLED=1 go build -ldflags=-linkmode=external -o "$out/symcgo" ./cgo ||
        echo "build.sh: the cgo target did not build; its checks will be skipped" >&2
fi
if stale "$out/symtest-arm64"; then
    GOARCH=arm64 GOOS=linux go build -gcflags=all='-N -l' -o "$out/symtest-arm64" .
fi
