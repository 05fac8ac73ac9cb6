#!/usr/bin/env bash
# A/B of two NXS checkouts' server CPU per proxied request (issue 13), interleaved so both see the
# same minutes of a shared machine: both daemons (`./nxs serve`, fresh homes) up at once against one
# nginx upstream, each warmed with wrk c=64 (WARM each, in two turns: A B A B), then ROUNDS x (A
# then B; B then A in even rounds) of wrk for DUR at each connection count. CPU = user+system ticks
# of the daemon's threads except the JIT and GC ones (as bench/gateway-overhead.sh counts them).
# bench/gateway-overhead.sh runs each target once per cell, and at load the second one gets more;
# this alternates the order and repeats.
#   bench/gateway-cpu-ab.sh <checkout A> <checkout B>    (ROUNDS=4 DUR=10s WARM=90s CONNS="64 512")
set -euo pipefail
A=$(readlink -f "$1"); B=$(readlink -f "$2")
cd "$(dirname "$0")/.."
. ./scripts/java-home
work=$(mktemp -d)
. bench/chat-upstream.sh
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done # their homes are in $work
  [ -f "$work/up.pid" ] && kill "$(cat "$work/up.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
chat_upstream "$work"
declare -A port pid lua
for t in A B; do
  tree=${!t}; port[$t]=$(free_port); mkdir -p "$work/$t"
  printf 'server: {host: 127.0.0.1, port: %s}\nproviders:\n  - {name: fast, base_url: "http://127.0.0.1:%s/v1", model: fast-model, priority: 1, retry: 0}\n' "${port[$t]}" "$up" >"$work/$t/nxs.yaml"
  "$tree/nxs" --version >/dev/null
  NXS_SUPERVISE=0 "$tree/nxs" serve --home "$work/$t" >"$work/$t.out" 2>&1 &
  pid[$t]=$!; pids+=("${pid[$t]}")
done
for t in A B; do
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$t]}/readyz")" = 200 ]; do sleep 0.2; done
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
warm=${WARM:-90s}
for t in A B A B; do wrk -t2 -c64 -d$(( ${warm%s} / 2 ))s -s "${lua[$t]}" "http://127.0.0.1:${port[$t]}/v1/chat/completions" >/dev/null; done
echo "A=$A ($(git -C "$A" log -1 --format=%h)) B=$B ($(git -C "$B" log -1 --format=%h)); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round conns target rps cpu_us_per_req errors load1"
for r in $(seq "${ROUNDS:-4}"); do
  order="A B"; [ $((r % 2)) = 0 ] && order="B A"
  for c in ${CONNS:-64 512}; do
    for t in $order; do
      c0=$(ticks "${pid[$t]}")
      wrk -t2 -c"$c" -d"${DUR:-10s}" -s "${lua[$t]}" "http://127.0.0.1:${port[$t]}/v1/chat/completions" >"$work/out" 2>&1 || true
      c1=$(ticks "${pid[$t]}")
      n=$(awk '/requests in/ {print $1}' "$work/out"); rps=$(awk '/Requests\/sec/ {print $2}' "$work/out")
      err=$(grep -E "Non-2xx|Socket errors" "$work/out" | tr -s ' ' | tr '\n' ' ' || true)
      echo "$r $c $t $rps $(( (c1 - c0) * 1000000 / tck / n )) ${err:--} $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
