#!/bin/bash
# t3000: diag list shows a reviewer what a bundle holds, without any key
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

test_expect_success 'list shows every file with its size and redactions, and the totals' '
	diag list "$BUNDLE" >out &&
	diag list --json "$BUNDLE" >m.json &&
	for p in $(json m.json "\" \".join(f[\"path\"] for f in j[\"files\"])"); do
		grep -qF " $p  (redacted: " out || fail "no line for $p"
	done &&
	grep -q "^Total: 5 files, .*, [0-9]* redactions (.*aws-access-key-id 1" out &&
	grep -q "app.log  (redacted: .*password" out &&
	grep -q "^  *0 B  .*empty.log  (redacted: -)" out
'

test_expect_success 'list shows the recipients, the window, the spec and the host pseudonym' '
	diag list "$BUNDLE" >out &&
	grep -q "^Sealed to:  $VENDOR\$" out &&
	grep -q "^Window:     none" out &&
	grep -q "^Spec:       command line (sha256 [0-9a-f]*\.\.\.), policy built-in" out &&
	grep -q "^Created:    .* on host host-[0-9a-f]\{12\}\$" out
'

test_expect_success 'list groups files under their collector and description' '
	diag list "$BUNDLE" >out &&
	grep -q "^path-1 (file): .*bundle/tree\$" out
'

test_expect_success 'list names what was not collected, and why' '
	diag list "$BUNDLE" >out &&
	sed -n "/^Not collected (2):/,\$p" out >skipped &&
	grep -q "private.pem: .*private key" skipped &&
	grep -q "state.bin: binary data" skipped
'

test_expect_success 'list --json prints manifest.json byte for byte' '
	diag list --json "$BUNDLE" >a &&
	tar -xOf "$BUNDLE" manifest.json >b &&
	cmp a b
'

test_expect_success 'list reads a pipe, and needs only the start of the bundle' '
	diag list - <"$BUNDLE" >a &&
	grep -q "^Bundle:     standard input" a &&
	off=$(member_offset "$BUNDLE" payload.age) &&
	head -c $((off + 100)) "$BUNDLE" | diag list - >b &&
	grep -q "^Total: 5 files" b
'

test_expect_success 'list shows failed collectors with their reason and the exit status says so' '
	cat >spec.yaml <<-\EOS &&
	version: 1
	collect:
	  - name: broken
	    description: a program that is not there
	    command: [/nonexistent/program, --x]
	  - name: tree
	    description: the tree
	    file: $TREE/etc/app
	EOS
	sed -i "s|\$TREE|$TREE|" spec.yaml &&
	test_expect_code 1 diag collect -s spec.yaml -r "$VENDOR" -o b.diag 2>err &&
	diag list b.diag >out &&
	sed -n "/^Failed (1):/,\$p" out >failed &&
	grep -q "^  broken: " failed
'

test_expect_success 'list refuses what is not a bundle (exit 5), naming it' '
	echo "not a bundle" >junk &&
	test_expect_code 5 diag list junk 2>err &&
	grep -q "^diag: .junk.: " err &&
	tar cf other.tar junk &&
	test_expect_code 5 diag list other.tar 2>err &&
	grep -q "not a diag bundle: its first member is .junk." err
'

test_expect_success 'list of a missing file is an I/O error (exit 4)' '
	test_expect_code 4 diag list nowhere.diag 2>err &&
	grep -q "cannot open .nowhere.diag." err
'

test_expect_success 'list refuses a manifest edited in any way' '
	cp "$BUNDLE" b.diag &&
	off=$(member_offset b.diag manifest.json) &&
	flip b.diag $((off + 3)) &&
	test_expect_code 5 diag list b.diag 2>err &&
	grep -q "manifest.json" err
'

test_done
