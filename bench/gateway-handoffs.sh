#!/usr/bin/env bash
# The thread hand-offs of a proxied chat completion (issue 13): which thread wakes which, per request,
# for the daemon from a jar (fresh home, the launcher's heap flags plus any given), at issue 13's
# latency load (hey: 16 connections paced to 1,000 req/s in all) against nginx answering the bench's
# fixed chat completion. After a wrk c=64 warm-up, `perf record -e sched:sched_waking -a` runs over
# the hey load; every wake-up whose waker or wakee is a thread of the daemon is counted as
# "waker -> wakee" by thread kind (the Netty loops, the virtual threads' carriers, the JDK's
# master poller, the gateway's deadline watch, nginx, hey ...) and divided by the requests. Also
# the daemon's context switches and system calls per request (perf stat) and hey's p50 / p99.
# Needs perf and root (system-wide tracepoints).
#   bench/gateway-handoffs.sh <jar> [JVM option ...]     (WARM=30s DUR=10 (seconds) QPS=62.5 (per connection;
#   QPS=6.25, 100 req/s in all, lets every thread park between requests: the hand-offs of an idle hop))
set -euo pipefail
jar=$(readlink -f "$1")
shift
cd "$(dirname "$0")/.."
. ./scripts/java-home
work=$(mktemp -d)
. bench/chat-upstream.sh
pid=
trap 'serve_cleanup "$work"' EXIT
chat_upstream "$work"
nxs_serve "$work" "$jar" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:+UseSerialGC -Xms40m -Xmn24m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -XX:TrimNativeHeapInterval=10000 \
  -XX:-ShrinkHeapInSteps "$@"
body='{"model":"fast","messages":[{"role":"user","content":"hi"}]}'
url="http://127.0.0.1:$port/v1/chat/completions"
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\n' \
  "'$body'" "$key" >"$work/load.lua"
wrk -t2 -c64 -d"${WARM:-30s}" -s "$work/load.lua" "$url" >/dev/null
echo "$(date -u +%FT%TZ) $jar $*; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '#!/bin/sh\nexec hey -z %s -c 16 -q %s -m POST -T application/json -H "Authorization: Bearer %s" -d %s %s\n' \
  "${DUR:-10}s" "${QPS:-62.5}" "$key" "'$body'" "$url" >"$work/hey.sh"
chmod +x "$work/hey.sh"
perf stat -e context-switches,raw_syscalls:sys_enter -p "$pid" -o "$work/stat.txt" -- sleep "${DUR:-10}" &
stat=$!
"$work/hey.sh" >"$work/hey1.txt"
wait "$stat"
perf record -q -e sched:sched_waking -a -o "$work/perf.data" -- "$work/hey.sh" >"$work/hey2.txt" 2>/dev/null
for t in /proc/"$pid"/task/*; do echo "$(basename "$t") $(cat "$t/comm" 2>/dev/null)"; done >"$work/tids"
n1=$(awk '/^[ \t]+\[200\]/ { n += $2 } END { print n + 0 }' "$work/hey1.txt")
n2=$(awk '/^[ \t]+\[200\]/ { n += $2 } END { print n + 0 }' "$work/hey2.txt")
awk -v n="$n1" '/context-switches/ { gsub(/,/, "", $1); cs = $1 } /sys_enter/ { gsub(/,/, "", $1); sc = $1 }
  END { printf "daemon per request (%d requests): %.2f context switches, %.2f system calls\n", n, cs / n, sc / n }' "$work/stat.txt"
awk '/ 50% in/ { printf "hey p50 %.1f ms, ", $3 * 1000 } / 99% in/ { printf "p99 %.1f ms\n", $3 * 1000 }' "$work/hey1.txt"
echo "wake-ups per request ($n2 requests), waker -> wakee, where either is the daemon's:"
perf script -i "$work/perf.data" -F comm,tid,trace 2>/dev/null | awk -v n="$n2" -v self="$pid" '
  function kind(c) {
    if (c ~ /^epollEventLoop|^nxs-front/) return "netty loop"
    if (c ~ /^ForkJoinPool/) return "carrier (virtual threads)"
    if (c ~ /^MasterPoller/) return "JDK master poller"
    if (c ~ /Poller/) return "JDK poller"
    if (c ~ /^nxs-gateway-dea/) return "deadline watch"
    if (c ~ /^nginx/) return "nginx (upstream)"
    if (c ~ /^hey/) return "hey (client)"
    if (c ~ /^(swapper|kworker|ksoftirqd|rcu)/) return "kernel"
    return "other: " c
  }
  FILENAME == ARGV[1] { tid[$1] = 1; comm[$1] = $2; for (i = 3; i <= NF; i++) comm[$1] = comm[$1] " " $i; next }
  { j = 0; for (i = 1; i <= NF; i++) if ($i ~ /^comm=/) { j = i; break }
    if (j < 3) next
    wt = $(j - 1); wc = $1; for (i = 2; i < j - 1; i++) wc = wc " " $i
    wee = substr($j, 6); for (i = j + 1; i <= NF && $i !~ /^pid=/; i++) wee = wee " " $i
    wp = substr($i, 5)
    if (!(wt in tid) && !(wp in tid)) next
    k = kind(wc) " -> " kind(wee); c[k]++
    if (wp in tid) { woken[kind(wee)]++; all++ } }
  END { for (k in c) if (c[k] / n >= 0.005) printf "  %6.2f  %s\n", c[k] / n, k
    for (k in woken) if (woken[k] / n >= 0.005) printf "  %6.2f  = the daemon'"'"'s %s woken\n", woken[k] / n, k
    printf "  %6.2f  = the daemon'"'"'s threads woken, in all\n", all / n }' "$work/tids" - | sort -rn
echo "(a network wake-up runs in whichever thread the kernel delivers the packet in, often the sender's:"
echo " the waker of \"-> hey\" or \"-> JDK master poller\" is that thread, not a hand-off of the daemon's)"
