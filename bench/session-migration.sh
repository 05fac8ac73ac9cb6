#!/usr/bin/env bash
# Session migration benchmark (SPEC SE4): grows a real OpenClaw store (real turns for the shape,
# the testkit's TranscriptGrower for the size) and migrates it between two NXS instances on
# loopback, in one JVM capped at 256 MB of heap (both sides together).
#
#   bench/session-migration.sh nxs  "1000 10000 100000 1000000"   NXS's own path, no OpenClaw CLI
#   bench/session-migration.sh full "1000 10000"                  the whole migration; with
#       fence_to_usable_ms: from the source's fence (no copy accepts writes) to the target's
#       ACTIVE (restored, in place, listed by OpenClaw and proved) — ADR 0087
#   bench/session-migration.sh delta "10000 100000"               a store migrated before, grown by
#       1 %, migrated again: whole and as a zstd patch against the target's copy (SE4's delta)
#
# BENCH_XMX sets the heap (default 256m; the delta's reference is read into the heap once, so a
# store over a quarter of the heap moves whole: give 100,000 messages -Xmx1g).
# Prints one RESULT line of JSON per size, with the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
mode="${1:-nxs}"
sizes="${2:-1000 10000 100000}"
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
# The last module of the reactor (nxs-session) writes the file last.
./mvnw -B -ntp -q -pl nxs-session -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp="nxs-session/target/test-classes:nxs-session/target/classes:nxs-testkit/target/classes"
cp="$cp:nxs-core/target/classes:nxs-audit/target/classes:$(cat "$cpfile")"
for n in $sizes; do
  echo "== $mode $n messages; $(uptime)"
  "$JAVA_HOME/bin/java" "-Xmx${BENCH_XMX:-256m}" --enable-native-access=ALL-UNNAMED -cp "$cp" \
    io.nxs.session.MigrationBench "$mode" "$n"
  echo "   after: $(uptime)"
done
