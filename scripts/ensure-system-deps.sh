#!/usr/bin/env bash
# Makes sure the system packages the tests use are installed: a real PulseAudio daemon
# and its tools, sox to make audio, lsof for the benchmark's comparison, a C compiler
# for the benchmark's baseline, rsvg-convert for the packaging test's icon set. On
# Debian/Ubuntu as root it installs them; elsewhere it stops with the exact command.
set -euo pipefail

declare -A package_of=(
  [pulseaudio]=pulseaudio
  [pactl]=pulseaudio-utils
  [paplay]=pulseaudio-utils
  [sox]=sox
  [lsof]=lsof
  [unshare]=util-linux
  [gcc]=gcc
  [python3]=python3
  [chromium]=chromium
  [rsvg-convert]=librsvg2-bin
)

missing=()
for command in "${!package_of[@]}"; do
  command -v "$command" > /dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null 2>&1; then
  echo "Installing system packages for the tests: $packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages
else
  echo "The tests need these system packages: $packages" >&2
  echo "Install them with: sudo apt-get install -y $packages" >&2
  exit 1
fi
