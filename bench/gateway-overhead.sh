#!/usr/bin/env bash
# Whole-system overhead of the gateway (issues 3 and 13), in one run on this machine, the daemon as
# users run it:
#   upstream    nginx in its own process, answering a fixed chat completion (and a fixed SSE stream)
#   direct      the load generator straight to that upstream
#   nginx proxy nginx as a plain reverse proxy in front of it (proxy_pass, upstream keepalive): the
#               physical limit of one proxy hop here
#   NXS         `./nxs serve` on a fresh home (every module on), one provider: the upstream
#   Portkey     its open-source gateway, when PORTKEY_DIR holds `npm install @portkey-ai/gateway`
#   NXS baseline  when NXS_BASELINE names another checkout (say, main's): its `./nxs serve`, same
#               config, so a change is measured against what it replaces in the same run; with
#               NXS_BASELINE_JAVA_OPTS its JVM flags instead of the launcher's (NXS_BASELINE=. then
#               measures a flag change, say the heap's sizing, on the same build)
# Loads, each target after the other so a load's rows share the same minutes:
#   wrk, 64 connections (max throughput; server CPU per request)
#   hey, 16 connections at 1,000 req/s in all (added p50 / p99 at that rate)
#   wrk, 512 connections (errors)
#   streaming: wrk, 1 connection, a 32-chunk SSE answer (relay cost per chunk)
# then the failover cost (NXS: a first provider that refuses / answers 503).
#   bench/gateway-overhead.sh [out.md]     (DURATION=8s, WARMUP=15s, JVM_WARMUP=120s for NXS: on two
#   cores shared with other jobs its JIT needs about two minutes of load before the figures settle;
#   ROUNDS=3 of the c=64 and 1,000 req/s loads, each row after REWARM=5s at its own load shape;
#   needs nginx, wrk and hey from Debian, listed in bench/debian-packages)
# The in-process harness (nxs-gateway's test class io.nxs.gateway.bench.OverheadBenchServer, the
# gateway and a stub upstream in one JVM) stays for profiling; this script measures the daemon.
# bench/gateway-profile.sh records JFR of the daemon itself under wrk (bench/jfr-shares.py reads it),
# bench/gateway-asprof.sh async-profiler's stacks of a jar's daemon or of the bare stack
# (bench/asprof-shares.py sums them), and bench/gateway-cpu-ab.sh compares two builds' (or jars')
# CPU per request in alternating order.
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts/java-home
out=${1:-bench/results/$(date -u +%Y-%m-%d)-gateway-overhead.md}
duration=${DURATION:-8s}
warmup=${WARMUP:-15s}
jvm_warmup=${JVM_WARMUP:-120s}
rounds=${ROUNDS:-3}
rewarm=${REWARM:-5s}
portkey_dir=${PORTKEY_DIR:-/tmp/portkey}
for tool in nginx wrk hey curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install nginx wrk hey curl)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$work"/nginx-*.pid; do
    if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- upstream and reverse proxy: two nginx instances, each its own master and workers -----------
chat='{"id":"chatcmpl-bench","object":"chat.completion","created":0,"model":"fast-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the bench upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}'
chunks=32
sse='data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"}}]}\n\n'
for i in $(seq $chunks); do
  sse+='data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tok'$i' "}}]}\n\n'
