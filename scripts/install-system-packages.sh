#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are missing, with apt-get, when run
# as root; otherwise names the missing ones and exits 2. Used by scripts/test.sh,
# scripts/bench.sh and .ci/run.   Usage: scripts/install-system-packages.sh PACKAGE…
set -euo pipefail

# Whether a package is there is judged by what the scripts use from it.
present() {
  case "$1" in
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
    chromium) command -v chromium >/dev/null 2>&1 ;;
    redis-server) command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 ;;
    make | wrk) command -v "$1" >/dev/null 2>&1 ;;
    nginx) [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 ;;
    *) [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ] ;;
  esac
}

missing=()
for package in "$@"; do
  present "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for package in "${missing[@]}"; do
    present "$package" || { echo "apt-get installed $package, but it is still not usable." >&2; exit 1; }
  done
else
  echo "Missing system packages: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]}) and run again." >&2
  exit 2
fi
