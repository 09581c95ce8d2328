#!/usr/bin/env bash
# Bounded load runs behind docs/benchmarks.md. Starts gantry twice (open and
# secured) and the floor handler on loopback, then measures pairs of runs
# alternately, ROUNDS times each, so that both sides of every ratio see the
# same machine. Needs hey and ghz (.ci/run installs both).
#   DUR=10s CONC=16 ROUNDS=3 internal/bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${DUR:-10s}
CONC=${CONC:-16}
ROUNDS=${ROUNDS:-3}
export PATH="$(go env GOPATH)/bin:$PATH"

. internal/bench/servers.sh
config open 18080 15051
config secured 28080 25051 secured
start open
wait_ready 18080
start secured
wait_ready 28080
start_floor 127.0.0.1:19090
sleep 1
master=$("$work/gantry" api generate-token --config "$work/secured.yaml")

point='{"$filter":{"trip_id":4242}}'
filtered='{"$filter":{"pickup_location_id":132,"fare_amount":{"$gt":30}},"$limit":20}'
json_str() { printf '%s' "$1" | sed 's/"/\\"/g'; }

rps() { # extract Requests/sec from hey or ghz output
  awk '/Requests\/sec:/ {print $2; exit}'
}
hey_rps() { hey -z "$DUR" -c "$CONC" "$@" | rps; }
ghz_rps() { ghz --insecure -z "$DUR" -c "$CONC" "$@" 2>/dev/null | rps; }

declare -A total
measure() { # key command...
  local key=$1; shift
  local v
  v=$("$@")
  total[$key]=$(awk -v a="${total[$key]:-0}" -v b="$v" 'BEGIN {print a + b}')
  printf '  %-28s %10.0f req/s\n' "$key" "$v"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  measure rest_filtered hey_rps -m POST -T application/json -d "$filtered" \
    http://127.0.0.1:18080/trips/query
  measure connect_json_filtered hey_rps -m POST -T application/json -H 'Connect-Protocol-Version: 1' \
    -d "{\"endpoint\":\"trips_cache\",\"query\":\"$(json_str "$filtered")\"}" \
    http://127.0.0.1:18080/dozer.common.CommonGrpcService/query
  measure grpc_filtered ghz_rps --call dozer.common.CommonGrpcService.query \
    -d "{\"endpoint\":\"trips_cache\",\"query\":\"$(json_str "$filtered")\"}" 127.0.0.1:15051
  measure floor_filtered hey_rps -m POST http://127.0.0.1:19090/
  measure grpc_point_open ghz_rps --call dozer.common.CommonGrpcService.query \
    -d "{\"endpoint\":\"trips_cache\",\"query\":\"$(json_str "$point")\"}" 127.0.0.1:15051
  measure grpc_point_token ghz_rps --call dozer.common.CommonGrpcService.query \
    -m "{\"authorization\":\"Bearer $master\"}" \
    -d "{\"endpoint\":\"trips_cache\",\"query\":\"$(json_str "$point")\"}" 127.0.0.1:25051
  measure rest_point_open hey_rps -m POST -T application/json -d "$point" \
    http://127.0.0.1:18080/trips/query
  measure rest_point_token hey_rps -m POST -T application/json -d "$point" \
    -H "Authorization: Bearer $master" http://127.0.0.1:28080/trips/query
  measure rest_bad_token hey_rps -m POST -T application/json -d "$point" \
    -H "Authorization: Bearer ${master%????}AAAA" http://127.0.0.1:28080/trips/query
done

ratio() { awk -v a="${total[$1]}" -v b="${total[$2]}" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "| ratio | value | target |"
echo "|---|---|---|"
echo "| REST / Connect JSON, filtered query | $(ratio rest_filtered connect_json_filtered) | >= 0.75 |"
echo "| gRPC with token / open, point query | $(ratio grpc_point_token grpc_point_open) | >= 0.95 |"
echo "| REST with token / open, point query | $(ratio rest_point_token rest_point_open) | >= 0.95 |"
echo "| REST bad-token rejections / served point queries | $(ratio rest_bad_token rest_point_token) | > 1 |"
