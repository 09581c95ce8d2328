#!/usr/bin/env bash
# Server capacity behind the gRPC target in docs/benchmarks.md: gantry's
# gRPC query path against the floor handler (internal/bench/floor), both as
# separate processes pinned to one core, loaded by h2load (apt-get install
# nghttp2-client) pinned to the other core, so that the client's work is not
# charged to either server. The same client drives every run: gRPC over
# HTTP/2 to gantry, and GET to the floor over HTTP/2 (h2c) and HTTP/1.1.
# Runs alternate, ROUNDS times each; the figures are medians, and the
# ratios medians of each round's ratio.
#   DUR=5 ROUNDS=7 internal/bench/capacity.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${DUR:-5}
ROUNDS=${ROUNDS:-7}
command -v h2load >/dev/null || { echo "needs h2load: apt-get install nghttp2-client" >&2; exit 1; }
server_cpu=1 client_cpu=0
if [ "$(nproc)" -lt 2 ]; then server_cpu=0; fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/gantry" ./cmd/gantry
go build -o "$work/floor" ./internal/bench/floor
cat >"$work/gantry.yaml" <<YAML
app_name: capacity
home_dir: $work/home
api:
  rest: {host: 127.0.0.1, port: 18180}
  grpc: {host: 127.0.0.1, port: 15151}
YAML
taskset -c $server_cpu "$work/gantry" run --config "$work/gantry.yaml" 2>"$work/gantry.log" &
gantry_pid=$!
pids+=($gantry_pid)
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:18180/health >/dev/null && break
  sleep 0.5
done
# The floor twice: at Go's default GC target, and at the one gantry sets
# (gcPercent in cmd/gantry), so that the GC setting can be told apart.
taskset -c $server_cpu "$work/floor" -store "$work/home/store.db" -addr 127.0.0.1:19190 2>"$work/floor.log" &
floor_pid=$!
pids+=($floor_pid)
GOGC=400 taskset -c $server_cpu "$work/floor" -store "$work/home/store.db" -addr 127.0.0.1:19191 2>"$work/floor400.log" &
floor400_pid=$!
pids+=($floor400_pid)
sleep 1

# The filtered query as a gRPC request: a 5-byte frame header, then the
# QueryRequest message (field 1 endpoint, field 2 query; both < 128 bytes).
filtered='{"$filter":{"pickup_location_id":132,"fare_amount":{"$gt":30}},"$limit":20}'
hex() { printf '\\x%02x' "$1"; }
endpoint=trips_cache
size=$((2 + ${#endpoint} + 2 + ${#filtered}))
printf "\\x00\\x00\\x00\\x00$(hex $size)\\x0a$(hex ${#endpoint})%s\\x12$(hex ${#filtered})%s" \
  "$endpoint" "$filtered" >"$work/filtered.grpc"

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
  if ! grep -q "status codes: [0-9]* 2xx, 0 3xx, 0 4xx, 0 5xx" <<<"$out" || [ "$done_" -eq 0 ]; then
    echo "$name: failed requests" >&2
    echo "$out" >&2
    exit 1
  fi
  awk -v n="$name" -v r="$(awk '/finished in/ {print $4}' <<<"$out")" \
    -v c="$(( (t1 - t0) * tick_us ))" -v d="$done_" 'BEGIN {printf "%s %.0f %.1f\n", n, r, c / d}'
}

results="$work/results"
for round in $(seq 1 "$ROUNDS"); do
  run grpc $gantry_pid -c 4 -m 4 -d "$work/filtered.grpc" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    http://127.0.0.1:15151/dozer.common.CommonGrpcService/query
  run floor-h2c $floor_pid -c 4 -m 4 http://127.0.0.1:19190/
  run floor-h1 $floor_pid --h1 -c 16 http://127.0.0.1:19190/
  run floor-h2c-gogc400 $floor400_pid -c 4 -m 4 http://127.0.0.1:19191/
  run floor-h1-gogc400 $floor400_pid --h1 -c 16 http://127.0.0.1:19191/
done | tee "$results" | sed 's/^/  /'

median() { # reads numbers, prints their median
  sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
field() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$results"; }
echo
echo "| run | req/s (median) | server CPU µs per request (median) |"
echo "|---|---|---|"
for n in grpc floor-h2c floor-h1 floor-h2c-gogc400 floor-h1-gogc400; do
  echo "| $n | $(field $n 2 | median) | $(field $n 3 | median) |"
done
echo
# Each round's runs follow one another within seconds, so the ratio within a
# round is steadier than a ratio of medians on a shared machine.
for f in floor-h2c floor-h1 floor-h2c-gogc400 floor-h1-gogc400; do
  m=$(paste <(field grpc 2) <(field "$f" 2) | awk '{printf "%.3f\n", $1 / $2}' | median)
  printf 'gRPC / %s throughput, median of %d rounds: %.2f\n' "$f" "$ROUNDS" "$m"
done
