#!/usr/bin/env bash
# async-profiler (4.1, Maven Central tools.profiler:async-profiler) on a proxied chat completion
# (issue 13): the daemon from a jar (fresh home, the floor's JVM flags), or with BARE=1 the bare
# stack (bench/bare-proxy BareProxy, apache/loom: Jetty core + the gateway's Apache client, no NXS
# logic), against nginx answering the bench's fixed chat completion; warmed with wrk c=64, then for
# each event the agent attached (jcmd JVMTI.agent_load) over DUR of the same load and its
# collapsed stacks written to <out>-<event>.collapsed, with the requests, rps and CPU µs per
# request (threads less JIT and GC) of that window. bench/asprof-shares.py sums them by category.
#   bench/gateway-asprof.sh <jar> <out prefix>   (WARM=60s DUR=15s EVENTS="cpu alloc" BARE=)
# The agent is attached to a running JVM: one SIGSEGV in the VM's reference handler was seen once
# (2026-12-07-gwpath-4.md) while it sampled; rerun when the JVM dies.
set -euo pipefail
jar=$(readlink -f "$1"); out=$(readlink -f "$(dirname "$2")")/$(basename "$2")
cd "$(dirname "$0")/.."
. ./scripts/java-home
work=$(mktemp -d)
. bench/chat-upstream.sh
ap_jar=~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1-linux-x64.jar
[ -f "$ap_jar" ] || ./mvnw -B -ntp -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 >&2
(cd "$work" && unzip -q "$ap_jar" 'linux-x64/*')
lib=$work/linux-x64/libasyncProfiler.so
flags="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xms40m -Xmn24m -Xmx512m"
flags+=" -XX:MaxMetaspaceSize=128m -Xss512k -XX:TrimNativeHeapInterval=10000 -XX:-ShrinkHeapInSteps -XX:+EnableDynamicAgentLoading"
pid=
trap 'serve_cleanup "$work"' EXIT
chat_upstream "$work"
port=$(free_port)
if [ -n "${BARE:-}" ]; then
  m2=~/.m2/repository; jv=12.1.12; nv=4.1.138.Final
  cp="$jar:$m2/org/eclipse/jetty/jetty-client/$jv/jetty-client-$jv.jar:$m2/org/eclipse/jetty/jetty-alpn-client/$jv/jetty-alpn-client-$jv.jar"
  for a in compression-common compression-gzip; do cp+=":$m2/org/eclipse/jetty/compression/jetty-$a/$jv/jetty-$a-$jv.jar"; done
  cp+=":$m2/io/netty/netty-transport-native-epoll/$nv/netty-transport-native-epoll-$nv-linux-x86_64.jar"
  for a in common buffer resolver transport codec codec-http handler transport-native-unix-common transport-classes-epoll; do
    cp+=":$m2/io/netty/netty-$a/$nv/netty-$a-$nv.jar"
  done # bench/gateway-floor.sh fetches these when missing
  "$JAVA_HOME/bin/javac" -Xlint:-removal -nowarn -d "$work/classes" -cp "$cp" bench/bare-proxy/BareProxy.java 2>/dev/null
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $flags -cp "$work/classes:$cp" BareProxy "$port" \
    "http://127.0.0.1:$up/v1/chat/completions" apache loom >"$work/jvm.out" 2>&1 &
  pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do kill -0 "$pid" || exit 1; sleep 0.3; done
  key=none
else
  # shellcheck disable=SC2086
  nxs_serve "$work" "$jar" $flags
fi
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\n' \
  "'{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'" "$key" >"$work/load.lua"
url="http://127.0.0.1:$port/v1/chat/completions"
ticks() { # user+system ticks of the JVM's threads less the JIT's and the collector's
  cat /proc/"$pid"/task/*/stat | awk '{ n = $0; sub(/^[0-9]+ \(/, "", n); sub(/\) [A-Za-z] .*/, "", n)
    if (n ~ /^(C1 Comp|C2 Comp|GC Thr|VM Thr|VM Per)/) next
    r = $0; sub(/^.*\) /, "", r); split(r, f, " "); t += f[12] + f[13] } END { print t }'
}
wrk -t2 -c64 -d"${WARM:-60s}" -s "$work/load.lua" "$url" >/dev/null
echo "$(date -u +%FT%TZ) $([ -n "${BARE:-}" ] && echo "bare apache/loom on $jar" || echo "$jar"); load $(cut -d' ' -f1-3 /proc/loadavg)"
for ev in ${EVENTS:-cpu alloc}; do
  case $ev in cpu) opt="event=cpu,interval=100us";; *) opt="event=$ev";; esac
  "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$lib" "\"start,$opt\"" >/dev/null
  c0=$(ticks)
  wrk -t2 -c64 -d"${DUR:-15s}" -s "$work/load.lua" "$url" >"$work/w.txt"
  c1=$(ticks)
  "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$lib" "\"stop,file=$out-$ev.collapsed,collapsed\"" >/dev/null
  n=$(awk '/requests in/ { print $1 }' "$work/w.txt"); rps=$(awk '/Requests\/sec/ { print $2 }' "$work/w.txt")
  echo "$ev: $n requests, $rps rps, $(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / (n > 0 ? n : 1) )) µs CPU per request; load $(cut -d' ' -f1 /proc/loadavg); $out-$ev.collapsed"
done
