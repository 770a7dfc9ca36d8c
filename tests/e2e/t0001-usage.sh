#!/bin/bash
# t0001: global options, help, version, unknown commands, exit codes
. "$(dirname "$0")/lib.sh"

# The commands diag --help lists.
commands() { "$DIAG" --help | sed -n "/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p"; }

test_expect_success "--help prints the commands and the exit codes, exits 0" '
	diag --help >out &&
	grep -q "^Commands:" out &&
	grep -q "^Exit status: 0 ok" out &&
	diag -h >out2 && cmp out out2
'

test_expect_success '--version prints the version from VERSION' '
	diag --version >out &&
	test "$(cat out)" = "diag $(cat "$TOP/VERSION")"
'

test_expect_success 'no command is a usage error (exit 2)' '
	test_expect_code 2 diag 2>err &&
	grep -q "^usage: diag" err
'

test_expect_success 'an unknown command is a usage error naming it' '
	test_expect_code 2 diag frobnicate 2>err &&
	grep -q "'"'"'frobnicate'"'"' is not a diag command" err
'

test_expect_success 'an unknown global option is a usage error' '
	test_expect_code 2 diag --frob 2>err &&
	grep -q "unknown option" err
'

test_expect_success 'diag --help lists every command the three users need' '
	commands >have &&
	printf "%s\n" collect list open verify seal redact lookup ledger keygen encrypt decrypt | sort >want &&
	sort have >have.sorted &&
	diff -u want have.sorted
'

test_expect_success 'diag help COMMAND and COMMAND -h print the same usage' '
	for c in $(commands); do
		diag help $c >a && grep -q "^usage: diag $c" a || fail "help $c";
		diag $c -h >b || fail "$c -h exits non-zero";
		cmp a b || fail "$c -h differs from help $c"
	done
'

test_expect_success 'diag help of an unknown command fails' '
	test_expect_code 2 diag help frobnicate 2>err
'

test_done
