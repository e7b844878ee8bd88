#!/usr/bin/env bash
# Builds the native launcher, src/main/c/stigmer-launch.c, into TARGET_DIR/stigmer-launch-ARCH (ARCH
# as Java names it: amd64, aarch64), statically linked: on amd64 without the C library (its start-up
# costs a launch about 0.7 ms in a virtual machine, see the source), elsewhere on it. Run by Maven
# (process-classes). Where there is no C compiler it builds nothing and says so: instances are then
# born in their cgroup through a short Perl program instead (BornInCgroup.java), about 1 ms slower.
#
#   src/main/c/build.sh TARGET_DIR ARCH
set -u
src="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/stigmer-launch.c"
out="$1/stigmer-launch-$2"
if [[ -x "$out" && "$out" -nt "$src" && "$out" -nt "${BASH_SOURCE[0]}" ]]; then
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
built=""
if [[ "$2" == amd64 ]] && "$cc" -DSTIGMER_FREESTANDING -static -nostdlib -ffreestanding -fno-builtin \
    -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-pie -no-pie -O2 -Wall -Wextra \
    -o "$tmp" "$src"; then
  built=freestanding
elif "$cc" -static -O2 -Wall -Wextra -o "$tmp" "$src"; then
  built=libc
fi
if [[ -z "$built" ]]; then
  echo "stigmer-launch: $cc could not build $src statically (libc6-dev?); launches into a cgroup use Perl instead"
  rm -f "$out" "$tmp"
  exit 0
fi
chmod 0755 "$tmp"
mv -f "$tmp" "$out"
