#!/bin/bash
# t4001: diag encrypt/decrypt and the stock age read each other's files
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-age.sh"

# Keys made by each tool, shared by the tests below.
mkdir -p "$TRASH/keys"
diag keygen -o "$TRASH/keys/diag.key" >"$TRASH/keys/diag.pub"
age-keygen -o "$TRASH/keys/age.key" 2>/dev/null
age-keygen -y "$TRASH/keys/age.key" >"$TRASH/keys/age.pub"
K=$TRASH/keys

for size in 0 1 65535 65536 65537 131072 3000000; do
	test_expect_success "$size bytes: diag encrypts, age decrypts (binary and armored)" '
		make_input '$size' in &&
		diag encrypt -r "$(cat $K/age.pub)" -o c.age in &&
		age -d -i $K/age.key c.age >out && cmp in out &&
		diag encrypt -a -r "$(cat $K/age.pub)" in >c.asc &&
		head -1 c.asc | grep -qx -- "-----BEGIN AGE ENCRYPTED FILE-----" &&
		age -d -i $K/age.key c.asc | cmp - in &&
		age -r "$(cat $K/age.pub)" -o ref.age in &&
		test $(wc -c <c.age) -eq $(wc -c <ref.age)
	'
	test_expect_success "$size bytes: age encrypts, diag decrypts (binary and armored)" '
		make_input '$size' in &&
		age -r "$(cat $K/diag.pub)" -o c.age in &&
		diag decrypt -i $K/diag.key -o out c.age && cmp in out &&
		age -a -r "$(cat $K/diag.pub)" -o c.asc in &&
		diag decrypt -i $K/diag.key <c.asc >out2 && cmp in out2
	'
done

# The encryptor seals 512 KiB slots on a second thread when it has a CPU for it.
test_expect_success 'inputs of one slot, just over, and several: age decrypts them, piped or on one CPU' '
	for size in 524288 524289 5308417; do
		make_input $size in &&
		cat in | diag encrypt -r "$(cat $K/age.pub)" >c.age &&
		age -d -i $K/age.key c.age | cmp - in &&
		(taskset -pc 0 $BASHPID >/dev/null && diag encrypt -r "$(cat $K/age.pub)" -o c1.age in) &&
		age -d -i $K/age.key c1.age | cmp - in &&
		test $(wc -c <c.age) -eq $(wc -c <c1.age) || fail "$size bytes"
	done
'

test_expect_success 'several recipients: each identity decrypts, with either tool' '
	make_input 70000 in &&
	diag keygen -o third.key >third.pub &&
	printf "# recipients\n\n%s\r\n# the end\n" "$(cat third.pub)" >rcpts &&
	diag encrypt -r "$(cat $K/age.pub)" -r "$(cat $K/diag.pub)" -R rcpts -o c.age in &&
	test "$(grep -ac "^-> X25519 " c.age)" -eq 3 &&
	for k in $K/age.key $K/diag.key third.key; do
		diag decrypt -i $k c.age | cmp - in || fail "diag with $k"
		age -d -i $k c.age | cmp - in || fail "age with $k"
	done &&
	age -r "$(cat $K/age.pub)" -R rcpts -o c2.age in &&
	diag decrypt -i third.key c2.age | cmp - in
'

test_expect_success 'an identity file with several keys finds the one that matches' '
	make_input 1000 in &&
	diag keygen -o other.key >/dev/null &&
	cat other.key $K/age.key >both.key &&
	age -r "$(cat $K/age.pub)" -o c.age in &&
	diag decrypt -i both.key c.age | cmp - in &&
	diag decrypt -i other.key -i $K/age.key c.age | cmp - in
'

test_expect_success 'the wrong identity is "no identity matches", exit 5, no output file' '
	make_input 1000 in &&
	diag keygen -o other.key >/dev/null &&
	age -r "$(cat $K/age.pub)" -o c.age in &&
	test_expect_code 5 diag decrypt -i other.key -o out c.age 2>err &&
	test "$(cat err)" = "diag: '"'"'c.age'"'"': no identity matches: none of the identities is a recipient of the file (1 X25519 recipient)" &&
	no_leftovers in other.key c.age err
'

test_expect_success 'encrypt and decrypt use stdin and stdout by default' '
	make_input 5000 in &&
	diag encrypt -r "$(cat $K/diag.pub)" <in >c.age &&
	diag decrypt -i $K/diag.key <c.age >out && cmp in out &&
	diag decrypt -i $K/diag.key - <c.age | cmp - in
'

test_expect_success 'encrypting to an invalid recipient is a usage error' '
	test_expect_code 2 diag encrypt -r age1notakey </dev/null 2>err &&
	grep -q "invalid recipient .age1notakey.: not a valid recipient" err &&
	test_expect_code 2 diag encrypt -r "$(grep AGE-SECRET $K/diag.key)" </dev/null 2>err &&
	grep -q "not a recipient" err && ! grep -q AGE-SECRET-KEY-1 err &&
	test_expect_code 2 diag encrypt -r "ssh-ed25519 AAAA" </dev/null 2>err &&
	grep -q "SSH recipients are not supported" err &&
	test_expect_code 2 diag encrypt </dev/null 2>err &&
	grep -q "no recipients" err
'

test_expect_success 'a recipients file error names the file and line' '
	printf "# ok\n%s\nage1bogus\n" "$(cat $K/age.pub)" >rcpts &&
	test_expect_code 5 diag encrypt -R rcpts </dev/null 2>err &&
	grep -q "^diag: rcpts:3: not a valid recipient" err &&
	: >empty &&
	test_expect_code 5 diag encrypt -R empty </dev/null 2>err &&
	grep -q "no recipients in the file" err
'

test_expect_success 'binary ciphertext is refused on a terminal, armor is not' '
	! tty_run "" "$DIAG encrypt -r $(cat $K/age.pub) /dev/null" &&
	grep -q "refusing to write binary ciphertext to a terminal" tty.out &&
	tty_run "" "$DIAG encrypt -a -r $(cat $K/age.pub) /dev/null" &&
	grep -q "BEGIN AGE ENCRYPTED FILE" tty.out
'

test_done
