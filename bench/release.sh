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
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
now_ms() { date +%s%3N; }

t0=$(now_ms)
tar -xzf "$archive" -C "$work"
t1=$(now_ms)
nxss=("$work"/nxs-*/bin/nxs)
nxs=${nxss[0]}
echo "archive: $archive, $(stat -c %s "$archive") bytes; unpacked $(du -sb "$work" | cut -f1) bytes in $((t1 - t0)) ms"

# One start of bin/nxs serve on a new home with cache dir $1; prints ms to /readyz 200.
ready_ms() {
  local cache="$1" home out port code start
  home=$(mktemp -d "$work/home.XXXX")
  out="$home.out"
  printf 'server:\n  port: 0\n' > "$home/nxs.yaml"
  start=$(now_ms)
  XDG_CACHE_HOME="$cache" "$nxs" serve --home "$home" > "$out" 2>&1 &
  pid=$!
  port=""
  while [ -z "$port" ]; do
    port=$(grep -o 'listening on port [0-9]*' "$out" | grep -o '[0-9]*$' || true)
    kill -0 "$pid" 2>/dev/null || { echo "daemon died: $(cat "$out")" >&2; exit 1; }
    sleep 0.02   # poll without taking a core from the daemon being measured
  done
  code=""
  until [ "$code" = 200 ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$code" = 200 ] || sleep 0.02
  done
  echo $(( $(now_ms) - start ))
  kill "$pid"; wait "$pid" || true; pid=""
}

cold=(); warm=()
ready_ms "$work/cache-warm" > /dev/null   # writes the class-data archive for the warm case
for i in $(seq 1 "$runs"); do
  rm -rf "$work/cache-cold"
  cold+=("$(ready_ms "$work/cache-cold-$i")")
  warm+=("$(ready_ms "$work/cache-warm")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "cold (first start, no class-data archive): ${cold[*]} ms; median $(median "${cold[@]}") ms"
echo "warm (class-data archive in the cache):    ${warm[*]} ms; median $(median "${warm[@]}") ms"
echo "ratio cold/warm (medians): $(awk -v c="$(median "${cold[@]}")" -v w="$(median "${warm[@]}")" 'BEGIN { printf "%.2f", c / w }')"
uptime
