#!/usr/bin/env bash
# Server capacity behind the gRPC targets in docs/benchmarks.md. gantry and
# the floor handler (internal/bench/cmd/floor) run as separate processes pinned
# to one core; h2load (apt-get install nghttp2-client), pinned to the other
# core, loads them, so that the client's own work is not charged to either
# server, and the same client drives every run:
#   grpc                 the filtered query over gRPC to gantry
#   floor-h2c, floor-h1  the floor over HTTP/2 and HTTP/1.1
#   floor-*-gogc400      the same against a floor at gantry's GC target
#   grpc-point-open      the point query over gRPC, security off
#   grpc-point-token     the same to a secured gantry, with a master token
#   rest-point-open      the point query over REST (HTTP/1.1), security off
#   rest-point-token     the same to the secured gantry, with the token
# Runs alternate, ROUNDS times each. The table gives medians; each ratio is
# the median of the ratios within each round, whose runs follow one another
# within seconds.
#   DUR=5 ROUNDS=9 internal/bench/capacity.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${DUR:-5}
ROUNDS=${ROUNDS:-7}
command -v h2load >/dev/null || { echo "needs h2load: apt-get install nghttp2-client" >&2; exit 1; }
server_cpu=1 client_cpu=0
if [ "$(nproc)" -lt 2 ]; then server_cpu=0; fi
pin_server=(taskset -c "$server_cpu")

. internal/bench/servers.sh
config open 18180 15151
config secured 18181 15152 secured
start open "${pin_server[@]}"
open_pid=$started_pid
wait_ready 18180
start secured "${pin_server[@]}"
secured_pid=$started_pid
wait_ready 18181
start_floor 127.0.0.1:19190 "${pin_server[@]}"
floor_pid=$started_pid
start_floor 127.0.0.1:19191 env GOGC=400 "${pin_server[@]}"
floor400_pid=$started_pid
sleep 1
master=$("$work/gantry" api generate-token --config "$work/secured.yaml")

# grpc_request FILE QUERY: a QueryRequest for trips_cache in a gRPC frame:
# a 5-byte header, then field 1 (endpoint) and field 2 (query), each under
# 128 bytes.
grpc_request() {
  local endpoint=trips_cache query=$2
  local size=$((2 + ${#endpoint} + 2 + ${#query}))
  hex() { printf '\\x%02x' "$1"; }
  printf "\\x00\\x00\\x00\\x00$(hex $size)\\x0a$(hex ${#endpoint})%s\\x12$(hex ${#query})%s" \
    "$endpoint" "$query" >"$1"
}
grpc_request "$work/filtered.grpc" '{"$filter":{"pickup_location_id":132,"fare_amount":{"$gt":30}},"$limit":20}'
grpc_request "$work/point.grpc" '{"$filter":{"trip_id":4242}}'
printf '%s' '{"$filter":{"trip_id":4242}}' >"$work/point.json"
grpc=(-c 4 -m 4 -H 'content-type: application/grpc' -H 'te: trailers')
rest=(--h1 -c 16 -H 'content-type: application/json' -d "$work/point.json")
query_path=/dozer.common.CommonGrpcService/query
bearer="authorization: Bearer $master"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

# run NAME PID h2load-args...: prints "NAME req/s server-µs-per-request".
run() {
  local name=$1 pid=$2 t0 t1 out done_
  shift 2
  t0=$(cpu_ticks "$pid")
  out=$(taskset -c $client_cpu h2load -D "$DUR" "$@")
  t1=$(cpu_ticks "$pid")
  done_=$(awk '/^requests:/ {print $8}' <<<"$out")
  if ! grep -q "status codes: [0-9]* 2xx, 0 3xx, 0 4xx, 0 5xx" <<<"$out" || [ "${done_:-0}" -eq 0 ]; then
    echo "$name: failed requests" >&2
    echo "$out" >&2
    exit 1
  fi
  awk -v n="$name" -v r="$(awk '/finished in/ {print $4}' <<<"$out")" \
    -v c="$(((t1 - t0) * tick_us))" -v d="$done_" 'BEGIN {printf "%s %.0f %.1f\n", n, r, c / d}'
}

results="$work/results"
for round in $(seq 1 "$ROUNDS"); do
  run grpc $open_pid "${grpc[@]}" -d "$work/filtered.grpc" http://127.0.0.1:15151$query_path
  run floor-h2c $floor_pid -c 4 -m 4 http://127.0.0.1:19190/
  run floor-h1 $floor_pid --h1 -c 16 http://127.0.0.1:19190/
  run floor-h2c-gogc400 $floor400_pid -c 4 -m 4 http://127.0.0.1:19191/
  run floor-h1-gogc400 $floor400_pid --h1 -c 16 http://127.0.0.1:19191/
  run grpc-point-open $open_pid "${grpc[@]}" -d "$work/point.grpc" http://127.0.0.1:15151$query_path
  run grpc-point-token $secured_pid "${grpc[@]}" -H "$bearer" -d "$work/point.grpc" \
    http://127.0.0.1:15152$query_path
  run rest-point-open $open_pid "${rest[@]}" http://127.0.0.1:18180/trips/query
  run rest-point-token $secured_pid "${rest[@]}" -H "$bearer" http://127.0.0.1:18181/trips/query
done | tee "$results" | sed 's/^/  /'

median() { # reads numbers, prints their median
  sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
field() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$results"; }
ratio() { # A B: median over rounds of A's req/s over B's
  paste <(field "$1" 2) <(field "$2" 2) | awk '{printf "%.3f\n", $1 / $2}' | median
}
echo
echo "| run | req/s (median) | server CPU µs per request (median) |"
echo "|---|---|---|"
for n in grpc floor-h2c floor-h1 floor-h2c-gogc400 floor-h1-gogc400 \
  grpc-point-open grpc-point-token rest-point-open rest-point-token; do
  echo "| $n | $(field $n 2 | median) | $(field $n 3 | median) |"
done
echo
echo "| ratio of throughputs, median of $ROUNDS rounds | value | target |"
echo "|---|---|---|"
for f in floor-h2c floor-h1 floor-h2c-gogc400 floor-h1-gogc400; do
  printf '| grpc / %s | %.2f | >= 0.80 |\n' "$f" "$(ratio grpc "$f")"
done
for p in grpc rest; do
  printf '| %s-point-token / %s-point-open | %.2f | >= 0.95 |\n' $p $p "$(ratio $p-point-token $p-point-open)"
done
