#!/bin/bash
# t5000: diag ledger lists the export ledger and checks its hash chain
#
# The ledgers here are written with printf and sha256sum, not by diag: an
# independent implementation of the format documented in diag(1) FILES.
. "$(dirname "$0")/lib.sh"

H0=0000000000000000000000000000000000000000000000000000000000000000
SHA=3f2a9c1b0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8
MAN=0101010101010101010101010101010101010101010101010101010101010101

# record SEQ PREV BUNDLE SIGNER: one ledger line, without its newline
record() {
	printf '{"v":1,"seq":%d,"time":"2026-11-23T04:05:0%dZ","user":"op","bundle":"%s","parts":1,' "$1" "$1" "$3"
	printf '"sha256":"%s","manifest_sha256":"%s","recipients":["age1vendor","age1site"],' $SHA $MAN
	printf '"signer":%s,"files":3,"bytes":4096,"prev":"%s"}' "$4" "$2"
}
line_hash() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# Write a chained ledger of N records into $DIAG_STATE_DIR/ledger.jsonl.
make_ledger() {
	local prev=$H0 i line
	mkdir -p "$DIAG_STATE_DIR"
	: >"$DIAG_STATE_DIR/ledger.jsonl"
	for i in $(seq 1 "$1"); do
		line=$(record "$i" "$prev" "site$i.diag" "$([ "$i" = 2 ] && echo '"C5EEADC960C855FB"' || echo null)")
		printf '%s\n' "$line" >>"$DIAG_STATE_DIR/ledger.jsonl"
		prev=$(line_hash "$line")
	done
	echo "$prev" >head
}

test_expect_success 'no ledger yet: says so, exits 0; --json prints an empty array' '
	diag ledger >out &&
	grep -q "^no exports recorded" out &&
	diag ledger --json >json &&
	test "$(cat json)" = "[]"
'

test_expect_success 'lists every record and the chain head' '
	make_ledger 3 &&
	diag ledger >out &&
	grep -E "^ +1  2026-11-23T04:05:01Z  op +3 +4.0 KiB  -  +3f2a9c1b0d4e5f60  site1.diag$" out &&
	grep -E "^ +2  .*C5EEADC960C855FB  3f2a9c1b0d4e5f60  site2.diag$" out &&
	grep -q "^      to age1vendor, age1site$" out &&
	grep -qx "3 records; hash chain intact; head $(cat head)" out
'

test_expect_success '--json prints the stored lines verbatim, as a JSON array' '
	make_ledger 3 &&
	diag ledger --json >json &&
	python3 -c "
import json, sys
got = json.load(open(\"json\"))
want = [json.loads(l) for l in open(sys.argv[1])]
assert got == want, (got, want)
assert [r[\"seq\"] for r in got] == [1, 2, 3]
" "$DIAG_STATE_DIR/ledger.jsonl" &&
	sed -n "2,4p" json | sed "s/,\$//" >lines &&
	cmp lines "$DIAG_STATE_DIR/ledger.jsonl"
'

test_expect_success 'a changed record breaks the chain: exit 5, naming the line after it' '
	make_ledger 3 &&
	sed -i "1s/\"files\":3/\"files\":2/" "$DIAG_STATE_DIR/ledger.jsonl" &&
	test_expect_code 5 diag ledger >out 2>err &&
	grep -q "line 2: hash chain broken: it does not follow line 1" err &&
	grep -q "is damaged: 1 of its 3 lines is bad" err &&
	! grep -q "hash chain intact" out
'

test_expect_success 'a removed record is detected with its line number' '
	make_ledger 3 &&
	sed -i 2d "$DIAG_STATE_DIR/ledger.jsonl" &&
	test_expect_code 5 diag ledger --json >out 2>err &&
	grep -q "line 2: record number 3 where 2 was expected" err
'

test_expect_success 'a garbage line and an incomplete last line are reported, never skipped' '
	make_ledger 2 &&
	echo "rm -rf /" >>"$DIAG_STATE_DIR/ledger.jsonl" &&
	printf "{\"v\":1,\"se" >>"$DIAG_STATE_DIR/ledger.jsonl" &&
	test_expect_code 5 diag ledger >out 2>err &&
	grep -q "line 3: not a valid record: not a JSON object" err &&
	grep -q "line 4: incomplete line at the end" err &&
	grep -q "2 of its 4 lines are bad" err &&
	grep -q "site2.diag" out
'

test_expect_success 'an unreadable ledger is an I/O error (exit 4)' '
	rm -f "$DIAG_STATE_DIR/ledger.jsonl" &&
	mkdir "$DIAG_STATE_DIR/ledger.jsonl" &&
	test_when_finished "rmdir \"$DIAG_STATE_DIR/ledger.jsonl\"" &&
	test_expect_code 4 diag ledger 2>err &&
	grep -q "cannot read the ledger" err
'

test_expect_success 'bad usage exits 2' '
	test_expect_code 2 diag ledger extra 2>err &&
	grep -q "^usage: diag ledger \[--json\]" err &&
	test_expect_code 2 diag ledger --json --json 2>err &&
	test_expect_code 2 diag ledger --frob 2>err
'

test_done
