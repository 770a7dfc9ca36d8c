#!/bin/bash
# t1050: diag collect seals a tree with planted secrets into a bundle that stock tools read
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-bundle.sh"

test_expect_success 'collect seals the tree, says to whom, and writes only the bundle' '
	mkdir out &&
	diag collect "$TREE" -r "$VENDOR" -o out/site.diag 2>err &&
	grep -q "^diag: sealing to $VENDOR\$" err &&
	grep -q "^diag: wrote .out/site.diag.: 5 files" err &&
	test "$(ls -A out)" = site.diag &&
	test "$(stat -c %a out/site.diag)" = 600
'

test_expect_success 'stock tar lists the bundle: the manifest first, then the payload' '
	diag collect "$TREE" -r "$VENDOR" -o b.diag 2>/dev/null &&
	tar tf b.diag >members &&
	printf "manifest.json\npayload.age\n" >want &&
	cmp want members
'

test_expect_success 'stock age and tar read the payload; the sealed manifest comes last' '
	diag collect "$TREE" -r "$VENDOR" -o b.diag 2>/dev/null &&
	tar -xOf b.diag payload.age | age -d -i "$VENDOR_KEY" | tar -tzf - >inner &&
	test "$(tail -1 inner)" = manifest.json &&
	grep -q "var/log/app/app.log\$" inner &&
	grep -q "detailed-breakdowns/summary-of-adjustments-for-the-fourth-quarter.txt\$" inner &&
	test "$(wc -l <inner)" = 6
'

test_expect_success 'every file extracted by stock tools matches its SHA-256 in the manifest' '
	diag collect "$TREE" -r "$VENDOR" -o b.diag 2>/dev/null &&
	tar -xOf b.diag manifest.json >manifest.json &&
	mkdir x &&
	tar -xOf b.diag payload.age | age -d -i "$VENDOR_KEY" | tar -xzf - -C x &&
	json manifest.json "\"\\n\".join(f[\"sha256\"] + \"  \" + f[\"path\"] for f in j[\"files\"])" >sums &&
	(cd x && sha256sum -c --quiet ../sums)
'

test_expect_success 'the payload SHA-256 in the manifest is what sha256sum computes' '
	diag collect "$TREE" -r "$VENDOR" -o b.diag 2>/dev/null &&
	tar -xOf b.diag manifest.json >m.json &&
	test "$(tar -xOf b.diag payload.age | sha256sum | cut -d" " -f1)" = \
	     "$(json m.json "j[\"payload\"][\"sha256\"]")" &&
	test "$(tar -xOf b.diag payload.age | wc -c)" = "$(json m.json "j[\"payload\"][\"size\"]")"
'

test_expect_success 'no planted secret survives, in the manifest or in the payload' '
	diag collect "$TREE" -r "$VENDOR" -o b.diag 2>/dev/null &&
	! grep -a -F -f "$CANARIES" b.diag &&
	tar -xOf b.diag payload.age | age -d -i "$VENDOR_KEY" | tar -xOzf - >plain &&
	test -s plain &&
	! grep -a -F -f "$CANARIES" plain &&
	grep -q "processed batch 1001" plain
'

