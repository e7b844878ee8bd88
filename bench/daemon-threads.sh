#!/usr/bin/env bash
# daemon-threads.sh: the daemon's thread count while it supervises COUNT `sleep` components.
#
# Starts a private daemon (its own STIGMER_HOME and JMX port) with a generated configuration of
# COUNT process components running `sleep 100000`, waits until every one is Running, lets the
# launch threads of the start end (they live 30 s idle), then counts the daemon's threads in
# /proc/PID/task and prints them grouped by name, with the most seen while the components started
# (sampled once a second). Stops the daemon and removes the home at the end,
# also on Ctrl-C.
#
#   bench/daemon-threads.sh COUNT [--liveness] [--launches N] [--jmx-port N] [--settle S]
#
# --liveness gives each component a liveness probe (`process: {}` every 10 s, run on the watchdog
# itself); --launches sets daemon.maxConcurrentLaunches (default: the number of cores).
set -euo pipefail
# shellcheck source=daemon-start.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/daemon-start.sh"
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STIGMER="$ROOT/bin/stigmer"

COUNT="" LIVENESS=0 LAUNCHES="" JMX_PORT=50399 SETTLE=40
while [[ $# -gt 0 ]]; do
  case "$1" in
    --liveness) LIVENESS=1; shift ;;
    --launches) LAUNCHES="$2"; shift 2 ;;
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "daemon-threads: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) COUNT="$1"; shift ;;
  esac
done
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "daemon-threads: COUNT (a number of components, at least 1) is required" >&2; exit 2; }
if (exec 3<>"/dev/tcp/127.0.0.1/$JMX_PORT") 2>/dev/null; then
  echo "daemon-threads: port $JMX_PORT is in use; choose another with --jmx-port" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-threads.XXXXXX")"
export STIGMER_HOME="$WORK/home"
CONFIG="$WORK/stigmer.yaml"
DAEMON_PID=""
sleepers_config "$COUNT" "$JMX_PORT" "$([[ "$LIVENESS" == 1 ]] && echo 10)" "$LAUNCHES"

trap "stop_daemon daemon-threads" EXIT
trap 'exit 130' INT TERM

echo "daemon-threads: starting a daemon with $COUNT components (JMX $JMX_PORT)" >&2
start_daemon daemon-threads
deadline=$(( SECONDS + 180 )) peak=0
threads() { ls "/proc/$DAEMON_PID/task" 2>/dev/null | wc -l; }
until "$STIGMER" server status --config "$CONFIG" >"$WORK/status.out" 2>&1; do
  now="$(threads)"; (( now > peak )) && peak=$now
  if (( SECONDS >= deadline )); then
    echo "daemon-threads: not all components were Running after 180 s:" >&2
    tail -20 "$WORK/status.out" >&2
    exit 1
  fi
  sleep 1
done
echo "daemon-threads: all $COUNT Running (daemon pid $DAEMON_PID); settling ${SETTLE}s" >&2
sleep "$SETTLE"

names="$(cat /proc/"$DAEMON_PID"/task/*/comm 2>/dev/null)"
echo "components: $COUNT"
echo "threads:    $(wc -l <<<"$names")  [ls /proc/$DAEMON_PID/task | wc -l]; at most $peak seen while starting"
# Grouped by name without its number: "stigmer-launch-3" and "stigmer-launch-4" are one kind.
sed -E 's/[-_ #]?[0-9]+$//' <<<"$names" | sort | uniq -c | sort -rn | awk '{c = $1; $1 = ""; printf "  %5d %s\n", c, substr($0, 2)}'
