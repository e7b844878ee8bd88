#!/usr/bin/env bash
# Prepares this machine for the Docker tests and for the agent-runner component: installs the
# Docker engine and busybox-static when missing, starts dockerd when no engine answers on
# /var/run/docker.sock, waits until it answers, and builds the stigmer/agent-runner:local image.
# Idempotent; runs as root. Registries are not needed: the image is built from the local busybox.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
socket=/var/run/docker.sock
log=/var/log/stigmer-dockerd.log
pidfile=/run/stigmer-dockerd.pid

engine_answers() {
    DOCKER_HOST=unix://$socket timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
    echo "docker-setup: installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# True while a dockerd we know of lives (not a zombie): the one of the pid file or the one this
# script started (before it has written its pid file). It may still be starting.
started=
our_dockerd_lives() {
    local pid
    for pid in $(cat "$pidfile" 2>/dev/null) $started; do
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] \
            && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
            return 0
        fi
    done
    return 1
}

if ! engine_answers; then
    for _ in $(seq 1 60); do
        if ! our_dockerd_lives; then
            # A pid file left by an engine that was killed would stop dockerd from starting.
            rm -f "$pidfile"
            echo "docker-setup: starting dockerd (log $log)"
            # setsid: the engine outlives this script and is not in the caller's process group.
            setsid dockerd --host "unix://$socket" --pidfile "$pidfile" >>"$log" 2>&1 < /dev/null &
            started=$!
        fi
        sleep 1
        engine_answers && break
    done
    if ! engine_answers; then
        echo "docker-setup: dockerd did not answer on $socket within 60 s; last lines of $log:" >&2
        tail -n 20 "$log" >&2 || true
        exit 1
    fi
fi
echo "docker-setup: Docker $(docker version --format '{{.Server.Version}}') answers on $socket"

"$repo/bin/stigmer-build-agent-image"
