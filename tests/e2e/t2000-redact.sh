#!/bin/bash
# t2000: diag redact on files and standard input: output, fail closed, policy, report
. "$(dirname "$0")/lib.sh"

test_expect_success 'standard input is redacted to standard output' '
	printf "db password=hunter2 ok\nplain line\n" | diag redact >out &&
	printf "db password=[REDACTED:password] ok\nplain line\n" >want &&
	cmp want out
'

test_expect_success '--as chooses the format of standard input' '
	printf "a:\n  password: x1\n" | diag redact --as etc/app/config.yaml >out &&
	printf "a:\n  password: \"[REDACTED:password]\"\n" >want &&
	cmp want out
'

test_expect_success 'files are redacted in order, each by its own format' '
	printf "{\"token\": 7}\n" >a.json &&
	printf "PASSWORD=two words\n" >b.env &&
	diag redact a.json b.env >out &&
	printf "{\"token\": \"[REDACTED:token]\"}\nPASSWORD=[REDACTED:password]\n" >want &&
	cmp want out
'

test_expect_success 'a file that cannot be read adds nothing; the others are written; exit 1' '
	printf "password=x1\n" >a.log &&
	test_expect_code 1 diag redact a.log missing.log a.log >out 2>err &&
	printf "password=[REDACTED:password]\npassword=[REDACTED:password]\n" >want &&
	cmp want out &&
	grep -q "cannot open .missing.log." err
'

test_expect_success 'a binary file is left out, never passed raw' '
	printf "BIN\000password=s3cr3t\n" >blob.bin &&
	test_expect_code 1 diag redact blob.bin >out 2>err &&
	test ! -s out &&
	grep -q "looks binary" err
'

test_expect_success 'a file failing half-way is taken back from a regular output file' '
	printf "first password=x1\n" >a.log &&
	for i in $(seq 1 3000); do echo "line $i password=s3cr3t$i filler filler filler"; done >big.log &&
	head -c 2100000 /dev/zero | tr "\000" A >>big.log &&
	test_expect_code 1 diag redact a.log big.log a.log >out 2>err &&
	printf "first password=[REDACTED:password]\nfirst password=[REDACTED:password]\n" >want &&
	cmp want out &&
	grep -q "cannot redact .big.log." err
'

test_expect_success 'a file failing half-way adds nothing to a pipe either' '
	cp ../6/a.log ../6/big.log . &&
	{ diag redact a.log big.log 2>err; echo $? >rc; } | cat >out &&
	test "$(cat rc)" = 1 &&
	printf "first password=[REDACTED:password]\n" >want &&
	cmp want out
'

test_expect_success 'a bad policy fails with its file, line and column (exit 3)' '
	printf "version: 1\nrulez: []\n" >bad.yaml &&
	test_expect_code 3 diag redact -p bad.yaml a.log >out 2>err &&
	test ! -s out &&
	grep -q "bad.yaml:2:1: unknown policy key .rulez." err
'

test_expect_success 'a missing policy file is an error (exit 3)' '
	test_expect_code 3 diag redact -p nope.yaml a.log 2>err &&
	grep -q "nope.yaml" err
'

test_expect_success 'the sample policy is valid and its rules apply' '
	diag redact --list-rules -p "$TOP/samples/policy.yaml" >rules &&
	grep -q "^ticket-secret *policy *on" rules &&
	grep -q "^session-id *secret *off" rules &&
	grep -q "^high-entropy *secret *on" rules &&
	echo "ref TKT-0123456789ABCDEF by Bluebird" | diag redact -p "$TOP/samples/policy.yaml" >out &&
	grep -qx "ref TKT-\[REDACTED:ticket-secret\] by \[REDACTED:codename\]" out
'

test_expect_success 'the policy excludes files' '
	printf "exclude: [\"*.secret\"]\n" >p.yaml &&
	printf "x\n" >a.secret &&
	test_expect_code 1 diag redact -p p.yaml a.secret >out 2>err &&
	test ! -s out &&
	grep -q "excluded by the policy" err
'

test_expect_success '--list-rules lists every built-in rule once' '
	diag redact --list-rules >rules &&
	for r in aws-access-key-id github-token jwt private-key password url-credentials \
		kubernetes-secret authorization email ipv4 username; do
		test "$(grep -c "^$r " rules)" = 1 || fail "rule $r"
	done
'

test_expect_success '--report says what went where, never the values' '
	printf "a\npassword=hunter2\nb token=abc123def\npassword=x\n" >r.log &&
	diag redact --report r.log >out 2>err &&
	grep -qx "r.log: password: 2 (lines 2 4)" err &&
	grep -qx "r.log: token: 1 (line 3)" err &&
	! grep -q "hunter2\|abc123def" err
'

test_expect_success 'pseudonyms can be looked up on the site that made them' '
	echo "mail from jane.roe@globex.com" | diag redact >out &&
	! grep -q jane.roe out &&
	tok=$(sed -n "s/^mail from //p" out) &&
	test -n "$tok" &&
	diag lookup "$tok" >orig &&
	grep -qx "jane.roe@globex.com" orig
'

test_expect_success 'the same value gets the same pseudonym in two runs' '
	echo "from jane.roe@globex.com" | diag redact >one &&
	echo "to jane.roe@globex.com" | diag redact >two &&
	test "$(sed "s/^from //" one)" = "$(sed "s/^to //" two)"
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 diag redact --as x.log a.log b.log 2>err &&
	test_expect_code 2 diag redact --frob 2>err &&
	test_expect_code 2 diag redact --list-rules a.log 2>err
'

test_done
