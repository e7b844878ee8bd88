#!/usr/bin/env bash
# daemon-memory.sh: the daemon's resident memory and idle CPU while it supervises the default stack.
#
# Starts a private daemon (its own STIGMER_HOME, JMX and gRPC ports and container name, so that it
# never meets a daemon already running here) with the default configuration, waits until every
# component is Running, then prints the daemon's RSS and PSS (MB, sampled over --sample seconds)
# and its idle CPU (% of one core over --idle seconds). The daemon and its components are stopped
# and the temporary home removed at the end, also on Ctrl-C.
#
#   bench/daemon-memory.sh [--components 2|3 | --sleepers COUNT] [--jmx-port N] [--grpc-port N]
#                          [--settle S] [--sample S] [--idle S] [--network MODE] [--keep-logs]
#
# --components 2 leaves agent-runner (the Docker container) out. --sleepers COUNT supervises COUNT
# `sleep` components (no probes) instead of the default stack. --network sets agent-runner's
# Docker network (default: the configuration's, unless this engine's bridge interface is missing,
# then "none"; the container's network does not change what the daemon does). STIGMER_JAVA_OPTS is passed on to
# the daemon's JVM, so a candidate flag can be measured without editing bin/stigmer.
set -euo pipefail
# shellcheck source=daemon-start.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/daemon-start.sh"
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STIGMER="$ROOT/bin/stigmer"

COMPONENTS=3 SLEEPERS="" JMX_PORT=50299 GRPC_PORT=50251 SETTLE=20 SAMPLE=30 IDLE=60 KEEP_LOGS=0
CONTAINER=stigmer-agent-runner-mem NETWORK=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --components) COMPONENTS="$2"; shift 2 ;;
    --sleepers) SLEEPERS="$2"; shift 2 ;;
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    --grpc-port) GRPC_PORT="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    --sample) SAMPLE="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    --network) NETWORK="$2"; shift 2 ;;
    --keep-logs) KEEP_LOGS=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "daemon-memory: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$COMPONENTS" == 2 || "$COMPONENTS" == 3 ]] || { echo "daemon-memory: --components is 2 or 3" >&2; exit 2; }
[[ -z "$SLEEPERS" || "$SLEEPERS" =~ ^[1-9][0-9]*$ ]] || { echo "daemon-memory: --sleepers is a number, at least 1" >&2; exit 2; }
(( SAMPLE <= IDLE )) || IDLE=$SAMPLE

ports=("$JMX_PORT")
[[ -n "$SLEEPERS" ]] || ports+=("$GRPC_PORT") # the sleepers have no gRPC server
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "daemon-memory: port $port is in use; choose another with --jmx-port/--grpc-port" >&2
    exit 1
  fi
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-memory.XXXXXX")"
export STIGMER_HOME="$WORK/home"
CONFIG="$WORK/stigmer.yaml"
DAEMON_PID=""

if [[ -n "$SLEEPERS" ]]; then
  sleepers_config "$SLEEPERS" "$JMX_PORT"
  COMPONENTS="$SLEEPERS"
else
  # The default configuration with private ports and container name; agent-runner dropped for 2.
  sed -e "s/port: 50099/port: $JMX_PORT/" -e "s/50051/$GRPC_PORT/g" \
      -e "s/name: stigmer-agent-runner\b/name: $CONTAINER/" "$ROOT/conf/stigmer.yaml" >"$CONFIG"
  if [[ "$COMPONENTS" == 2 ]]; then
    awk '/^  agent-runner:/ {skip = 1} /^  [a-z-]+:/ && !/^  agent-runner:/ {skip = 0} !skip' "$CONFIG" >"$CONFIG.2"
    mv "$CONFIG.2" "$CONFIG"
  fi
  if [[ "$COMPONENTS" == 3 && "$NETWORK" == auto ]]; then
    NETWORK=""
    bridge="$(docker network inspect bridge --format '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null || true)"
    if [[ -n "$bridge" ]] && ! ip link show "$bridge" >/dev/null 2>&1; then
      echo "daemon-memory: the engine's bridge $bridge is missing; agent-runner runs with network none" >&2
      NETWORK=none
    fi
  fi
  if [[ "$COMPONENTS" == 3 && -n "$NETWORK" ]]; then
    sed -i "s/^\(      name: $CONTAINER\)$/\1\n      network: $NETWORK/" "$CONFIG"
  fi
