#!/usr/bin/env bash
# `nxs bootstrap` on a fresh machine (SPEC RO3, issue 15's "bootstrap time on a fresh home"): the
# wall time of the one command an operator runs — fetch, verify the signature and every file,
# detect, install beside nothing, configure a new home, validate (the new version starts on the home
# and answers /readyz 200), run — and, for comparison in the same run, the time of a plain
# `bin/nxs serve` on a fresh home to /readyz 200. Runs alternate so the machine's load hits both.
# Every run gets a new empty install root and home; the class-data cache is shared (warm), as on
# a machine that has run NXS before, except for the first run, which is reported apart.
#   bench/bootstrap.sh [RUNS]      (default 5; SKIP_BUILD=1 uses target/release as is)
# Goal (issue 15): ready in < 60 s on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
runs=${1:-5}
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -Prelease -DskipTests package
archives=(target/release/nxs-*.tar.gz)
archive=${archives[0]}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. bench/ready.sh

# The signer's key pair and a signed copy of the archive, as a release manager publishes it.
openssl genpkey -algorithm ed25519 -out "$work/release.pem" 2>/dev/null
openssl pkey -in "$work/release.pem" -pubout -out "$work/release.pub.pem"
mkdir -p "$work/published" "$work/tool"
cp "$archive" "$work/published/"
published="$work/published/$(basename "$archive")"
tar -xzf "$archive" -C "$work/tool"
tools=("$work"/tool/nxs-*/bin/nxs)
nxs=${tools[0]}
XDG_CACHE_HOME="$work/cache" "$nxs" release sign "$published" --key "$work/release.pem" > /dev/null

# One `nxs bootstrap` into a new install root and home; prints its wall time in ms, then stops the
# daemon it left running.
bootstrap_ms() {
  local root="$work/opt.$1" home="$work/home.$1" start code pid
  start=$(now_ms)
  code=0
  XDG_CACHE_HOME="$work/cache" "$nxs" bootstrap "$published" --install-dir "$root" \
    --pubkey "$work/release.pub.pem" --home "$home" > "$work/bootstrap.$1.out" 2>&1 || code=$?
  local end
  end=$(now_ms)
  pid=$(cat "$root/.bootstrap/serve.pid" 2>/dev/null || true)
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; }
  [ "$code" = 0 ] || { echo "bootstrap failed ($code): $(cat "$work/bootstrap.$1.out")" >&2; exit 1; }
  echo $((end - start))
}

echo "archive: $archive, $(stat -c %s "$archive") bytes"
uptime
first=$(bootstrap_ms 0)
echo "first bootstrap (no class-data archive yet): $first ms"
boot=(); serve=()
for i in $(seq 1 "$runs"); do
  boot+=("$(bootstrap_ms "$i")")
  serve+=("$(ready_ms "$nxs" "$work/serve-home.$i" "$work/cache")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "nxs bootstrap, fresh root and home: ${boot[*]} ms; median $(median "${boot[@]}") ms"
echo "bin/nxs serve, fresh home:          ${serve[*]} ms; median $(median "${serve[@]}") ms"
echo "ratio bootstrap/serve (medians): $(awk -v b="$(median "${boot[@]}")" -v s="$(median "${serve[@]}")" 'BEGIN { printf "%.2f", b / s }')"
uptime
