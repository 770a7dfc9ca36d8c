#!/bin/bash
# t3010: review stages: collect --stage, list a stage, the reviewer's changes, diag seal
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

STAGE=$TRASH/stage
"$DIAG" collect "$TREE" --stage "$STAGE" 2>/dev/null

# staged NAME: the path of a staged file by its base name.
staged() { find "${2:-stage}" -name "$1" -type f; }
# A fresh copy of the stage in ./stage.
copy_stage() { cp -a "$STAGE" stage; }
# sealed_json BUNDLE EXPR: a Python expression over the sealed manifest (as j).
sealed_json() { tar -xOf "$1" manifest.json >m.json && json m.json "$2"; }

test_expect_success 'collect --stage writes the redacted files and the manifest, 0700/0600, seals nothing' '
	test "$(stat -c %a "$STAGE")" = 700 &&
	test -f "$STAGE/manifest.json" && test -f "$STAGE/.diag-stage" &&
	test "$(find "$STAGE" -type f ! -perm 600 | wc -l)" = 0 &&
	test "$(find "$STAGE" -type d ! -perm 700 | wc -l)" = 0 &&
	test "$(json "$STAGE/manifest.json" "len(j[\"files\"])")" = 5 &&
	test "$(json "$STAGE/manifest.json" "\"payload\" in j")" = False &&
	for p in $(json "$STAGE/manifest.json" "\" \".join(f[\"path\"] for f in j[\"files\"])"); do
		test -f "$STAGE/$p" || fail "$p not staged"
	done &&
	test "$(find "$STAGE" -name "*.diag" -o -name "*.diag.[0-9]*" -o -name "*.age" | wc -l)" = 0 &&
	grep -q "^diag-stage 1 [0-9a-f]\{64\}$" "$STAGE/.diag-stage"
'

# PROMISE: nothing unredacted ever reaches a stage.
test_expect_success 'no planted canary is in the stage' '
	! grep -r -a -F -f "$CANARIES" "$STAGE" &&
	! find "$STAGE" -name "private.pem" -o -name "state.bin" | grep -q .
'

test_expect_success 'the stage is refused when DIR is not empty, accepted when empty; options that seal are refused' '
	mkdir full empty && echo x >full/x &&
	test_expect_code 4 diag collect "$TREE" --stage full 2>err &&
	grep -q "not empty" err && test "$(ls full)" = x &&
	diag collect "$TREE" --stage empty 2>/dev/null &&
	test -f empty/manifest.json &&
	test_expect_code 2 diag collect "$TREE" --stage s2 -o b.diag 2>/dev/null &&
	test_expect_code 2 diag collect "$TREE" --stage s2 -r "$VENDOR" 2>/dev/null &&
	test_expect_code 2 diag collect "$TREE" --stage s2 --sign k.key 2>/dev/null &&
	test_expect_code 2 diag collect "$TREE" --stage s2 --dry-run 2>/dev/null &&
	test ! -e s2 && test "$(ls -A | sort | tr "\n" " ")" = "empty err full "
'

