#!/bin/bash
# demo.sh - `make demo`: the whole journey of a bundle, on this machine, in a
# scratch directory that is removed at the end.
#   1. the vendor makes a key pair (a throwaway one here);
#   2. the operator collects a sample tree with planted secrets, plus this
#      host as the built-in spec sees it, sealed to the vendor's public key;
#   3. the customer's reviewer lists the bundle, without any key;
#   4. the vendor verifies and opens it, and sees what redaction did.
# Needs only what `make deps` installs; DIAG is the binary to run.
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
DIAG=$(realpath "${DIAG:-build/diag}")
TREE=$TOP/tests/fixtures/bundle/tree
WORK=$(mktemp -d "${TMPDIR:-/tmp}/diag-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export DIAG_STATE_DIR=$WORK/state
cd "$WORK"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "The vendor makes a key pair (kept offline; only the public key travels)"
run "$DIAG" keygen -o vendor.key
VENDOR=$("$DIAG" keygen -y vendor.key)
echo "vendor's public key: $VENDOR"

say "The operator collects the sample tree and this host, sealed to the vendor"
echo "(the sample tree has planted secrets: a database password, AWS keys, a GitHub"
echo " token, e-mail addresses, a private key; see $TREE)"
rc=0
run "$DIAG" collect -s "$TOP/samples/linux-host.yaml" "$TREE" -r "$VENDOR" -o site.diag || rc=$?
[ $rc -le 1 ] || exit $rc
[ $rc -eq 0 ] || echo "(exit 1: the bundle was written, but some collectors failed: see the list)"
run ls -l site.diag
run tar tvf site.diag

say "The customer's reviewer lists what would leave, without any key"
printf '$ %s\n' "$DIAG list site.diag   (an excerpt)"
"$DIAG" list site.diag >listing
sed -n '1,9p' listing
sed -n '/^path-1 (file)/,/^$/p' listing
sed -n '/^Total/,/^Not collected/p' listing | sed '$s/$/ (secret stores and binary files: see diag list)/'

say "The vendor verifies the bundle, then opens it"
run "$DIAG" verify site.diag -i vendor.key
run "$DIAG" open site.diag -i vendor.key -o case
run find case -path '*bundle/tree*' -type f

say "What redaction did to the sample tree (- original, + as the vendor sees it)"
for f in etc/app/app.conf var/log/app/app.log; do
	got=$(find case -path "*bundle/tree/$f")
	diff -u --label "original $f" --label "in the bundle" "$TREE/$f" "$got" | grep '^[-+]' | head -16 || true
done

say "No planted secret left the site"
if grep -r -F -f "$TOP/tests/fixtures/bundle/canaries.txt" case site.diag; then
	echo "a planted secret was found above: this is a bug" >&2
	exit 1
fi
echo "none of the $(wc -l <"$TOP/tests/fixtures/bundle/canaries.txt") planted secrets is in the bundle or in what was extracted"
echo
echo "Stock tools read it too:  tar -xOf site.diag payload.age | age -d -i vendor.key | tar -tzf -"
