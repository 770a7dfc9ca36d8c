#!/bin/bash
# t5010: signing keys, signed bundles, and stock minisign in the loop
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

RETAR=$TOP/tests/e2e/retar.py
printf 'site pass\n' >"$TRASH/pw"
PW=$TRASH/pw
# The site's signing key, made once (scrypt work factor 10: fast, for tests only).
"$DIAG" keygen --sign -o "$TRASH/site" --passphrase-file "$PW" --work-factor 10 >"$TRASH/site.line" 2>/dev/null
"$DIAG" keygen --sign -o "$TRASH/other" --unencrypted >/dev/null 2>&1
OTHER=$TRASH/other
SIGNED=$TRASH/signed.diag
"$DIAG" collect "$TREE" -r "$VENDOR" --sign "$TRASH/site.key" --passphrase-file "$PW" \
	-o "$SIGNED" 2>/dev/null

# trusted FIELD FILE.minisig: a field of the trusted comment.
trusted() { sed -n 's/^trusted comment: //p' "$2" | tr '\t' '\n' | sed -n "s/^$1://p"; }

test_expect_success 'keygen --sign makes NAME.key (0600) and NAME.pub, prints the key line' '
	diag keygen --sign -o k --passphrase-file "$PW" --work-factor 10 >line 2>err &&
	test "$(stat -c %a k.key)" = 600 &&
	test "$(sed -n 2p k.pub)" = "$(cat line)" &&
	grep -q "^untrusted comment: minisign public key [0-9A-F]\{16\}$" k.pub &&
	grep -q "key [0-9A-F]\{16\}" err &&
	test_expect_code 4 diag keygen --sign -o k --unencrypted 2>err &&
	grep -q "already exists" err &&
	test_expect_code 2 diag keygen --sign --unencrypted 2>err &&
	grep -q "give -o NAME" err &&
	test_expect_code 2 diag keygen --sign -o z --work-factor 9 2>/dev/null &&
	test_expect_code 2 diag keygen --sign -o z --unencrypted --passphrase-file "$PW" 2>/dev/null &&
	test ! -e z.key && test ! -e z.pub
'

test_expect_success 'our key pair works with stock minisign, both ways' '
	diag keygen --sign -o k --unencrypted >/dev/null 2>&1 &&
	echo data >f &&
	minisign -S -s k.key -m f -t "made here" >/dev/null &&
	minisign -Vm f -p k.pub -q &&
	minisign -Vm f -P "$(sed -n 2p k.pub)" -q &&
	printf "%s\n" "$(cat "$PW")" >p2 &&
	diag keygen --sign -o e --passphrase-file p2 --work-factor 10 >/dev/null 2>&1 &&
	grep -q "^RWRTY0Iy" e.key &&
	minisign -S -s k.key -m f -x f.sig >/dev/null &&
	minisign -V -p k.pub -m f -x f.sig -q
'