test_expect_success 'the manifest counts redactions; binary data and keys are not collected' '
	diag collect "$TREE" -r "$VENDOR" -o b.diag 2>/dev/null &&
	tar -xOf b.diag manifest.json >m.json &&
	json m.json "[s[\"path\"] for s in j[\"skipped\"]]" >skipped &&
	grep -q "private.pem" skipped &&
	test "$(json m.json "j[\"totals\"][\"redactions\"] >= 8")" = True &&
	test "$(json m.json "sum(f[\"redactions\"].get(\"email\", 0) for f in j[\"files\"]) >= 2")" = True &&
	test "$(json m.json "sum(f[\"redactions\"].get(\"aws-access-key-id\", 0) for f in j[\"files\"])")" = 1 &&
	json m.json "[s[\"reason\"] for s in j[\"skipped\"] if s[\"path\"].endswith(\"state.bin\")][0]" >why &&
	grep -q "binary" why
'

test_expect_success 'a file that cannot be redacted is dropped and listed as failed (exit 1)' '
	mkdir -p odd/log &&
	{ head -c 2200000 /dev/zero | tr "\\0" A; printf " password=HalfwayCanary77\\n"; } >odd/log/a.log &&
	echo "fine line" >odd/log/b.log &&
	test_expect_code 1 diag collect odd -r "$VENDOR" -o b.diag 2>err &&
	grep -q "1 failed" err &&
	tar -xOf b.diag manifest.json >m.json &&
	json m.json "[f[\"source\"] for f in j[\"failures\"]]" | grep -q "a.log" &&
	json m.json "[f[\"path\"] for f in j[\"files\"]]" >paths &&
	grep -q "b.log" paths && ! grep -q "a.log" paths &&
	tar -xOf b.diag payload.age | age -d -i "$VENDOR_KEY" | tar -xOzf - >plain &&
	grep -q "fine line" plain &&
	! grep -q -a "AAAAAAAA" plain && ! grep -q -a HalfwayCanary77 plain
'

test_expect_success 'a key inside a configuration is redacted there; a key file is not collected' '
	mkdir -p emb/etc/app &&
	printf "tls:\n  cert_file: /etc/ssl/certs/server.crt\n  key: |\n    -----BEGIN EC PRIVATE KEY-----\n    MHcCAQEEIEmbeddedCanaryKeyBodyLine1xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n    -----END EC PRIVATE KEY-----\nport: 8443\n" >emb/etc/app/config.yaml &&
	printf "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCJsonCanaryKeyBody\\\\n-----END PRIVATE KEY-----\\\\n\", \"project_id\": \"demo\"}\n" >emb/etc/app/sa.json &&
	printf "%s\n" "-----BEGIN PRIVATE KEY-----" "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCFileCanaryKeyBody" "-----END PRIVATE KEY-----" >emb/etc/app/tls.pem &&
	diag collect emb -r "$VENDOR" -o b.diag 2>err &&
	tar -xOf b.diag manifest.json >m.json &&
	json m.json "[s[\"path\"] for s in j[\"skipped\"]]" | grep -q "tls.pem" &&
	tar -xOf b.diag payload.age | age -d -i "$VENDOR_KEY" | tar -xzf - &&
	grep -rq "port: 8443" files &&
	grep -rq "\"project_id\": \"demo\"" files &&
	! grep -rq -e EmbeddedCanary -e JsonCanary -e FileCanary files &&
	grep -rq "BEGIN EC PRIVATE KEY" files
'

test_expect_success 'several recipients: each of them can open the bundle' '
	age-keygen -o site.key 2>/dev/null &&
	diag collect "$TREE" -r "$VENDOR" -r "$(age-keygen -y site.key)" -o b.diag 2>err &&
	test "$(grep -c "^diag: sealing to age1" err)" = 2 &&
	tar -xOf b.diag payload.age | age -d -i site.key | tar -tzf - >/dev/null &&
	tar -xOf b.diag payload.age | age -d -i "$VENDOR_KEY" | tar -tzf - >/dev/null
'

test_expect_success 'recipients come from a file with -R, and the manifest lists them' '
	age-keygen -o site.key 2>/dev/null &&
	{ echo "# the vendor"; echo "$VENDOR"; age-keygen -y site.key; } >rcpts &&
	diag collect "$TREE" -R rcpts -o b.diag 2>/dev/null &&
	diag list --json b.diag >m.json &&
	test "$(json m.json "len(j[\"recipients\"])")" = 2
'

test_expect_success 'on a terminal collect shows its progress; elsewhere it does not' '
	script -qec "\"$DIAG\" collect \"$TREE\" -r $VENDOR -o b.diag" /dev/null >tty.out &&
	grep -q "diag: [0-9]* files, .* read, .* kept" tty.out &&
	grep -q "wrote .b.diag." tty.out &&
	diag collect "$TREE" -r "$VENDOR" -o c.diag 2>err &&
	! grep -q "files, .* read" err &&
	! grep -q "$(printf "\r")" err
'

test_expect_success 'names that are not UTF-8 or hold control characters are escaped, distinctly' '
	mkdir t &&
	echo 1 >"t/a$(printf "\\377")b" && echo 2 >"t/a$(printf "\\376")b" && echo 3 >"t/a$(printf "\\t")b" &&
	diag collect t -r "$VENDOR" -o b.diag 2>/dev/null &&
	diag list b.diag >out &&
	grep -q "/t/a%FFb  " out && grep -q "/t/a%FEb  " out && grep -q "/t/a%09b  " out &&
	diag open b.diag -i "$VENDOR_KEY" -o case 2>/dev/null &&
	test "$(find case -name "a%??b" | wc -l)" = 3
'

test_expect_success 'the host pseudonym in the manifest resolves on the site with diag lookup' '
	diag collect "$TREE/etc" -r "$VENDOR" -o b.diag 2>/dev/null &&
	diag list --json b.diag >m.json &&
	host=$(json m.json "j[\"host\"]") &&
	case $host in host-????????????) ;; *) fail "host pseudonym $host" ;; esac &&
	test "$(diag lookup "$host")" = "$(hostname)"
'

test_expect_success 'a bundle is never overwritten' '
	echo precious >b.diag &&
	test_expect_code 4 diag collect "$TREE" -r "$VENDOR" -o b.diag 2>err &&
	grep -q "already exists" err &&
	test "$(cat b.diag)" = precious &&
	test "$(ls -A)" = "b.diag
err"
'

test_expect_success 'with -o - the bundle goes to the standard output' '
	diag collect "$TREE" -r "$VENDOR" -o - >b.diag 2>/dev/null &&
	diag verify b.diag -i "$VENDOR_KEY" >/dev/null &&
	test "$(ls -A)" = b.diag
'

test_expect_success '--dry-run prints what the bundle would hold and writes nothing' '
	diag collect "$TREE" --dry-run >out 2>err &&
	grep -q "var/log/app/app.log" out &&
	grep -q "^Total: 5 files" out &&
	test "$(ls -A)" = "err
out"
'

test_expect_success 'without a recipient collect refuses to run (exit 2)' '
	test_expect_code 2 diag collect "$TREE" -o b.diag 2>err &&
	grep -q "no recipient" err &&
	test ! -e b.diag
'

test_expect_success 'a malformed recipient is refused (exit 5), naming it' '
	test_expect_code 5 diag collect "$TREE" -r age1notakey -o b.diag 2>err &&
	grep -q "age1notakey" err &&
	test ! -e b.diag
'

test_expect_success 'a policy excludes files and adds rules; the manifest names it' '
	cat >policy.yaml <<-\EOP &&
	version: 1
	exclude:
	  - "**/app/caf*.log"
	rules:
	  - id: batch-number
	    pattern: "batch 1[0-9]{3}"
	EOP
	diag collect "$TREE" -p policy.yaml -r "$VENDOR" -o b.diag 2>/dev/null &&
	diag list --json b.diag >m.json &&
	test "$(json m.json "j[\"policy\"][\"name\"]")" = policy.yaml &&
	test "$(json m.json "j[\"policy\"][\"sha256\"]")" = "$(sha256sum <policy.yaml | cut -d" " -f1)" &&
	json m.json "[s[\"reason\"] for s in j[\"skipped\"] if \"caf\" in s[\"path\"]][0]" | grep -q "excluded by the redaction policy" &&
	test "$(json m.json "sum(f[\"redactions\"].get(\"batch-number\", 0) for f in j[\"files\"])")" -ge 390
'

test_expect_success 'an invalid policy stops collect before anything is read (exit 3)' '
	printf "version: 1\nexclud: [x]\n" >bad.yaml &&
	test_expect_code 3 diag collect "$TREE" -p bad.yaml -r "$VENDOR" -o b.diag 2>err &&
	grep -q "^diag: .bad.yaml.:2:1: " err &&
	test ! -e b.diag
'

test_expect_success 'an invalid spec stops collect (exit 3), naming the line' '
	printf "version: 1\ncollect:\n  - name: x\n    tiemout: 3\n" >bad-spec.yaml &&
	test_expect_code 3 diag collect -s bad-spec.yaml -r "$VENDOR" -o b.diag 2>err &&
	grep -q "^diag: .bad-spec.yaml.:[0-9]*:[0-9]*: " err &&
	test ! -e b.diag
'

test_expect_success '--since and --last together are a usage error' '
	test_expect_code 2 diag collect "$TREE" -r "$VENDOR" --since 2026-01-01 --last 2h 2>err &&
	grep -q "cannot be used together" err
'

test_expect_success '--last records the time window in the manifest' '
	DIAG_FAKE_TIME=1795392000 diag collect "$TREE" -r "$VENDOR" --last 48h -o b.diag 2>/dev/null &&
	diag list --json b.diag >m.json &&
	test "$(json m.json "j[\"window\"][\"since\"]")" = 2026-11-21T00:00:00Z &&
	test "$(json m.json "j[\"window\"][\"until\"]")" = 2026-11-23T00:00:00Z
'

test_done
