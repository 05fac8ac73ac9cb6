#!/usr/bin/env bash
# `nxs audit verify` from the CLI on a 1,000,000-entry log (issue 13: >= 50,000 entries/s).
# The log is written once by io.nxs.audit.bench.AuditLogFiller (64 concurrent appenders, so
# group-commit batches as a busy daemon makes them), then verified RUNS times by the CLI with the
# launcher's flags and a class-data sharing archive; entries/s = entries / wall, JVM start
# included. The in-process figure (AuditVerifyBenchmark's verify, without the JVM) is in the JFR
# notes of the results file.
#
#   bench/audit-verify.sh [ENTRIES] [RUNS]      (default 1000000 3)
#   JFR=1 bench/audit-verify.sh ...             also records a JFR profile of the last run
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
entries=${1:-1000000}
runs=${2:-3}
. "$root/scripts/java-home"
work=$(mktemp -d /tmp/nxs-audit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$root"
./mvnw -q -B -DskipTests package -pl nxs-app -am >/dev/null
./mvnw -q -B -pl nxs-audit -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp nxs-app/target/nxs.jar "$work/nxs.jar"
mkdir -p "$work/home"
printf 'server:\n  port: 0\nvault:\n  schedule:\n    backup: 0s\n' >"$work/home/nxs.yaml"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "nxs-audit/target/test-classes:nxs-audit/target/classes:$(cat nxs-audit/target/bench.classpath)" \
  io.nxs.audit.bench.AuditLogFiller "$work/home" "$entries"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx512m
  -XX:SharedArchiveFile="$work/nxs.jsa" -XX:+AutoCreateSharedArchive -Xlog:disable)
"${JAVA[@]}" -jar "$work/nxs.jar" --home "$work/home" --version >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | wall (s) | CPU (s) | entries/s | result |"
echo "|---|---:|---:|---:|---|"
for i in $(seq 1 "$runs"); do
  extra=()
  if [ "${JFR:-0}" = 1 ] && [ "$i" = "$runs" ]; then
    extra=(-XX:StartFlightRecording=filename="$root/bench/results/audit-verify.jfr",settings=profile)
  fi
  s=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "${JAVA[@]}" "${extra[@]}" -jar "$work/nxs.jar" \
    --home "$work/home" audit verify >"$work/out" 2>&1 || true
  e=$(date +%s.%N)
  wall=$(echo "$e - $s" | bc)
  cpu=$(awk '{ print $1 + $2 }' "$work/time")
  rate=$(echo "$entries / $wall" | bc)
  echo "| $i | $wall | $cpu | $rate | $(head -c 90 "$work/out" | head -n 1) |"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
