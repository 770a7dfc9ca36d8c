# tests/e2e/lib-age.sh - helpers for the age tests (t40NN), sourced after lib.sh

# tty_run INPUT CMD: run the shell command CMD on a pseudo-terminal (the stock
# age reads passphrases from the terminal only), typing INPUT (a printf
# format) into it. What CMD prints on the terminal ends up in tty.out.
# Returns CMD's exit status.
tty_run() {
	printf "$1" | script -qec "$2" /dev/null >tty.out 2>&1
}

# flip_byte FILE OFFSET: flip the low bit of one byte (negative: from the end).
flip_byte() {
	python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[o] ^= 1
open(p, "wb").write(b)' "$1" "$2"
}

# header_len FILE: the length of an age file's header text (up to the MAC line's LF).
header_len() {
	python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
i = b.index(b"\n---")
print(b.index(b"\n", i + 1) + 1)' "$1"
}

# make_input SIZE FILE: SIZE pseudo-random bytes (reproducible).
make_input() {
	python3 -c 'import random, sys
random.seed(int(sys.argv[1]))
sys.stdout.buffer.write(random.randbytes(int(sys.argv[1])))' "$1" >"$2"
}

# no_leftovers: the current directory holds only the files named.
no_leftovers() {
	test "$(ls -A | sort | tr '\n' ' ')" = "$(printf '%s\n' "$@" | sort | tr '\n' ' ')" ||
		fail "unexpected files: $(ls -A)"
}
