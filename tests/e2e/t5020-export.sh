#!/bin/bash
# t5020: whom a bundle is sealed to (co-recipients, the configuration file),
# and the export ledger record of every bundle that is sealed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

B_ABS=$(cd "$TOP" && realpath "$B")
SITE_KEY=$TRASH/site-auditor.key
age-keygen -o "$SITE_KEY" 2>/dev/null
SITE=$(age-keygen -y "$SITE_KEY")

# A configuration directory whose recipients file lists the vendor and the site.
make_config() {
	mkdir -p conf &&
	printf "# the vendor\n%s\n\n# our auditors\n%s\n" "$VENDOR" "$SITE" >conf/recipients &&
	chmod 644 conf/recipients
}

test_expect_success 'a customer co-recipient opens the bundle with its own key, as the vendor does' '
	diag collect "$TREE" -r "$VENDOR" -r "$SITE" -o b.diag 2>err &&
	test "$(grep -c "^diag: sealing to age1" err)" = 2 &&
	diag open b.diag -i "$SITE_KEY" -o site 2>/dev/null &&
	diag open b.diag -i "$VENDOR_KEY" -o vendor 2>/dev/null &&
	diff -r site vendor &&
	tar -xOf b.diag payload.age | age -d -i "$SITE_KEY" | tar -tzf - >/dev/null &&
	test "$(json site/manifest.json "\",\".join(j[\"recipients\"])")" = "$VENDOR,$SITE"
'

test_expect_success 'recipients built in (make VENDOR_RECIPIENTS=...) need no -r, and say so' '
	BUILTIN_KEY=$TOP/tests/fixtures/trust/builtin-vendor.key &&
	BUILTIN=$(age-keygen -y "$BUILTIN_KEY") &&
	DIAG_CONFIG=$PWD/noconf "$B_ABS/tests/diag-vendor" collect "$TREE" -o b.diag 2>err &&
	grep -q "^diag: sealing to $BUILTIN (built in)\$" err &&
	test "$(grep -c "sealing to" err)" = 1 &&
	diag open b.diag -i "$BUILTIN_KEY" -o opened 2>/dev/null &&
	test "$(json opened/manifest.json "\",\".join(j[\"recipients\"])")" = "$BUILTIN" &&
	make_config &&
	DIAG_CONFIG=$PWD/conf "$B_ABS/tests/diag-vendor" collect "$TREE" -o c.diag 2>err &&
	test "$(grep -c "sealing to" err)" = 3 &&
	"$B_ABS/tests/diag-vendor" collect "$TREE" -r "$SITE" -o d.diag 2>err &&
	test "$(grep -c "sealing to" err)" = 1 &&
	test_expect_code 5 diag open d.diag -i "$BUILTIN_KEY" -o x 2>/dev/null
'

test_expect_success 'without -r, the recipients of $DIAG_CONFIG/recipients, each said with its origin' '
	make_config &&
	DIAG_CONFIG=$PWD/conf diag collect "$TREE" -o b.diag 2>err &&
	grep -q "^diag: sealing to $VENDOR (from .$PWD/conf/recipients.)$" err &&
	grep -q "^diag: sealing to $SITE (from .$PWD/conf/recipients.)$" err &&
	diag open b.diag -i "$SITE_KEY" -o site 2>/dev/null &&
	DIAG_CONFIG=$PWD/conf diag -q collect "$TREE" -o c.diag 2>err &&
	! grep -q "^diag:" err &&
	DIAG_CONFIG=$PWD/conf diag collect "$TREE" -r "$VENDOR" -o d.diag 2>err &&
	test "$(grep -c "sealing to" err)" = 1 &&
	test_expect_code 5 diag open d.diag -i "$SITE_KEY" -o x 2>/dev/null
'

test_expect_success 'a recipients file others can change, or that is not a file, is refused (exit 3)' '
	make_config &&
	chmod 664 conf/recipients &&
	DIAG_CONFIG=$PWD/conf test_expect_code 3 diag collect "$TREE" -o b.diag 2>err &&
	grep -q "other users can change it (mode 0664)" err &&
	chmod 646 conf/recipients &&
	DIAG_CONFIG=$PWD/conf test_expect_code 3 diag collect "$TREE" -o b.diag 2>/dev/null &&
	rm conf/recipients && mkdir conf/recipients &&
	DIAG_CONFIG=$PWD/conf test_expect_code 3 diag collect "$TREE" -o b.diag 2>err &&
	grep -q "not a regular file" err &&
	test ! -e b.diag
'

