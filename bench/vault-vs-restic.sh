#!/usr/bin/env bash
# NXS vault against restic (Debian's restic) on the same generated corpus, in the same run:
# first backup, backup after 1 % of the files changed, full restore, repository size; plus NXS's
# deep verify throughput. Both encrypt (restic: AES-256-CTR + Poly1305; NXS: AES-256-GCM) and
# compress (restic repository v2 "auto" zstd; NXS zstd level 3).
#
#   bench/vault-vs-restic.sh [TOTAL_MB]      (default 1024)
#
# Needs: restic, python3, a JDK 21+. Writes the table to stdout; results go in bench/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-1024}
work=$(mktemp -d /tmp/nxs-vault-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$root/scripts/java-home"
jar="$root/nxs-app/target/nxs.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package -pl nxs-app -am)
NXS=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx512m -jar "$jar" --home "$work/home")
nxs() { "${NXS[@]}" "$@"; }
# Wall seconds to stdout; CPU seconds (user + system) of the step appended to $work/cpu.
secs() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/time.out" "$@" >"$work/last.out"
  e=$(date +%s.%N)
  awk '{ print $1 + $2 }' "$work/time.out" >>"$work/cpu"
  echo "$e - $s" | bc
}
cpu() { sed -n "${1}p" "$work/cpu"; }
# The vault's own time (without JVM start) from the last `nxs -o json` output.
inner() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["millis"] / 1000)' "$work/last.out"; }

python3 "$root/bench/vault-corpus.py" "$work/corpus" "$mb"
files=$(find "$work/corpus" -type f | wc -l)
bytes=$(du -sb "$work/corpus" | cut -f1)

mkdir -p "$work/home"
cat > "$work/home/nxs.yaml" <<YAML
server:
  port: 0
vault:
  openclaw: false
  sources:
    - path: $work/corpus
  schedule:
    backup: 0s
YAML
export RESTIC_PASSWORD=bench-password RESTIC_REPOSITORY="$work/restic-repo"
restic init -q >/dev/null

sync; r1=$(secs restic backup -q "$work/corpus")
sync; n1=$(secs "${NXS[@]}" -o json backup create); i1=$(inner)
python3 "$root/bench/vault-corpus.py" "$work/corpus" --change 1 >/dev/null
sync; r2=$(secs restic backup -q "$work/corpus")
sync; n2=$(secs "${NXS[@]}" -o json backup create); i2=$(inner)
sync; r3=$(secs restic restore -q latest --target "$work/restic-out")
sync; n3=$(secs "${NXS[@]}" -o json backup restore latest --to "$work/nxs-out"); i3=$(inner)
diff -r "$work/corpus" "$work/nxs-out/files/corpus" >/dev/null && nxs_ok=identical || nxs_ok=DIFFERENT
rsize=$(du -sb "$work/restic-repo" | cut -f1)
nsize=$(du -sb "$work/home/backups" | cut -f1)
verify=$(nxs -o json backup verify all --deep)
vbytes=$(echo "$verify" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["bytes_read"])')
vms=$(echo "$verify" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["millis"])')
r4=$(secs restic check --read-data)

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "corpus: $files files, $((bytes / 1024 / 1024)) MiB; restore check: $nxs_ok"
echo
echo "| step | NXS wall (s) | NXS in-process (s) | restic (s) | NXS wall / restic | in-process / restic |"
echo "|---|---|---|---|---|---|"
echo "| first backup | $n1 | $i1 | $r1 | $(ratio "$n1" "$r1") | $(ratio "$i1" "$r1") |"
echo "| backup after 1 % changed | $n2 | $i2 | $r2 | $(ratio "$n2" "$r2") | $(ratio "$i2" "$r2") |"
echo "| full restore | $n3 | $i3 | $r3 | $(ratio "$n3" "$r3") | $(ratio "$i3" "$r3") |"
echo "| CPU s (user+sys): first backup | $(cpu 2) | | $(cpu 1) | $(ratio "$(cpu 2)" "$(cpu 1)") | |"
echo "| CPU s: backup after 1 % changed | $(cpu 4) | | $(cpu 3) | $(ratio "$(cpu 4)" "$(cpu 3)") | |"
echo "| CPU s: full restore | $(cpu 6) | | $(cpu 5) | $(ratio "$(cpu 6)" "$(cpu 5)") | |"
echo "| repository size (MiB) | $((nsize / 1024 / 1024)) | | $((rsize / 1024 / 1024)) | $(ratio "$nsize" "$rsize") | |"
echo
echo "NXS deep verify: $((vbytes / 1024 / 1024)) MiB in $vms ms = $(echo "scale=1; $vbytes / 1048.576 / $vms" | bc) MiB/s (restic check --read-data: $r4 s)"
