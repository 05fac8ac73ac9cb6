#!/usr/bin/env bash
# Whole-system overhead of the gateway (issue 3 benchmarks), in one run on this machine:
#   wrk against a fast loopback upstream directly, through NXS, and through Portkey's open-source
#   gateway (when PORTKEY_DIR holds `npm install @portkey-ai/gateway`), at concurrency 1, 64, 512;
#   then the failover cost: NXS with a first provider that refuses / answers 503, against NXS
#   straight to the fast provider.
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

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$classpath" \
  io.nxs.gateway.bench.OverheadBenchServer >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
for _ in $(seq 120); do grep -q READY "$work/server.out" 2>/dev/null && break; sleep 0.5; done
read -r _ up nxs key < <(grep READY "$work/server.out")
up=${up#upstream=}; nxs=${nxs#nxs=}; key=${key#key=}

portkey=""
if [ -x "$portkey_dir/node_modules/.bin/gateway" ]; then
  pport=$((20000 + RANDOM % 20000))
  "$portkey_dir/node_modules/.bin/gateway" --port=$pport >"$work/portkey.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 60); do grep -q "Ready for connections" "$work/portkey.log" 2>/dev/null && break; sleep 0.5; done
  portkey=$pport
fi

script() { # model, extra headers -> lua file
  local f="$work/$1.lua"
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $key\""
    [ -n "${2:-}" ] && echo "$2"
  } >"$f"
  echo "$f"
}
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
# warm-up (JIT) for NXS and the upstream
wrk -t2 -c64 -d5s -s "$nxs_lua" "http://127.0.0.1:$nxs/v1/chat/completions" >/dev/null 2>&1 || true

{
  echo "# Gateway overhead and failover cost ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "- Machine: $(nproc) cores shared with other jobs (noisy), $(uname -sr); JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
  echo "- Command: \`bench/gateway-overhead.sh\` (wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), ${duration} per cell, wrk and all servers on the same 2 cores)"
  echo "- Upstream: the testkit's FakeUpstream on loopback (plain JSON chat completion, keep-alive)."
  echo "- NXS: gateway module + real HTTP server + API-key gate + SQLite state, as the daemon wires it."
  echo
  echo "## Added latency and throughput (plain chat completion)"
  echo
  echo "| conns | direct rps | direct p50 / p99 ms | NXS rps | NXS p50 / p99 ms | NXS added p50 / p99 ms | NXS/direct rps | Portkey rps | Portkey p50 / p99 ms | Portkey added p50 / p99 ms | Portkey/direct rps |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$out"
for c in 1 64 512; do
  read -r drps dp50 dp99 derr < <(run "http://127.0.0.1:$up/v1/chat/completions" "$direct_lua" $c)
  read -r nrps np50 np99 nerr < <(run "http://127.0.0.1:$nxs/v1/chat/completions" "$nxs_lua" $c)
  if [ -n "$portkey" ]; then
    read -r prps pp50 pp99 perr < <(run "http://127.0.0.1:$portkey/v1/chat/completions" "$pk_lua" $c)
  else
    prps=n/a; pp50=0; pp99=0; perr="not run"
  fi
  awk -v c=$c -v dr=$drps -v d5=$dp50 -v d9=$dp99 -v nr=$nrps -v n5=$np50 -v n9=$np99 -v pr=$prps -v p5=$pp50 -v p9=$pp99 'BEGIN {
    printf "| %d | %.0f | %.3f / %.3f | %.0f | %.3f / %.3f | %.3f / %.3f | %.2f | %s | %.3f / %.3f | %.3f / %.3f | %s |\n",
      c, dr, d5, d9, nr, n5, n9, n5-d5, n9-d9, nr/dr, pr, p5, p9, p5-d5, p9-d9, (pr=="n/a"?"n/a":sprintf("%.2f", pr/dr)) }' >>"$out"
  echo "errors c=$c: direct=$derr nxs=$nerr portkey=$perr" >>"$work/errors.txt"
done
{
  echo
  echo "Errors reported by wrk (non-2xx or socket errors), per cell:"
  echo
  sed 's/^/    /' "$work/errors.txt"
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
