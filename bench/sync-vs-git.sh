#!/usr/bin/env bash
# Workspace sync: NXS (JMH SyncBenchmark: one sync of a 10,000-file workspace, 0 or 50 files
# changed, push side and pull side) against the seed's own approach done with the git CLI on the
# same shape (git add -A, commit, push on one clone; git pull on the other), in the same run, so
# the two can be compared as ratios on a noisy machine.
#
#   bench/sync-vs-git.sh [ROUNDS]      (default 8)
#
# Needs: git, a JDK 21+. Prints both tables; results go in bench/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-8}
echo "load before: $(uptime)"
"$root/bench/jmh" nxs-sync -f 1 -wi 2 -i "$rounds" SyncBenchmark 2>/dev/null \
  | grep -E '^(Benchmark|SyncBenchmark\.)' || true
echo "load between: $(uptime)"

work=$(mktemp -d /tmp/nxs-sync-git-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
git init -q --bare -b main "$work/remote.git"
git clone -q "$work/remote.git" "$work/a" 2>/dev/null
filler=$(printf 'Remembered: the user prefers short answers. %.0s' $(seq 24))
for d in $(seq 0 99); do
  mkdir -p "$work/a/memory-$d"
  for f in $(seq 0 99); do printf '%s' "$filler" >"$work/a/memory-$d/note-$f.md"; done
done
git -C "$work/a" add -A && git -C "$work/a" -c user.name=a -c user.email=a@x commit -qm init
git -C "$work/a" push -q origin main 2>/dev/null
git clone -q "$work/remote.git" "$work/b" 2>/dev/null
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
push=() pull=()
for r in $(seq 1 "$rounds"); do
  for i in $(seq 1 50); do
    echo "changed $r $i" >"$work/a/memory-$((RANDOM % 100))/note-$((RANDOM % 100)).md"
  done
  push+=("$(ms sh -c "cd '$work/a' && git add -A && git -c user.name=a -c user.email=a@x commit -qm r$r && git push -q origin main")")
  pull+=("$(ms git -C "$work/b" pull -q --no-rebase origin main)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "git CLI, 50 changed of 10,000: push (add -A, commit, push) median $(median "${push[@]}") ms [${push[*]}]"
echo "git CLI, 50 changed of 10,000: pull median $(median "${pull[@]}") ms [${pull[*]}]"
echo "load after: $(uptime)"
