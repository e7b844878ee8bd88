#!/usr/bin/env bash
# side-by-side.sh: stigmer measured beside PM2 and supervisord in one run, on one machine, by the
# shared peers harness (../shared/peers, its README says what each phase measures).
#
#   bench/side-by-side.sh [--peers "supervisord pm2 stigmer"] [--before DIR] [--phases a,c,d,e,f]
#                         [--reps N] [--harness DIR]
#
# Every row of the performance table comes from here: (a) SIGKILL → new pid with the smallest
# restart delay, and SIGKILL → Unhealthy from the daemon's log; (b) the crash loop at the defaults;
# (c) RSS with 3 and 200 components (plain, and each with a `process` liveness probe at 10 s);
# (d) idle CPU of the 200; (e) `bin/stigmer server status` beside `pm2 jlist` and
# `supervisorctl status`; (f) cold start → 200 running.
#
# --before DIR also measures another built checkout (say, the previous release) in the same run,
# as a second stigmer column. The harness is copied to a temporary folder first (it writes raw/
# and node_modules/ beside itself; ../shared is read-only). The table is printed at the end and
# kept with the raw JSON under the harness copy, whose path is printed.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
PEERS="supervisord pm2 stigmer" BEFORE="" PHASES="a,c,d,e,f" REPS=5 HARNESS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --peers) PEERS="$2"; shift 2 ;;
    --before) BEFORE="$(cd "$2" && pwd)"; shift 2 ;;
    --phases) PHASES="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --harness) HARNESS="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z "$HARNESS" ]]; then
  [[ -d "$ROOT/../shared/peers" ]] || { echo "side-by-side: no harness at $ROOT/../shared/peers (give --harness DIR)" >&2; exit 2; }
  HARNESS="$(mktemp -d)/peers"
  cp -r "$ROOT/../shared/peers" "$HARNESS"
fi
for dir in "$ROOT" ${BEFORE:+"$BEFORE"}; do
  (cd "$dir" && mvn -B -q -DskipTests package >/dev/null) \
    || { echo "side-by-side: the build of $dir failed" >&2; exit 1; }
  # The first daemon after a build makes the daemon's class-data archive (a training run of a few
  # seconds): made here, so that no measured start pays for it. A config that does not exist ends
  # that daemon right after (exit 2); a checkout without the archive just fails to start it.
  prime_home="$(mktemp -d)"
  STIGMER_HOME="$prime_home/home" timeout 90 "$dir/bin/stigmer" server --foreground --config "$prime_home/none.yaml" \
    >/dev/null 2>&1 || true
  rm -rf "$prime_home"
done
"$HARNESS/setup.sh" >/dev/null
ts=$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$HARNESS/raw"
echo "side-by-side: $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), peers: $PEERS${BEFORE:+, and $BEFORE}"
files=()
for peer in $PEERS; do
  STIGMER_INSTALL_DIR="$ROOT" /usr/bin/python3 "$HARNESS/bench.py" "$peer" --phases "$PHASES" --reps "$REPS" \
    --out "$HARNESS/raw/$peer-$ts.json" > "$HARNESS/raw/$peer-$ts.log" 2>&1
  files+=("$HARNESS/raw/$peer-$ts.json")
done
if [[ -n "$BEFORE" ]]; then
  STIGMER_INSTALL_DIR="$BEFORE" /usr/bin/python3 "$HARNESS/bench.py" stigmer --phases "$PHASES" --reps "$REPS" \
    --out "$HARNESS/raw/stigmer-before-$ts.json" > "$HARNESS/raw/stigmer-before-$ts.log" 2>&1
  files+=("$HARNESS/raw/stigmer-before-$ts.json")
fi
echo "side-by-side: done $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$HARNESS/summarize.py" "${files[@]}" | tee "$HARNESS/raw/table-$ts.md"
echo "side-by-side: raw results and the table in $HARNESS/raw"
