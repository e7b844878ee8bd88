#!/usr/bin/env bash
# Chaos soak: runs a daemon of this install with a generated config (short timings, free loopback
# ports, a temporary STIGMER_HOME) and, for DURATION, causes faults at random: SIGKILL and
# SIGSTOP/SIGCONT of components, kill -9 of the daemon and a restart of it, a restart of a private
# Docker engine, a squatter on a component's port, and a crash-looping component. It checks its
# invariants all along and at the end (ai.stigmer.bench.chaos.ChaosSoak), stops the daemon, checks
# that nothing is left, cleans up, and prints
#   chaos: N faults, 0 lost, 0 duplicate, 0 orphan, 0 wrong-pid
# Exit 0 only without any violation; each violation is printed.
#   usage: bench/chaos.sh DURATION [--seed N] [--self-test]     (DURATION: 120s, 30m, ...)
# --self-test injects violations of its own (a stray marked process, an unrecorded kill, a forged
# signal line) and must then exit 1 naming them: it shows that the invariants can fail.
# The Docker faults need root, dockerd and unshare (a private engine in its own network namespace;
# the machine's engine is never touched); without them they are skipped, and the run says so.
set -euo pipefail
INSTALL="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

usage() { echo "usage: bench/chaos.sh DURATION [--seed N] [--self-test]   (DURATION such as 120s or 30m)" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
DURATION="$1"; shift
[[ "$DURATION" =~ ^[0-9]+(ms|s|m|h)$ ]] || { echo "chaos: DURATION must be a number with a unit (120s, 30m), found '$DURATION'" >&2; usage; }
ARGS=(--duration "$DURATION")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) [[ $# -ge 2 && "$2" =~ ^-?[0-9]+$ ]] || { echo "chaos: --seed needs a number" >&2; usage; }; ARGS+=(--seed "$2"); shift 2 ;;
    --self-test) ARGS+=(--self-test); shift ;;
    *) echo "chaos: unknown argument '$1'" >&2; usage ;;
  esac
done

# The checker runs from the test classes; build them once if needed (not during the soak).
if [[ ! -f "$INSTALL/target/test-classes/ai/stigmer/bench/chaos/ChaosSoak.class" || ! -d "$INSTALL/target/lib" \
      || -n "$(find "$INSTALL/src" "$INSTALL/pom.xml" -newer "$INSTALL/target/test-classes/ai/stigmer/bench/chaos/ChaosSoak.class" -name '*.java' -print -quit 2>/dev/null)" ]]; then
  echo "chaos: building $INSTALL (test classes)..."
  mvn -B -q -o -DskipTests -f "$INSTALL/pom.xml" test-compile >"$INSTALL/target/chaos-build.log" 2>&1 \
    || mvn -B -q -DskipTests -f "$INSTALL/pom.xml" test-compile >"$INSTALL/target/chaos-build.log" 2>&1 \
    || { cat "$INSTALL/target/chaos-build.log" >&2; echo "chaos: the build failed" >&2; exit 1; }
fi

WORK="$(mktemp -d /tmp/stigmer-chaos.XXXXXX)" # short: dockerd's sockets below it stay under 108 bytes
HOME_DIR="$WORK/home"
mkdir -m 700 "$HOME_DIR"
ENGINE="$WORK/engine"
DOCKERD_PID=
KEEP="${STIGMER_CHAOS_KEEP:-}"

