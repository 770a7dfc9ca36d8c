#!/bin/bash
# t9020: an interrupted collect (a signal, a full disk, a failing fsync or
# rename) exits non-zero and leaves nothing behind: no bundle, no temporary
# file, no plaintext
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

# A tree big enough that sealing takes many writes.
mkdir -p "$TRASH/big"
seq 1 400000 | sed "s/^/2026-11-22T10:00:00Z INFO request /" >"$TRASH/big/app.log"
cp -r "$TREE/etc" "$TRASH/big/"

INJECT=$TRASH/inject.so
cc -shared -fPIC -O2 -o "$INJECT" "$TOP/tests/inject/inject_io.c" -ldl
# An ASan build wants its runtime first; let it share.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

# child_named PID NAME: the pid of a child of PID whose command is NAME (from /proc: no procps needed).
child_named() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null)" = "$1" ] &&
			[ "$(cat "$p/comm" 2>/dev/null)" = "$2" ] && { echo "${p#/proc/}"; return 0; }
	done
	return 1
}

# nothing_left DIR: DIR is empty.
nothing_left() {
	test -z "$(ls -A "$1")" || { ls -la "$1"; false; }
}

test_expect_success 'SIGINT while a collector runs: no bundle, nothing left' '
	mkdir out
	cat >spec.yaml <<-EOS
	version: 1
	collect:
	  - name: tree
	    description: the tree
	    file: $TRASH/big
	  - name: slow
	    description: a command that takes its time
	    command: [sleep, "30"]
	EOS
	# (a statement of its own: "a && b &" would put the whole list in the background)
	"$DIAG" collect -s spec.yaml -r "$VENDOR" -o out/b.diag 2>err &
	pid=$!

	for i in $(seq 1 100); do
		child=$(child_named $pid sleep) && break
		sleep 0.1
	done &&
	test -n "$child" &&
	kill -INT $pid &&
	rc=0 && { wait $pid || rc=$?; } &&
	test $rc = 130 &&
	nothing_left out &&
	sleep 0.2 &&
	{ test ! -e /proc/$child || grep -q "^State:[[:space:]]*Z" /proc/$child/status; }
'

test_expect_success 'SIGINT while the bundle is being written: nothing left' '
	mkdir out &&
	rc=0 && { LD_PRELOAD=$INJECT INJECT_PATH=.b.diag.tmp. INJECT_SIGNAL_AFTER=200000 \
		"$DIAG" collect "$TRASH/big" -r "$VENDOR" -o out/b.diag 2>err || rc=$?; } &&
	test $rc = 130 &&
	nothing_left out
'

test_expect_success 'a full disk while spooling: exit 4, said, nothing left' '
	mkdir out &&
	test_expect_code 4 env LD_PRELOAD=$INJECT INJECT_ENOSPC_AFTER=100000 \
		"$DIAG" collect "$TRASH/big" -r "$VENDOR" -o out/b.diag 2>err &&
	grep -q "No space left on device" err &&
	nothing_left out
'

test_expect_success 'a full disk while writing the bundle: exit 4, said, nothing left' '
	mkdir out &&
	test_expect_code 4 env LD_PRELOAD=$INJECT INJECT_PATH=.b.diag.tmp. INJECT_ENOSPC_AFTER=300000 \
		"$DIAG" collect "$TRASH/big" -r "$VENDOR" -o out/b.diag 2>err &&
	grep -q "cannot write .out/b.diag.: No space left on device" err &&
	nothing_left out
'

test_expect_success 'a full disk at the very last write: nothing left' '
	mkdir out &&
	size=$(diag collect "$TRASH/big" -r "$VENDOR" -o probe.diag 2>/dev/null && stat -c %s probe.diag) &&
	test_expect_code 4 env LD_PRELOAD=$INJECT INJECT_PATH=.b.diag.tmp. INJECT_ENOSPC_AFTER=$((size - 1)) \
		"$DIAG" collect "$TRASH/big" -r "$VENDOR" -o out/b.diag 2>err &&
	grep -q "No space left on device" err &&
	nothing_left out
'

test_expect_success 'a failing fsync: exit 4, nothing left' '
	mkdir out &&
	test_expect_code 4 env LD_PRELOAD=$INJECT INJECT_FAIL=fsync \
		"$DIAG" collect "$TREE" -r "$VENDOR" -o out/b.diag 2>err &&
	grep -q "Input/output error" err &&
	nothing_left out
'

test_expect_success 'a failing rename into place: exit 4, nothing left' '
	mkdir out &&
	test_expect_code 4 env LD_PRELOAD=$INJECT INJECT_FAIL=rename \
		"$DIAG" collect "$TREE" -r "$VENDOR" -o out/b.diag 2>err &&
	nothing_left out
'

test_expect_success 'a full disk while opening: exit 4, nothing extracted' '
	test_expect_code 4 env LD_PRELOAD=$INJECT INJECT_ENOSPC_AFTER=1000 \
		"$DIAG" open "$BUNDLE" -i "$VENDOR_KEY" -o case 2>err &&
	grep -q "No space left on device" err &&
	test ! -e case &&
	test -z "$(ls -A | grep -v "^err\$")"
'

test_done
