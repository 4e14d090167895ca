#!/usr/bin/env bash
# Installs what sqlml needs on a fresh Debian 12 machine (run as root): the Debian packages for the
# R and Python runtimes and the sandbox, then the npm dependencies, then the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
# xvfb: the X display the desktop VS Code tests (test/e2e/electron.test.ts) run in.
# openssl makes the TDS endpoint's certificate; python3-pymssql, python3-pyodbc with tdsodbc (FreeTDS
# ODBC, registered as "FreeTDS") and freetds-bin (tsql) are the TDS clients of test/integration/tds;
# r-cran-rodbc is R's ODBC for the loopback. The rest are the packages Microsoft's ML Services
# tutorials import (scikit-learn, matplotlib, scipy, statsmodels; R's e1071, rpart, ggplot2): Debian's
# builds, under /usr, which every sandbox sees read-only.
packages=(python3-pandas python3-pyflakes python3-sklearn r-base-core bubblewrap xvfb openssl python3-pymssql python3-pyodbc tdsodbc freetds-bin r-cran-rodbc
  python3-matplotlib python3-scipy python3-statsmodels r-cran-e1071 r-cran-rpart r-cran-ggplot2)
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
