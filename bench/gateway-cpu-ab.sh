#!/usr/bin/env bash
# A/B of two NXS checkouts' server CPU per proxied request (issue 13), interleaved so both see the
# same minutes of a shared machine: both daemons (`./nxs serve`, fresh homes) up at once against one
# nginx upstream, each warmed with wrk c=64 (WARM each, in two turns: A B A B), then ROUNDS x (A
# then B; B then A in even rounds) of wrk for DUR at each connection count. CPU = user+system ticks
# of the daemon's threads except the JIT and GC ones (as bench/gateway-overhead.sh counts them).
# bench/gateway-overhead.sh runs each target once per cell, and at load the second one gets more;
# this alternates the order and repeats.
# A or B may also be a jar (say /work/base/nxs-<commit>.jar, or a build's nxs-app/target/nxs.jar):
# it runs as `java <JVM_OPTS> -jar <jar> serve`, JVM_OPTS the launcher's heap flags unless set.
# A_OPTS / B_OPTS: more JVM flags for A's or B's daemon only (after JVM_OPTS; jars only), so one jar
# can be its own A and B: a runtime knob measured against the same code, e.g.
#   A_OPTS= B_OPTS=-Djdk.pollerMode=1 bench/gateway-cpu-ab.sh nxs.jar nxs.jar
# CONNS may hold `hey`: hey, 16 connections paced to 1,000 req/s in all (issue 13's latency load).
# TLS=1: both daemons serve HTTPS (`server.tls`, one self-signed P-256 certificate made by openssl)
# and the load speaks HTTPS to them (wrk and hey keep their connections: the records, not the
# handshakes, are what is measured; a c=512 cell opens 448 new connections at its start).
# Each cell: rps, CPU µs per request, the client's p50 (and, last, p99) in ms, errors, the 1-minute load, and bytes
# allocated per request (from jstat: see allocated()).
# UPSTREAM_HOST: the host the provider's base_url names (127.0.0.1 unless set; `localhost` for a
# provider named by host name, as Ollama's default http://localhost:11434); A_UPSTREAM_HOST /
# B_UPSTREAM_HOST set it for one daemon only. nginx listens on 127.0.0.1 alone.
#   bench/gateway-cpu-ab.sh <checkout or jar A> <checkout or jar B>
#     (ROUNDS=4 DUR=10s WARM=90s CONNS="64 512", e.g. CONNS="64 hey 512")
set -euo pipefail
A=$(readlink -f "$1"); B=$(readlink -f "$2")
jvm_opts=${JVM_OPTS:--XX:+UseSerialGC -Xms40m -Xmn24m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -XX:TrimNativeHeapInterval=10000 -XX:-ShrinkHeapInSteps}
cd "$(dirname "$0")/.."
. ./scripts/java-home
work=$(mktemp -d)
. bench/chat-upstream.sh
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done # their homes are in $work; a killed one must not stop the rest
  [ -f "$work/up.pid" ] && kill "$(cat "$work/up.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
chat_upstream "$work"
scheme=http tls="" hey_host=""
if [ "${TLS:-0}" = 1 ]; then
  scheme=https tls=", tls: {cert_file: $work/cert.pem, key_file: $work/key.pem}"
  # hey names the TLS server by the Host header, "127.0.0.1:PORT" by default: an SNI name the
  # JDK's TLS refuses ("illegal parameter"), on Jetty's port and the front's alike.
  hey_host="-host localhost"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
    -out "$work/cert.pem" -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null
  chmod 600 "$work/key.pem"
