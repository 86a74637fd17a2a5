#!/usr/bin/env bash
# Installs the real peers the tests talk to; idempotent, quiet when all is there (prints only what it does).
#   - Debian packages: python3-oscrypto python3-venv (pyas2lib), openssh-server (the SFTP tests' server); a JDK and
#     Maven only where the machine lacks them
#   - .tools/as2venv: a venv on Debian's python3 with pyas2lib 1.4.4 and Debian's oscrypto (PyPI's oscrypto 1.3.0
#     cannot detect OpenSSL 3.0.x)
#   - .tools/as2-java: test/peers/as2-java built with phax as2-lib 5.1.8 (as2-peer.jar + lib/*.jar)
#   - .tools/facturx-venv: a venv on Debian's python3 with Akretion's factur-x 7.8, a second tool that writes and
#     reads Factur-X PDFs (test/domain/factur-x.test.ts)
# Caches that survive a fresh clone: pip's cache and Maven's ~/.m2. Set INSTALL_PEERS_VERBOSE=1 to see the tools' output.
set -euo pipefail
cd "$(dirname "$0")/.."

PYAS2LIB_VERSION=1.4.4
FACTURX_VERSION=7.8
FACTURX_VENV=.tools/facturx-venv
AS2LIB_VERSION=5.1.8
VENV=.tools/as2venv
JAVA_OUT=.tools/as2-java
JAVA_SRC=test/peers/as2-java

log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() {
  echo "install-peers: $*" >&2
  if [ -s "$log" ]; then
    echo "--- last output ---" >&2
    tail -n 40 "$log" >&2
  fi
  exit 1
}
run() {
  if [ "${INSTALL_PEERS_VERBOSE:-}" = 1 ]; then
    "$@" 2>&1 | tee -a "$log"
    return "${PIPESTATUS[0]}"
  fi
  "$@" >>"$log" 2>&1
}

# --- Debian packages ------------------------------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need_apt=()
for pkg in python3-oscrypto python3-venv openssh-server; do
  installed "$pkg" || need_apt+=("$pkg")
done
# The machines come with Java 17 and Maven; a machine without them gets Debian's.
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing Debian packages ${need_apt[*]}; run as root or: sudo apt-get install ${need_apt[*]}"
  echo "install-peers: installing ${need_apt[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  run apt-get update -qq || fail "apt-get update failed"
  run apt-get install -y -qq --no-install-recommends "${need_apt[@]}" || fail "apt-get install ${need_apt[*]} failed"
fi

# --- pyas2lib venv --------------------------------------------------------------------------------------------------
# The check imports what the peer uses and makes oscrypto load OpenSSL, which is what PyPI's oscrypto gets wrong.
venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$PYAS2LIB_VERSION" >>"$log" 2>&1 <<'PY'
import sys
import oscrypto
import pyas2lib
from oscrypto import asymmetric  # loads libcrypto through oscrypto's version detection
assert pyas2lib.__version__ == sys.argv[1], pyas2lib.__version__
assert oscrypto.__file__.startswith("/usr/lib/python3/dist-packages/"), "oscrypto not Debian's: " + oscrypto.__file__
assert oscrypto.backend() == "openssl", oscrypto.backend()
PY
}
if ! venv_ok; then
  echo "install-peers: creating $VENV with pyas2lib $PYAS2LIB_VERSION"
  rm -rf "$VENV"
  mkdir -p .tools
  run /usr/bin/python3 -m venv --system-site-packages "$VENV" || fail "python3 -m venv failed (python3-venv installed?)"
  # Debian's python3-oscrypto (seen through --system-site-packages) satisfies pyas2lib's requirement, so pip keeps it;
  # venv_ok below fails loudly should pip ever bring PyPI's oscrypto instead.
  run "$VENV/bin/pip" install --quiet --disable-pip-version-check "pyas2lib==$PYAS2LIB_VERSION" ||
    fail "pip install pyas2lib==$PYAS2LIB_VERSION failed"
  venv_ok || fail "$VENV is not usable (pyas2lib $PYAS2LIB_VERSION with Debian's oscrypto)"
fi

# --- factur-x venv --------------------------------------------------------------------------------------------------
facturx_ok() {
  [ -x "$FACTURX_VENV/bin/python" ] && "$FACTURX_VENV/bin/python" - "$FACTURX_VERSION" >>"$log" 2>&1 <<'PY'
import sys
from importlib.metadata import version
import facturx  # with its pypdf and lxml
assert version("factur-x") == sys.argv[1], version("factur-x")
PY
}
if ! facturx_ok; then
  echo "install-peers: creating $FACTURX_VENV with factur-x $FACTURX_VERSION"
  rm -rf "$FACTURX_VENV"
  mkdir -p .tools
  run /usr/bin/python3 -m venv "$FACTURX_VENV" || fail "python3 -m venv failed (python3-venv installed?)"
  run "$FACTURX_VENV/bin/pip" install --quiet --disable-pip-version-check "factur-x==$FACTURX_VERSION" ||
    fail "pip install factur-x==$FACTURX_VERSION failed"
  facturx_ok || fail "$FACTURX_VENV is not usable (factur-x $FACTURX_VERSION)"
fi

# --- as2-lib peer (Java) --------------------------------------------------------------------------------------------
command -v javac >/dev/null 2>&1 || fail "javac (JDK 17+) not found"
command -v mvn >/dev/null 2>&1 || fail "mvn (Maven 3) not found"
jar="$JAVA_OUT/as2-peer.jar"
if [ ! -f "$jar" ] || [ ! -f "$JAVA_OUT/lib/as2-lib-$AS2LIB_VERSION.jar" ] ||
  [ -n "$(find "$JAVA_SRC" -type f -newer "$jar" -print -quit)" ]; then
  echo "install-peers: building $JAVA_SRC with as2-lib $AS2LIB_VERSION into $JAVA_OUT"
  rm -rf "$JAVA_OUT"
  mkdir -p "$JAVA_OUT/lib"
  # as2-lib's POM cannot be read here (its parent POM is missing from Maven Central as served here; see pom.xml),
  # so its jar is fetched alone, by a plugin version that does not read the POM, outside the project.
  (cd "$JAVA_OUT" && run mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:2.8:copy \
    "-Dartifact=com.helger.as2:as2-lib:$AS2LIB_VERSION:jar" -DoutputDirectory=lib) ||
    fail "could not fetch com.helger.as2:as2-lib:$AS2LIB_VERSION from Maven Central"
  run mvn -B -q -f "$JAVA_SRC/pom.xml" package || fail "mvn package of $JAVA_SRC failed"
  [ -f "$jar" ] || fail "$jar was not built"
  rm -rf "$JAVA_OUT/build"
fi
