#!/usr/bin/env bash
# Builds the native launcher, src/main/c/stigmer-launch.c, into TARGET_DIR/stigmer-launch-ARCH (ARCH
# as Java names it: amd64, aarch64), statically linked. Run by Maven
# (process-classes). Where there is no C compiler it builds nothing and says so: instances are then
# born in their cgroup through a short Perl program instead (BornInCgroup.java), about 1 ms slower.
#
#   src/main/c/build.sh TARGET_DIR ARCH
set -u
src="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/stigmer-launch.c"
out="$1/stigmer-launch-$2"
if [[ -x "$out" && "$out" -nt "$src" ]]; then
  exit 0
fi
mkdir -p "$1"
cc="$(command -v cc || command -v gcc || true)"
if [[ -z "$cc" ]]; then
  echo "stigmer-launch: no C compiler (cc); launches into a cgroup use Perl instead"
  rm -f "$out"
  exit 0
fi
# Static only: the launcher travels in the release archive, and a dynamic one could fail to load
# elsewhere (a launch that fails) where Perl would have worked.
tmp="$(mktemp "$out.XXXXXX")"
if ! "$cc" -static -O2 -Wall -Wextra -o "$tmp" "$src"; then
  echo "stigmer-launch: $cc could not build $src statically (libc6-dev?); launches into a cgroup use Perl instead"
  rm -f "$out" "$tmp"
  exit 0
fi
chmod 0755 "$tmp"
mv -f "$tmp" "$out"
