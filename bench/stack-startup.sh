#!/usr/bin/env bash
# Measures the default stack: the time from `bin/stigmer server` to every component Running, and
# the resident memory (RSS) of each JVM. Uses a temporary STIGMER_HOME and conf/stigmer.yaml
# without agent-runner (it needs Docker) on free ports; stops the daemon and cleans up at the end.
#   usage: bench/stack-startup.sh [SETTLE_SECONDS]   (RSS again after that many seconds; default 10)
set -euo pipefail
INSTALL="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SETTLE="${1:-10}"
STIGMER_HOME="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-bench.XXXXXX")"
export STIGMER_HOME
CONFIG="$STIGMER_HOME/bench.yaml"
stigmer() { "$INSTALL/bin/stigmer" "$@" --config "$CONFIG"; }
cleanup() { stigmer server stop >/dev/null 2>&1 || true; rm -rf "$STIGMER_HOME"; }
trap cleanup EXIT

free_port() { # a port nobody listens on, avoiding $1
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ "$p" != "${1:-}" ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && { echo "$p"; return; }
  done
}
GRPC=$(free_port); JMX=$(free_port "$GRPC")
# conf/stigmer.yaml itself, minus agent-runner (the last component), on the free ports.
sed -e '/^  agent-runner:/,$d' -e "s/50051/$GRPC/g" -e "s/50099/$JMX/g" "$INSTALL/conf/stigmer.yaml" > "$CONFIG"

# Build first if needed, so that the build is not measured.
[[ -f "$INSTALL/target/classes/ai/stigmer/cli/Main.class" && -d "$INSTALL/target/lib" ]] \
  || mvn -B -q -DskipTests -f "$INSTALL/pom.xml" process-classes

LOG="$STIGMER_HOME/logs/daemon.log"
ms_of() { # the daemon.log timestamp of the first line matching $1, in ms since the epoch
  local stamp
  stamp=$(grep -m1 -- "$1" "$LOG" | cut -c1-23)
  echo $(( $(date -d "$stamp" +%s%N) / 1000000 ))
}
t0=$(( $(date +%s%N) / 1000000 ))
stigmer server >/dev/null
t_cli=$(( $(date +%s%N) / 1000000 ))
deadline=$((SECONDS + 120))
until [[ -f "$LOG" ]] && grep -q "\[workflow-runner\] Component started" "$LOG"; do
  (( SECONDS < deadline )) || { echo "not all Running within 120 s:" >&2; stigmer server status >&2 || true; exit 1; }
  sleep 0.1
done
t_server=$(ms_of "\[stigmer-server\] Component started")
t_all=$(ms_of "\[workflow-runner\] Component started")
uptime_min=$(sed -n '/^  workflow-runner:/,/^  [a-z]/s/.*uptime: { min: \([0-9a-z]*\) }.*/\1/p' "$CONFIG")

pid_of() { sed -n 's/^pid=//p' "$STIGMER_HOME/run/$1.instance"; }
rss() { ps -o rss= -p "$1" | awk '{printf "%.1f MB", $1/1024}'; }
SERVER_PID=$(pid_of stigmer-server); RUNNER_PID=$(pid_of workflow-runner); DAEMON_PID=$(cat "$STIGMER_HOME/run/daemon.pid")

printf 'bin/stigmer server returned (daemon answers over JMX):  %6d ms\n' $((t_cli - t0))
printf 'stigmer-server Running (gRPC health SERVING):           %6d ms\n' $((t_server - t0))
printf 'all components Running:                                 %6d ms  (workflow-runner startup check: uptime %s)\n' \
  $((t_all - t0)) "$uptime_min"
printf 'RSS at all Running:  stigmer-server %s, workflow-runner %s, daemon %s\n' \
  "$(rss "$SERVER_PID")" "$(rss "$RUNNER_PID")" "$(rss "$DAEMON_PID")"
if (( SETTLE > 0 )); then
  sleep "$SETTLE"
  printf 'RSS %ss later:       stigmer-server %s, workflow-runner %s, daemon %s\n' "$SETTLE" \
    "$(rss "$SERVER_PID")" "$(rss "$RUNNER_PID")" "$(rss "$DAEMON_PID")"
fi
echo
stigmer server status || true