done
sse+='data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
sse+='data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":32,"total_tokens":44}}\n\n'
sse+='data: [DONE]\n\n'
up=$(free_port)
proxy=$(free_port)
nginx_conf() { # name body -> starts nginx with that http{} body
  cat >"$work/nginx-$1.conf" <<EOF
worker_processes auto;
daemon on;
pid $work/nginx-$1.pid;
error_log $work/nginx-$1.err warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/$1-body; proxy_temp_path $work/$1-proxy;
  fastcgi_temp_path $work/$1-fcgi; uwsgi_temp_path $work/$1-uwsgi; scgi_temp_path $work/$1-scgi;
  keepalive_requests 1000000;
  $2
}
EOF
  nginx -c "$work/nginx-$1.conf" -e "$work/nginx-$1.err"
}
nginx_conf upstream "server {
    listen 127.0.0.1:$up;
    location = /v1/chat/completions { default_type application/json; return 200 '$chat'; }
    location = /v1/models { default_type application/json; return 200 '{\"object\":\"list\",\"data\":[{\"id\":\"fast-model\",\"object\":\"model\"}]}'; }
    location = /sse/v1/chat/completions { default_type text/event-stream; return 200 '$sse'; }
    location = /sse/v1/models { default_type application/json; return 200 '{\"object\":\"list\",\"data\":[{\"id\":\"fast-model\",\"object\":\"model\"}]}'; }
    location = /503/v1/chat/completions { default_type application/json; return 503 '{\"error\":{\"message\":\"overloaded\"}}'; }
    location = /503/v1/models { default_type application/json; return 200 '{\"object\":\"list\",\"data\":[]}'; }
  }"
nginx_conf proxy "upstream bench_up { server 127.0.0.1:$up; keepalive 128; }
  server {
    listen 127.0.0.1:$proxy;
    location / { proxy_pass http://bench_up; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"

# --- NXS as users run it ----------------------------------------------------------------------------
home="$work/nxs-home"
mkdir -p "$home"
nxs=$(free_port)
refused=$(free_port)
cat >"$home/nxs.yaml" <<EOF
server: {host: 127.0.0.1, port: $nxs}
providers:
  - {name: fast, base_url: "http://127.0.0.1:$up/v1", model: fast-model, priority: 1, retry: 0}
  - {name: sse, base_url: "http://127.0.0.1:$up/sse/v1", model: fast-model, priority: 9, retry: 0}
  - name: refuser
    base_url: http://127.0.0.1:$refused/v1
    model: m
    priority: 9
    retry: 0
    circuit_breaker: {failure_threshold: 1000}
  - name: overloaded
    base_url: http://127.0.0.1:$up/503/v1
    model: m
    priority: 9
    retry: 0
    circuit_breaker: {failure_threshold: 1000}
routes:
  refuse-then-fast: [refuser, fast]
  503-then-fast: [overloaded, fast]
EOF
./nxs --version >/dev/null # builds the jar and its start-up archive when stale, untimed
# Without the supervising loop: $! is then the JVM, whose RSS and CPU are measured.
NXS_SUPERVISE=0 ./nxs serve --home "$home" >"$work/nxs.out" 2>&1 &
nxs_pid=$!
pids+=("$nxs_pid")
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nxs/readyz")" = 200 ]; do
  kill -0 "$nxs_pid" 2>/dev/null || { cat "$work/nxs.out" >&2; exit 1; }
  sleep 0.1
done
key=$(cat "$home/keys/admin.key")

baseline=""
if [ -n "${NXS_BASELINE:-}" ]; then
  baseline=$(free_port)
  mkdir -p "$work/base-home"
  sed "s/port: $nxs}/port: $baseline}/" "$home/nxs.yaml" >"$work/base-home/nxs.yaml"
  "$NXS_BASELINE/nxs" --version >/dev/null
  NXS_SUPERVISE=0 NXS_JAVA_OPTS=${NXS_BASELINE_JAVA_OPTS:-${NXS_JAVA_OPTS:-}} \
    "$NXS_BASELINE/nxs" serve --home "$work/base-home" >"$work/base.out" 2>&1 &
  base_pid=$!
  pids+=("$base_pid")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$baseline/readyz")" = 200 ]; do
    kill -0 "$base_pid" 2>/dev/null || { cat "$work/base.out" >&2; exit 1; }
    sleep 0.1
  done
  base_key=$(cat "$work/base-home/keys/admin.key")
fi

