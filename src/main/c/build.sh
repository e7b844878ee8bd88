#!/usr/bin/env bash
# Builds the native launcher, src/main/c/stigmer-launch.c, into TARGET_DIR/stigmer-launch-ARCH (ARCH
# as Java names it: amd64, aarch64), statically linked where the C library allows it. Run by Maven
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
flags=(-O2 -Wall -Wextra -o "$out.tmp" "$src")
if ! "$cc" -static "${flags[@]}" 2>/dev/null && ! "$cc" "${flags[@]}"; then
  echo "stigmer-launch: $cc could not build $src; launches into a cgroup use Perl instead"
  rm -f "$out" "$out.tmp"
  exit 0
fi
chmod 0755 "$out.tmp"
mv -f "$out.tmp" "$out"
