#!/usr/bin/env bash
# restart-latency.sh: SIGKILL of a component → its new instance running, with the least restart delay.
#
# The supervised program is a small static C program built here (it needs `cc`): its first act is
# to read CLOCK_MONOTONIC and append "PID NANOSECONDS" to a file named on its command line; then it
# sleeps. The benchmark reads the same clock just before each SIGKILL, so a figure is the time from
# the kill to the new instance's first instruction, with no poll in between and no core taken by a
# busy watcher (it looks at the file every 5 ms, which only decides when the next kill comes).
#
# Starts a private daemon (its own STIGMER_HOME and JMX port) with one such component whose backoff
# is 0s and whose restart limit is out of reach; with --pm2 BIN also PM2 (a private PM2_HOME, the
# same program, PM2's defaults: restart delay 0), and with --before DIR a daemon of another built
# checkout. Kills go round the supervisors in turn, PAUSE seconds apart, KILLS for each. Prints each
# one's median, min and max, and the load average; stops everything it started, also on Ctrl-C.
#
#   bench/restart-latency.sh [--kills N] [--pause S] [--pm2 BIN] [--before DIR] [--jmx-port N]
#
# Defaults: --kills 20, --pause 1, --jmx-port 50397 (--before uses that port + 10).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=daemon-start.sh
source "$ROOT/bench/daemon-start.sh"

KILLS=20 PAUSE=1 JMX_PORT=50397 PM2="" BEFORE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) KILLS="$2"; shift 2 ;;
    --pause) PAUSE="$2"; shift 2 ;;
    --pm2) PM2="$(readlink -f "$2")"; shift 2 ;;
    --before) BEFORE="$(cd "$2" && pwd)"; shift 2 ;;
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restart-latency: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v cc >/dev/null || { echo "restart-latency: needs a C compiler (cc) for its program" >&2; exit 2; }
[[ -z "$PM2" || -x "$PM2" ]] || { echo "restart-latency: --pm2 $PM2 is not an executable" >&2; exit 2; }
[[ -z "$BEFORE" || -x "$BEFORE/bin/stigmer" ]] || { echo "restart-latency: no bin/stigmer in $BEFORE" >&2; exit 2; }
for port in "$JMX_PORT" $([[ -n "$BEFORE" ]] && echo $((JMX_PORT + 10))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "restart-latency: port $port is in use; choose another with --jmx-port" >&2
    exit 1
  fi
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-restart.XXXXXX")"
STARTED=()   # "install home config" of each daemon started
PM2_HOME_DIR=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for entry in "${STARTED[@]}"; do
    IFS=$'\t' read -r install home config <<<"$entry"
    STIGMER_HOME="$home" "$install/bin/stigmer" server stop --config "$config" >/dev/null 2>&1 || true
  done
  [[ -n "$PM2_HOME_DIR" ]] && PM2_HOME="$PM2_HOME_DIR" "$PM2" kill >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$WORK/stamp.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (argc < 2) return 2;
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return 1;
    dprintf(fd, "%d %lld\n", (int) getpid(), (long long) now.tv_sec * 1000000000LL + now.tv_nsec);
    close(fd);
    for (;;) pause();
}
C
cc -O2 -static -o "$WORK/stamp" "$WORK/stamp.c" 2>/dev/null || cc -O2 -o "$WORK/stamp" "$WORK/stamp.c"

