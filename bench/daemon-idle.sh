#!/usr/bin/env bash
# daemon-idle.sh: the daemon's idle CPU while it supervises COUNT `sleep` components, and which of
# its threads spends it.
#
# Starts a private daemon (its own STIGMER_HOME and JMX port) with a generated configuration of
# COUNT process components running `sleep 100000`, each with a `process` liveness probe every 10 s
# (--no-probes: none), waits until every one is Running, lets it settle, then reads the daemon's
# utime + stime from /proc/PID/stat at the start and the end of the sample, and each thread's from
# /proc/PID/task/*/stat. Prints the CPU in % of one core, the load average, and the threads that
# spent ticks, grouped by name, with their CPU time in ms and how often they ran (the run time and
# time slices of /proc/PID/task/*/schedstat: nanoseconds, not ticks of 10 ms, and a count of wakes). Stops the daemon and removes the home at the end, also on Ctrl-C.
#
#   bench/daemon-idle.sh COUNT [--no-probes] [--period S] [--settle S] [--sample S] [--jmx-port N]
#
# Defaults: --settle 30 (from the moment all are Running), --sample 60, --period 10 (of the probe).
# STIGMER_JAVA_OPTS reaches the daemon's JVM (a flight recording, -XX:+PreserveFramePointer ...).
set -euo pipefail
# shellcheck source=daemon-start.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/daemon-start.sh"
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STIGMER="$ROOT/bin/stigmer"

COUNT="" PROBES=1 PERIOD=10 SETTLE=30 SAMPLE=60 JMX_PORT=50398
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-probes) PROBES=0; shift ;;
    --period) PERIOD="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    --sample) SAMPLE="$2"; shift 2 ;;
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "daemon-idle: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) COUNT="$1"; shift ;;
  esac
done
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "daemon-idle: COUNT (a number of components, at least 1) is required" >&2; exit 2; }
if (exec 3<>"/dev/tcp/127.0.0.1/$JMX_PORT") 2>/dev/null; then
  echo "daemon-idle: port $JMX_PORT is in use; choose another with --jmx-port" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-idle.XXXXXX")"
export STIGMER_HOME="$WORK/home"
CONFIG="$WORK/stigmer.yaml"
DAEMON_PID=""
sleepers_config "$COUNT" "$JMX_PORT" "$([[ "$PROBES" == 1 ]] && echo "$PERIOD")"

trap "stop_daemon daemon-idle" EXIT
trap 'exit 130' INT TERM

echo "daemon-idle: starting a daemon with $COUNT components (JMX $JMX_PORT)" >&2
start_daemon daemon-idle
deadline=$(( SECONDS + 180 ))
until "$STIGMER" server status --config "$CONFIG" >"$WORK/status.out" 2>&1; do
  if (( SECONDS >= deadline )); then
    echo "daemon-idle: not all components were Running after 180 s:" >&2
    tail -20 "$WORK/status.out" >&2
    exit 1
  fi
  sleep 1
done
echo "daemon-idle: all $COUNT Running (daemon pid $DAEMON_PID); settling ${SETTLE}s, then ${SAMPLE}s measured" >&2
sleep "$SETTLE"

# utime + stime (fields 14 and 15 of proc(5)) of a stat file, after the command name.
ticks_of() { local s; s="$(cat "$1" 2>/dev/null)" || { echo 0; return; }; s="${s##*) }"; awk '{print $12 + $13}' <<<"$s"; }
per_thread() { # "tid ticks run-ns slices name" of every thread
  local t sched
  for t in /proc/"$DAEMON_PID"/task/*; do
    sched="$(cut -d' ' -f1,3 "$t/schedstat" 2>/dev/null)" || sched="0 0"
    echo "${t##*/} $(ticks_of "$t/stat") ${sched:-0 0} $(cat "$t/comm" 2>/dev/null | tr ' ' '_')"
  done
}
hz="$(getconf CLK_TCK)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
per_thread >"$WORK/threads.start"
start_ticks="$(ticks_of "/proc/$DAEMON_PID/stat")" start_ns="$(date +%s%N)"
sleep "$SAMPLE"
end_ticks="$(ticks_of "/proc/$DAEMON_PID/stat")" end_ns="$(date +%s%N)"
per_thread >"$WORK/threads.end"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
kill -0 "$DAEMON_PID" 2>/dev/null || { echo "daemon-idle: the daemon died while measured" >&2; exit 1; }

cpu="$(awk -v t=$(( end_ticks - start_ticks )) -v hz="$hz" -v ns=$(( end_ns - start_ns )) \
  'BEGIN {printf "%.2f", 100 * t / hz / (ns / 1e9)}')"
echo "date:        $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $load_start at the start, $load_end at the end"
echo "components:  $COUNT, $([[ "$PROBES" == 1 ]] && echo "each with a process liveness probe every ${PERIOD}s" || echo "no probes")"
echo "idle CPU:    ${cpu}% of one core  [$(( end_ticks - start_ticks )) ticks of 1/${hz} s over $(( (end_ns - start_ns) / 1000000000 ))s, from ${SETTLE}s after all were Running]"
awk -v ns=$(( end_ns - start_ns )) 'NR == FNR {start[$1] = $3; next} {d += $3 - ($1 in start ? start[$1] : 0)}
     END {printf "             %.3f%% by the run times of the threads alive at the end (schedstat)\n", 100 * d / ns}' \
  "$WORK/threads.start" "$WORK/threads.end"
echo "by thread (ticks, ms of CPU and times run over the sample; a trailing number dropped):"
# Threads that existed at both ends; one made during the sample counts from 0.
awk 'NR == FNR {t[$1] = $2; r[$1] = $3; s[$1] = $4; next}
     {name = $5; sub(/[-_#]?[0-9]+$/, "", name); ticks[name] += $2 - t[$1]; run[name] += $3 - r[$1]; runs[name] += $4 - s[$1]}
     END {for (n in run) if (runs[n] > 0) printf "  %5d %8.1f ms %6d  %s\n", ticks[n], run[n] / 1e6, runs[n], n}' \
  "$WORK/threads.start" "$WORK/threads.end" | sort -k2 -rn
