#!/usr/bin/env bash
# probe-threads.sh: the daemon's threads, by name, while it probes N components.
#
# Starts a private daemon (its own STIGMER_HOME and JMX port) supervising N `sleep` components,
# each with a tcp liveness check every 1 s (timeout 1 s) against a loopback listener of this
# script, waits until all N are Running, lets the probes run for --settle seconds, then prints the
# daemon's thread count and its threads grouped by name (a trailing -N dropped), and how many
# health lines other than passes the daemon logged. Everything is stopped and removed at the end.
#
#   bench/probe-threads.sh N [--jmx-port P] [--settle S]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STIGMER="$ROOT/bin/stigmer"
N="${1:?usage: bench/probe-threads.sh N [--jmx-port P] [--settle S]}"; shift
JMX_PORT=50391 SETTLE=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    *) echo "probe-threads: unknown option $1" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-threads.XXXXXX")"
export STIGMER_HOME="$WORK/home"
CONFIG="$WORK/stigmer.yaml" DAEMON="" LISTENER=""
cleanup() {
  trap - EXIT INT TERM
  [[ -n "$DAEMON" ]] && { "$STIGMER" server stop --config "$CONFIG" >/dev/null 2>&1 || kill -KILL "$DAEMON" 2>/dev/null || true; }
  [[ -n "$LISTENER" ]] && kill "$LISTENER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# A listener that accepts and closes, on a free port it writes to a file.
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4096)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.close()' "$WORK/port" &
LISTENER=$!
for _ in $(seq 1 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
CHECK_PORT="$(cat "$WORK/port")"

{
  echo "daemon:"
  echo "  jmx: { host: 127.0.0.1, port: $JMX_PORT }"
  echo "components:"
  for i in $(seq 1 "$N"); do
    echo "  c$i:"
    echo "    process: { command: [sleep, \"100000\"] }"
    echo "    probes:"
    echo "      liveness: { period: 1s, timeout: 1s, checks: [ { tcp: { port: $CHECK_PORT } } ] }"
  done
} >"$CONFIG"

"$STIGMER" server --foreground --config "$CONFIG" >"$WORK/foreground.out" 2>&1 &
DAEMON=$!
for _ in $(seq 1 600); do
  running="$(grep -c "Component started, health monitoring active" "$STIGMER_HOME/logs/daemon.log" 2>/dev/null || true)"
  [[ "${running:-0}" -ge "$N" ]] && break
  sleep 0.5
done
sleep "$SETTLE"
pid="$(cat "$STIGMER_HOME/run/daemon.pid")"
echo "$running of $N components Running; daemon pid $pid: $(ls "/proc/$pid/task" | wc -l) threads"
for t in /proc/"$pid"/task/*; do cat "$t/comm"; done | sed 's/-[0-9]*$//' | sort | uniq -c | sort -rn
echo "health lines other than passes: $(grep -c "Health check failed\|could not run\|stopped producing" "$STIGMER_HOME/logs/daemon.log" || true)"
