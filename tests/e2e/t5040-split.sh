#!/bin/bash
# t5040: bundles split into media parts (--split): sha256sum -c, cat, and
# list/verify/open from any part; missing, damaged and extra parts named
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"
. "$(dirname "$0")/lib-media.sh"

# copy_parts: the parts and their .sha256 into the current directory.
copy_parts() { cp "$PARTS".[0-9][0-9][0-9] "$PARTS.sha256" .; }

test_expect_success 'parts of the size asked, the last shorter; the files appear all at once' '
	for n in 001 002 003; do
		test "$(stat -c %s "$PARTS.$n")" = 102400 || fail "part $n"
	done &&
	last=$(stat -c %s "$PARTS.004") &&
	test "$last" -gt 0 && test "$last" -le 102400 &&
	test ! -e "$PARTS.005" && test ! -e "$PARTS" &&
	test "$(stat -c %a "$PARTS.001")" = 600 &&
	test "$(ls -A "$TRASH" | grep -c "^\.parts")" = 0
'

test_expect_success 'the .sha256 is what sha256sum prints, and sha256sum -c checks the parts' '
	test "$(wc -l <"$PARTS.sha256")" = 4 &&
	grep -qx "[0-9a-f]\{64\}  parts.diag.001" "$PARTS.sha256" &&
	(cd "$TRASH" && sha256sum -c parts.diag.sha256) >out &&
	test "$(grep -c ": OK$" out)" = 4
'

test_expect_success 'the parts concatenated are the ordinary bundle, recorded in the ledger with its parts' '
	cat "$PARTS".[0-9][0-9][0-9] >whole.diag &&
	diag verify whole.diag -i "$VENDOR_KEY" >/dev/null &&
	tar tf whole.diag >members &&
	printf "manifest.json\npayload.age\n" | cmp - members &&
	diag ledger --json >l &&
	python3 -c "
import json, sys
rec = [r for r in json.load(open(\"l\")) if r[\"bundle\"] == sys.argv[1]][0]
assert rec[\"parts\"] == 4, rec
assert rec[\"sha256\"] == sys.argv[2], rec" "$PARTS" "$(sha_of whole.diag)"
'

test_expect_success 'list, verify and open take any part, the .sha256, or the bundle name' '
	for p in "$PARTS.001" "$PARTS.003" "$PARTS.sha256" "$PARTS"; do
		diag list "$p" >out && grep -q "^Total: 8 files" out || fail "list $p"
		diag verify "$p" >out && grep -q "4 media parts, each matching its SHA-256" out ||
			fail "verify $p"
	done &&
	diag verify "$PARTS.002" -i "$VENDOR_KEY" >out &&
	grep -q "OK: 8 files" out &&
	diag open "$PARTS.004" -i "$VENDOR_KEY" -o case 2>/dev/null &&
	for i in 0 1 2 3 4 5 6 7; do
		cmp "$BIG/f$i.log" "$(find case -name f$i.log)" || fail "f$i"
	done
'

test_expect_success 'a missing part is named; nothing is opened' '
	copy_parts && rm parts.diag.003 &&
	test_expect_code 5 diag verify parts.diag.001 2>err &&
	grep -q "part .*parts.diag.003. is missing" err &&
	test_expect_code 5 diag open parts.diag.001 -i "$VENDOR_KEY" -o case 2>err &&
	grep -q "parts.diag.003. is missing" err &&
	test ! -e case
'

test_expect_success 'a damaged part is named without a key; with one, the chunk, where it is, its files' '
	copy_parts &&
	cat parts.diag.[0-9][0-9][0-9] >whole &&
	flip parts.diag.002 50000 &&
	test_expect_code 5 diag verify parts.diag.001 2>err &&
	grep -q "part .*parts.diag.002. is damaged: its SHA-256 does not match" err &&
	test_expect_code 5 diag verify parts.diag.sha256 -i "$VENDOR_KEY" 2>err &&
	grep -q "chunk 2 .* is damaged; it holds files/.*; on the media: .*parts.diag.002. at offset [0-9]* (offset [0-9]* of the whole)" err &&
	want=$(chunk_offset whole 2) &&
	grep -q "offset $want of the whole" err &&
	test $((want - 102400)) -le 50000 && test $((want - 102400 + 65552)) -gt 50000 &&
	grep -q "payload chunks are damaged; .diag open --salvage. recovers [0-9] of 8 files" err &&
	test_expect_code 5 diag open parts.diag.001 -i "$VENDOR_KEY" -o case 2>err &&
	grep -q "parts.diag.002. is damaged" err &&
	test ! -e case
'

test_expect_success 'a truncated part, or an extra one, is named' '
	copy_parts && truncate -s 100000 parts.diag.002 &&
	test_expect_code 5 diag verify parts.diag.001 2>err &&
	grep -q "part .*parts.diag.002. is 100000 bytes where 102400 were expected" err &&
	rm parts.* && copy_parts && cp parts.diag.004 parts.diag.005 &&
	test_expect_code 5 diag verify parts.diag.001 2>err &&
	grep -q "extra part .*parts.diag.005.: it is not listed in" err
'

test_expect_success 'without the .sha256 the parts still read, with a warning that missing last parts go unseen' '
	copy_parts && rm parts.diag.sha256 &&
	diag verify parts.diag.002 -i "$VENDOR_KEY" >out 2>err &&
	grep -q "no .sha256 to check" out &&
	grep -q "warning: no .*parts.diag.sha256.: parts missing after" err
'

test_expect_success 'split output is refused on the standard output and over existing parts' '
	test_expect_code 2 diag collect "$BIG" -r "$VENDOR" -o - --split 1M 2>/dev/null &&
	test_expect_code 2 diag collect "$BIG" -r "$VENDOR" -o b.diag --split 0 2>/dev/null &&
	test_expect_code 2 diag collect "$BIG" -r "$VENDOR" -o b.diag --split 1M --split 2M 2>/dev/null &&
	echo old >b.diag.001 &&
	test_expect_code 4 diag collect "$BIG" -r "$VENDOR" -o b.diag --split 100K 2>err &&
	grep -q "b.diag.001. already exists" err &&
	test "$(cat b.diag.001)" = old && test ! -e b.diag.sha256 &&
	echo old >c.diag &&
	test_expect_code 4 diag collect "$BIG" -r "$VENDOR" -o c.diag --split 100K 2>err &&
	grep -q "c.diag. already exists" err && test ! -e c.diag.001 &&
	test "$(ls -A | sort | tr "\n" " ")" = "b.diag.001 c.diag err "
'

test_expect_success 'seal --split writes parts too' '
	diag collect "$BIG" --stage st 2>/dev/null &&
	diag seal st -r "$VENDOR" -o s.diag --split 150K 2>/dev/null &&
	test -f s.diag.001 && test -f s.diag.003 && test -f s.diag.sha256 &&
	sha256sum -c s.diag.sha256 >/dev/null &&
	diag verify s.diag.001 -i "$VENDOR_KEY" >/dev/null
'

test_done