fi
declare -A port pid lua
for t in A B; do
  tree=${!t}; port[$t]=$(free_port); mkdir -p "$work/$t"
  host=${t}_UPSTREAM_HOST; host=${!host:-${UPSTREAM_HOST:-127.0.0.1}}
  printf 'server: {host: 127.0.0.1, port: %s%s}\nproviders:\n  - {name: fast, base_url: "http://%s:%s/v1", model: fast-model, priority: 1, retry: 0}\n' "${port[$t]}" "$tls" "$host" "$up" >"$work/$t/nxs.yaml"
  if [[ $tree == *.jar ]]; then
    own=${t}_OPTS
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
      --sun-misc-unsafe-memory-access=allow $jvm_opts ${!own:-} -jar "$tree" serve --home "$work/$t" >"$work/$t.out" 2>&1 &
  else
    "$tree/nxs" --version >/dev/null
    NXS_SUPERVISE=0 "$tree/nxs" serve --home "$work/$t" >"$work/$t.out" 2>&1 &
  fi
  pid[$t]=$!; pids+=("${pid[$t]}")
done
for t in A B; do
  until [ "$(curl -sk -o /dev/null -w '%{http_code}' "$scheme://127.0.0.1:${port[$t]}/readyz")" = 200 ]; do sleep 0.2; done
  lua[$t]="$work/$t.lua"
  printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\n' \
    "'{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'" "$(cat "$work/$t/keys/admin.key")" >"${lua[$t]}"
done
ticks() {
  local t=0 d
  for d in /proc/$1/task/*; do
    case "$(cat "$d/comm" 2>/dev/null)" in "C1 Comp"*|"C2 Comp"*|G1*|"GC Thr"*|"VM Thr"*|"VM Per"*) ;;
      *) t=$((t + $(awk '{print $14+$15}' "$d/stat" 2>/dev/null || echo 0)));; esac
  done
  echo $t
}
tck=$(getconf CLK_TCK)
# THREADS=1: after each cell, the daemon's threads that took CPU in it (ticks, voluntary and
# involuntary context switches), e.g. each event loop's share.
per_thread() { # pid -> "tid name ticks voluntary involuntary" per thread
  local d
  for d in "/proc/$1/task/"*; do
    awk -v tid="${d##*/}" -v name="$(tr ' ' _ <"$d/comm" 2>/dev/null)" 'NR == FNR { t = $14 + $15; next }
      /^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print tid, name, t, v, n }' "$d/stat" "$d/status" 2>/dev/null
  done
}
thread_delta() { # before after requests -> the threads with ticks in the cell
  awk -v n="$3" -v tck="$tck" 'NR == FNR { t[$1] = $3; v[$1] = $4; c[$1] = $5; next }
    ($3 - t[$1]) > 0 { printf "   %s %s cpu_us_per_req=%.1f vcs_per_req=%.3f ivcs_per_req=%.3f\n", $1, $2,
      ($3 - t[$1]) * 1e6 / tck / n, ($4 - v[$1]) / n, ($5 - c[$1]) / n }' "$1" "$2"
}
# Bytes allocated so far, near enough: eden's capacity times the young collections (each one runs
# when eden is full) plus what eden holds now (jstat -gc, in KB). Allocation per request = the
# difference over a cell / its requests.
allocated() {
  "$JAVA_HOME/bin/jstat" -gc "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { printf "%.0f\n", ($(h["YGC"]) * $(h["EC"]) + $(h["EU"])) * 1024 }'
}
warm=${WARM:-90s}
for t in A B A B; do wrk -t2 -c64 -d$(( ${warm%s} / 2 ))s -s "${lua[$t]}" "$scheme://127.0.0.1:${port[$t]}/v1/chat/completions" >/dev/null; done
what() { if [[ $1 == *.jar ]]; then echo "$1${2:+ $2}"; else echo "$1 ($(git -C "$1" log -1 --format=%h))"; fi; }
echo "A=$(what "$A" "${A_OPTS:-}") B=$(what "$B" "${B_OPTS:-}") $scheme; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round conns target rps cpu_us_per_req p50_ms errors load1 alloc_bytes_per_req p99_ms"
body='{"model":"fast","messages":[{"role":"user","content":"hi"}]}'
load() { # target conns -> wrk's or hey's output in $work/out
  local url="$scheme://127.0.0.1:${port[$1]}/v1/chat/completions"
  if [ "$2" = hey ]; then
    # shellcheck disable=SC2086
    hey -z "${DUR:-10s}" -c 16 -q 62.5 -m POST -T application/json $hey_host \
      -H "Authorization: Bearer $(cat "$work/$1/keys/admin.key")" -d "$body" "$url" >"$work/out" 2>&1 || true
    awk '/Requests\/sec/ { rps=$2 } / 50% in/ { p50=$3*1000 } / 99% in/ { p99=$3*1000 }
      /^[ \t]+\[[0-9]+\]/ { n+=$2; if ($1 != "[200]") err=err "HTTP" $1 ":" $2 ";" }
      END { printf "%d %s %.3f %s %.3f\n", n, rps, p50, (err==""?"-":err), p99 }' "$work/out"
  else
    wrk -t2 -c"$2" -d"${DUR:-10s}" --latency -s "${lua[$1]}" "$url" >"$work/out" 2>&1 || true
    awk 'function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /requests in/ { n=$1 } /Requests\/sec/ { rps=$2 } / 50%/ { p50=ms($2) } / 99%/ { p99=ms($2) }
      /Non-2xx|Socket errors/ { sub(/^ +/, ""); gsub(/ /, "_"); err=err $0 ";" }
      END { printf "%d %s %.3f %s %.3f\n", n, rps, p50, (err==""?"-":err), p99 }' "$work/out"
  fi
}
for r in $(seq "${ROUNDS:-4}"); do
  order="A B"; [ $((r % 2)) = 0 ] && order="B A"
  for c in ${CONNS:-64 512}; do
    for t in $order; do
      [ "${THREADS:-0}" = 1 ] && per_thread "${pid[$t]}" >"$work/th0"
      c0=$(ticks "${pid[$t]}"); a0=$(allocated "${pid[$t]}")
      read -r n rps p50 err p99 < <(load "$t" "$c")
      c1=$(ticks "${pid[$t]}"); a1=$(allocated "${pid[$t]}")
      echo "$r $c $t $rps $(( (c1 - c0) * 1000000 / tck / (n > 0 ? n : 1) )) $p50 $err $(cut -d' ' -f1 /proc/loadavg) $(( (a1 - a0) / (n > 0 ? n : 1) )) $p99" | tee -a "$work/rows"
      if [ "${THREADS:-0}" = 1 ]; then per_thread "${pid[$t]}" >"$work/th1"; thread_delta "$work/th0" "$work/th1" "$((n > 0 ? n : 1))"; fi
    done
  done
done
# B/A per load: the geometric mean over the rounds of the CPU and rps ratios, the median p50s.
awk '{ k = $2; v[$1, k, $3] = $5; q[$1, k, $3] = $4; p[k, $3] = p[k, $3] " " $6; p9[k, $3] = p9[k, $3] " " $10; al[k, $3] = al[k, $3] " " $9
    ks[k] = 1; if ($1 > rounds) rounds = $1 }
  END { for (k in ks) { lc = 0; lr = 0; m = 0
      for (r = 1; r <= rounds; r++) if (v[r, k, "A"] > 0 && v[r, k, "B"] > 0) {
        lc += log(v[r, k, "B"] / v[r, k, "A"]); lr += log(q[r, k, "B"] / q[r, k, "A"]); m++ }
      if (m) printf "conns %s: B/A CPU per request %.2f, rps %.2f (geometric mean of %d rounds); p50 ms A%s, B%s; p99 ms A%s, B%s; bytes allocated per request A%s, B%s\n",
        k, exp(lc / m), exp(lr / m), m, p[k, "A"], p[k, "B"], p9[k, "A"], p9[k, "B"], al[k, "A"], al[k, "B"] } }' "$work/rows"
