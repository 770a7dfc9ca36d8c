#!/bin/bash
# t4002: passphrase (scrypt) encryption, from a file or the terminal, with the stock age
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-age.sh"

test_expect_success 'a passphrase file encrypts and decrypts; the work factor is in the header' '
	make_input 70000 in &&
	printf "correct horse battery\n" >pw &&
	diag encrypt --passphrase-file pw --work-factor 10 -o c.age in &&
	grep -aq "^-> scrypt [A-Za-z0-9+/]\{22\} 10\$" c.age &&
	test "$(grep -ac "^-> " c.age)" -eq 1 &&
	diag decrypt --passphrase-file pw -o out c.age && cmp in out
'

test_expect_success 'the default work factor is 18, as age uses' '
	printf "pw\n" >pw &&
	echo x | diag encrypt -p --passphrase-file pw >c.age &&
	grep -aq "^-> scrypt [A-Za-z0-9+/]\{22\} 18\$" c.age
'

test_expect_success 'diag -p asks twice on the terminal; age decrypts with the passphrase' '
	make_input 65537 in &&
	tty_run "tty pass phrase\ntty pass phrase\n" "$DIAG encrypt -p --work-factor 10 -a -o c.asc in" &&
	grep -q "^Enter passphrase:" tty.out && grep -q "Confirm passphrase:" tty.out &&
	tty_run "tty pass phrase\n" "age -d -o out c.asc" &&
	cmp in out
'

test_expect_success 'age -p encrypts; diag decrypts with a passphrase file and on the terminal' '
	make_input 65536 in &&
	tty_run "from age\nfrom age\n" "age -p -o c.age in" &&
	grep -aq "^-> scrypt " c.age &&
	printf "from age\r\n" >pw &&
	diag decrypt --passphrase-file pw c.age | cmp - in &&
	tty_run "from age\n" "$DIAG decrypt -o out c.age" &&
	grep -q "^Enter passphrase:" tty.out &&
	cmp in out
'

test_expect_success 'a wrong passphrase is exit 5 and leaves no output' '
	echo data >in && echo right >pw && echo wrong >bad &&
	diag encrypt --passphrase-file pw --work-factor 10 -o c.age in &&
	test_expect_code 5 diag decrypt --passphrase-file bad -o out c.age 2>err &&
	test "$(cat err)" = "diag: '"'"'c.age'"'"': no identity matches: wrong passphrase" &&
	no_leftovers in pw bad c.age err
'

test_expect_success 'bad passphrase files are refused before anything is written' '
	echo data >in &&
	: >empty && printf "a\nb\n" >two && printf "a\n\n" >blank2 &&
	test_expect_code 5 diag encrypt --passphrase-file empty -o c in 2>err &&
	grep -q "^diag: .empty.: invalid key: the passphrase is empty" err &&
	test_expect_code 5 diag encrypt --passphrase-file two -o c in 2>err &&
	grep -q "more than one line" err &&
	test_expect_code 5 diag encrypt --passphrase-file blank2 -o c in 2>/dev/null &&
	test_expect_code 4 diag encrypt --passphrase-file missing -o c in 2>err &&
	grep -q "^diag: .missing.: cannot open: No such file" err &&
	test ! -e c
'

test_expect_success 'a passphrase and recipients do not mix' '
	echo pw >pw &&
	test_expect_code 2 diag encrypt -p -r "$(diag keygen 2>/dev/null | diag keygen -y -)" </dev/null 2>err &&
	grep -q "cannot be combined" err &&
	test_expect_code 2 diag encrypt --work-factor 10 -r age1x </dev/null 2>/dev/null &&
	for wf in 0 23 1x -1 ""; do
		test_expect_code 2 diag encrypt -p --passphrase-file pw --work-factor "$wf" </dev/null 2>/dev/null ||
			fail "work factor $wf"
	done
'

test_expect_success 'with -i, a passphrase-encrypted file says so' '
	echo data >in && echo pw >pw &&
	diag encrypt --passphrase-file pw --work-factor 10 -o c.age in &&
	diag keygen -o k >/dev/null &&
	test_expect_code 5 diag decrypt -i k c.age 2>err &&
	grep -q "no identity matches: the file is encrypted with a passphrase, and none was given" err
'

test_expect_success 'without -i, a file for X25519 recipients fails without asking anything' '
	diag keygen -o k >pub &&
	echo data | diag encrypt -r "$(cat pub)" >c.age &&
	test_expect_code 5 setsid -w "$DIAG" decrypt c.age </dev/null 2>err &&
	grep -q "encrypted to X25519 recipients, not with a passphrase" err
'

test_expect_success 'no terminal to ask a passphrase on is an I/O error' '
	echo data >in && echo pw >pw &&
	diag encrypt --passphrase-file pw --work-factor 10 -o c.age in &&
	test_expect_code 4 setsid -w "$DIAG" decrypt -o out c.age </dev/null 2>err &&
	grep -q "cannot ask for a passphrase: no terminal" err &&
	test ! -e out
'

test_expect_success 'a work factor above 22 is a malformed header, and nothing is asked' '
	echo data >in && echo pw >pw &&
	diag encrypt --passphrase-file pw --work-factor 10 -o c.age in &&
	sed "2s/ 10\$/ 23/" c.age >c23.age &&
	test_expect_code 5 setsid -w "$DIAG" decrypt c23.age </dev/null 2>err &&
	grep -q "header malformed: scrypt work factor 23 is above the limit 22" err
'

test_done
