#!/bin/sh
# tests/bench/goroutines/target/build.sh OUTDIR - builds parked (100k parked goroutines and a pause
# meter) and big (a binary linking much of the standard library) into OUTDIR, as tests/targets/build.sh
# builds the test programs: GOPATH mode, no network, the build cache under OUTDIR, CGO_ENABLED=0,
# uncompressed DWARF, optimized (as a production service is built). Up-to-date outputs are left alone.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
srcdir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
command -v go >/dev/null 2>&1 || { echo "build.sh: go not found" >&2; exit 1; }
GOCACHE=$out/.gocache GOPATH=$out/.gopath GO111MODULE=off GOFLAGS='' GOPROXY=off CGO_ENABLED=0
HOME=${HOME:-$out}
export GOCACHE GOPATH GO111MODULE GOFLAGS GOPROXY CGO_ENABLED HOME
build() { # build NAME
    src=$srcdir/$1.go bin=$out/$1
    if [ -f "$bin" ] && [ ! "$src" -nt "$bin" ] && [ ! "$srcdir/build.sh" -nt "$bin" ]; then
        return 0
    fi
    go build -o "$bin.tmp$$" -ldflags=-compressdwarf=false "$src"
    mv -f "$bin.tmp$$" "$bin"
}
build parked
build big
