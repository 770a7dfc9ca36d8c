#!/bin/bash
# t4000: diag keygen writes identities as age-keygen does, and reads them back
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-age.sh"

test_expect_success 'keygen -o writes an age-keygen style identity, 0600, and prints its recipient' '
	DIAG_FAKE_TIME=1795000000 diag keygen -o k >pub 2>err &&
	test "$(stat -c %a k)" = 600 &&
	test "$(sed -n 1p k)" = "# created: 2026-11-18T11:06:40Z" &&
	test "$(sed -n 2p k)" = "# public key: $(cat pub)" &&
	grep -qE "^AGE-SECRET-KEY-1[0-9A-Z]{58}\$" k &&
	test "$(wc -l <k)" -eq 3 &&
	grep -qE "^age1[0-9a-z]{58}\$" pub &&
	test "$(age-keygen -y k)" = "$(cat pub)" &&
	test ! -s err
'

test_expect_success 'keygen never overwrites an existing file' '
	echo precious >k &&
	test_expect_code 4 diag keygen -o k 2>err &&
	grep -q "already exists" err &&
	test "$(cat k)" = precious &&
	no_leftovers k err
'

test_expect_success 'keygen without -o writes the identity to stdout and the recipient to stderr' '
	diag keygen >k 2>err &&
	grep -q "^AGE-SECRET-KEY-1" k &&
	test "$(cat err)" = "Public key: $(age-keygen -y k)"
'

test_expect_success 'keygen -y prints the recipient of every identity, from either tool' '
	age-keygen -o a 2>/dev/null && diag keygen -o b >/dev/null &&
	{ cat a; echo; echo "# a comment"; grep AGE-SECRET b | sed "s/\$/\r/"; } >both &&
	diag keygen -y both >out &&
	{ age-keygen -y a; age-keygen -y b; } >want &&
	cmp out want &&
	grep -v "^#" b | diag keygen -y - >out2 &&
	age-keygen -y b | cmp - out2
'

test_expect_success 'keygen -y names the file and line of a bad identity, exit 5' '
	diag keygen -o k >/dev/null &&
	{ echo "# two good keys and a bad one"; grep AGE-SECRET k; grep AGE-SECRET k | tr 0-9 A-J; } >bad &&
	test_expect_code 5 diag keygen -y bad 2>err &&
	test "$(wc -l <err)" -eq 1 &&
	grep -q "^diag: bad:3: not a valid identity" err &&
	! grep -q AGE-SECRET err
'

test_expect_success 'keygen -y tells a recipient and an empty file from an identity' '
	diag keygen -o k >pub &&
	cp pub notkey &&
	test_expect_code 5 diag keygen -y notkey 2>err &&
	grep -q "notkey:1: this is a recipient" err &&
	: >empty &&
	test_expect_code 5 diag keygen -y empty 2>err &&
	grep -q "no identities" err &&
	printf -- "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n" >ssh &&
	test_expect_code 5 diag keygen -y ssh 2>err &&
	grep -q "^diag: ssh:1: SSH keys are not supported" err &&
	test_expect_code 4 diag keygen -y missing 2>err &&
	grep -q "^diag: .missing.: cannot open: No such file" err
'

test_expect_success 'keygen --passphrase-file writes an armored age file that both tools open' '
	echo "correct horse" >pw &&
	diag keygen --passphrase-file pw --work-factor 10 -o k.age >pub &&
	test "$(stat -c %a k.age)" = 600 &&
	head -1 k.age | grep -qx -- "-----BEGIN AGE ENCRYPTED FILE-----" &&
	! grep -q AGE-SECRET k.age &&
	test "$(diag keygen -y --passphrase-file pw k.age)" = "$(cat pub)" &&
	echo hello >m &&
	age -r "$(cat pub)" -o m.age m &&
	diag decrypt -i k.age --passphrase-file pw m.age >out && cmp m out &&
	tty_run "correct horse\n" "age -d -i k.age -o out2 m.age" &&
	cmp m out2
'

test_expect_success 'a wrong passphrase for an encrypted identity fails with exit 5' '
	echo "correct horse" >pw && echo "wrong horse" >bad &&
	diag keygen --passphrase-file pw --work-factor 10 -o k.age >/dev/null &&
	test_expect_code 5 diag keygen -y --passphrase-file bad k.age 2>err &&
	grep -q "^diag: .k.age.: no identity matches: wrong passphrase" err
'

test_expect_success 'keygen --passphrase asks twice on the terminal' '
	tty_run "s3cret pass\ns3cret pass\n" "$DIAG keygen --passphrase --work-factor 10 -o k.age" &&
	grep -q "Enter passphrase for the new identity:" tty.out &&
	grep -q "Confirm passphrase for the new identity:" tty.out &&
	echo "s3cret pass" >pw &&
	diag keygen -y --passphrase-file pw k.age | grep -q "^age1" &&
	! tty_run "one\ntwo\n" "$DIAG keygen --passphrase --work-factor 10 -o k2.age" &&
	grep -q "passphrases do not match" tty.out &&
	test ! -e k2.age
'

test_expect_success 'an identity encrypted by age-keygen | age -p opens with diag' '
	age-keygen -o plain.key 2>/dev/null &&
	tty_run "fixture pass\nfixture pass\n" "age -p -a -o k.age plain.key" &&
	head -1 k.age | grep -q BEGIN &&
	echo "fixture pass" >pw &&
	test "$(diag keygen -y --passphrase-file pw k.age)" = "$(age-keygen -y plain.key)" &&
	echo data >m &&
	diag encrypt -r "$(age-keygen -y plain.key)" -o m.age m &&
	diag decrypt -i k.age --passphrase-file pw -o out m.age && cmp m out
'

test_expect_success 'keygen usage errors exit 2' '
	test_expect_code 2 diag keygen --work-factor 10 2>/dev/null &&
	test_expect_code 2 diag keygen --passphrase --work-factor 23 2>/dev/null &&
	test_expect_code 2 diag keygen -y 2>/dev/null &&
	test_expect_code 2 diag keygen -y a b 2>/dev/null &&
	test_expect_code 2 diag keygen extra 2>/dev/null &&
	test_expect_code 2 diag keygen -y -o x k 2>/dev/null
'

test_done
