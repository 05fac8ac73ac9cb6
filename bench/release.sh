#!/usr/bin/env bash
# The release archive (SPEC RO1): its size, the time to unpack it, and the time from `bin/nxs serve`
# on a fresh home to GET /readyz 200, in two cases interleaved in one run (so the machine's load
# hits both alike): "cold" (no class-data archive yet: the first start on a machine) and "warm"
# (the class-data archive bin/nxs keeps in the cache exists). Every start gets a new empty home.
#   bench/release.sh [RUNS]      (default 5 runs per case; SKIP_BUILD=1 uses target/release as is)
# Goal (issue 15): ready in < 60 s on a fresh home, aim < 5 s.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
runs=${1:-5}
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -Prelease -DskipTests package
archives=(target/release/nxs-*.tar.gz)
archive=${archives[0]}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. bench/ready.sh

t0=$(now_ms)
tar -xzf "$archive" -C "$work"
t1=$(now_ms)
nxss=("$work"/nxs-*/bin/nxs)
nxs=${nxss[0]}
echo "archive: $archive, $(stat -c %s "$archive") bytes; unpacked $(du -sb "$work" | cut -f1) bytes in $((t1 - t0)) ms"

cold=(); warm=()
ready_ms "$nxs" "$work/home.0" "$work/cache-warm" > /dev/null   # writes the class-data archive for the warm case
for i in $(seq 1 "$runs"); do
  rm -rf "$work/cache-cold"
  cold+=("$(ready_ms "$nxs" "$work/home.c$i" "$work/cache-cold-$i")")
  warm+=("$(ready_ms "$nxs" "$work/home.w$i" "$work/cache-warm")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "cold (first start, no class-data archive): ${cold[*]} ms; median $(median "${cold[@]}") ms"
echo "warm (class-data archive in the cache):    ${warm[*]} ms; median $(median "${warm[@]}") ms"
echo "ratio cold/warm (medians): $(awk -v c="$(median "${cold[@]}")" -v w="$(median "${warm[@]}")" 'BEGIN { printf "%.2f", c / w }')"
uptime
