#!/usr/bin/env bash
# cold-start.sh: how fast the daemon comes up, and how fast it brings up many components.
#
#   bench/cold-start.sh [--components N] [--reps R] [--port P] [--limit L] [--no-cds] [--background]
#
# Each rep starts `bin/stigmer server --foreground` of this checkout in a fresh temporary
# STIGMER_HOME with N components `process: { command: [/usr/bin/sleep, TAG] }` (default 200, no
# dependencies, no probes, the launch limit at its default unless --limit L), and prints, from the
# moment the JVM is started:
#   jmx      the daemon answers over JMX: its connector is served ("JMX connector listening" in daemon.log)
#   started  the daemon's start line (launches begin)
#   running  all N `sleep TAG` processes are seen in /proc (20 ms poll, as the peers harness does)
#   last     the last "Component started" line (all N Running), and `last - jmx`
# then stops the daemon (SIGTERM) and removes the home. A first rep after a build also makes the
# daemon's class-data archive (bin/stigmer does, once per build): that rep is marked "archive made".
# --no-cds runs the daemon without it (STIGMER_DAEMON_CDS=off). JMX port: 52099 unless --port.
# --background times `bin/stigmer server --config FILE` instead (what an operator and the peers
# harness run: the client's checks, the daemon started in the background, the status printed), from
# the command's start, and adds when it returned; the daemon is then stopped by the pid in run/.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
N=200 REPS=5 PORT=52099 LIMIT="" CDS=on MODE=foreground
while [[ $# -gt 0 ]]; do
  case "$1" in
    --components) N="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --limit) LIMIT="$2"; shift 2 ;;
    --no-cds) CDS=off; shift ;;
    --background) MODE=background; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cold-start: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ss -ltn "( sport = :$PORT )" 2>/dev/null | grep -q LISTEN; then
  echo "cold-start: port $PORT is taken (another run?); give --port" >&2
  exit 1
fi
echo "cold-start: $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), $N components, limit ${LIMIT:-default}, daemon CDS $CDS, $MODE, $(git -C "$ROOT" log -1 --format=%h 2>/dev/null || echo '?')"
STIGMER_DAEMON_CDS="$CDS" exec /usr/bin/python3 - "$ROOT" "$N" "$REPS" "$PORT" "$LIMIT" "$MODE" <<'EOF'
import json, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time
from datetime import datetime
root, n, reps, port, limit, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
tags = [str(6300001 + i) for i in range(n)]
want = set(tags)

def sleeps():
    found = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if len(argv) >= 2 and argv[0].endswith(b"sleep") and argv[1].decode(errors="replace") in want:
            found.add(argv[1].decode())
    return found

def stamp(line):
    return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()

if sleeps():
    sys.exit("cold-start: sleeps of an earlier run are still alive")
rows = []
for rep in range(1, reps + 1):
    home = tempfile.mkdtemp(prefix="stigmer-cold-")
    conf = os.path.join(home, "conf.yaml")
    daemon = {"jmx": {"host": "127.0.0.1", "port": port}, "http": {"enabled": False}}
    if limit:
        daemon["maxConcurrentLaunches"] = int(limit)
    with open(conf, "w") as f:
        json.dump({"daemon": daemon, "components": {f"s{t}": {"process": {"command": ["/usr/bin/sleep", t]}} for t in tags}}, f)
    home_dir = os.path.join(home, "home")
    env = dict(os.environ, STIGMER_HOME=home_dir)
    def archives():
        t = os.path.join(root, "target")
        return {a: os.stat(os.path.join(t, a)).st_mtime for a in os.listdir(t) if a.startswith("stigmer-daemon-") and a.endswith(".jsa")}
    before = archives()
    t0 = time.time()
    command = [os.path.join(root, "bin", "stigmer"), "server"] + (["--foreground"] if mode == "foreground" else []) + ["--config", conf]
    proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    running = returned = None
    # In the background mode the command may return before or after all are running: wait for both.
    while time.time() - t0 < 120:
        if mode == "background" and returned is None and proc.poll() is not None:
            returned = time.time() - t0
        elif mode == "foreground" and proc.poll() is not None:
            break
        if running is None and want <= sleeps():
            running = time.time() - t0
        if running is not None and (mode == "foreground" or returned is not None):
            break
        if mode == "background" and returned is not None and proc.returncode != 0:
            break
        time.sleep(0.02)
    if mode == "background":
        proc.wait(60)
        returned = returned or time.time() - t0
        daemon_pid = int(open(os.path.join(home_dir, "run", "daemon.pid")).read().strip())
    time.sleep(0.5)
    log = open(os.path.join(home_dir, "logs", "daemon.log")).read().splitlines()
    jmx = next((stamp(l) - t0 for l in log if "JMX connector listening" in l), None)
    started = next((stamp(l) - t0 for l in log if "daemon started (pid" in l), None)
    done = [stamp(l) - t0 for l in log if "Component started" in l]
    last = max(done) if len(done) == n else None
    made = archives() != before
    if mode == "background":
        os.kill(daemon_pid, signal.SIGTERM)
        for _ in range(600):
            if not os.path.exists(f"/proc/{daemon_pid}"):
                break
            time.sleep(0.1)
    else:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(home, ignore_errors=True)
    f = lambda v: "—" if v is None else f"{v:.3f}"
    print(f"rep {rep}: jmx {f(jmx)} s, started {f(started)} s, running {f(running)} s, last Running {f(last)} s, "
          + (f"command returned {f(returned)} s, " if mode == "background" else "") +
          f"jmx → last Running {f(None if last is None or jmx is None else last - jmx)} s{' (archive made)' if made else ''}",
          flush=True)
    if not made:
        rows.append((jmx, running, None if last is None or jmx is None else last - jmx, returned))
    time.sleep(2)
def rng(i):
    v = sorted(r[i] for r in rows if r[i] is not None)
    return "—" if not v else f"median {statistics.median(v):.2f} s (min {v[0]:.2f}, max {v[-1]:.2f}, {len(v)} reps)"
start = "daemon start" if mode == "foreground" else "bin/stigmer server"
print(f"{start} → JMX answers: {rng(0)}")
print(f"{start} → all {n} running: {rng(1)}")
print(f"JMX answers → all {n} Running: {rng(2)}")
if mode == "background":
    print(f"command → returned: {rng(3)}")
print(f"load average now {open('/proc/loadavg').read().split()[:3]}")
EOF
