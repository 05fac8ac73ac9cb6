#!/usr/bin/env bash
# Whole-system overhead of the gateway (issue 3 benchmarks), in one run on this machine:
#   wrk against a fast loopback upstream directly, through NXS, and through Portkey's open-source
#   gateway (when PORTKEY_DIR holds `npm install @portkey-ai/gateway`), at concurrency 1, 64, 512;
#   then the failover cost: NXS with a first provider that refuses / answers 503, against NXS
#   straight to the fast provider.
#   Also a paced row: 10 connections with 10 ms think time each (about 1,000 req/s offered),
#   for the issue's "added p50/p99 at 1,000 req/s" goal.
#   BEFORE=/path/to/an/older/checkout (built with test-compile) adds that checkout's gateway as
#   "NXS before" to the same run, for a before/after comparison on the same machine and minutes.
#   bench/gateway-overhead.sh [out.md]     (DURATION=8s by default; needs wrk from Debian)
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts/java-home
out=${1:-bench/results/$(date -u +%Y-%m-%d)-gateway-overhead.md}
duration=${DURATION:-8s}
portkey_dir=${PORTKEY_DIR:-/tmp/portkey}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }

./mvnw -B -q -pl nxs-gateway -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
classpath="nxs-gateway/target/test-classes:nxs-gateway/target/classes:$(cat nxs-gateway/target/bench.classpath)"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

