#!/bin/bash
# t0002: the man page is well formed and its SYNOPSIS holds every usage line verbatim
. "$(dirname "$0")/lib.sh"

# The commands diag --help lists.
commands() { "$DIAG" --help | sed -n "/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p"; }

MAN=$TOP/diag/diag.1

test_expect_success 'mandoc -Tlint finds nothing to warn about' '
	mandoc -Tlint -Wwarning "$MAN" >lint 2>&1 || { cat lint; false; }
'

test_expect_success 'every usage line of every command is in the SYNOPSIS' '
	mandoc -Tascii -Owidth=400 "$MAN" | col -b |
		sed -n "/^SYNOPSIS/,/^DESCRIPTION/p" | tr -s " " >synopsis &&
	for c in $(commands); do
		diag help $c | sed -n "/^usage: /,/^$/p" | sed -e "s/^usage: //" -e "s/^ *//" |
			grep . | tr -s " " >usage.$c
		test -s usage.$c || fail "no usage for $c"
		while IFS= read -r line; do
			grep -qF -- " $line" synopsis || fail "diag.1 SYNOPSIS lacks: $line"
		done <usage.$c
	done
'

test_expect_success 'every command has a section in COMMANDS' '
	mandoc -Tascii -Owidth=400 "$MAN" | col -b | sed -n "/^COMMANDS/,/^ENVIRONMENT/p" >commands &&
	for c in $(commands); do
		grep -qE "^     diag $c( |\$)" commands || fail "no COMMANDS entry for $c"
	done
'

test_expect_success 'make install puts the binary and the man page under DESTDIR/PREFIX' '
	make -s -C "$TOP" -o "$B/diag" install B="$B" PREFIX=/usr DESTDIR="$PWD/root" >out 2>&1 || { cat out; false; } &&
	test -x root/usr/bin/diag &&
	test "$(stat -c %a root/usr/share/man/man1/diag.1)" = 644 &&
	cmp "$MAN" root/usr/share/man/man1/diag.1 &&
	test "$(root/usr/bin/diag --version)" = "diag $(cat "$TOP/VERSION")"
'

test_done
