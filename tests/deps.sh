#!/bin/sh
# deps.sh - install the Debian packages diag needs to build and test, if missing.
# Called by 'make deps' (and so by 'make test' and 'make demo'). Idempotent: when
# everything is present it does nothing and needs no network and no root.
set -eu

PKGS="build-essential pkg-config libsodium-dev zlib1g-dev libpcre2-dev libcjson-dev libyaml-dev
libcmocka-dev clang libclang-rt-14-dev age minisign mandoc valgrind bsdextrautils
util-linux tar gzip coreutils python3"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps: not root and no sudo; install as root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
