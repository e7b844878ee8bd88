# Sourced by the bench scripts: start_daemon NAME starts the daemon of $STIGMER_HOME with $CONFIG
# through $STIGMER, waits up to 10 s for its pid file, and sets DAEMON_PID; if no daemon runs then,
# it prints what `server` said (kept in $WORK/start.out) and exits 1. NAME prefixes its messages.
start_daemon() {
  local name="$1"
  "$STIGMER" server --config "$CONFIG" >"$WORK/start.out" 2>&1 || true
  for _ in $(seq 1 50); do
    [[ -s "$STIGMER_HOME/run/daemon.pid" ]] && break
    sleep 0.2
  done
  DAEMON_PID="$(cat "$STIGMER_HOME/run/daemon.pid" 2>/dev/null || true)"
  if [[ -z "$DAEMON_PID" ]] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
    echo "$name: the daemon did not start:" >&2
    cat "$WORK/start.out" >&2
    exit 1
  fi
}

# sleepers_config COUNT PORT [PERIOD [LAUNCHES]] writes $CONFIG: COUNT `sleep` components on JMX port
# PORT, each with a `process` liveness probe every PERIOD seconds when PERIOD is given and not empty,
# and daemon.maxConcurrentLaunches LAUNCHES when given.
sleepers_config() {
  local count="$1" port="$2" period="${3:-}" launches="${4:-}"
  {
    echo "daemon:"
    echo "  jmx: { host: 127.0.0.1, port: $port }"
    [[ -n "$launches" ]] && echo "  maxConcurrentLaunches: $launches"
    echo "components:"
    for i in $(seq 1 "$count"); do
      echo "  sleeper-$i:"
      echo "    process: { command: [sleep, '100000'] }"
      [[ -n "$period" ]] && echo "    probes: { liveness: { period: ${period}s, checks: [ { process: {} } ] } }"
    done
    true
  } >"$CONFIG"
}

# zero_backoff_config FILE PORT COMPONENT MAX_RESTARTS COMMAND writes FILE: one component on JMX port
# PORT whose COMMAND (a YAML list) is restarted at once after each end (backoff 0s), MAX_RESTARTS
# in the default window.
zero_backoff_config() {
  cat >"$1" <<YAML
daemon:
  jmx: { host: 127.0.0.1, port: $2 }
components:
  $3:
    process: { command: $5 }
    restart: { maxRestarts: $4, backoff: { initial: 0s, multiplier: 1.0, max: 0s } }
YAML
}

# stop_bench_daemon NAME: stops the daemon of $DAEMON_PID through `server stop`, and with SIGKILL
# if it is still there after 60 s.
stop_bench_daemon() {
  local name="$1"
  if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    "$STIGMER" server stop --config "$CONFIG" >/dev/null 2>&1 || true
    for _ in $(seq 1 300); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$DAEMON_PID" 2>/dev/null; then
      echo "$name: the daemon did not stop; killing pid $DAEMON_PID" >&2
      kill -KILL "$DAEMON_PID" 2>/dev/null || true
    fi
  fi
}

# stop_daemon NAME: the trap of the sleeper benchmarks: stop_bench_daemon, then removes $WORK and
# exits with the status the script was leaving with.
stop_daemon() {
  local rc=$?
  trap - EXIT INT TERM
  stop_bench_daemon "$1"
  rm -rf "$WORK"
  exit "$rc"
}