# Resident memory of the daemons before any load (15 s after ready, as bench/daemon-startup.sh
# measures idle RSS) and after the last cell: a JVM flag change must not buy speed with memory.
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
sleep 15
idle_rss=$(rss_mb "$nxs_pid")
[ -n "$baseline" ] && base_idle_rss=$(rss_mb "$base_pid")

portkey=""
if [ -x "$portkey_dir/node_modules/.bin/gateway" ]; then
  portkey=$(free_port)
  "$portkey_dir/node_modules/.bin/gateway" --port="$portkey" >"$work/portkey.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/portkey.pid"
  for _ in $(seq 60); do grep -q "Ready for connections" "$work/portkey.log" 2>/dev/null && break; sleep 0.5; done
fi

body() { echo "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]${2:-}}"; }
script() { # model, extra lua, extra body -> lua file
  local f="$work/$1-${RANDOM}.lua"
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '$(body "$1" "${3:-}")'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $key\""
    [ -n "${2:-}" ] && echo "$2"
  } >"$f"
  echo "$f"
}
pk_headers="wrk.headers[\"x-portkey-provider\"] = \"openai\"
wrk.headers[\"x-portkey-custom-host\"] = \"http://127.0.0.1:$up/v1\""

declare -A url lua pid hdr auth
targets=(direct "nginx proxy" NXS)
url[direct]="http://127.0.0.1:$up/v1/chat/completions"; lua[direct]=$(script fast)
url["nginx proxy"]="http://127.0.0.1:$proxy/v1/chat/completions"; lua["nginx proxy"]=$(script fast)
url[NXS]="http://127.0.0.1:$nxs/v1/chat/completions"; lua[NXS]=$(script fast)
nginx_pids() { echo "$(cat "$work/nginx-$1.pid") $(pgrep -P "$(cat "$work/nginx-$1.pid")" | tr '\n' ' ')"; }
pid[direct]=$(nginx_pids upstream); pid["nginx proxy"]=$(nginx_pids proxy); pid[NXS]=$nxs_pid
if [ -n "$baseline" ]; then
  targets+=("NXS baseline")
  url["NXS baseline"]="http://127.0.0.1:$baseline/v1/chat/completions"
  lua["NXS baseline"]=$(key=$base_key script fast)
  pid["NXS baseline"]=$base_pid; auth["NXS baseline"]=$base_key
fi
if [ -n "$portkey" ]; then
  targets+=(Portkey)
  url[Portkey]="http://127.0.0.1:$portkey/v1/chat/completions"; lua[Portkey]=$(script fast "$pk_headers")
  pid[Portkey]=$(cat "$work/portkey.pid")
  hdr[Portkey]="-H x-portkey-provider:openai -H x-portkey-custom-host:http://127.0.0.1:$up/v1"
fi

# CPU ticks of processes' threads, without the JIT compiler and GC threads (they measure how warm
# the JVM is, not what a request costs); for nginx and node, every thread.
cpu_ticks() {
  local t=0 p d
  for p in "$@"; do
    for d in "/proc/$p/task/"*; do
      case "$(cat "$d/comm" 2>/dev/null)" in "C1 Comp"*|"C2 Comp"*|G1*|"GC Thr"*|"VM Thr"*|"VM Per"*) ;;
        *) t=$((t + $(awk '{print $14+$15}' "$d/stat" 2>/dev/null || echo 0)));; esac
    done
  done
  echo $t
}
tck=$(getconf CLK_TCK)

