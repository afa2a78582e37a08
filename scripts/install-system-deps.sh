#!/usr/bin/env bash
# System packages the test suite needs beyond Node.js (idempotent; root on Debian).
# Each later feature that needs a Debian package adds it to PACKAGES.
set -euo pipefail
PACKAGES=(openssl chromium docker-compose)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install these Debian packages first: ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
