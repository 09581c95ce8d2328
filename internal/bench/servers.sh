# Sourced by load.sh and capacity.sh: builds gantry and the floor handler
# into a scratch folder, writes configurations, starts servers that stop
# with the script, and waits for them. The caller has cd'ed to the repo.

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/gantry" ./cmd/gantry
go build -o "$work/floor" ./internal/bench/cmd/floor
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')

# config NAME REST-PORT GRPC-PORT [secured]: writes $work/NAME.yaml; every
# server shares one store in $work/home.
config() {
  local security=""
  [ "${4:-}" = secured ] && security="  api_security: !Jwt $secret"
  cat >"$work/$1.yaml" <<YAML
app_name: bench-$1
home_dir: $work/home
api:
  rest: {host: 127.0.0.1, port: $2}
  grpc: {host: 127.0.0.1, port: $3}
$security
YAML
}

wait_ready() { # REST-PORT
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0
    sleep 0.5
  done
  echo "server on $1 did not start" >&2
  exit 1
}

# start NAME [command prefix...]: runs gantry with $work/NAME.yaml, logging
# to $work/NAME.log, and sets started_pid.
start() {
  local name=$1
  shift
  "$@" "$work/gantry" run --config "$work/$name.yaml" 2>"$work/$name.log" &
  started_pid=$!
  pids+=($started_pid)
}

# start_floor ADDR [command prefix...]: runs the floor on the shared store.
start_floor() {
  local addr=$1
  shift
  "$@" "$work/floor" -store "$work/home/store.db" -addr "$addr" 2>>"$work/floor.log" &
  started_pid=$!
  pids+=($started_pid)
}