test_expect_success 'a recipients file owned by another user is refused' '
	make_config &&
	if [ "$(id -u)" = 0 ]; then
		chown 65534 conf/recipients &&
		DIAG_CONFIG=$PWD/conf test_expect_code 3 diag collect "$TREE" -o b.diag 2>err &&
		grep -q "belongs to another user (uid 65534)" err
	fi
'

test_expect_success 'an invalid line in the recipients file is refused, naming the line' '
	make_config &&
	printf "%s\nage1notakey\n" "$VENDOR" >conf/recipients &&
	DIAG_CONFIG=$PWD/conf test_expect_code 3 diag collect "$TREE" -o b.diag 2>err &&
	grep -q "conf/recipients:2:" err &&
	test ! -e b.diag
'

test_expect_success 'no recipient anywhere: a usage error that says where to put one' '
	mkdir conf &&
	DIAG_CONFIG=$PWD/conf test_expect_code 2 diag collect "$TREE" -o b.diag 2>err &&
	grep -q "no recipient: .* or list it in $PWD/conf/recipients" err &&
	test ! -e b.diag
'

test_expect_success 'the ledger records each sealed bundle: hashes, recipients, signer, files, bytes, operator' '
	export DIAG_STATE_DIR=$PWD/state &&
	diag keygen --sign -o k --unencrypted >/dev/null 2>&1 &&
	diag collect "$TREE" -r "$VENDOR" -r "$SITE" --sign k.key -o b.diag 2>err &&
	grep -q "recorded in the export ledger as #1: sha256 $(sha256sum <b.diag | cut -c1-64), signed by key" err &&
	diag ledger --json >l &&
	test "$(json l "len(j)")" = 1 &&
	test "$(json l "j[0][\"bundle\"]")" = "$PWD/b.diag" &&
	test "$(json l "j[0][\"sha256\"]")" = "$(sha256sum <b.diag | cut -c1-64)" &&
	test "$(json l "j[0][\"manifest_sha256\"]")" = "$(tar -xOf b.diag manifest.json | sha256sum | cut -c1-64)" &&
	test "$(json l "\",\".join(j[0][\"recipients\"])")" = "$VENDOR,$SITE" &&
	test "$(json l "j[0][\"signer\"]")" = "$(sed -n "1s/.* //p" k.pub)" &&
	tar -xOf b.diag manifest.json >m.json &&
	test "$(json l "j[0][\"files\"]")" = "$(json m.json "j[\"totals\"][\"files\"]")" &&
	test "$(json l "j[0][\"bytes\"]")" = "$(json m.json "j[\"totals\"][\"bytes\"]")" &&
	test "$(json l "j[0][\"user\"]")" = "$(id -un)" &&
	test "$(json l "j[0][\"parts\"]")" = 1 &&
	diag collect "$TREE" -r "$VENDOR" -o c.diag 2>/dev/null &&
	diag ledger >out &&
	grep -q "^   2  .*  -  .*c.diag$" out &&
	grep -q "^2 records; hash chain intact; head " out
'

test_expect_success 'a bundle to the standard output is recorded too' '
	export DIAG_STATE_DIR=$PWD/state &&
	diag collect "$TREE" -r "$VENDOR" -o - >b.diag 2>/dev/null &&
	diag ledger --json >l &&
	test "$(json l "j[-1][\"bundle\"]")" = "(standard output)" &&
	test "$(json l "j[-1][\"sha256\"]")" = "$(sha256sum <b.diag | cut -c1-64)"
'

test_expect_success 'dry runs and stages are not exports: nothing is recorded' '
	export DIAG_STATE_DIR=$PWD/state &&
	diag collect "$TREE" --dry-run >/dev/null 2>&1 &&
	diag collect "$TREE" --stage st 2>/dev/null &&
	diag ledger >out &&
	grep -q "^no exports recorded" out
'

test_expect_success 'a bundle written but not recorded: said loudly, exit 4, the bundle kept' '
	export DIAG_STATE_DIR=$PWD/state &&
	diag collect "$TREE" -r "$VENDOR" -o a.diag 2>/dev/null &&
	mv "$DIAG_STATE_DIR/ledger.jsonl" saved.jsonl &&
	mkdir "$DIAG_STATE_DIR/ledger.jsonl" &&
	test_expect_code 4 diag collect "$TREE" -r "$VENDOR" -o b.diag 2>err &&
	grep -q "the bundle .b.diag. (sha256 $(sha256sum <b.diag | cut -c1-64)) was written, but it is NOT recorded in the export ledger" err &&
	diag verify b.diag -i "$VENDOR_KEY" >/dev/null &&
	diag collect "$TREE" --stage st 2>/dev/null &&
	test_expect_code 4 diag seal st -r "$VENDOR" -o s.diag 2>err &&
	grep -q "NOT recorded" err && test -f s.diag
'

test_done
