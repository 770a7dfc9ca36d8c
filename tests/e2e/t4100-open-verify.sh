#!/bin/bash
# t4100: diag open and diag verify check every byte, decrypt and extract
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

test_expect_success 'open extracts every file, each matching its manifest hash' '
	diag open "$BUNDLE" -i "$VENDOR_KEY" -o case 2>err &&
	grep -q "^diag: opened .* 5 files, .*, every hash checked, into .case.\$" err &&
	json case/manifest.json "\"\\n\".join(f[\"sha256\"] + \"  \" + f[\"path\"] for f in j[\"files\"])" >sums &&
	(cd case && sha256sum -c --quiet ../sums) &&
	test "$(find case -type f | wc -l)" = 6
'

test_expect_success 'the extracted manifest is the bundle s, and the planted secrets are gone' '
	diag open "$BUNDLE" -i "$VENDOR_KEY" -o case 2>/dev/null &&
	tar -xOf "$BUNDLE" manifest.json | cmp - case/manifest.json &&
	! grep -r -F -f "$CANARIES" case &&
	grep -rq "processed batch 1001" case
'

test_expect_success 'extracted files are private to their owner' '
	diag open "$BUNDLE" -i "$VENDOR_KEY" -o case 2>/dev/null &&
	test -z "$(find case -type f ! -perm 600)"
'

test_expect_success 'open into an empty directory works; into a non-empty one is refused' '
	mkdir empty full && touch full/keep &&
	diag open "$BUNDLE" -i "$VENDOR_KEY" -o empty 2>/dev/null &&
	test -f empty/manifest.json &&
	test_expect_code 4 diag open "$BUNDLE" -i "$VENDOR_KEY" -o full 2>err &&
	grep -q "not empty" err &&
	test "$(ls -A full)" = keep
'

test_expect_success 'open creates missing parent directories' '
	diag open "$BUNDLE" -i "$VENDOR_KEY" -o cases/2026/c1 2>/dev/null &&
	test -f cases/2026/c1/manifest.json
'

test_expect_success 'open with the wrong key fails (exit 5) and extracts nothing' '
	age-keygen -o other.key 2>/dev/null &&
	test_expect_code 5 diag open "$BUNDLE" -i other.key -o case 2>err &&
	grep -q "no identity matches" err &&
	test ! -e case &&
	test -z "$(ls -A | grep -v "^other.key\$\|^err\$")"
'

test_expect_success 'with several identity files, any matching one opens the bundle' '
	age-keygen -o other.key 2>/dev/null &&
	diag open "$BUNDLE" -i other.key -i "$VENDOR_KEY" -o case 2>/dev/null &&
	test -f case/manifest.json
'

test_expect_success 'open reads a bundle from a pipe' '
	diag open - -i "$VENDOR_KEY" -o case <"$BUNDLE" 2>/dev/null &&
	test -f case/manifest.json
'

test_expect_success 'verify without a key checks the structure and the payload hash' '
	diag verify "$BUNDLE" >out &&
	grep -q "OK: structure, manifest and payload hash (5 files listed" out
'

test_expect_success 'verify with the key checks every file' '
	diag verify "$BUNDLE" -i "$VENDOR_KEY" >out &&
	grep -q "OK: 5 files (.*) decrypted, every hash matches the manifest" out
'

test_expect_success 'verify with the wrong key fails (exit 5)' '
	age-keygen -o other.key 2>/dev/null &&
	test_expect_code 5 diag verify "$BUNDLE" -i other.key 2>err &&
	grep -q "no identity matches" err
'

test_expect_success 'a missing or malformed identity file is named' '
	test_expect_code 4 diag verify "$BUNDLE" -i nokey 2>err &&
	grep -q "nokey" err &&
	echo garbage >bad.key &&
	test_expect_code 5 diag open "$BUNDLE" -i bad.key -o case 2>err &&
	grep -q "bad.key" err &&
	test ! -e case
'

test_expect_success 'open needs both a key and a directory (usage, exit 2)' '
	test_expect_code 2 diag open "$BUNDLE" -o case 2>/dev/null &&
	test_expect_code 2 diag open "$BUNDLE" -i "$VENDOR_KEY" 2>/dev/null &&
	test ! -e case
'

test_expect_success 'a bundle sealed by diag opens with a key made by diag too' '
	if diag help keygen >/dev/null 2>&1; then
		diag keygen -o mine.key 2>/dev/null &&
		diag collect "$TREE/etc" -r "$(diag keygen -y mine.key)" -o b.diag 2>/dev/null &&
		diag open b.diag -i mine.key -o case 2>/dev/null &&
		test -f case/manifest.json
	fi
'

test_done