PEERS=()   # "name<TAB>stamps file[<TAB>daemon log]"
start_stigmer() { # NAME INSTALL PORT
  local name="$1" install="$2" port="$3" home="$WORK/$1-home" config="$WORK/$1.yaml"
  zero_backoff_config "$config" "$port" victim 100000 "['$WORK/stamp', '$WORK/$name.stamps', '$RANDOM']"
  STARTED+=("$install"$'\t'"$home"$'\t'"$config")
  if ! STIGMER_HOME="$home" "$install/bin/stigmer" server --config "$config" >"$WORK/$name.out" 2>&1; then
    echo "restart-latency: $name did not start:" >&2
    cat "$WORK/$name.out" >&2
    exit 1
  fi
  PEERS+=("$name"$'\t'"$WORK/$name.stamps"$'\t'"$home/logs/daemon.log")
}
start_stigmer stigmer "$ROOT" "$JMX_PORT"
[[ -n "$BEFORE" ]] && start_stigmer stigmer-before "$BEFORE" $((JMX_PORT + 10))
if [[ -n "$PM2" ]]; then
  PM2_HOME_DIR="$WORK/pm2-home"
  mkdir -p "$PM2_HOME_DIR"
  printf '{"apps": [{"name": "victim", "script": "%s", "args": ["%s", "%s"], "interpreter": "none"}]}\n' \
    "$WORK/stamp" "$WORK/pm2.stamps" "$RANDOM" >"$WORK/pm2.json"
  PM2_HOME="$PM2_HOME_DIR" "$PM2" start "$WORK/pm2.json" >"$WORK/pm2.out" 2>&1 \
    || { echo "restart-latency: PM2 did not start:" >&2; cat "$WORK/pm2.out" >&2; exit 1; }
  PEERS+=("pm2"$'\t'"$WORK/pm2.stamps")
fi

/usr/bin/python3 - "$KILLS" "$PAUSE" "${PEERS[@]}" <<'PY'
import os, signal, statistics, sys, time
kills, pause = int(sys.argv[1]), float(sys.argv[2])
peers = [entry.split("\t")[:2] for entry in sys.argv[3:]]
daemon_logs = {entry.split("\t")[0]: entry.split("\t")[2] for entry in sys.argv[3:] if len(entry.split("\t")) > 2}

def stamps(path):
    try:
        with open(path) as f:
            return [tuple(int(x) for x in line.split()) for line in f if line.endswith("\n")]
    except FileNotFoundError:
        return []

def wait_for(path, count, limit=30.0):
    end = time.monotonic() + limit
    while True:
        lines = stamps(path)
        if len(lines) >= count:
            return lines
        if time.monotonic() > end:
            sys.exit(f"restart-latency: {path}: no new instance within {limit:.0f} s")
        time.sleep(0.005)

for name, path in peers:
    wait_for(path, 1)
figures = {name: [] for name, _ in peers}
kills_at = {name: [] for name, _ in peers}  # wall-clock ms of each kill, for the daemon log's lines
for _ in range(kills):
    for name, path in peers:
        time.sleep(pause)
        lines = stamps(path)
        pid = lines[-1][0]
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        kills_at[name].append(time.time_ns() / 1e6)
        os.kill(pid, signal.SIGKILL)
        started = wait_for(path, len(lines) + 1)[len(lines)][1]
        figures[name].append((started - t0) / 1e6)
load = " ".join(open("/proc/loadavg").read().split()[:3])
print(f"restart-latency: SIGKILL -> new instance's first instruction, {kills} kills each, {pause:g} s apart, in turn; load average {load}")
for name, times in figures.items():
    times.sort()
    print(f"  {name:15s} median {statistics.median(times):6.2f} ms  (min {times[0]:.2f}, max {times[-1]:.2f})")
# SIGKILL -> the daemon's "Component marked unhealthy" line, read as ../shared/peers reads it: the
# line's time (milliseconds; read as UTC, so the machine's time zone must be UTC, as the harness
# assumes too) minus the kill's wall-clock time; the log's 1 ms steps make each figure 0.5 ms short
# on average.
import calendar, re
line_at = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) .*Component marked unhealthy")
for name, path in daemon_logs.items():
    marked = []
    for log in sorted(p for p in [path] + [f"{path}.{i}" for i in range(1, 10)] if os.path.exists(p)):
        with open(log, errors="replace") as f:
            for line in f:
                m = line_at.match(line)
                if m:
                    y, mo, d, h, mi, s, ms = (int(x) for x in m.groups())
                    marked.append(calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1000 + ms)
    marked.sort()
    lags = [next((t - k for t in marked if t >= int(k)), None) for k in kills_at[name]]
    lags = sorted(x for x in lags if x is not None)
    if lags:
        print(f"  {name:15s} SIGKILL -> 'Component marked unhealthy' line: median {statistics.median(lags):.2f} ms"
              f" (min {lags[0]:.2f}, max {lags[-1]:.2f}; log time in ms, as ../shared/peers reads it)")
PY
