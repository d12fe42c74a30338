#!/usr/bin/env bash
# Renders the app icon's one source, build-resources/icon.svg, to the sizes of the
# freedesktop icon theme as build-resources/icons/NxN.png (or into the directory given).
# electron-builder installs each as hicolor/NxN/apps/shm-inspector.png (deb, rpm,
# AppImage); given a single PNG it would not resize it, only ship that one size.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build-resources/icons}"
if ! command -v rsvg-convert > /dev/null; then
  echo "render-icons: rsvg-convert is missing; install it with: apt-get install librsvg2-bin" >&2
  exit 1
fi
mkdir -p "$out"
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" --output "$out/${size}x${size}.png" "$root/build-resources/icon.svg"
done
