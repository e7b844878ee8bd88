#!/usr/bin/env bash
# crash-loop.sh: a component that exits at once, restarted at backoff 0s under a restart limit it
# never reaches: how many restarts the daemon makes, and the CPU each costs, as its restart window
# fills.
#
# The component is `/bin/sh -c 'exit 3'`; its restart limit is 100,000,000 in the default window
# (10 min), so every restart stays in the window. Prints, every --step seconds, the restarts in that
# step (from the Restarts attribute, read with `server status --json`), the daemon's CPU per restart
# (user + system, from /proc/PID/stat) and its RSS. With --before DIR, a built checkout is measured
# the same way after it (one daemon at a time: both would share the 2 cores).
#
#   bench/crash-loop.sh [--seconds S] [--step S] [--before DIR] [--jmx-port N]
#
# Defaults: --seconds 120, --step 20, --jmx-port 50417.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=daemon-start.sh
source "$ROOT/bench/daemon-start.sh"

SECONDS_TOTAL=120 STEP=20 JMX_PORT=50417 BEFORE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_TOTAL="$2"; shift 2 ;;
    --step) STEP="$2"; shift 2 ;;
    --before) BEFORE="$(cd "$2" && pwd)"; shift 2 ;;
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "crash-loop: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$SECONDS_TOTAL" =~ ^[1-9][0-9]*$ && "$STEP" =~ ^[1-9][0-9]*$ ]] \
  || { echo "crash-loop: --seconds and --step are whole seconds, at least 1" >&2; exit 2; }
[[ -z "$BEFORE" || -x "$BEFORE/bin/stigmer" ]] || { echo "crash-loop: no bin/stigmer in $BEFORE" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-crash-loop.XXXXXX")"
DAEMON_PID=""
trap 'stop_daemon crash-loop' EXIT
trap 'exit 130' INT TERM

# restarts: the component's Restarts attribute, or "" where the status call fails.
restarts() {
  { "$STIGMER" server status --json --config "$CONFIG" 2>/dev/null || true; } | /usr/bin/python3 -c '
import json, sys
try:
    print(json.load(sys.stdin)["components"][0]["restarts"])
except (ValueError, KeyError, IndexError):
    print("")'
}

run() { # INSTALL
  STIGMER="$1/bin/stigmer"
  export STIGMER_HOME="$WORK/home-$RANDOM"
  CONFIG="$WORK/crash.yaml"
  zero_backoff_config "$CONFIG" "$JMX_PORT" crasher 100000000 "['/bin/sh', '-c', 'exit 3']"
  start_daemon crash-loop
  local before_count=0 before_ticks after_count after_ticks elapsed=0 counted=0 tick
  tick="$(getconf CLK_TCK)"
  before_ticks="$(awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat")"
  before_count="$(restarts)"
  [[ -n "$before_count" ]] || { echo "crash-loop: the first status call failed" >&2; exit 1; }
  echo "crash-loop: $1 ($(git -C "$1" log -1 --format=%h 2>/dev/null || echo '?'))"
  while (( elapsed < SECONDS_TOTAL )); do
    sleep "$STEP"
    elapsed=$((elapsed + STEP))
    after_ticks="$(awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat")"
    after_count="$(restarts)"
    if [[ -z "$after_count" ]]; then # this step is not counted; the next one spans both
      printf '  %4d s  the status call failed\n' "$elapsed"
      continue
    fi
    local made=$((after_count - before_count))
    printf '  %4d s  %6d restarts (%5.0f/s)  CPU %.2f ms each  RSS %.1f MB\n' "$elapsed" "$made" \
      "$(echo "$made / ($elapsed - $counted)" | bc -l)" \
      "$(echo "if ($made > 0) ($after_ticks - $before_ticks) * 1000 / $tick / $made else 0" | bc -l)" \
      "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$DAEMON_PID/status")"
    before_count="$after_count" before_ticks="$after_ticks" counted="$elapsed"
  done
  stop_bench_daemon crash-loop
  DAEMON_PID=""
}

STIGMER="$ROOT/bin/stigmer" # built before any timing starts
"$STIGMER" --version >/dev/null
run "$ROOT"
[[ -n "$BEFORE" ]] && run "$BEFORE"
echo "crash-loop: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
