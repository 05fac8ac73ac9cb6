#!/usr/bin/env bash
# The floor of the gateway's stack (issue 13): how far the JVM stack NXS stands on gets towards
# nginx-as-a-reverse-proxy on this machine, with nothing of NXS around it. One run, these targets
# against one nginx upstream (bench/chat-upstream.sh, the fixed chat completion):
#   direct        the load generator straight to the upstream
#   nginx proxy   a second nginx, proxy_pass with upstream keepalive (the physical limit of a hop)
#   NXS           the daemon (the jar's `serve`, fresh home, the launcher's JVM flags), admin key
#   bare <client>/<threads>  bench/bare-proxy/BareProxy.java: Jetty 12 as the daemon sets it up,
#                 forwarding POST /v1/chat/completions upstream, no auth/routing/NXS logic; one JVM
#                 per variant, the daemon's JVM flags. Clients: apache (the gateway's own pooled
#                 classic client), jdk, jdk-async, jetty (async), none (canned answer: the server
#                 alone), netty (Netty's client and pool on its own event loops, async). Threads:
#                 loom (Javalin's pool, what the daemon runs), qtp, qtp-vt; netty-vt (no Jetty:
#                 Netty's server, each blocking call on a virtual thread — apache/netty-vt). The
#                 Jetty variants use Jetty's core Handler API, no servlet layer (as the daemon's
#                 direct path serves /v1/*): jetty/qtp is Jetty core + Jetty's async client.
#   bare netty/<transport>, bare none/<transport>  bench/bare-proxy/NettyProxy.java: the textbook
#                 Netty 4.1 reverse proxy (HTTP/1.1 server, keep-alive upstream pool per event
#                 loop, one event loop per core), or its server alone (none). Transport: epoll
#                 (netty-transport-native-epoll) or nio. Compiled and run with Netty's jars only.
# Loads per round: wrk c=64, hey c=16 at 1,000 req/s, wrk c=512; ROUNDS rounds, the targets'
# order rotated each round (so no target always follows the same one). Each cell: rps, p50/p99,
# errors, and server CPU µs/request (the process's threads less JIT and GC, as
# bench/gateway-overhead.sh counts it; for nginx every process).
#   bench/gateway-floor.sh [out.md]   (NXS_JAR=nxs-app/target/nxs.jar, built by ./nxs when stale;
#     VARIANTS="apache/loom ..."; ROUNDS=2 DURATION=8s WARMUP=15s JVM_WARMUP=60s NXS_WARMUP=120s;
#     JVM_OPTS: the daemon's launcher flags unless set; NXS_ALT_OPTS="name=flags;...": more NXS
#     daemons with other JVM flags; BASE_JAR=<jar>: "NXS base", an older jar beside it; JFR=<dir>: after the rounds, one more wrk
#     c=64 cell per JVM target under JFR (settings=profile), for bench/jfr-shares.py; PERF=<dir>:
#     one more wrk c=64 cell per target under perf stat/record, summed up in the results;
#     ROUNDS=0 with JFR or PERF: the profiles alone)
# Needs jetty-client 12.1 and Netty 4.1 (codec-http, native epoll for linux-x86_64, and what they
# depend on) in ~/.m2: the script fetches them with `./mvnw dependency:get` when missing. The
# proxies are bench-only: nothing here ships.
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts/java-home
out=${1:-bench/results/$(date -u +%Y-%m-%d)-gateway-floor.md}
duration=${DURATION:-8s}
rounds=${ROUNDS:-2}
variants=${VARIANTS:-apache/loom jetty/qtp none/loom netty/epoll none/epoll}
jvm_opts=${JVM_OPTS:--XX:+UseSerialGC -Xms40m -Xmn24m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -XX:TrimNativeHeapInterval=10000 -XX:-ShrinkHeapInSteps}
native="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
export MALLOC_ARENA_MAX=2
for tool in nginx wrk hey curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (bench/debian-packages)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for f in "$work"/up.pid "$work"/proxy.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
. bench/chat-upstream.sh
chat_upstream "$work"
nginx_proxy "$work"

