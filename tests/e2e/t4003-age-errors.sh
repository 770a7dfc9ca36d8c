#!/bin/bash
# t4003: every kind of bad age file gives one clear line naming the file, exit 5,
# and decrypt -o never leaves a file behind
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-age.sh"

mkdir -p "$TRASH/keys"
diag keygen -o "$TRASH/keys/k" >"$TRASH/keys/pub"
K=$TRASH/keys/k
PUB=$(cat "$TRASH/keys/pub")

# expect_failure FILE 'MESSAGE': decrypting FILE with -o fails with exit 5 and exactly
# the one line "diag: 'FILE': MESSAGE", and leaves no output or temporary file.
expect_failure() {
	local before
	before=$(ls -A | sort)
	test_expect_code 5 diag decrypt -i "$K" -o out "$1" 2>err || return 1
	test "$(cat err)" = "diag: '$1': $2" || fail "got: $(cat err)" || return 1
	test "$(ls -A | grep -v "^err\$" | sort)" = "$(echo "$before" | grep -v "^err\$")" ||
		fail "left behind: $(ls -A)"
}

test_expect_success 'not an age file' '
	echo "just some text" >text &&
	expect_failure text "not an age file: it does not start with '"'"'age-encryption.org/v1'"'"'" &&
	: >empty &&
	expect_failure empty "not an age file: the file is empty"
'

test_expect_success 'header malformed: another version, a stray space, a cut header' '
	echo hello | diag encrypt -r "$PUB" >c.age &&
	sed "1s/v1/v2/" c.age >v2.age &&
	expect_failure v2.age "header malformed: line 1: unsupported version or malformed line" &&
	sed "2s/^-> X25519 /-> X25519  /" c.age >space.age &&
	expect_failure space.age "header malformed: line 2: malformed stanza line" &&
	head -c 100 c.age >cut.age &&
	expect_failure cut.age "header malformed: the file ends within its header" &&
	head -c $(($(header_len c.age) + 5)) c.age >nononce.age &&
	expect_failure nononce.age "header malformed: the file ends before the payload nonce"
'

test_expect_success 'no identity matches' '
	age-keygen -o other 2>/dev/null &&
	echo hello | age -r "$(age-keygen -y other)" >c.age &&
	expect_failure c.age "no identity matches: none of the identities is a recipient of the file (1 X25519 recipient)"
'

test_expect_success 'header MAC wrong: the header was changed after it was written' '
	echo hello | diag encrypt -r "$PUB" >c.age &&
	python3 -c "import sys
b = open(\"c.age\", \"rb\").read()
i = b.index(b\"\\n--- \") + 5
open(\"mac.age\", \"wb\").write(b[:i] + b\"A\" * 43 + b[i + 43:])" &&
	expect_failure mac.age "header MAC wrong: the header does not match its MAC: it was altered or damaged"
'

test_expect_success 'payload damaged: the chunk is named; stdout gets only what authenticated' '
	make_input 200000 in &&
	diag encrypt -r "$PUB" -o c.age in &&
	cp c.age bad.age &&
	flip_byte bad.age $(($(header_len c.age) + 16 + 65552 + 100)) &&
	expect_failure bad.age "payload damaged or truncated: chunk 1 (plaintext bytes from 65536) is damaged" &&
	test_expect_code 5 diag decrypt -i $K bad.age >partial 2>/dev/null &&
	test $(wc -c <partial) -eq 65536 &&
	head -c 65536 in | cmp - partial
'

test_expect_success 'payload truncated: at a chunk boundary, or within the last chunk' '
	make_input 131072 in &&
	diag encrypt -r "$PUB" -o c.age in &&
	head -c $(($(header_len c.age) + 16 + 65552)) c.age >cut1.age &&
	expect_failure cut1.age "payload damaged or truncated: the file is truncated: chunk 1, the final one, is missing" &&
	head -c -10 c.age >cut2.age &&
	expect_failure cut2.age "payload damaged or truncated: chunk 1 (plaintext bytes from 65536) is damaged (or not the final chunk)"
'

test_expect_success 'payload with data after the final chunk' '
	make_input 65536 in &&
	diag encrypt -r "$PUB" -o c.age in &&
	{ cat c.age; printf x; } >long.age &&
	expect_failure long.age "payload damaged or truncated: data after the final chunk" &&
	echo hello | diag encrypt -r "$PUB" >short.age &&
	{ cat short.age; printf x; } >long2.age &&
	expect_failure long2.age "payload damaged or truncated: chunk 0 (plaintext bytes from 0) is damaged (or not the final chunk)"
'

test_expect_success 'armor malformed: a changed line, a missing END, garbage after it' '
	echo hello | diag encrypt -a -r "$PUB" >c.asc &&
	sed "2s/^./@/" c.asc >space.asc &&
	expect_failure space.asc "armor malformed: line 2: invalid or non-canonical base64" &&
	head -n -1 c.asc >noend.asc &&
	expect_failure noend.asc "armor malformed: line 7: no '"'"'-----END AGE ENCRYPTED FILE-----'"'"' line" &&
	{ cat c.asc; echo trailing; } >trail.asc &&
	expect_failure trail.asc "armor malformed: line 8: data after the END line"
'

test_expect_success 'errors on standard input say so' '
	echo "not age" | test_expect_code 5 diag decrypt -i $K 2>err &&
	test "$(cat err)" = "diag: standard input: not an age file: it does not start with '"'"'age-encryption.org/v1'"'"'"
'

test_expect_success 'I/O errors exit 4 and name the file' '
	test_expect_code 4 diag decrypt -i $K missing.age 2>err &&
	grep -q "^diag: cannot open .missing.age.: No such file" err &&
	test_expect_code 4 diag decrypt -i missing.key missing.age 2>err &&
	grep -q "^diag: .missing.key.: cannot open: No such file" err &&
	echo hello | diag encrypt -r "$PUB" >c.age &&
	test_expect_code 4 diag decrypt -i $K -o nodir/out c.age 2>err &&
	grep -q "nodir/out" err &&
	test_expect_code 4 diag decrypt -i $K c.age >/dev/full 2>err &&
	grep -q "^diag: cannot write .standard output.: No space left on device" err &&
	test_expect_code 4 diag encrypt -r "$PUB" c.age >/dev/full 2>err &&
	grep -q "No space left on device" err &&
	mkdir dir && test_expect_code 4 diag decrypt -i $K dir 2>err &&
	grep -q "^diag: .dir.: cannot read: Is a directory" err
'

test_expect_success 'encrypt -o leaves nothing when the input cannot be read' '
	mkdir d &&
	test_expect_code 4 diag encrypt -r "$PUB" -o out d 2>err &&
	no_leftovers d err
'

test_done
