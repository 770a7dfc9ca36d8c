#!/bin/bash
# t2100: diag lookup answers from the site's pseudonym map; the state is refused when unsafe
. "$(dirname "$0")/lib.sh"

# A state directory as 'diag collect' leaves it: a key and a map (the map's
# format is documented in diag.1 FILES).
make_state() {
	mkdir -p "$DIAG_STATE_DIR" &&
	chmod 700 "$DIAG_STATE_DIR" &&
	head -c 32 /dev/urandom >"$DIAG_STATE_DIR/site.key" &&
	chmod 600 "$DIAG_STATE_DIR/site.key" &&
	printf '%s\n' '# diag pseudonym map v1' \
		"$(printf '240.17.3.9\tipv4\t10.1.2.3')" \
		"$(printf 'user-0a1b2c3d@mail-5e6f.example\temail\tjane.doe@example-hospital.org')" \
		"$(printf 'h3c9d1e2a\thostname\tweb\\x1b[31m01')" \
		"$(printf 'h0badc0de\thost\\x1b]0;x\\x07\tdb')" >"$DIAG_STATE_DIR/pseudonyms.map" &&
	chmod 600 "$DIAG_STATE_DIR/pseudonyms.map"
}

test_expect_success 'lookup prints the original value of each token' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	diag lookup 240.17.3.9 user-0a1b2c3d@mail-5e6f.example >out &&
	printf "10.1.2.3\njane.doe@example-hospital.org\n" >want &&
	cmp want out
'

test_expect_success 'lookup reads tokens from standard input when none is given' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	printf "  240.17.3.9 \n\nuser-0a1b2c3d@mail-5e6f.example\n" | diag lookup -l >out &&
	printf "240.17.3.9\tipv4\t10.1.2.3\nuser-0a1b2c3d@mail-5e6f.example\temail\tjane.doe@example-hospital.org\n" >want &&
	cmp want out
'

test_expect_success 'control bytes in originals are printed escaped, never raw' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	diag lookup h3c9d1e2a >out &&
	test "$(cat out)" = "web\\x1b[31m01" &&
	diag lookup -l h0badc0de >out &&
	test "$(cat out)" = "$(printf "h0badc0de\thost\\\\x1b]0;x\\\\x07\tdb")"
'

test_expect_success 'an unknown token exits 1, naming it, and the others are still printed' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	test_expect_code 1 diag lookup 240.0.0.1 240.17.3.9 >out 2>err &&
	grep -q "unknown pseudonym '"'"'240.0.0.1'"'"'" err &&
	test "$(cat out)" = 10.1.2.3
'

test_expect_success 'without any site state, lookup exits 1 and says why' '
	test_expect_code 1 diag lookup 240.17.3.9 >out 2>err &&
	grep -q "no site key" err &&
	test ! -s out &&
	test ! -e "$DIAG_STATE_DIR/site.key"
'

test_expect_success 'a site key other users can read is refused, naming the file (exit 5)' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	chmod 644 "$DIAG_STATE_DIR/site.key" &&
	test_expect_code 5 diag lookup 240.17.3.9 >out 2>err &&
	grep -q "site.key'"'"' is accessible to other users" err &&
	test ! -s out
'

test_expect_success 'a site key of the wrong size is refused (exit 5)' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	head -c 31 /dev/urandom >"$DIAG_STATE_DIR/site.key" &&
	test_expect_code 5 diag lookup 240.17.3.9 2>err &&
	grep -q "wrong size (31 bytes, expected 32)" err
'

test_expect_success 'a map other users can read is refused (exit 4)' '
	test_when_finished "rm -rf \"$DIAG_STATE_DIR\"" &&
	make_state &&
	chmod 640 "$DIAG_STATE_DIR/pseudonyms.map" &&
	test_expect_code 4 diag lookup 240.17.3.9 >out 2>err &&
	grep -q "pseudonyms.map'"'"' is accessible to other users" err &&
	test ! -s out
'

test_expect_success 'lookup with a bad option is a usage error' '
	test_expect_code 2 diag lookup --frob 2>err &&
	grep -q "^usage: diag lookup" err
'

test_done