test_expect_success 'collect --sign adds manifest.json.minisig, which stock minisign -V checks after tar -xf' '
	tar tf "$SIGNED" >members &&
	printf "manifest.json\nmanifest.json.minisig\npayload.age\n" | cmp - members &&
	tar -xf "$SIGNED" &&
	minisign -V -p "$TRASH/site.pub" -m manifest.json >out &&
	grep -q "^Signature and comment signature verified" out &&
	test "$(trusted manifest-sha256 manifest.json.minisig)" = "$(sha256sum <manifest.json | cut -c1-64)" &&
	test "$(trusted payload-sha256 manifest.json.minisig)" = "$(sha256sum <payload.age | cut -c1-64)" &&
	test "$(trusted host manifest.json.minisig)" = "$(json manifest.json "j[\"host\"]")" &&
	test "$(trusted created manifest.json.minisig)" = "$(json manifest.json "j[\"created\"]")" &&
	test "$(trusted files manifest.json.minisig)" = "$(json manifest.json "len(j[\"files\"])")" &&
	test "$(trusted file manifest.json.minisig)" = manifest.json &&
	tar -xOf "$SIGNED" payload.age | age -d -i "$VENDOR_KEY" | tar -tzf - >/dev/null
'

test_expect_success 'verify and open --signer check it; list and verify name the key without one' '
	id=$(sed -n "1s/.* //p" "$TRASH/site.pub") &&
	diag verify "$SIGNED" --signer "$TRASH/site.pub" >out &&
	grep -q "signature OK: manifest.json signed by key $id at 20" out &&
	diag verify "$SIGNED" --signer "$(cat "$TRASH/site.line")" -i "$VENDOR_KEY" >out &&
	grep -q "every hash matches" out &&
	diag open "$SIGNED" -i "$VENDOR_KEY" -o case --signer "$TRASH/site.pub" 2>err &&
	grep -q "signed by key $id (.*): checked" err &&
	diag verify "$SIGNED" >out &&
	grep -q "signed by key $id, not checked (give --signer PUB)" out &&
	diag list "$SIGNED" >out &&
	grep -q "^Signed:     by key $id (not checked here" out &&
	diag verify "$BUNDLE" >out &&
	grep -q "not signed: nothing proves who made it" out &&
	diag open "$BUNDLE" -i "$VENDOR_KEY" -o case2 2>err &&
	grep -q "not signed: nothing proves who made it" err
'

test_expect_success 'a key made by minisign -G -W signs as it is' '
	minisign -G -W -p ms.pub -s ms.key >/dev/null &&
	diag collect "$TREE" -r "$VENDOR" --sign ms.key -o b.diag 2>/dev/null &&
	diag verify b.diag --signer ms.pub >/dev/null &&
	tar -xf b.diag manifest.json manifest.json.minisig &&
	minisign -V -q -p ms.pub -m manifest.json
'

test_expect_success 'a wrong password, a missing key or a public key for --sign: refused before collecting' '
	echo wrong >bad &&
	test_expect_code 5 diag collect "$TREE" -r "$VENDOR" --sign "$TRASH/site.key" \
		--passphrase-file bad -o b.diag 2>err &&
	grep -q "site.key" err &&
	test_expect_code 4 diag collect "$TREE" -r "$VENDOR" --sign nonexistent.key -o b.diag 2>/dev/null &&
	test_expect_code 5 diag collect "$TREE" -r "$VENDOR" --sign "$TRASH/site.pub" -o b.diag 2>/dev/null &&
	test_expect_code 2 diag collect "$TREE" -r "$VENDOR" --passphrase-file "$PW" -o b.diag 2>err &&
	grep -q "give --sign too" err &&
	test ! -e b.diag
'

# refused_signed FILE WHAT: verify --signer and open --signer fail with exit 5,
# one line saying WHAT; nothing extracted.
refused_signed() {
	test_expect_code 5 diag verify "$1" --signer "$TRASH/site.pub" 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "$2" err &&
	test_expect_code 5 diag open "$1" -i "$VENDOR_KEY" -o case --signer "$TRASH/site.pub" 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "$2" err &&
	test ! -e case
}

test_expect_success 'a changed manifest fails the signature (and stock minisign agrees)' '
	tar -xf "$SIGNED" manifest.json &&
	python3 -c "
import sys
p = sys.argv[1]
t = open(p).read()
i = t.index(\"\\\"description\\\": \\\"\") + 16
t = t[:i] + (\"X\" if t[i] != \"X\" else \"Y\") + t[i + 1:]
open(p, \"w\").write(t)" manifest.json &&
	python3 "$RETAR" "$SIGNED" b.diag manifest.json=manifest.json &&
	refused_signed b.diag "signature verification failed" &&
	tar -xf b.diag manifest.json.minisig &&
	! minisign -V -q -p "$TRASH/site.pub" -m manifest.json 2>/dev/null
'

test_expect_success 'a swapped payload fails its hash in the signed manifest' '
	tar -xf "$BUNDLE" payload.age &&
	python3 "$RETAR" "$SIGNED" b.diag payload.age=payload.age &&
	test_expect_code 5 diag verify b.diag --signer "$TRASH/site.pub" 2>err &&
	grep -q "payload.age has [0-9]* bytes, the manifest says\|payload.age does not match its SHA-256" err &&
	test_expect_code 5 diag open b.diag -i "$VENDOR_KEY" -o case --signer "$TRASH/site.pub" 2>/dev/null &&
	test ! -e case
'

test_expect_success 'another signer key, a removed signature, an unsigned bundle: refused with --signer' '
	test_expect_code 5 diag verify "$SIGNED" --signer "$OTHER.pub" 2>err &&
	grep -q "signed by key [0-9A-F]*, not by .*other.pub. (key [0-9A-F]*)" err &&
	python3 "$RETAR" "$SIGNED" b.diag -manifest.json.minisig &&
	refused_signed b.diag "not signed (no manifest.json.minisig)" &&
	diag verify b.diag >/dev/null &&
	refused_signed "$BUNDLE" "not signed"
'

test_expect_success 'a signature made by another key over the same manifest is refused' '
	tar -xf "$SIGNED" manifest.json manifest.json.minisig &&
	comment=$(sed -n "s/^trusted comment: //p" manifest.json.minisig) &&
	minisign -S -s "$OTHER.key" -m manifest.json -t "$comment" -x forged.minisig >/dev/null &&
	python3 "$RETAR" "$SIGNED" b.diag manifest.json.minisig=forged.minisig &&
	refused_signed b.diag "signed by key .*, not by" &&
	diag verify b.diag --signer "$OTHER.pub" >/dev/null
'

test_expect_success 'a signature whose key id is the site key but whose key is not: signature fails' '
	tar -xf "$SIGNED" manifest.json &&
	minisign -S -s "$OTHER.key" -m manifest.json -x forged.minisig >/dev/null &&
	python3 -c "
import base64, sys
sig, good = sys.argv[1], sys.argv[2]
lines = open(sig).read().split(\"\\n\")
site_id = base64.b64decode(open(good).read().split(\"\\n\")[1])[2:10]
raw = bytearray(base64.b64decode(lines[1]))
raw[2:10] = site_id
lines[1] = base64.b64encode(bytes(raw)).decode()
open(sig, \"w\").write(\"\\n\".join(lines))" forged.minisig "$TRASH/site.pub" &&
	python3 "$RETAR" "$SIGNED" b.diag manifest.json.minisig=forged.minisig &&
	refused_signed b.diag "signature verification failed"
'

test_expect_success 'a signature whose trusted comment disagrees with the manifest is refused, key or not' '
	tar -xf "$SIGNED" manifest.json &&
	minisign -S -s "$OTHER.key" -m manifest.json -t "manifest-sha256:$(printf %064d 0)" -x odd.minisig >/dev/null &&
	python3 "$RETAR" "$SIGNED" b.diag manifest.json.minisig=odd.minisig &&
	test_expect_code 5 diag verify b.diag 2>err &&
	grep -q "manifest.json.minisig does not match manifest.json: it names another manifest" err &&
	test_expect_code 5 diag list b.diag 2>/dev/null
'

test_expect_success 'a malformed signature member is refused with one line' '
	printf "not a signature\n" >junk.minisig &&
	python3 "$RETAR" "$SIGNED" b.diag manifest.json.minisig=junk.minisig &&
	test_expect_code 5 diag verify b.diag 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "manifest.json.minisig" err
'

test_expect_success 'diag seal --sign signs too' '
	diag collect "$TREE" --stage st 2>/dev/null &&
	diag seal st -r "$VENDOR" --sign "$TRASH/site.key" --passphrase-file "$PW" -o s.diag 2>/dev/null &&
	diag verify s.diag --signer "$TRASH/site.pub" -i "$VENDOR_KEY" >/dev/null &&
	tar -xf s.diag manifest.json manifest.json.minisig &&
	minisign -V -q -p "$TRASH/site.pub" -m manifest.json
'

test_done
