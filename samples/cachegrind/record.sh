#!/bin/sh
# Re-records the cachegrind captures in this folder (see README.md). Run from this folder.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -g -o "$work/rowcol" ../rowcol/rowcol.c
cc -O2 -g -static -o "$work/rowcol-static" ../rowcol/rowcol.c
cd "$work"
# The .log is valgrind's own summary of the same run: an independent check of the totals.
cg() { out=$1; shift; valgrind --tool=cachegrind --cachegrind-out-file="$OLDPWD/$out" --log-file="$OLDPWD/${out%.cachegrind.out}.valgrind.log" "$@" >/dev/null; }
cg rowcol-row-256.static.cachegrind.out --cache-sim=yes ./rowcol-static row 256
cg rowcol-col-256.static.cachegrind.out --cache-sim=yes ./rowcol-static col 256
cg rowcol-col-64.small-caches.cachegrind.out --cache-sim=yes --I1=16384,4,64 --D1=8192,2,32 --LL=1048576,1,64 ./rowcol-static col 64
cg rowcol-row-64.no-cache-sim.cachegrind.out --cache-sim=no ./rowcol-static row 64
cg rowcol-row-64.dynamic.cachegrind.out --cache-sim=yes ./rowcol row 64
