#!/bin/bash
# t2001: a tree with planted secrets, personal data and decoys, redacted file by file
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/redact/root
HOST=$FIXTURES/redact/host

test_expect_success 'every file of the tree redacts (the binary one is left out)' '
	(cd "$ROOT" && find . -type f | sed "s|^\./||" | sort) >files &&
	while read -r f; do
		mkdir -p "out/$(dirname "$f")"
		rc=0
		(cd "$ROOT" && diag redact --root "$HOST" "$f") >"out/$f" 2>>err || rc=$?
		case $f in
		*.bin) test $rc = 1 && test ! -s "out/$f" || fail "$f: rc $rc" ;;
		*) test $rc = 0 || fail "$f: rc $rc" ;;
		esac
	done <files &&
	test "$(wc -l <files)" -ge 16
'

test_expect_success 'no planted value survives' '
	cp -r ../1/out . &&
	! grep -ri canary out &&
	grep -v "^#" "$FIXTURES/redact/canaries" | while IFS= read -r v; do
		! grep -rqF -- "$v" out || fail "survived: $v"
	done
'

test_expect_success 'every decoy is still where it was' '
	grep -v "^#" "$FIXTURES/redact/decoys" | while IFS="	" read -r f v; do
		grep -qF -- "$v" "../1/out/$f" || fail "$f lost: $v"
	done
'

test_expect_success 'JSON files still parse, with the same keys' '
	for f in etc/app/settings.json; do
		python3 - "$ROOT/$f" "../1/out/$f" <<-PY || fail "$f"
		import json, sys
		def skel(o):
		    if isinstance(o, dict): return {k: skel(v) for k, v in o.items()}
		    if isinstance(o, list): return [skel(v) for v in o]
		    return 0
		a, b = (json.load(open(p)) for p in sys.argv[1:3])
		assert skel(a) == skel(b)
		PY
	done &&
	python3 - "$ROOT/var/log/app/app.jsonl" ../1/out/var/log/app/app.jsonl <<-PY
	import json, sys
	a, b = (open(p).read().splitlines() for p in sys.argv[1:3])
	assert len(a) == len(b)
	for x, y in zip(a, b):
	    json.loads(y)
	PY
'

test_expect_success 'the report of a file lists its rules and lines' '
	(cd "$ROOT" && diag redact --report --root "$HOST" k8s/secret.yaml) >/dev/null 2>err &&
	grep -qx "k8s/secret.yaml: kubernetes-secret: 4 (lines 7 8 10 11)" err
'

test_done
