#!/usr/bin/env bash
# Before the tests (npm's pretest, and .ci/run): the browser tests need Debian's Chromium and the
# HTTPS federation test needs openssl. Installed here when missing and this user may install
# packages; otherwise one line says what to install, and the tests do not start.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$browser" ] || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then install=(apt-get); elif sudo -n true 2>/dev/null; then install=(sudo -n apt-get); else install=(); fi
  if [ ${#install[@]} -gt 0 ]; then
    echo "tests: installing ${missing[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    "${install[@]}" update -qq
    "${install[@]}" install -y -qq "${missing[@]}" >/dev/null
    [ -x "$browser" ] || { echo "tests: chromium was installed but $browser is not there; set CHROMIUM_PATH" >&2; exit 1; }
    exit 0
  fi
fi
echo "tests: missing ${missing[*]}: install the Debian package(s) (sudo apt-get install ${missing[*]})${CHROMIUM_PATH:+, or correct CHROMIUM_PATH=$CHROMIUM_PATH}" >&2
exit 1
