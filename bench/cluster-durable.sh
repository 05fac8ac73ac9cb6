#!/usr/bin/env bash
# What durable Distributed Data (ADR 0072) costs the cluster's task queue: three Pekko nodes in one
# JVM on loopback, N tasks submitted one after another (each a majority write) and run, with the
# durable keys in each node's state.db and, alternating in the same run, all in memory.
#
#   bench/cluster-durable.sh [TASKS] [ROUNDS]      (default 200 2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home"
cd "$root"
./mvnw -q -B -ntp -pl nxs-cluster -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "nxs-cluster/target/test-classes:nxs-cluster/target/classes:$(cat nxs-cluster/target/bench.classpath)" \
  io.nxs.cluster.internal.DurableQueueBench "${1:-200}" "${2:-2}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
