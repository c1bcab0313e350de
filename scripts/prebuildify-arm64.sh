#!/usr/bin/env bash
# Cross-compiles every target of binding.gyp for linux-arm64 with Debian's aarch64-linux-gnu
# toolchain and writes the addon to prebuilds/linux-arm64/ (`npm run prebuildify:arm64`).
#
# It runs `npm run prebuildify` itself (so the flags stay those of the x64 prebuild) with
# `--arch arm64`, in a temporary copy of the sources: build/ of the working tree keeps the host
# build the tests load. It fails on any compiler or linker warning, and unless every ELF file built
# (the addon and any helper executable) and every file in prebuilds/linux-arm64/ is AArch64.
# Node's headers are the same for every architecture, so those of the host's Node serve.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/arm64-toolchain.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/tethered-arm64-XXXXXX")
trap 'rm -rf "$work"' EXIT
# The sources as in the working tree, without build output (binding.gyp may name any of them).
tar -C "$root" --exclude=./node_modules --exclude=./build --exclude=./lib --exclude=./prebuilds \
  --exclude=./.git --exclude=./.cache --exclude='*.tgz' -cf - . | tar -C "$work" -xf -
ln -s "$root/node_modules" "$work/node_modules"

triple=aarch64-linux-gnu
export CC=$triple-gcc CXX=$triple-g++ AR=$triple-ar STRIP=$triple-strip
if ! npm run --silent prebuildify -- --arch arm64 --strip-bin "$STRIP" --cwd "$work" \
  --out "$root" >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "prebuildify-arm64: the cross build failed" >&2
  exit 1
fi
if grep -E '(^|: )warning:' "$work/build.log" >&2; then
  echo "prebuildify-arm64: the cross build has warnings (see above)" >&2
  exit 1
fi

# The tree-mode guardian beside the addon: the fallback to the copy embedded in it.
cp "$work/build/Release/tethered-guardian" "$root/prebuilds/linux-arm64/tethered-guardian"

checked=0
for file in "$work"/build/Release/* "$root"/prebuilds/linux-arm64/*; do
  [[ -f $file ]] || continue
  header=$($triple-readelf -h "$file" 2>/dev/null) || continue # not an ELF file
  if ! grep -qE 'Machine:[[:space:]]+AArch64' <<<"$header"; then
    echo "prebuildify-arm64: $file is not AArch64:" >&2
    grep 'Machine:' <<<"$header" >&2
    exit 1
  fi
  checked=$((checked + 1))
done
if [[ ! -f $root/prebuilds/linux-arm64/tethered.glibc.node ]]; then
  echo "prebuildify-arm64: prebuilds/linux-arm64/tethered.glibc.node was not written" >&2
  exit 1
fi
echo "prebuildify-arm64: prebuilds/linux-arm64/ written; $checked ELF files checked: AArch64"
ls prebuilds/linux-arm64
