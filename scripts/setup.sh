#!/usr/bin/env bash
# Installs what sqlml needs on a fresh Debian 12 machine (run as root): the Debian packages for the
# R and Python runtimes and the sandbox, then the npm dependencies, then the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
packages=(python3-pandas python3-pyflakes python3-sklearn r-base-core bubblewrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
npm run build
bash scripts/e2e-setup.sh
