#!/usr/bin/env bash
# Before the tests (npm's pretest, and .ci/run): the browser tests need Debian's Chromium, the
# HTTPS federation test openssl, and the deployment guide's test the tools that check its files
# (systemd-analyze, caddy, nginx). Installed here when missing and this user may install
# packages; otherwise one line says what to install, and the tests do not start.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
missing=()
[ -x "$browser" ] || missing+=(chromium)
has openssl || missing+=(openssl)
has systemd-analyze || missing+=(systemd)
has caddy || missing+=(caddy)
has nginx || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then install=(); elif sudo -n true 2>/dev/null; then install=(sudo -n); else install=(none); fi
  if [ "${install[*]-}" != none ]; then
    echo "tests: installing ${missing[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    # Installed only to check configuration files: their services must not start (policy-rc.d 101).
    guard=/usr/sbin/policy-rc.d
    added_guard=no
    if [ ! -e "$guard" ]; then
      "${install[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $guard && chmod +x $guard"
      added_guard=yes
    fi
    status=0
    "${install[@]}" apt-get update -qq && "${install[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
    [ "$added_guard" = yes ] && "${install[@]}" rm -f "$guard"
    [ "$status" -eq 0 ] || exit "$status"
    [ -x "$browser" ] || { echo "tests: chromium was installed but $browser is not there; set CHROMIUM_PATH" >&2; exit 1; }
    exit 0
  fi
fi
echo "tests: missing ${missing[*]}: install the Debian package(s) (sudo apt-get install ${missing[*]})${CHROMIUM_PATH:+, or correct CHROMIUM_PATH=$CHROMIUM_PATH}" >&2
exit 1
