#!/bin/bash
# t2002: redacting twice changes nothing more (issue 4's property), file by file
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/redact/root
HOST=$FIXTURES/redact/host
# The seeded corpus of ../shared/bench when it is there (the CI clone has it):
# more files and more shapes than the committed tree, which is used always.
GEN=${SHARED:-$TOP/../shared}/bench/gen-corpus

# twice DIR: redact each file of DIR as its own path, then the output again
twice() {
	(cd "$1" && find . -type f ! -name "*.bin" | sed "s|^\./||" | sort) >files &&
	while read -r f; do
		(cd "$1" && diag redact --root "$HOST" "$f") >once 2>>err ||
			fail "$f: the first pass failed"
		diag redact --root "$HOST" --as "$f" <once >again 2>>err ||
			fail "$f: the second pass failed"
		cmp -s once again || {
			diff once again | head -20 >&2
			fail "$1/$f: a second pass changed it"
		}
	done <files &&
	test -s files
}

test_expect_success 'the fixture tree redacted twice is redacted once' '
	twice "$ROOT"
'

test_expect_success 'lines that once changed on a second pass no longer do' '
	twice "$FIXTURES/redact/twice"
'

if [ -f "$GEN" ] && command -v python3 >/dev/null; then
	test_expect_success 'gen-corpus trees (seeds 1 to 10) redacted twice are redacted once' '
		for seed in 1 2 3 4 5 6 7 8 9 10; do
			python3 "$GEN" --out "c$seed" --size-mb 1 --seed "$seed" --quiet --force &&
			twice "c$seed" || return 1
		done
	'
else
	echo "# t2002: no gen-corpus at $GEN: the fixture tree only"
fi

test_done