test_expect_success 'list shows a stage as it would be sealed, without any key' '
	diag list "$STAGE" >out &&
	grep -q "^Bundle:     .*stage (a review stage, not sealed yet" out &&
	grep -q "^Reviewed:   sealed from a review stage at .*: 0 changed, 0 added, 0 removed" out &&
	grep -q "^Total: 5 files" out &&
	diag list --json "$STAGE" >j &&
	test "$(json j "len(j[\"files\"])")" = 5
'

test_expect_success 'an unreviewed stage seals to the same files as a direct collect' '
	copy_stage &&
	diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "sealing to $VENDOR" err &&
	grep -q "the reviewer changed 0, added 0, removed 0" err &&
	diag verify s.diag -i "$VENDOR_KEY" >/dev/null &&
	sealed_json s.diag "sorted((f[\"path\"], f[\"sha256\"]) for f in j[\"files\"])" >got &&
	json "$STAGE/manifest.json" "sorted((f[\"path\"], f[\"sha256\"]) for f in j[\"files\"])" >want &&
	cmp got want &&
	tar -xOf "$BUNDLE" manifest.json >b.json &&
	json b.json "sorted(f[\"sha256\"] for f in j[\"files\"])" >direct &&
	sealed_json s.diag "sorted(f[\"sha256\"] for f in j[\"files\"])" >sealed &&
	cmp direct sealed &&
	test "$(sealed_json s.diag "j[\"review\"][\"removed\"]")" = "[]" &&
	tar -xOf s.diag payload.age | age -d -i "$VENDOR_KEY" | tar -tzf - >/dev/null &&
	test -d stage
'

test_expect_success 'the reviewer deletes, edits and adds files: list marks them, seal records them' '
	copy_stage &&
	log=$(staged app.log) && conf=$(staged app.conf) && empty=$(staged empty.log) &&
	rm "$empty" &&
	echo "note from the reviewer: ticket 4711" >>"$log" &&
	printf "from the reviewer\n" >stage/added-notes.txt &&
	diag list stage >out &&
	grep -q "^Reviewed:   .*: 1 changed, 1 added, 1 removed" out &&
	grep -q "app.log .*\[changed by the reviewer\]" out &&
	grep -q "added-notes.txt .*\[added by the reviewer\]" out &&
	grep -q "^Removed by the reviewer (1):" out &&
	diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "the reviewer changed 1, added 1, removed 1" err &&
	test "$(sealed_json s.diag "\",\".join(f[\"path\"].split(\"/\")[-1] for f in j[\"files\"] if f.get(\"review\") == \"changed\")")" = app.log &&
	test "$(sealed_json s.diag "\",\".join(f[\"path\"] + \"|\" + f[\"collector\"] + \"|\" + f[\"description\"] for f in j[\"files\"] if f.get(\"review\") == \"added\")")" = "added-notes.txt|review|added by the reviewer" &&
	test "$(sealed_json s.diag "\",\".join(r[\"path\"].split(\"/\")[-1] for r in j[\"review\"][\"removed\"])")" = empty.log &&
	diag open s.diag -i "$VENDOR_KEY" -o case 2>/dev/null &&
	grep -q "ticket 4711" "case/${log#stage/}" &&
	test ! -e "case/${empty#stage/}" &&
	test "$(cat case/added-notes.txt)" = "from the reviewer" &&
	diag list s.diag >listing &&
	grep -q "^Reviewed:   sealed from a review stage at .*: 1 changed, 1 added, 1 removed" listing
'

# PROMISE: a reviewer cannot make unredacted data leave through a stage.
test_expect_success 'secrets a reviewer writes into a staged file or adds are redacted when sealing' '
	copy_stage &&
	conf=$(staged app.conf) &&
	printf "password = ReviewerCanary-31337\n" >>"$conf" &&
	mkdir -p stage/extra &&
	printf "token=ghp_REVIEWERcanary0123456789abcdefghijkl\nmail bob.reviewer@acme-industries.com\n" >stage/extra/notes.log &&
	printf "[db]\npassword = AddedCanaryPass-77\n" >stage/extra/db.ini &&
	diag seal stage -r "$VENDOR" -o s.diag 2>/dev/null &&
	diag open s.diag -i "$VENDOR_KEY" -o case 2>/dev/null &&
	! grep -r -a "ReviewerCanary-31337\|REVIEWERcanary\|bob.reviewer@\|AddedCanaryPass-77" case &&
	grep -q "REDACTED" case/extra/db.ini &&
	! grep -r -a -F -f "$CANARIES" case &&
	sealed_json s.diag "sorted(f[\"redactions\"].get(\"password\", 0) for f in j[\"files\"] if f[\"path\"].endswith(\"db.ini\"))" >n &&
	test "$(cat n)" = "[1]"
