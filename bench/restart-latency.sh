#!/usr/bin/env bash
# restart-latency.sh: SIGKILL of a component → its new instance exec'd, with the least restart delay.
#
# Starts a private daemon (its own STIGMER_HOME and JMX port) with one `sleep` component whose
# backoff is 0s (restart at once) and whose restart limit is out of reach, then KILLS times: takes
# the component's pid, SIGKILLs it, and polls /proc every 0.2 ms until a new process runs the same
# `sleep` argument; the time from the kill to that moment is one figure. Waits PAUSE seconds between
# kills (an idle spell, as between real crashes). Prints the median, min and max, and the load average.
# Stops the daemon and removes the home at the end, also on Ctrl-C.
#
#   bench/restart-latency.sh [--kills N] [--pause S] [--jmx-port N]
#
# Defaults: --kills 20, --pause 1, --jmx-port 50397.
set -euo pipefail
# shellcheck source=daemon-start.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/daemon-start.sh"
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STIGMER="$ROOT/bin/stigmer"

KILLS=20 PAUSE=1 JMX_PORT=50397
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) KILLS="$2"; shift 2 ;;
    --pause) PAUSE="$2"; shift 2 ;;
    --jmx-port) JMX_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restart-latency: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if (exec 3<>"/dev/tcp/127.0.0.1/$JMX_PORT") 2>/dev/null; then
  echo "restart-latency: port $JMX_PORT is in use; choose another with --jmx-port" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stigmer-restart.XXXXXX")"
export STIGMER_HOME="$WORK/home"
CONFIG="$WORK/stigmer.yaml"
DAEMON_PID=""
TAG="$(( 6200000 + RANDOM ))"
cat >"$CONFIG" <<YAML
daemon:
  jmx: { host: 127.0.0.1, port: $JMX_PORT }
components:
  victim:
    process: { command: [sleep, '$TAG'] }
    restart: { maxRestarts: 100000, backoff: { initial: 0s, multiplier: 1.0, max: 0s } }
YAML

trap "stop_daemon restart-latency" EXIT
trap 'exit 130' INT TERM

start_daemon restart-latency
/usr/bin/python3 - "$TAG" "$KILLS" "$PAUSE" <<'PY'
import os, signal, statistics, sys, time
tag, kills, pause = sys.argv[1].encode(), int(sys.argv[2]), float(sys.argv[3])

def runs_tag(pid):
    try:
        argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        return len(argv) > 1 and argv[1] == tag and argv[0].endswith(b"sleep")
    except OSError:
        return False

def find(exclude=None, limit=30.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        for p in os.listdir("/proc"):
            if p.isdigit() and int(p) != exclude and runs_tag(p):
                return int(p)
        time.sleep(0.0002)
    sys.exit(f"restart-latency: no `sleep {tag.decode()}` within {limit:.0f} s")

times = []
pid = find()
for _ in range(kills):
    time.sleep(pause)
    known = set(os.listdir("/proc"))
    t0 = time.perf_counter()
    os.kill(pid, signal.SIGKILL)
    new = None
    while new is None:
        for p in os.listdir("/proc"):
            if p not in known and p.isdigit() and runs_tag(p):
                new = int(p)
                break
        if time.perf_counter() - t0 > 30:
            sys.exit("restart-latency: no new instance within 30 s")
    times.append((time.perf_counter() - t0) * 1000)
    pid = new
times.sort()
print(f"restart-latency: SIGKILL -> new pid, {kills} kills {pause:g} s apart: median {statistics.median(times):.1f} ms"
      f" (min {times[0]:.1f}, max {times[-1]:.1f}); load average {open('/proc/loadavg').read().split()[:3]}")
PY