fi
grep -q "port: $JMX_PORT" "$CONFIG" || { echo "daemon-memory: could not rewrite the JMX port" >&2; exit 1; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_bench_daemon daemon-memory
  if [[ -z "$SLEEPERS" && "$COMPONENTS" == 3 ]] && command -v docker >/dev/null; then
    docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
  fi
  if [[ "$KEEP_LOGS" == 1 ]]; then
    echo "daemon-memory: logs kept in $STIGMER_HOME/logs" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "daemon-memory: starting a daemon with $COMPONENTS components (JMX $JMX_PORT, gRPC $GRPC_PORT)" >&2
start_daemon daemon-memory

running=0
deadline=$(( SECONDS + 90 ))
while (( SECONDS < deadline )); do
  if "$STIGMER" server status --config "$CONFIG" >"$WORK/status.out" 2>&1; then
    running=1
    break
  fi
  sleep 1
done
if [[ "$running" != 1 ]]; then
  echo "daemon-memory: not all components were Running after 90 s:" >&2
  cat "$WORK/status.out" >&2
  exit 1
fi
echo "daemon-memory: all components Running (daemon pid $DAEMON_PID); settling ${SETTLE}s" >&2
sleep "$SETTLE"

ticks() { # utime + stime of the daemon, from the fields after the command name
  local stat
  stat="$(cat "/proc/$DAEMON_PID/stat")"
  stat="${stat##*) }"
  awk '{print $12 + $13}' <<<"$stat"
}
kb() { awk -v key="$1:" '$1 == key {print $2}' "$2"; }

hz="$(getconf CLK_TCK)"
start_ticks="$(ticks)" start_ns="$(date +%s%N)"
rss=() pss=()
samples=$(( SAMPLE / 5 + 1 ))
for i in $(seq 1 "$samples"); do
  rss+=("$(kb VmRSS "/proc/$DAEMON_PID/status")")
  pss+=("$(kb Pss "/proc/$DAEMON_PID/smaps_rollup")")
  (( i < samples )) && sleep 5
done
elapsed=$(( ($(date +%s%N) - start_ns) / 1000000000 ))
(( IDLE > elapsed )) && sleep $(( IDLE - elapsed ))
end_ticks="$(ticks)" end_ns="$(date +%s%N)"
threads="$(kb Threads "/proc/$DAEMON_PID/status")"
kill -0 "$DAEMON_PID" 2>/dev/null || { echo "daemon-memory: the daemon died while measured" >&2; exit 1; }

summary() { # min / median / max of kB values, printed in MB
  printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {printf "%.1f MB (min %.1f, max %.1f)", v[int((NR + 1) / 2)] / 1024, v[1] / 1024, v[NR] / 1024}'
}
cpu="$(awk -v t=$(( end_ticks - start_ticks )) -v hz="$hz" -v ns=$(( end_ns - start_ns )) \
  'BEGIN {printf "%.2f", 100 * t / hz / (ns / 1e9)}')"
echo "components:  $COMPONENTS"
echo "RSS:         $(summary "${rss[@]}")  [${#rss[@]} samples over ${SAMPLE}s]"
echo "PSS:         $(summary "${pss[@]}")"
echo "threads:     $threads"
echo "idle CPU:    ${cpu}% of one core  [$(( end_ticks - start_ticks )) ticks over $(( (end_ns - start_ns) / 1000000000 ))s]"
