#!/usr/bin/env bash
# Makes sure Debian's Chromium is there for the e2e tests (Playwright never downloads a browser here), and Debian's
# Vulkan loader (libvulkan1) for WebGPU in Node: the `webgpu` package (Dawn) reaches Chromium's SwiftShader through it
# (src/cli/nodeWebgpu.ts). The loader is optional: without it the Node WebGPU tests are skipped and say why.
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
if [ ! -x "$bin" ]; then missing+=(chromium); fi
if command -v dpkg-query >/dev/null && ! dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q 'ok installed'; then
  missing+=(libvulkan1)
fi
if [ ${#missing[@]} = 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the tests…"
  apt-get update -qq
  if [[ " ${missing[*]} " = *" chromium "* ]]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
  # The loader alone: its recommended mesa-vulkan-drivers would add lavapipe, which Dawn turns down with warnings.
  if [[ " ${missing[*]} " = *" libvulkan1 "* ]]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1 >/dev/null; fi
  exit 0
fi
if [ -x "$bin" ]; then
  echo "WebGPU in Node needs Debian's 'libvulkan1' (sudo apt-get install libvulkan1); its tests are skipped without it." >&2
  exit 0
fi
echo "The e2e tests need Chromium at $bin. Install Debian's 'chromium' package (sudo apt-get install chromium)," >&2
echo "or set CHROMIUM_PATH to a Chromium binary." >&2
exit 1
