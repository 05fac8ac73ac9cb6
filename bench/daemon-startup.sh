#!/usr/bin/env bash
# Daemon cold start and idle memory, side by side with the JVM's own floor.
#   bench/daemon-startup.sh [RUNS] [cds]   (default 10 runs; 'cds' adds the launcher's class-data
#                                          sharing archive, made by one untimed start first)
# For each run: a fresh home, `java -jar nxs.jar serve`, time until GET /readyz answers 200; after
# the last run, resident memory (VmRSS) of an idle daemon after 15 s. The floor is the same JVM and
# flags running `nxs --version` (start, print, exit), so the ratio shows what NXS adds to a JVM start.
# Goals (issue 2): cold start to /readyz 200 <= 1.5 s; idle RSS <= 150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
runs=${1:-10}
mode=${2:-plain}
./mvnw -q -B -DskipTests -Dmaven.test.skip=true package -pl nxs-app -am
jar=nxs-app/target/nxs.jar
opts="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k"
java="$JAVA_HOME/bin/java"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }

# Starts a daemon on a fresh home in the background; sets pid and port, fails with its output.
start_daemon() {
  local home="$1" out="$2"
  mkdir -p "$home"
  printf 'server:\n  port: 0\n' > "$home/nxs.yaml"
  : > "$out"
  "$java" $opts -jar "$jar" serve --home "$home" > "$out" 2>&1 &
  pid=$!
  port=""
  while [ -z "$port" ]; do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$out" | head -n 1)
    kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
    [ -n "$port" ] || sleep 0.02
  done
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do sleep 0.02; done
}

if [ "$mode" = cds ]; then
  opts="$opts -XX:SharedArchiveFile=$work/nxs.jsa -XX:+AutoCreateSharedArchive"
  start_daemon "$work/home-warm" "$work/out-warm"
  kill -TERM "$pid"; wait "$pid" || true
fi

floor=()
for i in $(seq "$runs"); do
  t0=$(now_ms); "$java" $opts -jar "$jar" --version >/dev/null; t1=$(now_ms)
  floor+=($((t1 - t0)))
done

start=()
for i in $(seq "$runs"); do
  t0=$(now_ms)
  start_daemon "$work/home-$i" "$work/out-$i"
  t1=$(now_ms)
  start+=($((t1 - t0)))
  if [ "$i" -lt "$runs" ]; then kill -TERM "$pid"; wait "$pid" || true; fi
done
sleep 15   # idle: let start-up garbage settle before reading resident memory
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"; wait "$pid" || true

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fm=$(median "${floor[@]}"); sm=$(median "${start[@]}")
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $runs  mode: $mode"
echo "jvm floor (nxs --version) ms: ${floor[*]}  median $fm"
echo "cold start to /readyz 200 ms: ${start[*]}  median $sm"
echo "ratio start/floor: $(awk -v a="$sm" -v b="$fm" 'BEGIN {printf "%.2f", a / b}')"
echo "idle RSS after 15 s: $((rss_kb / 1024)) MB"
