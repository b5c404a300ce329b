#!/bin/sh
# tests/targets/build.sh OUTDIR - builds the Go test programs with the system's Go (Debian's 1.19),
# each twice: NAME-debug (-gcflags=all='-N -l': no optimisation, no inlining, so every local and line
# exists) and NAME (optimized, as a production service is built). Outputs that are newer than their
# source and this script are left alone.
#
# No modules and no network: each program is a single file built with "go build FILE.go" in GOPATH mode,
# with the build cache and GOPATH under OUTDIR, so it works as root in CI and in a read-only checkout.
# CGO_ENABLED=0: statically linked, pure-Go binaries (no libc threads, same layout everywhere).
# -compressdwarf=false: plain .debug_* sections, readable by every DWARF consumer.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
srcdir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
command -v go >/dev/null 2>&1 || { echo "build.sh: go not found (apt-get install golang-go)" >&2; exit 1; }

GOCACHE=$out/.gocache
GOPATH=$out/.gopath
GO111MODULE=off
GOFLAGS=
GOPROXY=off
CGO_ENABLED=0
HOME=${HOME:-$out}
export GOCACHE GOPATH GO111MODULE GOFLAGS GOPROXY CGO_ENABLED HOME

# Tests run in parallel (make -j check) and each builds the targets first: one build at a time.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$out/.lock"
    flock 9
fi

build() { # build SRC OUTPUT [go build flags...]
    src=$1 bin=$2
    shift 2
    if [ -f "$bin" ] && [ ! "$src" -nt "$bin" ] && [ ! "$srcdir/build.sh" -nt "$bin" ]; then
        return 0
    fi
    go build -o "$bin.tmp$$" -ldflags=-compressdwarf=false "$@" "$src"
    mv -f "$bin.tmp$$" "$bin"
}

for name in service spin threads; do
    build "$srcdir/$name.go" "$out/$name-debug" -gcflags=all=-N\ -l
    build "$srcdir/$name.go" "$out/$name"
done