# --- the JVMs: NXS and the bare proxies ------------------------------------------------------------
jar=${NXS_JAR:-nxs-app/target/nxs.jar}
[ -n "${NXS_JAR:-}" ] || ./nxs --version >/dev/null # builds the jar when stale, untimed
m2=~/.m2/repository/org/eclipse/jetty
jv=12.1.12
client_jars="$m2/jetty-client/$jv/jetty-client-$jv.jar:$m2/jetty-alpn-client/$jv/jetty-alpn-client-$jv.jar"
client_jars+=":$m2/compression/jetty-compression-common/$jv/jetty-compression-common-$jv.jar"
client_jars+=":$m2/compression/jetty-compression-gzip/$jv/jetty-compression-gzip-$jv.jar"
[ -f "$m2/jetty-client/$jv/jetty-client-$jv.jar" ] \
  || ./mvnw -B -ntp -q dependency:get -Dartifact=org.eclipse.jetty:jetty-client:$jv >&2
# Netty from ~/.m2 (the daemon's jar holds no Netty): NettyProxy runs on it alone, BareProxy's netty client too.
nm=~/.m2/repository/io/netty
nv=4.1.138.Final
epoll_jar="$nm/netty-transport-native-epoll/$nv/netty-transport-native-epoll-$nv-linux-x86_64.jar"
[ -f "$nm/netty-codec-http/$nv/netty-codec-http-$nv.jar" ] \
  || ./mvnw -B -ntp -q dependency:get -Dartifact=io.netty:netty-codec-http:$nv >&2
[ -f "$epoll_jar" ] \
  || ./mvnw -B -ntp -q dependency:get -Dartifact=io.netty:netty-transport-native-epoll:$nv:jar:linux-x86_64 >&2
netty_cp=$epoll_jar
for a in common buffer resolver transport codec codec-http handler transport-native-unix-common transport-classes-epoll; do
  netty_cp+=":$nm/netty-$a/$nv/netty-$a-$nv.jar"
done
"$JAVA_HOME/bin/javac" -nowarn -d "$work/netty-classes" -cp "$netty_cp" bench/bare-proxy/NettyProxy.java
cp="$jar:$client_jars:$netty_cp"
"$JAVA_HOME/bin/javac" -Xlint:-removal -nowarn -d "$work/classes" -cp "$cp" bench/bare-proxy/BareProxy.java 2>/dev/null

declare -A url pid lua auth
targets=(direct "nginx proxy" NXS)
wait_up() { # url pid log
  until curl -s -o /dev/null "$1"; do
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.2
  done
}
nxs=$(free_port)
mkdir -p "$work/home"
printf 'server: {host: 127.0.0.1, port: %s}\nproviders:\n  - {name: fast, base_url: "http://127.0.0.1:%s/v1", model: fast-model, priority: 1, retry: 0}\n' \
  "$nxs" "$up" >"$work/home/nxs.yaml"
# shellcheck disable=SC2086  # lists of JVM flags
"$JAVA_HOME/bin/java" $native $jvm_opts -jar "$jar" serve --home "$work/home" >"$work/nxs.out" 2>&1 &
pid[NXS]=$!; pids+=("${pid[NXS]}")
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nxs/readyz")" = 200 ]; do
  kill -0 "${pid[NXS]}" 2>/dev/null || { cat "$work/nxs.out" >&2; exit 1; }
  sleep 0.2
