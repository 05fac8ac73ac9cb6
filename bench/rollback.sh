#!/usr/bin/env bash
# Rollback time (issue 15, SPEC RO4: "rollback takes < 30 s with state preserved"), on one machine
# the way a rollout does it: an install root holding 1.0.0, installed by `nxs bootstrap` and
# running under the launcher's supervising loop, then
#   upgrade:  `nxs rollout start` of a good 1.0.1 -> installed, the daemon drains and exits 75, the
#             loop starts 1.0.1 on the same home and port -> /readyz 200 from a 1.0.1 process;
#   rollback: `nxs rollout start` of a 1.0.2 whose `serve` fails at once (its `--version` works,
#             so the install's own check passes) -> the loop starts it, it exits 3 times, the loop
#             points `current` back at 1.0.1 and starts it -> /readyz 200 from a 1.0.1 process.
# Each is timed from `nxs rollout start` to the first /readyz 200 of the expected version's process;
# the state check after the rollback: the API key made before the upgrade still works and
# `nxs audit verify` passes on the home. Repeated RUNS times, each on a new root and home.
#   bench/rollback.sh [RUNS]      (default 3; SKIP_BUILD=1 uses nxs-app/target/nxs.jar as is)
# Needs openssl, curl, ss. Goal: the rollback under 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
runs=${1:-3}
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -DskipTests package -pl nxs-app -am
jar=nxs-app/target/nxs.jar
work=$(mktemp -d)
loop=""
cleanup() {
  [ -z "$loop" ] || kill "$loop" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }

# Three releases from this build, signed by a key made for the run: 1.0.0, 1.0.1 and a 1.0.2 whose
# launcher fails `serve` (the bad build).
openssl genpkey -algorithm ed25519 -out "$work/release.pem" 2>/dev/null
openssl pkey -in "$work/release.pem" -pubout -out "$work/release.pub.pem"
{ head -1 dist/release/nxs
  # shellcheck disable=SC2016  # a line of the bad launcher, expanded when it runs
  echo 'if [ "${1:-}" = serve ]; then echo "nxs 1.0.2: a bad build that cannot start" >&2; exit 3; fi'
  tail -n +2 dist/release/nxs; } > "$work/bad-launcher"
chmod +x "$work/bad-launcher"
pack() { # pack VERSION LAUNCHER: prints the signed archive's path
  "$JAVA_HOME/bin/java" -cp "$jar" io.nxs.rollout.release.ReleasePackager --version "$1" \
    --jar "$jar" --launcher "$2" --java-home scripts/java-home \
    --config nxs-app/src/main/resources/io/nxs/app/default-nxs.yaml --dist dist \
    --out "$work/releases" > /dev/null
  "$JAVA_HOME/bin/java" -jar "$jar" release sign "$work/releases/nxs-$1.tar.gz" \
    --key "$work/release.pem" > /dev/null
  echo "$work/releases/nxs-$1.tar.gz"
}
v100=$(pack 1.0.0 dist/release/nxs)
v101=$(pack 1.0.1 dist/release/nxs)
v102=$(pack 1.0.2 "$work/bad-launcher")

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# The process listening on PORT: "PID RELEASE" (its -Dnxs.install.dir's directory), or nothing.
listener() {
  local pid dir
  pid=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pid" ] || return 0
  dir=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | sed -n 's/^-Dnxs.install.dir=//p')
  [ -n "$dir" ] && echo "$pid $(basename "$dir")"
}
# Waits until a process of RELEASE other than OLD_PID answers /readyz 200 on PORT; prints the ms
# since START.
ready_as() {
  local port=$1 release=$2 old=$3 start=$4 deadline=$(( $(now_ms) + 180000 )) l
  while [ "$(now_ms)" -lt "$deadline" ]; do
    l=$(listener "$port")
    if [ -n "$l" ] && [ "${l#* }" = "$release" ] && [ "${l%% *}" != "$old" ] \
      && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then
      echo $(( $(now_ms) - start ))
      return 0
    fi
    sleep 0.05
  done
  echo "timed out waiting for $release on port $port" >&2
  return 1
}

up=(); back=()
uptime
for i in $(seq 1 "$runs"); do
  root="$work/opt.$i" home="$work/home.$i" port=$(free_port)
  mkdir -p "$home"
  cp "$work/release.pub.pem" "$home/release.pub.pem"
  printf 'server:\n  port: %s\nrelease:\n  public_key: release.pub.pem\n' "$port" > "$home/nxs.yaml"
  export XDG_CACHE_HOME="$work/cache"
  "$JAVA_HOME/bin/java" -jar "$jar" bootstrap "$v100" --install-dir "$root" \
    --pubkey "$work/release.pub.pem" --home "$home" > "$work/bootstrap.$i.out" 2>&1
  # bootstrap leaves its validated daemon running: stop it, then run 1.0.0 under the loop here
  kill "$(cat "$root/.bootstrap/serve.pid")" 2>/dev/null || true
  while [ -n "$(listener "$port")" ]; do sleep 0.1; done
  "$root/current/bin/nxs" serve --home "$home" > "$work/serve.$i.out" 2>&1 &
  loop=$!
  ready_as "$port" nxs-1.0.0 none "$(now_ms)" > "$work/t"
  pid=$(listener "$port"); pid=${pid%% *}
  key=$("$root/current/bin/nxs" key create --home "$home" --scope admin --name bench-before | head -1)

  start=$(now_ms)
  "$root/current/bin/nxs" rollout start "$v101" --home "$home" > "$work/rollout-up.$i.out"
  ready_as "$port" nxs-1.0.1 "$pid" "$start" > "$work/t"
  up+=("$(cat "$work/t")")
  pid=$(listener "$port"); pid=${pid%% *}

  start=$(now_ms)
  "$root/current/bin/nxs" rollout start "$v102" --home "$home" > "$work/rollout-bad.$i.out"
  ready_as "$port" nxs-1.0.1 "$pid" "$start" > "$work/t"
  back+=("$(cat "$work/t")")
  # the rollback is only done when the loop has put 1.0.1 back after the bad build's exits
  [ -f "$root/.crash-loop" ] || { echo "no crash-loop record after the rollback" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
    "http://127.0.0.1:$port/api/v1/keys")
  [ "$code" = 200 ] || { echo "the key made before the upgrade got $code after the rollback" >&2; exit 1; }
  kill "$loop"; wait "$loop" 2>/dev/null || true; loop=""
  "$root/current/bin/nxs" audit verify --home "$home" > /dev/null
  echo "run $i: upgrade ${up[-1]} ms, rollback ${back[-1]} ms ($(tr '\n' ' ' < "$root/.crash-loop"))"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "upgrade (rollout start -> the new version ready):                ${up[*]} ms; median $(median "${up[@]}") ms"
echo "rollback (rollout start of a bad build -> the kept version ready): ${back[*]} ms; median $(median "${back[@]}") ms"
uptime
