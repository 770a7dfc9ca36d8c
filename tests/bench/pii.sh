#!/bin/bash
# tests/bench/pii.sh - PII detection and pseudonyms alone (redact/pii.c, pseudo.c) on a
# corpus from $SHARED/bench/gen-corpus: recall per kind and decoys kept (scored with
# $SHARED/bench/score; the secrets columns are the engine's business), and speed
# against gzip -6 on the same bytes in the same run. Skipped without $SHARED.
set -eu
: "${TOP:?}"
if [ -z "${SHARED:-}" ] || [ ! -x "$SHARED/bench/gen-corpus" ]; then
	echo "pii: skipped (no ../shared/bench)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/diag-bench-pii.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -std=c11 -D_GNU_SOURCE -I"$TOP/include" -o "$work/pii_driver" "$TOP/tests/bench/pii_driver.c" \
	"$TOP/build/libredact.a" $(pkg-config --libs libsodium libpcre2-8)
key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
for seed in ${PII_SEEDS:-1 2 3}; do
	"$SHARED/bench/gen-corpus" --out "$work/c$seed" --size-mb "${PII_SIZE_MB:-5}" --seed "$seed" --quiet
	(cd "$work/c$seed" && find . -type f) | while read -r f; do
		mkdir -p "$work/o$seed/$(dirname "$f")"
		"$work/pii_driver" -k "$key" <"$work/c$seed/$f" >"$work/o$seed/$f"
	done
	echo "-- seed $seed"
	"$SHARED/bench/score" --truth "$work/c$seed.truth.jsonl" --out "$work/o$seed" |
		grep -E '^(pii|decoy) '
done
# Speed: the logs of the last corpus, concatenated, against gzip -6.
cat "$work/c$seed"/var/log/*.log "$work/c$seed"/var/log/*/* >"$work/all"
mb=$(($(stat -c %s "$work/all") / 1000000))
t0=$(date +%s.%N); "$work/pii_driver" -k "$key" <"$work/all" >/dev/null; t1=$(date +%s.%N)
gzip -6 <"$work/all" >/dev/null; t2=$(date +%s.%N)
awk -v mb="$mb" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "pii: %d MB: pii_scan+pseudo_token %.1f MB/s, gzip -6 %.1f MB/s, ratio %.2fx\n",
		mb, mb / (b - a), mb / (c - b), (c - b) / (b - a) }'
