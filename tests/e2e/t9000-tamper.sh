#!/bin/bash
# t9000: a damaged, truncated, edited or spliced bundle is refused with one
# clear line, exit 5, and nothing extracted
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

MOFF=$(member_offset "$BUNDLE" manifest.json)
POFF=$(member_offset "$BUNDLE" payload.age)
PSIZE=$(tar -xOf "$BUNDLE" payload.age | wc -c)
SIZE=$(stat -c %s "$BUNDLE")

# refused_both FILE: verify (no key) and open (key) both fail with exit 5; nothing extracted.
refused_both() {
	test_expect_code 5 diag verify "$1" 2>err1 &&
	test "$(wc -l <err1)" = 1 &&
	test_expect_code 5 diag open "$1" -i "$VENDOR_KEY" -o case 2>err2 &&
	test "$(wc -l <err2)" = 1 &&
	test ! -e case
}

test_expect_success 'the undamaged bundle passes both checks' '
	diag verify "$BUNDLE" >/dev/null &&
	diag verify "$BUNDLE" -i "$VENDOR_KEY" >/dev/null
'

test_expect_success 'a flipped byte in any header, padding or the payload is refused' '
	for off in 0 100 124 148 156 257 $((MOFF - 1)) \
		   $((POFF - 512)) $((POFF - 400)) $((POFF - 1)) \
		   $POFF $((POFF + 5)) $((POFF + 30)) $((POFF + 120)) $((POFF + 160)) \
		   $((POFF + 190)) $((POFF + 300)) $((POFF + PSIZE / 2)) $((POFF + PSIZE - 1)) \
		   $((POFF + PSIZE)) $((SIZE - 1024)) $((SIZE - 1)); do
		cp "$BUNDLE" b.diag && flip b.diag $off &&
		refused_both b.diag || fail "byte $off"
	done
'

test_expect_success 'a flipped byte in the payload names what is damaged' '
	cp "$BUNDLE" b.diag && flip b.diag $((POFF + PSIZE / 2)) &&
	test_expect_code 5 diag verify b.diag 2>err &&
	grep -q "payload.age does not match its SHA-256 in the manifest" err &&
	test_expect_code 5 diag verify b.diag -i "$VENDOR_KEY" 2>err &&
	grep -q "payload.age: payload damaged or truncated: chunk 0 .*; it holds files/" err
'

test_expect_success 'a flipped byte in the manifest text is refused when opening' '
	len=$(tar -xOf "$BUNDLE" manifest.json | wc -c) &&
	for off in 0 1 20 40 80 200 400 $((len / 2)) $((len - 100)) $((len - 2)) $((len - 1)); do
		cp "$BUNDLE" b.diag && flip b.diag $((MOFF + off)) &&
		test_expect_code 5 diag open b.diag -i "$VENDOR_KEY" -o case 2>err &&
		test ! -e case || fail "manifest byte $off"
	done
'

test_expect_success 'an edited manifest (same length, valid JSON) is refused by open' '
	cp "$BUNDLE" b.diag &&
	python3 -c "
import sys
p, off = sys.argv[1], int(sys.argv[2])
data = open(p, \"rb\").read()
i = data.index(b\"\\\"description\\\": \\\"\", off) + 16
data = data[:i] + b\"X\" + data[i + 1:]
open(p, \"wb\").write(data)" b.diag $MOFF &&
	test_expect_code 5 diag open b.diag -i "$VENDOR_KEY" -o case 2>err &&
	grep -q "the manifest sealed in the payload differs from the bundle.s manifest.json" err &&
	test ! -e case
'

test_expect_success 'a truncated bundle is refused wherever it is cut' '
	for len in 0 100 512 $((POFF - 600)) $((POFF - 1)) $((POFF + 100)) \
		   $((POFF + PSIZE / 2)) $((POFF + PSIZE)) $((SIZE - 512)) $((SIZE - 1)); do
		head -c $len "$BUNDLE" >b.diag &&
		refused_both b.diag || fail "cut at $len"
	done
'

test_expect_success 'data appended to a bundle is refused' '
	cp "$BUNDLE" b.diag && echo trailing >>b.diag &&
	refused_both b.diag &&
	grep -q "unexpected data after the end of the archive" err1
'

test_expect_success 'a payload swapped in from another bundle is refused' '
	diag collect "$TREE/etc" -r "$VENDOR" -o other.diag 2>/dev/null &&
	op=$(member_offset other.diag payload.age) &&
	{ head -c $((POFF - 512)) "$BUNDLE"; tail -c +$((op - 512 + 1)) other.diag; } >b.diag &&
	refused_both b.diag &&
	grep -q "payload.age has [0-9]* bytes, the manifest says" err1
'

test_expect_success 'a payload swapped in, with the manifest adjusted to it, is refused' '
	diag collect "$TREE" -r "$VENDOR" -o twin.diag 2>/dev/null &&
	tar -xOf twin.diag payload.age >twin.age &&
	python3 "$TOP/tests/e2e/craft-bundle.py" "$BUNDLE" twin.age b.diag &&
	test_expect_code 5 diag open b.diag -i "$VENDOR_KEY" -o case 2>err &&
	grep -q "the manifest sealed in the payload differs" err &&
	test ! -e case
'

test_expect_success 'an empty file and random bytes are not bundles' '
	: >empty.diag &&
	refused_both empty.diag &&
	head -c 4096 /dev/urandom >random.diag &&
	refused_both random.diag &&
	grep -q "bad header checksum: not a tar archive" err1
'

test_done
