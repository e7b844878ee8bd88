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
