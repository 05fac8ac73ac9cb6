#!/usr/bin/env bash
# Resident memory of the daemon as ./nxs runs it (launcher flags), idle and while relaying N
# concurrent streaming chat completions from the testkit's FakeUpstream on loopback:
#   bench/daemon-memory.sh [STREAMS]     (default 512; HEAP="-Xms48m -Xmn32m": another heap line, to compare;
#     NXS_JAR=<jar>: that jar instead of this tree's build)
# Idle: VmRSS 15 s and 30 s after /readyz, and where it is at 15 s (smaps by kind); under load: the
# peak VmRSS while the streams run.
# Goals (issue 13): idle RSS <= 150 MB; under 512 concurrent streams <= 400 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
streams=${1:-512}
# NXS_JAR=<jar>: measure that jar (an older build, say) instead of the one built here.
if [ -n "${NXS_JAR:-}" ] && [ -f nxs-app/target/bench.classpath ]; then :; else
  ./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -pl nxs-app -am \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# ./nxs serve's flags (HEAP overrides its heap line, to compare), C-heap settings and start-up
# archive: on JDK 25+ the daemon's own AOT cache (nxs_start_archive, kind serve), as ./nxs maps it.
# Two malloc arenas (the daemon inherits this environment) and, from JDK 23, the JVM trimming the C
# heap every 10 s: bench/serve-flags.sh.
. bench/serve-flags.sh
nxs_serve_flags "${HEAP:-}"
cp "${NXS_JAR:-nxs-app/target/nxs.jar}" "$work/nxs.jar"
nxs_jit=""
nxs_archive_kind=serve
# shellcheck disable=SC2086
nxs_start_archive "$work/nxs.jar" "$work/nxs" $flags
flags="$flags $nxs_archive"
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)  streams: $streams"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g \
  -cp "nxs-app/target/test-classes:nxs-app/target/classes:$(cat nxs-app/target/bench.classpath)" \
  io.nxs.app.bench.StreamMemoryBench "$work/nxs.jar" "$work" "$streams" "$flags"
