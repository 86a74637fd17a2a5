#!/usr/bin/env bash
# Builds the Temporal server and its SQL tool (which carries the PostgreSQL schema inside it) from the Go module
# proxy into .tools/temporal-server/, for TEMPORAL_MODE=server. Does nothing when both binaries of this version are
# there; the version built is recorded in .tools/temporal-server/VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${TEMPORAL_SERVER_VERSION:-v1.29.1}
target=.tools/temporal-server
if [ -x "$target/server" ] && [ -x "$target/sql" ] && [ "$(cat "$target/VERSION" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
# Binaries from a build that recorded no version: keep them if they report the version asked for.
if [ -x "$target/server" ] && [ -x "$target/sql" ] &&
  "$target/server" --version 2>/dev/null | grep -q "${version#v}" &&
  "$target/sql" --version 2>/dev/null | grep -q "${version#v}"; then
  echo "$version" >"$target/VERSION"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "temporal-server: building the Temporal server needs Go (https://go.dev/dl/); or set TEMPORAL_MODE=dev" >&2
  exit 1
fi
mkdir -p "$target"
echo "temporal-server: building go.temporal.io/server $version (server and sql tool) from the Go module proxy"
started=$(date +%s)
GOBIN="$PWD/$target" go install "go.temporal.io/server/cmd/server@$version"
GOBIN="$PWD/$target" go install "go.temporal.io/server/cmd/tools/sql@$version"
echo "$version" >"$target/VERSION"
echo "temporal-server: built in $(($(date +%s) - started)) s"
"$target/server" --version
