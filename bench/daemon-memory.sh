#!/usr/bin/env bash
# Resident memory of the daemon as ./nxs runs it (launcher flags), idle and while relaying N
# concurrent streaming chat completions from the testkit's FakeUpstream on loopback:
#   bench/daemon-memory.sh [STREAMS]     (default 512)
# Goals (issue 13): idle RSS <= 150 MB; under 512 concurrent streams <= 400 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
streams=${1:-512}
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -pl nxs-app -am \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms48m -Xmn32m -XX:-ShrinkHeapInSteps -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -Djdk.console=java.base -Xlog:disable -Xlog:all=warning:stderr"
# ./nxs serve's C-heap settings: two malloc arenas (the daemon inherits this environment) and, from
# JDK 23, the JVM trimming the C heap every 10 s.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
if [ "$NXS_JAVA_MAJOR" -ge 23 ]; then flags="$flags -XX:TrimNativeHeapInterval=10000"; fi
# The class-data sharing archive, as ./nxs makes it (mapped classes count in RSS differently).
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $flags -XX:ArchiveClassesAtExit="$work/nxs.jsa" -cp nxs-app/target/nxs.jar \
  io.nxs.app.cli.StartupTraining >/dev/null 2>&1
flags="$flags -XX:SharedArchiveFile=$work/nxs.jsa"
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)  streams: $streams"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g \
  -cp "nxs-app/target/test-classes:nxs-app/target/classes:$(cat nxs-app/target/bench.classpath)" \
  io.nxs.app.bench.StreamMemoryBench nxs-app/target/nxs.jar "$work" "$streams" "$flags"
