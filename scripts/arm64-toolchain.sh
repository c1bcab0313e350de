#!/usr/bin/env bash
# Installs what the linux-arm64 scripts use, the way a fresh Debian or Ubuntu machine gets it, and
# only what is missing (a second run installs nothing):
#
#   scripts/arm64-toolchain.sh          # the cross compiler: g++-aarch64-linux-gnu (with its
#                                       # binutils and the arm64 glibc under /usr/aarch64-linux-gnu)
#   scripts/arm64-toolchain.sh --qemu   # also qemu-user (qemu-aarch64), for scripts/arm64-smoke.sh
#
# Needs apt-get, and root or sudo.
set -euo pipefail

packages=(g++-aarch64-linux-gnu)
if [[ ${1:-} == --qemu ]]; then packages+=(qemu-user); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi

if ! command -v apt-get >/dev/null; then
  echo "arm64-toolchain: apt-get not found; install ${missing[*]} by hand" >&2
  exit 1
fi
as_root=()
if [[ $(id -u) -ne 0 ]]; then as_root=(sudo); fi
echo "arm64-toolchain: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
