# Sourced by bench/release.sh and bench/bootstrap.sh: one `nxs serve` on a new home, timed to its
# first GET /readyz 200.
#   ready_ms NXS HOME CACHE    prints the milliseconds from the start to /readyz 200, then stops
#                              the daemon; HOME is made (a config with port 0), CACHE is the
#                              XDG_CACHE_HOME the launcher keeps its class-data archive in
now_ms() { date +%s%3N; }
ready_ms() {
  local nxs="$1" home="$2" cache="$3" out port code start serve
  mkdir -p "$home"
  out="$home.out"
  printf 'server:\n  port: 0\n' > "$home/nxs.yaml"
  start=$(now_ms)
  XDG_CACHE_HOME="$cache" "$nxs" serve --home "$home" > "$out" 2>&1 &
  serve=$!
  port=""
  while [ -z "$port" ]; do
    port=$(grep -o 'listening on port [0-9]*' "$out" | grep -o '[0-9]*$' || true)
    kill -0 "$serve" 2>/dev/null || { echo "daemon died: $(cat "$out")" >&2; return 1; }
    sleep 0.02   # poll without taking a core from the daemon being measured
  done
  code=""
  until [ "$code" = 200 ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$code" = 200 ] || sleep 0.02
  done
  echo $(( $(now_ms) - start ))
  kill "$serve"; wait "$serve" 2>/dev/null || true
}