# One wrk run -> "rps p50_ms p99_ms requests errors..." (errors last: they hold spaces)
run_wrk() { # url lua conns
  local threads=$(( $3 < 2 ? 1 : 2 ))
  wrk -t$threads -c"$3" -d"$duration" --latency -s "$2" "$1" >"$work/load.txt" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 } /requests in/ { n=$1 }
    / 50%/ { p50=ms($2) } / 99%/ { p99=ms($2) }
    /Non-2xx|Socket errors/ { sub(/^ +/, ""); err=err $0 " " }
    END { printf "%s %.3f %.3f %s %s\n", rps, p50, p99, n+0, (err==""?"-":err) }' "$work/load.txt"
}
# One hey run at 1,000 req/s in all over 16 connections -> same fields
run_hey() { # url target
  local b
  b=$(body fast)
  # shellcheck disable=SC2086
  hey -z "$duration" -c 16 -q 62.5 -m POST -T application/json -H "Authorization: Bearer ${auth[$2]:-$key}" \
    ${hdr[$2]:-} -d "$b" "$1" >"$work/load.txt" 2>&1 || true
  awk '
    /Requests\/sec/ { rps=$2 }
    / 50% in/ { p50=$3*1000 } / 99% in/ { p99=$3*1000 }
    /^[ \t]+\[[0-9]+\]/ { code=$1; gsub(/[\[\]]/, "", code); n+=$2; if (code != 200) err=err "HTTP " code ": " $2 " " }
    /Error distribution/ { inerr=1; next } inerr && /\[/ { err=err $0 " " }
    END { printf "%s %.3f %.3f %s %s\n", rps, p50, p99, n+0, (err==""?"-":err) }' "$work/load.txt"
}

# Warm-up. NXS's JIT compiles while other jobs share the two cores: measured at load 19, its CPU per
# request fell from 4.6 ms in the first 8 s to 0.11 ms after about 100 s, so it gets the longest.
for t in "${targets[@]}"; do
  w=$warmup
  case $t in NXS*) w=$jvm_warmup;; esac
  wrk -t2 -c64 -d"$w" -s "${lua[$t]}" "${url[$t]}" >/dev/null 2>&1 || true
done
wrk -t1 -c4 -d5s -s "$(script sse "" ',"stream":true')" "${url[NXS]}" >/dev/null 2>&1 || true
if [ -n "$baseline" ]; then
  wrk -t1 -c4 -d5s -s "$(key=$base_key script sse "" ',"stream":true')" "${url["NXS baseline"]}" >/dev/null 2>&1 || true
fi

