#!/bin/sh
# Re-records the cachegrind captures in this folder (see README.md). Run from this folder.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -g -o "$work/rowcol" ../rowcol/rowcol.c
cc -O2 -g -static -o "$work/rowcol-static" ../rowcol/rowcol.c
# An instruction valgrind 3.19 cannot decode (sha256rnds2, SHA-NI), and the program's own illegal one (ud2, which it can)
printf 'int main(void) { __asm__ volatile(".byte 0x0f, 0x38, 0xcb, 0xd1"); return 0; }\n' > "$work/sha256rnds2.c"
printf 'int main(void) { __asm__ volatile("ud2"); return 0; }\n' > "$work/ud2.c"
cc -O2 -static -o "$work/sha256rnds2" "$work/sha256rnds2.c"
cc -O2 -static -o "$work/ud2" "$work/ud2.c"
cd "$work"
# The .log is valgrind's own summary of the same run: an independent check of the totals.
cg() { out=$1; shift; valgrind --tool=cachegrind --cachegrind-out-file="$OLDPWD/$out" --log-file="$OLDPWD/${out%.cachegrind.out}.valgrind.log" "$@" >/dev/null; }
cg rowcol-row-256.static.cachegrind.out --cache-sim=yes ./rowcol-static row 256
cg rowcol-col-256.static.cachegrind.out --cache-sim=yes ./rowcol-static col 256
cg rowcol-col-64.small-caches.cachegrind.out --cache-sim=yes --I1=16384,4,64 --D1=8192,2,32 --LL=1048576,1,64 ./rowcol-static col 64
cg rowcol-row-64.no-cache-sim.cachegrind.out --cache-sim=no ./rowcol-static row 64
cg rowcol-row-64.dynamic.cachegrind.out --cache-sim=yes ./rowcol row 64
# Logs alone (the counts are not their point): what valgrind says of an instruction it cannot decode, and of one it can
cglog() { out=$1; shift; valgrind --tool=cachegrind --log-file="$OLDPWD/$out" "$@" >/dev/null || true; }
cglog sha256rnds2.unhandled.valgrind.log ./sha256rnds2
cglog ud2.sigill.valgrind.log ./ud2