done
auth[NXS]=$(cat "$work/home/keys/admin.key")
# NXS_ALT_OPTS="name=flags;name=flags": more NXS daemons, same jar and config, other JVM flags
# (say, another collector), each a target "NXS <name>".
# BASE_JAR=<jar>: one more, "NXS base": that jar (an older build) with the daemon's flags, to compare
# old and new in the same run.
IFS=';' read -r -a alts <<<"${NXS_ALT_OPTS:-}"
[ -z "${BASE_JAR:-}" ] || alts+=("base=$jvm_opts")
for alt in "${alts[@]}"; do
  [ -n "$alt" ] || continue
  ajar=$jar; [ "${alt%%=*}" != base ] || [ -z "${BASE_JAR:-}" ] || ajar=$BASE_JAR
  t="NXS ${alt%%=*}"; port=$(free_port); mkdir -p "$work/home-$port"
  sed "s/port: $nxs}/port: $port}/" "$work/home/nxs.yaml" >"$work/home-$port/nxs.yaml"
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $native ${alt#*=} -jar "$ajar" serve --home "$work/home-$port" >"$work/$port.out" 2>&1 &
  pid[$t]=$!; pids+=("${pid[$t]}")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
    kill -0 "${pid[$t]}" 2>/dev/null || { cat "$work/$port.out" >&2; exit 1; }
    sleep 0.2
  done
  auth[$t]=$(cat "$work/home-$port/keys/admin.key")
  url[$t]="http://127.0.0.1:$port/v1/chat/completions"
  targets+=("$t")
done
url[direct]="http://127.0.0.1:$up/v1/chat/completions"
url["nginx proxy"]="http://127.0.0.1:$proxy/v1/chat/completions"
url[NXS]="http://127.0.0.1:$nxs/v1/chat/completions"
pid[direct]="$(cat "$work/up.pid") $(pgrep -P "$(cat "$work/up.pid")" | tr '\n' ' ')"
pid["nginx proxy"]="$(cat "$work/proxy.pid") $(pgrep -P "$(cat "$work/proxy.pid")" | tr '\n' ' ')"
for v in $variants; do
  t="bare $v"; port=$(free_port)
  case ${v#*/} in
    epoll | nio) main=NettyProxy; vcp="$work/netty-classes:$netty_cp";;
    *) main=BareProxy; vcp="$work/classes:$cp";;
  esac
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $native $jvm_opts -cp "$vcp" "$main" "$port" \
    "http://127.0.0.1:$up/v1/chat/completions" "${v%/*}" "${v#*/}" >"$work/$port.out" 2>&1 &
  pid[$t]=$!; pids+=("${pid[$t]}")
  url[$t]="http://127.0.0.1:$port/v1/chat/completions"
  targets+=("$t")
  wait_up "http://127.0.0.1:$port/" "${pid[$t]}" "$work/$port.out"
done

body='{"model":"fast","messages":[{"role":"user","content":"hi"}]}'
for t in "${targets[@]}"; do
  lua[$t]="$work/${RANDOM}.lua"
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '$body'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    [ -n "${auth[$t]:-}" ] && echo "wrk.headers[\"Authorization\"] = \"Bearer ${auth[$t]}\""
  } >"${lua[$t]}"
done

# One awk over every thread's stat (a loop of cat and awk per thread took tens of seconds a cell at
# load 25): field 2 is the thread's name in parentheses, utime and stime the 12th and 13th after it.
# Prints "user+system system" in ticks: the kernel's share is the socket work every proxy does.
cpu_ticks() {
  local p files=()
  for p in "$@"; do files+=(/proc/"$p"/task/*/stat); done
  cat "${files[@]}" 2>/dev/null | awk '{
      name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) [A-Za-z] .*/, "", name)
      if (name ~ /^(C1 Comp|C2 Comp|G1|GC Thr|VM Thr|VM Per)/) next
      rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); t += f[12] + f[13]; sy += f[13]
    } END { print t + 0, sy + 0 }'
}
tck=$(getconf CLK_TCK)
per_req() { # ticks requests -> µs per request
  awk -v c="$1" -v n="$2" -v tck="$tck" 'BEGIN { printf "%.0f", (n > 0 ? c * 1e6 / tck / n : 0) }'
}
run_wrk() { # target conns -> "rps p50 p99 n errors"
  wrk -t2 -c"$2" -d"$duration" --latency -s "${lua[$1]}" "${url[$1]}" >"$work/load.txt" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 } /requests in/ { n=$1 }
    / 50%/ { p50=ms($2) } / 99%/ { p99=ms($2) }
    /Non-2xx|Socket errors/ { sub(/^ +/, ""); gsub(/ /, "_"); err=err $0 ";" }
    END { printf "%s %.3f %.3f %s %s\n", rps, p50, p99, n+0, (err==""?"-":err) }' "$work/load.txt"
}
run_hey() { # target
  local h=()
  [ -n "${auth[$1]:-}" ] && h=(-H "Authorization: Bearer ${auth[$1]}")
  hey -z "$duration" -c 16 -q 62.5 -m POST -T application/json "${h[@]}" -d "$body" "${url[$1]}" >"$work/load.txt" 2>&1 || true
  awk '
    /Requests\/sec/ { rps=$2 }
    / 50% in/ { p50=$3*1000 } / 99% in/ { p99=$3*1000 }
    /^[ \t]+\[[0-9]+\]/ { code=$1; gsub(/[\[\]]/, "", code); n+=$2; if (code != 200) err=err "HTTP_" code ":" $2 ";" }
    /Error distribution/ { inerr=1; next } inerr && /\[/ { gsub(/ /, "_"); err=err $0 ";" }
    END { printf "%s %.3f %.3f %s %s\n", rps, p50, p99, n+0, (err==""?"-":err) }' "$work/load.txt"
}

# Warm-up: each target alone; the JVMs long enough for C2 to settle on two shared cores.
for t in "${targets[@]}"; do
  case $t in NXS*) w=${NXS_WARMUP:-120s};; bare*) w=${JVM_WARMUP:-60s};; *) w=${WARMUP:-15s};; esac
  wrk -t2 -c64 -d"$w" -s "${lua[$t]}" "${url[$t]}" >/dev/null 2>&1 || true
