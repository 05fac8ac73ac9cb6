# Sourced by bench/gateway-profile.sh, bench/gateway-cpu-ab.sh and bench/gateway-floor.sh: free_port,
# chat_upstream DIR, which starts nginx (its pid file DIR/up.pid) answering the bench's fixed chat
# completion (and a model list) on a free port of 127.0.0.1 and sets $up to that port, and
# nginx_proxy DIR, which starts a second nginx (DIR/proxy.pid) as a plain reverse proxy to $up
# (proxy_pass, upstream keepalive 128) and sets $proxy to its port; nxs_serve and serve_cleanup (below).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
chat_upstream() {
  local dir=$1 chat='{"id":"chatcmpl-bench","object":"chat.completion","created":0,"model":"fast-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the bench upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}'
  up=$(free_port)
  cat >"$dir/up.conf" <<C
worker_processes auto; daemon on; pid $dir/up.pid; error_log $dir/up.err warn;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000;
 client_body_temp_path $dir/b; proxy_temp_path $dir/p; fastcgi_temp_path $dir/f; uwsgi_temp_path $dir/u; scgi_temp_path $dir/s;
 server { listen 127.0.0.1:$up;
  location = /v1/chat/completions { default_type application/json; return 200 '$chat'; }
  location = /v1/models { default_type application/json; return 200 '{"object":"list","data":[{"id":"fast-model","object":"model"}]}'; } } }
C
  nginx -c "$dir/up.conf" -e "$dir/up.err"
}
nginx_proxy() {
  local dir=$1
  proxy=$(free_port)
  cat >"$dir/proxy.conf" <<C
worker_processes auto; daemon on; pid $dir/proxy.pid; error_log $dir/proxy.err warn;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000;
 client_body_temp_path $dir/pb; proxy_temp_path $dir/pp; fastcgi_temp_path $dir/pf; uwsgi_temp_path $dir/pu; scgi_temp_path $dir/ps;
 upstream bench_up { server 127.0.0.1:$up; keepalive 128; }
 server { listen 127.0.0.1:$proxy;
  location / { proxy_pass http://bench_up; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
C
  nginx -c "$dir/proxy.conf" -e "$dir/proxy.err"
}
# nxs_serve DIR JAR JVM-OPTION...: `java <options> -jar JAR serve` on a fresh home DIR/home whose one
# provider is the upstream above ($up), on a free port ($port); sets $pid, waits for /readyz (exits
# with the daemon's output if it dies first) and sets $key to the home's admin key.
# serve_cleanup DIR: stops that daemon and the upstream, removes DIR (for `trap ... EXIT`).
nxs_serve() {
  local dir=$1 jar=$2
  shift 2
  port=$(free_port)
  mkdir -p "$dir/home"
  printf 'server: {host: 127.0.0.1, port: %s}\nproviders:\n  - {name: fast, base_url: "http://127.0.0.1:%s/v1", model: fast-model, priority: 1, retry: 0}\n' \
    "$port" "$up" >"$dir/home/nxs.yaml"
  MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" "$@" -jar "$jar" serve --home "$dir/home" >"$dir/jvm.out" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
    kill -0 "$pid" || { cat "$dir/jvm.out" >&2; exit 1; }
    sleep 0.3
  done
  key=$(cat "$dir/home/keys/admin.key")
}
serve_cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -f "$1/up.pid" ] && kill "$(cat "$1/up.pid")" 2>/dev/null
  rm -rf "$1"
}
