#!/usr/bin/env bash
# Median wall time of `bin/stigmer server status` over N runs (default 10) against a running daemon
# with the default configuration (conf/stigmer.yaml), moved to free ports, its own container name
# and a temporary STIGMER_HOME so that it disturbs nothing else on the machine. The Docker
# component is left out unless STIGMER_BENCH_DOCKER=1 (one more MXBean read either way).
#   bench/status-latency.sh [runs]
set -euo pipefail
INSTALL="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
RUNS="${1:-10}"
STIGMER="$INSTALL/bin/stigmer"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export STIGMER_HOME="$(mktemp -d /tmp/stigmer-bench.XXXXXX)"
JMX_PORT="$(free_port)"
GRPC_PORT="$(free_port)"
sed -e "s/port: 50099/port: $JMX_PORT/" -e "s/50051/$GRPC_PORT/g" \
    -e "s/name: stigmer-agent-runner/name: stigmer-agent-runner-bench-$$/" \
    "$INSTALL/conf/stigmer.yaml" > "$STIGMER_HOME/stigmer.yaml"
if [[ "${STIGMER_BENCH_DOCKER:-0}" != 1 ]]; then
  sed -i '/^  agent-runner:/,$d' "$STIGMER_HOME/stigmer.yaml"
fi

cleanup() {
  "$STIGMER" server stop >/dev/null 2>&1 || true
  rm -rf "$STIGMER_HOME"
}
trap cleanup EXIT

"$STIGMER" server >/dev/null || { echo "daemon did not start; see $STIGMER_HOME/logs" >&2; exit 1; }
# Let the components settle (workflow-runner needs its 10s uptime check) so status reads a calm daemon.
for _ in $(seq 1 60); do
  "$STIGMER" server status >/dev/null 2>&1 && break
  sleep 1
done
"$STIGMER" server status >/dev/null 2>&1 || true  # one warm-up run (page cache, CDS archive)

# Wall time is what the goal is about; CPU time (user + sys) shows the cost when the machine is busy.
TIMEFORMAT='%R %U %S'
walls=(); cpus=()
for _ in $(seq 1 "$RUNS"); do
  t=$( { time "$STIGMER" server status >/dev/null 2>&1; } 2>&1 ) || true
  read -r real user sys <<<"$t"
  walls+=("$(awk -v r="$real" 'BEGIN { printf "%d", r * 1000 }')")
  cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "wall (ms): ${walls[*]}"
echo "cpu  (ms): ${cpus[*]}"
echo "median: $(median "${walls[@]}") ms wall, $(median "${cpus[@]}") ms cpu over $RUNS runs of bin/stigmer server status (load average $(cut -d' ' -f1-3 /proc/loadavg))"
