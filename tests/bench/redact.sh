#!/bin/bash
# tests/bench/redact.sh - the redaction engine, measured (run by `make bench`)
#
# 1. Speed: `diag redact` on a gen-corpus tree of BENCH_REDACT_MB (100) MB
#    against `gzip -6` on the same bytes, in the same run (best of 3 each,
#    wall clock): target at least 3x faster (BENCH_REDACT_MIN_RATIO), aim 5x.
# 2. Memory: peak RSS at a quarter of that size and at the full size: flat.
# 3. Quality, at each seed of BENCH_REDACT_SEEDS (1 2 3) on BENCH_REDACT_SCORE_MB
#    (20) MB: every file redacted on its own, then scored: 100% of planted
#    secrets and >= 99% of planted PII gone, >= 99% of decoys intact, every
#    YAML/JSON file still parsing with the same structure.
# Needs $SHARED/bench (gen-corpus and score); says so and succeeds without it.
set -u
: "${DIAG:?}" "${SHARED:=}"
GEN=$SHARED/bench/gen-corpus
SCORE=$SHARED/bench/score
if [ -z "$SHARED" ] || [ ! -f "$GEN" ] || [ ! -f "$SCORE" ]; then
	echo "redact: skipped: no gen-corpus/score under \$SHARED/bench (../shared)"
	exit 0
fi
MB=${BENCH_REDACT_MB:-100}
SEEDS=${BENCH_REDACT_SEEDS:-1 2 3}
SCORE_MB=${BENCH_REDACT_SCORE_MB:-20}
MIN_RATIO=${BENCH_REDACT_MIN_RATIO:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/diag-bench-redact.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export DIAG_STATE_DIR=$tmp/state LC_ALL=C
mkdir -p "$tmp/noroot" # no host facts: results must not depend on this machine
rc=0

# best of 3 wall-clock seconds and the peak RSS (KiB) of a command
measure() {
	local best= rss=0 t m
	for _ in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
			cat "$tmp/err" >&2
			return 1
		}
		read -r t m <"$tmp/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		[ "$m" -gt "$rss" ] && rss=$m
	done
	echo "$best $rss"
}

corpus() { # DIR SIZE SEED
	python3 "$GEN" --out "$1" --size-mb "$2" --seed "$3" --quiet --force
}

# ---- speed and memory ----
corpus "$tmp/c" "$MB" 7 || exit 1
(cd "$tmp/c" && find . -type f | sort) >"$tmp/files"
(cd "$tmp/c" && xargs cat <"$tmp/files") >"$tmp/all"
bytes=$(stat -c %s "$tmp/all")
read -r tg _ < <(measure gzip -6 -c "$tmp/all")
read -r td rss_full < <(cd "$tmp/c" && measure xargs -a "$tmp/files" "$DIAG" redact --root "$tmp/noroot")
ratio=$(awk "BEGIN{printf \"%.1f\", $tg / $td}")
echo "redact: $((bytes / 1000000)) MB corpus: gzip -6 ${tg}s, diag redact ${td}s" \
	"($(awk "BEGIN{printf \"%.0f\", $bytes / $td / 1e6}") MB/s): ${ratio}x faster than gzip -6" \
	"(target ${MIN_RATIO}x, aim 5x)"
if awk "BEGIN{exit !($ratio < $MIN_RATIO)}"; then
	echo "redact: BELOW TARGET: ${ratio}x < ${MIN_RATIO}x"
	rc=1
fi
# the engine without personal data, to tell its cost from the PII scanner's
printf 'builtin: {email: off, ipv4: off, ipv6: off, mac: off, phone: off, card: off, ssn: off, iban: off, hostname: off, username: off}\n' >"$tmp/nopii.yaml"
read -r tn _ < <(cd "$tmp/c" && measure xargs -a "$tmp/files" "$DIAG" redact -p "$tmp/nopii.yaml" --root "$tmp/noroot")
echo "redact: secrets only (PII rules off): ${tn}s, $(awk "BEGIN{printf \"%.1f\", $tg / $tn}")x faster than gzip -6"

corpus "$tmp/q" $((MB / 4)) 7 || exit 1
(cd "$tmp/q" && find . -type f | sort) >"$tmp/qfiles"
read -r _ rss_quarter < <(cd "$tmp/q" && measure xargs -a "$tmp/qfiles" "$DIAG" redact --root "$tmp/noroot")
echo "redact: peak RSS $((rss_quarter / 1024)) MiB at $((MB / 4)) MB, $((rss_full / 1024)) MiB at $MB MB"
if [ "$rss_full" -gt $((rss_quarter + 16384)) ]; then
	echo "redact: MEMORY GROWS with the input"
	rc=1
fi
# to a pipe the output of each file is held (memory, then a temporary file): still flat
read -r _ rss_pipe < <(cd "$tmp/c" && measure sh -c "xargs -a '$tmp/files' '$DIAG' redact --root '$tmp/noroot' | cat")
echo "redact: peak RSS to a pipe (output held until each file is done): $((rss_pipe / 1024)) MiB"
rm -rf "$tmp/c" "$tmp/q" "$tmp/all"

# ---- quality ----
for seed in $SEEDS; do
	c=$tmp/s$seed
	corpus "$c" "$SCORE_MB" "$seed" || exit 1
	(cd "$c" && find . -type f | sed 's|^\./||') | while read -r f; do
		mkdir -p "$tmp/out$seed/$(dirname "$f")"
		(cd "$c" && "$DIAG" redact --root "$tmp/noroot" "$f") >"$tmp/out$seed/$f" ||
			echo "redact: seed $seed: $f failed"
	done
	python3 "$SCORE" --truth "$c.truth.jsonl" --out "$tmp/out$seed" --json >"$tmp/score$seed.json"
	python3 - "$tmp/score$seed.json" "$seed" <<'PY' || rc=1
import json, sys
d = json.load(open(sys.argv[1]))
o = d["overall"]
s, p, k = o["secret"], o["pii"], o["decoy"]
parse = d["parse"]
bad = [r["file"] for r in parse if not r["ok"] or r["structure"] not in (None, "same")]
print(f"redact: seed {sys.argv[2]}: secrets {s['caught']}/{s['planted']} gone, "
      f"PII {p['caught']}/{p['planted']} gone ({100 * p['recall']:.1f}%), "
      f"decoys {k['survived']}/{k['planted']} kept ({100 * k['survival']:.1f}%), "
      f"{len(parse) - len(bad)}/{len(parse)} YAML/JSON files parse with the same structure")
for kind, ex in d["leaked_examples"].items():
    print(f"redact:   leaked {kind}: {len(ex)} example(s), e.g. in {ex[0]['file']}")
for r in d["by_kind"]:
    if r["class"] == "decoy" and r["survival"] < 1:
        print(f"redact:   decoys destroyed: {r['kind']} {r['planted'] - r['survived']}/{r['planted']}")
ok = s["recall"] == 1 and p["recall"] >= 0.99 and k["survival"] >= 0.99 and not bad
if not ok:
    print("redact: BELOW TARGET" + (f" (bad structure: {', '.join(bad)})" if bad else ""))
sys.exit(0 if ok else 1)
PY
	rm -rf "$c" "$c.truth.jsonl" "$tmp/out$seed"
done
exit $rc