'

test_expect_success 'a binary file added to the stage is not sealed, and says so' '
	copy_stage &&
	head -c 3000 /dev/urandom >stage/blob.bin &&
	printf "\0\0\0\0" >>stage/blob.bin &&
	diag seal stage -r "$VENDOR" -o s.diag 2>/dev/null &&
	diag list s.diag >out &&
	grep -q "blob.bin: binary data: not collected" out &&
	test "$(sealed_json s.diag "[f[\"path\"] for f in j[\"files\"] if \"blob\" in f[\"path\"]]")" = "[]"
'

test_expect_success 'an edited manifest, or no mark, or another site: the stage is refused (exit 3)' '
	copy_stage &&
	sed -i "s/\"description\": \"/\"description\": \"X/" stage/manifest.json &&
	test_expect_code 3 diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "manifest.json was changed since diag collect wrote it" err &&
	rm -rf stage && copy_stage && rm stage/.diag-stage &&
	test_expect_code 3 diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "is not a review stage" err &&
	rm -rf stage && copy_stage &&
	DIAG_STATE_DIR=$PWD/other-site test_expect_code 3 diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "another site" err &&
	test ! -e s.diag
'

test_expect_success 'a symbolic link, a FIFO or a device in the stage is refused, naming it' '
	copy_stage &&
	ln -s /etc/passwd stage/files/passwd &&
	test_expect_code 3 diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "stage .*: .files/passwd. is not a regular file" err &&
	test_expect_code 3 diag list stage 2>/dev/null &&
	rm stage/files/passwd && mkfifo stage/fifo &&
	test_expect_code 3 diag seal stage -r "$VENDOR" -o s.diag 2>err &&
	grep -q "fifo. is not a regular file" err &&
	test ! -e s.diag
'

test_expect_success 'a stage is sealed with the policy it was collected with, and no other' '
	printf "version: 1\nrules:\n  - id: codename\n    literals: [Bluebird]\n" >policy.yaml &&
	diag collect "$TREE" -p policy.yaml --stage st 2>/dev/null &&
	test_expect_code 2 diag seal st -r "$VENDOR" -o s.diag 2>err &&
	grep -q "redacted with the policy .policy.yaml." err &&
	echo "project Bluebird is late" >st/added.txt &&
	diag seal st -r "$VENDOR" -p policy.yaml -o s.diag 2>/dev/null &&
	diag open s.diag -i "$VENDOR_KEY" -o case 2>/dev/null &&
	grep -q "REDACTED:codename" case/added.txt &&
	test_expect_code 2 diag seal "$STAGE" -r "$VENDOR" -p policy.yaml -o t.diag 2>err &&
	grep -q "built-in rules: seal it without -p" err
'

test_expect_success 'seal records the bundle in the ledger, and writes DIR.diag by default' '
	copy_stage &&
	diag seal stage -r "$VENDOR" 2>/dev/null &&
	test -f stage.diag &&
	diag ledger --json >l &&
	test "$(json l "j[-1][\"bundle\"]")" = "$PWD/stage.diag" &&
	test "$(json l "j[-1][\"sha256\"]")" = "$(sha256sum <stage.diag | cut -c1-64)" &&
	test_expect_code 4 diag seal stage -r "$VENDOR" 2>err &&
	grep -q "already exists" err
'

test_expect_success 'seal refuses what is not a stage, and a bundle manifest in a stage' '
	test_expect_code 3 diag seal "$FIXTURES" -r "$VENDOR" -o s.diag 2>err &&
	grep -q "not a review stage" err &&
	test_expect_code 4 diag seal nonexistent -r "$VENDOR" -o s.diag 2>/dev/null &&
	test_expect_code 2 diag seal 2>/dev/null &&
	test_expect_code 2 diag seal a b 2>/dev/null &&
	diag seal -h >help && diag help seal >help2 && cmp help help2 &&
	test ! -e s.diag
'

test_done
