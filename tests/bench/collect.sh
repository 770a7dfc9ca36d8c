#!/bin/bash
# tests/bench/collect.sh - `diag collect` (redact, compress, encrypt, seal) on a
# corpus from $SHARED/bench/gen-corpus against `tar czf - DIR | age -r R` on the
# same tree in the same run (which redacts nothing): throughput ratio and diag's
# peak RSS, then the leak score of what `diag open` extracts. Sizes in MB from
# BENCH_SIZES (default "100 1000"). Skipped without $SHARED.
set -eu
: "${TOP:?}" "${DIAG:?}"
if [ -z "${SHARED:-}" ] || [ ! -x "$SHARED/bench/gen-corpus" ]; then
	echo "collect: skipped (no ../shared/bench)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/diag-bench-collect.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DIAG_STATE_DIR=$work/state
age-keygen -o "$work/vendor.key" 2>/dev/null
R=$(age-keygen -y "$work/vendor.key")

# The sealing pipeline alone (no redaction), to tell its speed from the engine's.
cc -O2 -std=c11 -D_GNU_SOURCE -I"$TOP/include" -o "$work/seal_driver" "$TOP/tests/bench/seal_driver.c" \
	"$TOP/build/libdiag.a" "$TOP/build/libredact.a" \
	$(pkg-config --libs libsodium zlib libpcre2-8 libcjson yaml-0.1) -lpthread

# measure OUT CMD...: run CMD; write "seconds peak_rss_kib" to OUT (RSS of the
# largest process CMD started, from getrusage).
measure() {
	local out=$1
	shift
	python3 - "$out" "$@" <<-'PY'
	import resource, subprocess, sys, time
	t = time.monotonic()
	rc = subprocess.call(sys.argv[2:])
	dt = time.monotonic() - t
	if rc not in (0, 1):
	    sys.exit("command failed with exit %d: %s" % (rc, " ".join(sys.argv[2:])))
	open(sys.argv[1], "w").write("%.3f %d\n" % (dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
	PY
}

for mb in ${BENCH_SIZES:-100 1000}; do
	c=$work/c$mb
	"$SHARED/bench/gen-corpus" --out "$c" --size-mb "$mb" --seed 1 --quiet
	bytes=$(du -sb "$c" | cut -f1)
	cat $(find "$c" -type f) >/dev/null # both runs start from a warm page cache
	measure "$work/base.t" sh -c "tar czf - -C '$c' . | age -r '$R' >'$work/base.age'"
	measure "$work/diag.t" "$DIAG" -q collect "$c" --max-file 64G --max-total 64G -r "$R" -o "$work/b.diag"
	measure "$work/seal.t" "$work/seal_driver" "$work/s.diag" "$R" $(find "$c" -type f)
	read -r bs _ <"$work/base.t"
	read -r ds drss <"$work/diag.t"
	read -r ss srss <"$work/seal.t"
	awk -v mb="$bytes" -v bs="$bs" -v ds="$ds" -v rss="$drss" \
	    -v bz="$(stat -c %s "$work/base.age")" -v dz="$(stat -c %s "$work/b.diag")" \
	    -v ss="$ss" -v srss="$srss" 'BEGIN {
		mb /= 1e6
		printf "collect %.0f MB: tar czf|age %.1f s (%.1f MB/s), diag collect %.1f s (%.1f MB/s): %.2fx as fast; diag peak RSS %.1f MiB; output %.1f MB vs %.1f MB\n",
			mb, bs, mb / bs, ds, mb / ds, bs / ds, rss / 1024, dz / 1e6, bz / 1e6
		printf "  sealing alone (no redaction): %.1f s (%.1f MB/s): %.2fx as fast as tar czf|age; peak RSS %.1f MiB\n",
			ss, mb / ss, bs / ss, srss / 1024 }'
	rm -rf "$work/case"
	"$DIAG" -q open "$work/b.diag" -i "$work/vendor.key" -o "$work/case"
	"$SHARED/bench/score" --truth "$c.truth.jsonl" --out "$work/case" | sed 's/^/  /' | head -20
	rm -rf "$c" "$c.truth.jsonl" "$work/case" "$work/b.diag" "$work/s.diag" "$work/base.age"
done
