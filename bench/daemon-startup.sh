#!/usr/bin/env bash
# Daemon cold start and idle memory, with and without the launcher's class-data sharing archive,
# side by side in one run (interleaved, so the machine's load hits both alike):
#   plain  java -jar nxs.jar serve
#   cds    + the archive (-XX:SharedArchiveFile, made by one untimed start, as ./nxs makes it)
#
#   bench/daemon-startup.sh [RUNS]     (default 10 runs per mode)
#
# For each run: a fresh home, time until GET /readyz answers 200, and the CPU seconds the daemon
# used until then; after the last run, resident memory (VmRSS) of an idle daemon after 15 s. The
# floor is the same JVM and flags running `nxs --version` (start, print, exit).
# Goals (issue 2): cold start to /readyz 200 <= 1.5 s; idle RSS <= 150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
runs=${1:-10}
./mvnw -q -B -DskipTests -Dmaven.test.skip=true package -pl nxs-app -am
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$work/nxs.jar"
cp nxs-app/target/nxs.jar "$jar"
base="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k"
java="$JAVA_HOME/bin/java"
modes="plain cds"
declare -A opts=([plain]="$base" [cds]="$base -XX:SharedArchiveFile=$work/nxs.jsa")

now_ms() { date +%s%3N; }
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }

# Starts a daemon on a fresh home in the background; sets pid and port, fails with its output.
start_daemon() {
  local home="$1" out="$2" flags="$3"
  mkdir -p "$home"
  printf 'server:\n  port: 0\n' > "$home/nxs.yaml"
  : > "$out"
  # shellcheck disable=SC2086
  "$java" $flags -jar "$jar" serve --home "$home" > "$out" 2>&1 &
  pid=$!
  port=""
  while [ -z "$port" ]; do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$out" | head -n 1)
    kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
    [ -n "$port" ] || sleep 0.02
  done
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do sleep 0.02; done
}

# The archive, made untimed, as the launcher makes it.
start_daemon "$work/home-warm" "$work/out-warm" "$base -XX:SharedArchiveFile=$work/nxs.jsa -XX:+AutoCreateSharedArchive"
kill -TERM "$pid"; wait "$pid" || true

declare -A floor start cpu
for i in $(seq "$runs"); do
  for m in $modes; do
    t0=$(now_ms)
    # shellcheck disable=SC2086
    "$java" ${opts[$m]} -jar "$jar" --version >/dev/null
    t1=$(now_ms)
    floor[$m]+="$((t1 - t0)) "
    t0=$(now_ms)
    start_daemon "$work/home-$m-$i" "$work/out-$m-$i" "${opts[$m]}"
    t1=$(now_ms)
    start[$m]+="$((t1 - t0)) "
    cpu[$m]+="$(cpu_s "$pid") "
    if [ "$i" -lt "$runs" ] || [ "$m" != "${modes##* }" ]; then kill -TERM "$pid"; wait "$pid" || true; fi
  done
done
sleep 15   # idle: let start-up garbage settle before reading resident memory
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"; wait "$pid" || true

# shellcheck disable=SC2086  # $1 is a space-separated list of numbers
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)  load: $(cut -d' ' -f1-3 /proc/loadavg)  JDK: $("$java" -version 2>&1 | head -n 1)"
echo "runs per mode: $runs (interleaved)"
echo
echo "| mode | jvm floor ms (median) | cold start to /readyz ms (median) | CPU s to ready (median) | start / plain start |"
echo "|---|---|---|---|---|"
plain_start=$(median "${start[plain]}")
for m in $modes; do
  sm=$(median "${start[$m]}")
  echo "| $m | $(median "${floor[$m]}") | $sm | $(median "${cpu[$m]}") | $(awk -v a="$sm" -v b="$plain_start" 'BEGIN {printf "%.2f", a / b}') |"
done
echo
for m in $modes; do echo "$m starts ms: ${start[$m]}"; done
echo "idle RSS after 15 s (${modes##* }): $((rss_kb / 1024)) MB"