start_server() { # classpath name -> "upstream_port nxs_port key"
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$1" \
    io.nxs.gateway.bench.OverheadBenchServer >"$work/$2.out" 2>"$work/$2.err" &
  pids+=($!)
  echo $! >"$work/$2.pid"
  for _ in $(seq 120); do grep -q READY "$work/$2.out" 2>/dev/null && break; sleep 0.5; done
}
start_server "$classpath" server
read -r _ up nxs key < <(grep READY "$work/server.out")
up=${up#upstream=}; nxs=${nxs#nxs=}; key=${key#key=}
before=""
if [ -n "${BEFORE:-}" ]; then
  start_server "$BEFORE/nxs-gateway/target/test-classes:$BEFORE/nxs-gateway/target/classes:$(cat nxs-gateway/target/bench.classpath)" before
  read -r _ _ before bkey < <(grep READY "$work/before.out")
  before=${before#nxs=}; bkey=${bkey#key=}
fi

portkey=""
if [ -x "$portkey_dir/node_modules/.bin/gateway" ]; then
  pport=$((20000 + RANDOM % 20000))
  "$portkey_dir/node_modules/.bin/gateway" --port=$pport >"$work/portkey.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/portkey.pid"
  for _ in $(seq 60); do grep -q "Ready for connections" "$work/portkey.log" 2>/dev/null && break; sleep 0.5; done
  portkey=$pport
fi

script() { # model, extra lua, bearer key -> lua file
  local f="$work/$1-${RANDOM}.lua"
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer ${3:-$key}\""
    [ -n "${2:-}" ] && echo "$2"
  } >"$f"
  echo "$f"
}
paced='function delay() return 10 end'   # ms of think time per connection
pk_headers="wrk.headers[\"x-portkey-provider\"] = \"openai\"
wrk.headers[\"x-portkey-custom-host\"] = \"http://127.0.0.1:$up/v1\""

# One wrk run -> "rps p50_ms p99_ms errors"
run() { # url lua conns
  local threads=$(( $3 < 2 ? 1 : 2 ))
  wrk -t$threads -c"$3" -d"$duration" --latency -s "$2" "$1" >"$work/wrk.txt" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    / 50%/ { p50=ms($2) } / 99%/ { p99=ms($2) }
    /Non-2xx|Socket errors/ { err=err $0 }
    END { printf "%s %.3f %.3f %s\n", rps, p50, p99, (err==""?"-":err) }' "$work/wrk.txt"
}

direct_lua=$(script fast)
nxs_lua=$(script fast)
pk_lua=$(script fast "$pk_headers")
declare -A url lua paced_lua pid
pid[direct]=$(cat "$work/server.pid"); pid[NXS]=${pid[direct]}
[ -n "$before" ] && pid["NXS before"]=$(cat "$work/before.pid")
[ -n "$portkey" ] && pid[Portkey]=$(cat "$work/portkey.pid")
# CPU ticks of a process's threads, without the JIT compiler and GC threads (which measure how
# warm the JVM is, not what a request costs); for node, every thread.
cpu_ticks() {
  local t=0 d
  for d in /proc/$1/task/*; do
    case "$(cat "$d/comm" 2>/dev/null)" in "C1 Comp"*|"C2 Comp"*|G1*|"GC Thr"*|"VM Thr"*|"VM Per"*) ;;
      *) t=$((t + $(awk '{print $14+$15}' "$d/stat" 2>/dev/null || echo 0)));; esac
  done
  echo $t
}
tck=$(getconf CLK_TCK)
targets=(direct NXS)
url[direct]="http://127.0.0.1:$up/v1/chat/completions"; lua[direct]=$direct_lua
url[NXS]="http://127.0.0.1:$nxs/v1/chat/completions"; lua[NXS]=$nxs_lua
if [ -n "$before" ]; then
  targets+=("NXS before")
  url["NXS before"]="http://127.0.0.1:$before/v1/chat/completions"; lua["NXS before"]=$(script fast "" "$bkey")
fi
if [ -n "$portkey" ]; then
  targets+=(Portkey)
  url[Portkey]="http://127.0.0.1:$portkey/v1/chat/completions"; lua[Portkey]=$pk_lua
fi
for t in "${targets[@]}"; do
  paced_lua[$t]="${lua[$t]%.lua}-paced.lua"
  { cat "${lua[$t]}"; echo "$paced"; } >"${paced_lua[$t]}"
done
# Warm-up: the JIT needs well over 5 s of load on two busy cores before the figures settle.
for t in "${targets[@]}"; do
  wrk -t2 -c64 -d${WARMUP:-15s} -s "${lua[$t]}" "${url[$t]}" >/dev/null 2>&1 || true
done

{
  echo "# Gateway overhead and failover cost ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "- Machine: $(nproc) cores shared with other jobs (noisy), $(uname -sr); JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
  echo "- Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Command: \`${BEFORE:+BEFORE=$BEFORE }DURATION=$duration${WARMUP:+ WARMUP=$WARMUP} bench/gateway-overhead.sh\` (wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), ${duration} per cell, wrk and all servers on the same 2 cores)"
  echo "- Upstream: the testkit's FakeUpstream on loopback (plain JSON chat completion, keep-alive)."
  echo "- NXS: gateway module + real HTTP server + API-key gate + SQLite state, as the daemon wires it."
  echo "- Cells run target after target for each load, so each row of a load shares the same minutes."
  echo "- Server CPU per request: user+system time of the serving process's threads during the cell"
  echo "  (JIT compiler and GC threads left out) over the requests wrk completed. The NXS bench JVM"
  echo "  also hosts the upstream stub, so its figure includes the stub's, which the direct row shows;"
  echo "  Portkey's (node) does not. This figure is robust to other jobs on the machine; latency is not."
  echo
  echo "## Added latency and throughput (plain chat completion)"
  echo
  echo "| load | target | rps | p50 / p99 ms | added p50 / p99 ms | rps / direct | server CPU ms / request | wrk errors |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$out"
for load in 1 64 512 paced; do
  if [ "$load" = paced ]; then conns=10; label="~1,000 req/s (10 conns, 10 ms think time)"; else conns=$load; label="c=$load"; fi
  for t in "${targets[@]}"; do
    if [ "$load" = paced ]; then l=${paced_lua[$t]}; else l=${lua[$t]}; fi
    c0=$(cpu_ticks "${pid[$t]}")
    read -r rps p50 p99 err < <(run "${url[$t]}" "$l" $conns)
    c1=$(cpu_ticks "${pid[$t]}")
    n=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    if [ "$t" = direct ]; then drps=$rps; dp50=$p50; dp99=$p99; fi
    awk -v lb="$label" -v t="$t" -v r=$rps -v a=$p50 -v b=$p99 -v dr=$drps -v d5=$dp50 -v d9=$dp99 -v e="$err" -v cpu=$((c1 - c0)) -v n="${n:-0}" -v tck=$tck 'BEGIN {
      c = n > 0 ? sprintf("%.3f", cpu * 1000 / tck / n) : "n/a";
      if (t == "direct") printf "| %s | %s | %.0f | %.3f / %.3f | - | 1.00 | %s | %s |\n", lb, t, r, a, b, c, e;
      else printf "| %s | %s | %.0f | %.3f / %.3f | %.3f / %.3f | %.2f | %s | %s |\n", lb, t, r, a, b, a-d5, b-d9, r/dr, c, e }' >>"$out"
  done
done
{
  echo
  echo "## Failover cost (concurrency 1; breakers kept closed, so every request pays it)"
  echo
  echo "| first provider | rps | p50 / p99 ms | added p50 / p99 ms vs NXS straight to the fast provider |"
  echo "|---|---|---|---|"
} >>"$out"
read -r brps bp50 bp99 _ < <(run "http://127.0.0.1:$nxs/v1/chat/completions" "$nxs_lua" 1)
echo "| (none: fast provider first) | $brps | $bp50 / $bp99 | 0 |" >>"$out"
for model in refuse-then-fast 503-then-fast; do
  read -r frps fp50 fp99 ferr < <(run "http://127.0.0.1:$nxs/v1/chat/completions" "$(script $model)" 1)
  awk -v m=$model -v r=$frps -v a=$fp50 -v b=$fp99 -v c=$bp50 -v d=$bp99 -v e="$ferr" 'BEGIN {
    printf "| %s | %.0f | %.3f / %.3f | %.3f / %.3f (wrk: %s) |\n", m, r, a, b, a-c, b-d, e }' >>"$out"
done
echo "wrote $out"
cat "$out"