{
  echo "# Gateway overhead, the daemon as users run it ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "- Machine: $(nproc) cores shared with other jobs (noisy), $(uname -sr); JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
  echo "- Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Command: \`DURATION=$duration WARMUP=$warmup JVM_WARMUP=$jvm_warmup ROUNDS=$rounds REWARM=$rewarm bench/gateway-overhead.sh\` ($(wrk -v 2>&1 | head -n1 | awk '{print "wrk", $2}'), hey $(dpkg-query -W -f='${Version}' hey 2>/dev/null), nginx $(nginx -v 2>&1 | sed 's/.*\///'); ${duration} per cell; load generators and servers share the 2 cores)"
  echo "- Upstream: nginx (own process, \`worker_processes auto\`) returning a fixed chat completion; nginx proxy: a second nginx, \`proxy_pass\` with \`keepalive 128\`."
  echo "- NXS: \`./nxs serve\` on a fresh home, every module on, its launcher's JVM flags; bearer = the admin key."
  [ -n "$baseline" ] && echo "- NXS baseline: \`$NXS_BASELINE/nxs serve\` ($(git -C "$NXS_BASELINE" log -1 --format='%h %s' 2>/dev/null | cut -c1-60)...), same config, its own fresh home${NXS_BASELINE_JAVA_OPTS:+, JVM flags \`$NXS_BASELINE_JAVA_OPTS\`}."
  echo "- Server CPU per request: user+system time of the serving process's threads during the cell (JIT and GC threads left out) over the requests completed."
  echo
  echo "## Throughput, latency, CPU"
  echo
  echo "| load | target | rps | p50 / p99 ms | added p50 / p99 ms vs direct | rps / nginx proxy | server CPU µs / request | errors |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$out"
# Each row of the c=64 and 1,000 req/s loads is measured ROUNDS times (targets in turn, the order
# reversed every other round, so no target always follows the same one), and every row, of every
# target, is preceded by REWARM of that target at the row's own load shape: a row never follows
# another daemon's load or an idle minute cold. The table gives each figure's median over the
# rounds; the raw rounds follow it. (One 8 s cell a target was read as NXS's c=64 cost before:
# 60 µs in one quiet pass, 86-88 in the next two, while an alternating A/B minutes later had the
# same jar at 64-69 µs: bench/results/2026-12-08-c64.md.)
measure() { # load target -> "rps p50 p99 n errors..."
  case $1 in
    wrk64) run_wrk "${url[$2]}" "${lua[$2]}" 64;;
    hey1000) run_hey "${url[$2]}" "$2";;
    wrk512) run_wrk "${url[$2]}" "${lua[$2]}" 512;;
  esac
}
rewarm() { # load target: the row's own load shape, unmeasured
  case $1 in
    wrk64) duration=$rewarm run_wrk "${url[$2]}" "${lua[$2]}" 64 >/dev/null;;
    hey1000) duration=$rewarm run_hey "${url[$2]}" "$2" >/dev/null;;
  esac
}
: >"$work/raw"
for load in wrk64 hey1000 wrk512; do
  n_rounds=$rounds
  [ "$load" = wrk512 ] && n_rounds=1 # the errors row: a second round would only reuse warm connections
  for r in $(seq "$n_rounds"); do
    order=("${targets[@]}")
    if [ $((r % 2)) = 0 ]; then
      order=(); for ((i = ${#targets[@]} - 1; i >= 0; i--)); do order+=("${targets[$i]}"); done
    fi
    for t in "${order[@]}"; do
      rewarm "$load" "$t"
      # shellcheck disable=SC2086
      c0=$(cpu_ticks ${pid[$t]})
      read -r rps p50 p99 n err < <(measure "$load" "$t")
      # shellcheck disable=SC2086
      c1=$(cpu_ticks ${pid[$t]})
      cpu=$(awk -v c=$((c1 - c0)) -v n="${n:-0}" -v tck="$tck" 'BEGIN { if (n > 0) printf "%.0f", c * 1e6 / tck / n; else print "n/a" }')
      echo "$load|$r|$t|$rps|$p50|$p99|$cpu|$(cut -d' ' -f1 /proc/loadavg)|$err" >>"$work/raw"
    done
  done
done
# The table: per load and target, the median over the rounds of each figure; "added" and "rps /
# nginx proxy" are taken within each round (against direct's and the nginx proxy's row of the same
# round, minutes apart at most) and their median given; the raw rounds follow.
{
awk -F'|' '
  function med(list,   a, i, j, v, m) { # the median of a space-separated list (mawk: no asort)
    m = split(substr(list, 2), a, " ")
    for (i = 2; i <= m; i++) { v = a[i] + 0; for (j = i - 1; j > 0 && a[j] + 0 > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  { row[NR] = $0; k = $1 SUBSEP $3; rps[k] = rps[k] " " $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6; cpu[k] = cpu[k] " " $7
    if ($3 == "direct") { d50[$1, $2] = $5; d99[$1, $2] = $6 }
    if ($3 == "nginx proxy") prx[$1, $2] = $4
    if ($9 != "-") err[k] = err[k] "round " $2 ": " $9 " "
    if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
  END {
    for (i = 1; i <= NR; i++) {
      split(row[i], f, "|"); k = f[1] SUBSEP f[3]
      a50[k] = a50[k] " " (f[5] - d50[f[1], f[2]]); a99[k] = a99[k] " " (f[6] - d99[f[1], f[2]])
      if (prx[f[1], f[2]] > 0) ratio[k] = ratio[k] " " f[4] / prx[f[1], f[2]]
    }
    label["wrk64"] = "wrk c=64 (max)"; label["hey1000"] = "hey c=16, 1,000 req/s"; label["wrk512"] = "wrk c=512"
    for (i = 1; i <= n; i++) {
      split(order[i], kt, SUBSEP); l = kt[1]; t = kt[2]; k = order[i]
      e = (k in err) ? err[k] : "-"
      if (t == "direct") printf "| %s | %s | %.0f | %.3f / %.3f | - | - | %s | %s |\n", label[l], t, med(rps[k]), med(p50[k]), med(p99[k]), med(cpu[k]), e
      else printf "| %s | %s | %.0f | %.3f / %.3f | %.3f / %.3f | %.2f | %s | %s |\n", label[l], t, med(rps[k]), med(p50[k]), med(p99[k]),
        med(a50[k]), med(a99[k]), med(ratio[k]), med(cpu[k]), e
    } }' "$work/raw"
  echo
  echo "Rounds (load|round|target|rps|p50 ms|p99 ms|server CPU µs a request|load1|errors; each row after $rewarm of its own load shape):"
  echo
  echo '```'
  cat "$work/raw"
  echo '```'
} >>"$out"

{
  echo
  echo "## Streaming relay ($chunks content chunks, wrk c=1)"
  echo
  echo "| target | rps | p50 / p99 ms | added p50 ms | added per chunk ms |"
  echo "|---|---|---|---|---|"
} >>"$out"
sse_url="http://127.0.0.1:$up/sse/v1/chat/completions"
read -r srps sp50 sp99 _ < <(run_wrk "$sse_url" "$(script sse "" ',"stream":true')" 1)
echo "| direct | $srps | $sp50 / $sp99 | - | - |" >>"$out"
read -r nrps np50 np99 _ nerr < <(run_wrk "${url[NXS]}" "$(script sse "" ',"stream":true')" 1)
awk -v r="$nrps" -v a="$np50" -v b="$np99" -v d="$sp50" -v c=$chunks -v e="$nerr" 'BEGIN {
  printf "| NXS | %s | %.3f / %.3f | %.3f | %.4f (errors: %s) |\n", r, a, b, a-d, (a-d)/(c+4), e }' >>"$out"
if [ -n "$baseline" ]; then
  read -r nrps np50 np99 _ nerr < <(run_wrk "${url["NXS baseline"]}" "$(key=$base_key script sse "" ',"stream":true')" 1)
  awk -v r="$nrps" -v a="$np50" -v b="$np99" -v d="$sp50" -v c=$chunks -v e="$nerr" 'BEGIN {
    printf "| NXS baseline | %s | %.3f / %.3f | %.3f | %.4f (errors: %s) |\n", r, a, b, a-d, (a-d)/(c+4), e }' >>"$out"
fi

{
  echo
  echo "## Failover cost (NXS, concurrency 1; breakers kept closed, so every request pays it)"
  echo
  echo "| first provider | rps | p50 / p99 ms | added p50 / p99 ms vs straight to the fast provider |"
  echo "|---|---|---|---|"
} >>"$out"
read -r brps bp50 bp99 _ < <(run_wrk "${url[NXS]}" "${lua[NXS]}" 1)
echo "| (none: fast provider first) | $brps | $bp50 / $bp99 | 0 |" >>"$out"
for model in refuse-then-fast 503-then-fast; do
  read -r frps fp50 fp99 _ ferr < <(run_wrk "${url[NXS]}" "$(script $model)" 1)
  awk -v m=$model -v r="$frps" -v a="$fp50" -v b="$fp99" -v c="$bp50" -v d="$bp99" -v e="$ferr" 'BEGIN {
    printf "| %s | %.0f | %.3f / %.3f | %.3f / %.3f (errors: %s) |\n", m, r, a, b, a-c, b-d, e }' >>"$out"
done
{
  echo
  echo "## Resident memory (VmRSS)"
  echo
  echo "| daemon | idle, 15 s after ready | after the last cell |"
  echo "|---|---|---|"
  echo "| NXS | $idle_rss MB | $(rss_mb "$nxs_pid") MB |"
  [ -n "$baseline" ] && echo "| NXS baseline | $base_idle_rss MB | $(rss_mb "$base_pid") MB |"
  echo "- Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$out"
echo "wrote $out"
cat "$out"