done

raw="$work/raw.txt"
echo "round load target rps p50_ms p99_ms requests cpu_us_per_req load1 errors sys_us_per_req" >"$raw"
n_targets=${#targets[@]}
for r in $(seq "$rounds"); do
  order=()
  for i in $(seq 0 $((n_targets - 1))); do order+=("${targets[$(( (i + r - 1) % n_targets ))]}"); done
  for load in wrk64 hey1000 wrk512; do
    for t in "${order[@]}"; do
      # shellcheck disable=SC2086
      read -r c0 s0 < <(cpu_ticks ${pid[$t]})
      case $load in
        wrk64) read -r rps p50 p99 n err < <(run_wrk "$t" 64);;
        hey1000) read -r rps p50 p99 n err < <(run_hey "$t");;
        wrk512) read -r rps p50 p99 n err < <(run_wrk "$t" 512);;
      esac
      # shellcheck disable=SC2086
      read -r c1 s1 < <(cpu_ticks ${pid[$t]})
      cpu=$(per_req $((c1 - c0)) "$n"); sys=$(per_req $((s1 - s0)) "$n")
      echo "$r $load ${t// /_} $rps $p50 $p99 $n $cpu $(cut -d' ' -f1 /proc/loadavg) $err $sys" | tee -a "$raw" >&2
    done
  done
done

# The collectors' work over the whole run (warm-up included), per JVM: young and full collections
# and their total pause time.
gc="$work/gc.txt"
for t in "${targets[@]}"; do
  [[ $t == NXS* || $t == bare* ]] || continue
  "$JAVA_HOME/bin/jstat" -gc "${pid[$t]}" | awk -v t="$t" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { printf "%s: %d young collections, %.3f s (%.2f ms each); %d full, %.3f s\n", t, $h["YGC"], $h["YGCT"],
      ($h["YGC"] ? 1000 * $h["YGCT"] / $h["YGC"] : 0), $h["FGC"], $h["FGCT"] }' >>"$gc"
done

# Profiles, after the measured rounds so they cost none of them: one more wrk c=64 cell per JVM.
if [ -n "${JFR:-}" ]; then
  mkdir -p "$JFR"
  for t in "${targets[@]}"; do
    [[ $t == NXS* || $t == bare* ]] || continue
    f="$JFR/$(echo "$t" | tr ' /' '__').jfr"
    "$JAVA_HOME/bin/jcmd" "${pid[$t]}" JFR.start name=floor settings=profile >/dev/null
    read -r rps _ _ n _ < <(run_wrk "$t" 64)
    "$JAVA_HOME/bin/jcmd" "${pid[$t]}" JFR.stop name=floor filename="$f" >/dev/null
    echo "profiled $t: $rps rps, $n requests -> $f" >&2
  done
fi