# A private engine: its own socket, data root, exec root (so its own containerd) and network
# namespace (with --bridge none dockerd would otherwise delete the host's docker0); --live-restore
# keeps containers running while it restarts, as on a production host.
engine_start() {
  rm -f "$ENGINE/pid"
  setsid unshare --net dockerd --host "unix://$ENGINE/docker.sock" --data-root "$ENGINE/data" \
    --exec-root "$ENGINE/exec" --pidfile "$ENGINE/pid" --bridge none --iptables=false --ip6tables=false \
    --ip-masq=false --live-restore >>"$ENGINE/dockerd.log" 2>&1 </dev/null &
  DOCKERD_PID=$!
  echo "$DOCKERD_PID" > "$ENGINE/launcher.pid"
  for _ in $(seq 1 600); do
    DOCKER_HOST="unix://$ENGINE/docker.sock" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
# The pid of our dockerd: the one its pid file names, if that process is a dockerd.
engine_pid() {
  local pid
  pid=$(cat "$ENGINE/pid" 2>/dev/null || true)
  [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]] && echo "$pid"
}
engine_stop() {
  local pid
  pid=$(engine_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 600); do [[ -e "/proc/$pid" && "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  if [[ -f "$HOME_DIR/run/daemon.lock" ]]; then
    STIGMER_HOME="$HOME_DIR" DOCKER_HOST="unix://$ENGINE/docker.sock" "$INSTALL/bin/stigmer" server stop \
      --config "$WORK/chaos.yaml" >/dev/null 2>&1
  fi
  if [[ -n "$(engine_pid)" ]]; then
    DOCKER_HOST="unix://$ENGINE/docker.sock" docker ps -aq 2>/dev/null | xargs -r env DOCKER_HOST="unix://$ENGINE/docker.sock" docker rm -f >/dev/null 2>&1
    engine_stop
  fi
  grep -qs " $ENGINE/data " /proc/self/mounts && umount "$ENGINE/data" 2>/dev/null
  grep -qs " $ENGINE/exec" /proc/self/mounts && grep " $ENGINE/exec" /proc/self/mounts | awk '{print $2}' | sort -r | xargs -r umount 2>/dev/null
  if [[ -n "$KEEP" ]]; then echo "chaos: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Called by the checker for the engine-restart fault: `chaos.sh DURATION` writes this script.
ENGINE_ARGS=()
if [[ "$(id -u)" != 0 ]] || ! command -v dockerd >/dev/null || ! command -v unshare >/dev/null || ! command -v docker >/dev/null; then
  echo "chaos: Docker faults skipped: a private dockerd needs root, dockerd, unshare and the docker CLI"
else
  mkdir -p "$ENGINE"
  if ! engine_start; then
    echo "chaos: Docker faults skipped: the private dockerd did not answer within 60 s; last lines of its log:"
    tail -n 5 "$ENGINE/dockerd.log" | sed 's/^/  /'
    engine_stop
  elif ! DOCKER_HOST="unix://$ENGINE/docker.sock" "$INSTALL/bin/stigmer-build-agent-image" >"$ENGINE/image.log" 2>&1; then
    echo "chaos: Docker faults skipped: could not build the agent image offline: $(tail -n 1 "$ENGINE/image.log")"
    engine_stop
  else
    {
      echo '#!/usr/bin/env bash'
      echo 'set -euo pipefail'
      declare -f engine_start engine_pid engine_stop
      echo "ENGINE=$ENGINE"
      echo 'engine_stop; engine_start'
    } > "$WORK/engine-restart.sh"
    chmod 755 "$WORK/engine-restart.sh"
    ENGINE_ARGS=(--docker-host "unix://$ENGINE/docker.sock" --engine-restart "$WORK/engine-restart.sh")
  fi
fi

# The daemon, its components and the checker run from a copy of the build, so that a rebuild
# during the soak does not pull classes from under them (STIGMER_CLASSPATH: bin/stigmer and the
# components' launchers use it, and the daemon passes it on); and they share nothing with the
# machine's other daemons: their own home, loopback ports chosen free by the checker, their own engine.
mkdir "$WORK/build"
cp -r "$INSTALL/target/classes" "$INSTALL/target/test-classes" "$INSTALL/target/lib" "$WORK/build/"
export STIGMER_CLASSPATH="$WORK/build/classes:$WORK/build/lib/*"
# In the background, so that an INT or TERM ends the checker at once and the cleanup runs.
STIGMER_HOME="$HOME_DIR" java -cp "$WORK/build/test-classes:$STIGMER_CLASSPATH" \
  ai.stigmer.bench.chaos.ChaosSoak --install "$INSTALL" --home "$HOME_DIR" --work "$WORK" "${ENGINE_ARGS[@]}" "${ARGS[@]}" &
CHECKER=$!
trap 'kill -TERM "$CHECKER" 2>/dev/null; wait "$CHECKER"; exit 130' INT TERM
set +e
wait "$CHECKER"
rc=$?
set -e
exit "$rc"
