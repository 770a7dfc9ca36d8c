# tests/e2e/lib.sh - sourced by every tNNNN-*.sh (bash)
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what the user would check' '
#       diag keygen -o k &&
#       test -s k
#   '
#   test_done
#
# Each test body runs in a subshell with `set -e`, in its own directory under
# $TRASH (kept when a test fails, removed otherwise). `diag` runs $DIAG, under
# valgrind when VALGRIND=1. Families: 0 usage, 1 collect, 2 redact, 3 manifest
# and review, 4 seal/open and crypto, 5 signing and transfer, 9 error paths.
set -eu
export LC_ALL=C TZ=UTC
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DIAG=${DIAG:-$TOP/build/diag}
TEST_NAME=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/diag-$TEST_NAME.XXXXXX")
FIXTURES=$TOP/tests/fixtures
export DIAG_STATE_DIR=$TRASH/state HOME=$TRASH/home
# No configuration directory: the host's /etc/diag/recipients must not seal test bundles.
export DIAG_CONFIG=$TRASH/no-config
unset XDG_STATE_HOME
mkdir -p "$HOME"
test_count=0
test_failed=0
test_cleanup=

diag() {
	if [ "${VALGRIND:-}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite "$DIAG" "$@"
	else
		"$DIAG" "$@"
	fi
}

# test_expect_code CODE CMD...: run CMD, succeed only if it exits with CODE.
test_expect_code() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "expected exit $want, got $rc: $*" >&2
		return 1
	fi
}

# test_when_finished CMD: run CMD after the current test, pass or fail.
test_when_finished() {
	test_cleanup="$*; $test_cleanup"
}

# fail MESSAGE: make the current test fail with a message.
fail() {
	echo "FAILED: $*" >&2
	return 1
}

test_expect_success() {
	local desc=$1 body=$2 dir log rc
	test_count=$((test_count + 1))
	dir=$TRASH/$test_count
	log=$TRASH/$test_count.log
	mkdir -p "$dir"
	set +e
	(
		set -e
		cd "$dir"
		test_cleanup=
		trap 'eval "$test_cleanup"' EXIT
		eval "$body"
	) >"$log" 2>&1
	rc=$?
	set -e
	if [ $rc -eq 0 ]; then
		echo "ok $test_count - $desc"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $desc (exit $rc; files in $dir)"
		sed 's/^/#   /' "$log" | tail -40
	fi
}

test_done() {
	local passed=$((test_count - test_failed))
	if [ -n "${RESULTS:-}" ]; then
		echo "$passed $test_failed" >"$RESULTS/$TEST_NAME.count"
	fi
	echo "# $TEST_NAME: $passed passed, $test_failed failed"
	if [ $test_failed -eq 0 ]; then
		rm -rf "$TRASH"
		exit 0
	fi
	exit 1
}