# PERF=<dir>: after the rounds, one more wrk c=64 cell per target under perf (root): system calls and
# context switches per request (perf stat), and where the CPU went (perf record, by thread and by
# code: the kernel, the JVM's own code in libjvm.so — collector, compilers, runtime —, JIT-compiled
# Java, libc, nginx). Every proxy makes the same system calls for a hop; the rest is its own code.
prof="$work/perf.txt"
if [ -n "${PERF:-}" ]; then
  command -v perf >/dev/null || { echo "PERF needs perf (linux-perf)" >&2; exit 2; }
  mkdir -p "$PERF"
  for t in "${targets[@]}"; do
    f="$PERF/$(echo "$t" | tr ' /' '__')"
    # shellcheck disable=SC2086
    pl=$(echo ${pid[$t]} | tr ' ' ',')
    perf stat -x, -e raw_syscalls:sys_enter,context-switches,task-clock -p "$pl" -o "$f.stat" &
    ps=$!
    perf record -q -F 997 -p "$pl" -o "$f.data" >/dev/null 2>&1 &
    pr=$!
    sleep 0.5
    read -r rps _ _ n _ < <(run_wrk "$t" 64)
    kill -INT "$ps" "$pr"; wait "$ps" "$pr" 2>/dev/null || true
    {
      awk -F, -v t="$t" -v rps="$rps" -v n="$n" '$3 == "raw_syscalls:sys_enter" { sc = $1 } $3 == "context-switches" { cs = $1 }
        $3 == "task-clock" { ms = $1 }
        END { printf "%s: %s rps, %d requests; per request: %.2f system calls, %.2f context switches, %.0f µs CPU (task-clock)\n",
          t, rps, n, sc / n, cs / n, ms * 1000 / n }' "$f.stat"
      # The JIT's code has no symbol file: perf names it by the map it ran from ("[unknown]", perf-<pid>.map, memfd).
      perf report -i "$f.data" --stdio --no-children --sort comm,dso 2>/dev/null \
        | awk '/^ +[0-9.]+%/ { sub(/%/, "", $1); if ($1 >= 1) printf "    %5.1f%%  %s\n", $1, substr($0, index($0, $2)) }'
    } >>"$prof"
  done
fi

{
  echo "# The gateway stack's floor: bare proxies beside nginx and NXS ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "- Machine: $(nproc) cores shared with other jobs, $(uname -sr); JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
  echo "- Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Command: \`${NXS_JAR:+NXS_JAR=$NXS_JAR }ROUNDS=$rounds DURATION=$duration VARIANTS=\"$variants\" bench/gateway-floor.sh\`; NXS jar: $jar"
  echo "- JVM flags (NXS and every bare proxy): \`$jvm_opts\`${NXS_ALT_OPTS:+; NXS alternatives: \`$NXS_ALT_OPTS\`}"
  echo
  echo "## Mean over rounds (ratio: rps over nginx proxy's in the same round and load, then averaged)"
  echo
  echo "| load | target | rps | rps / nginx proxy | p50 / p99 ms | added p50 / p99 ms vs direct | CPU µs/req | of it kernel | errors |"
  echo "|---|---|---|---|---|---|---|---|---|"
  awk 'NR > 1 {
      k = $2 SUBSEP $3; key[k] = 1; loads[$2] = 1
      rps[k] += $4; p50[k] += $5; p99[k] += $6; cpu[k] += $8; sys[k] += $11; cnt[k]++
      if ($10 != "-") err[k] = err[k] $10
      cell[$1, $2, $3] = $4; d50[$1, $2, $3] = $5; d99[$1, $2, $3] = $6; rounds[$1] = 1; tg[$3] = 1; order[$3] = (order[$3] ? order[$3] : ++no)
    }
    END {
      for (r in rounds) for (l in loads) for (t in tg) if ((r, l, t) in cell) {
        k = l SUBSEP t; px = cell[r, l, "nginx_proxy"]
        if (px > 0) { ratio[k] += cell[r, l, t] / px; rc[k]++ }
        added50[k] += d50[r, l, t] - d50[r, l, "direct"]; added99[k] += d99[r, l, t] - d99[r, l, "direct"]
      }
      split("wrk64 hey1000 wrk512", L, " ")
      for (i = 1; i <= 3; i++) for (j = 1; j <= no; j++) for (t in order) if (order[t] == j) {
        k = L[i] SUBSEP t; if (!(k in cnt)) continue; c = cnt[k]; tn = t; gsub(/_/, " ", tn)
        printf "| %s | %s | %.0f | %s | %.3f / %.3f | %.3f / %.3f | %.0f | %.0f | %s |\n", L[i], tn, rps[k] / c,
          (rc[k] ? sprintf("%.2f", ratio[k] / rc[k]) : "-"), p50[k] / c, p99[k] / c, added50[k] / c, added99[k] / c,
          cpu[k] / c, sys[k] / c, (err[k] == "" ? "-" : err[k])
      }
    }' "$raw"
  echo
  echo "## Collections over the whole run (jstat -gc at the end)"
  echo
  echo '```'
  cat "$gc"
  echo '```'
  echo
  if [ -s "$prof" ]; then
    echo "## Where the CPU went (PERF: one more wrk c=64 cell per target; perf shares of samples, by thread and code, ≥ 1 %)"
    echo
    echo '```'
    cat "$prof"
    echo '```'
    echo
  fi
  echo "## Raw cells (in the order run)"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} >"$out"
echo "wrote $out"
cat "$out"
