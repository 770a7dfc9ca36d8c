/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - the subcommand table
 *
 * Adding a command means: a diag/cmd_<verb>.c exporting one
 * `const struct diag_cmd cmd_<verb>`, a row in main.c's commands[], a section
 * in diag/diag.1 whose SYNOPSIS contains every usage line verbatim (a test
 * checks it), and end-to-end tests in tests/e2e/.
 */
#ifndef DIAG_CMD_H
#define DIAG_CMD_H

enum cmd_flags {
	CMD_NEED_SODIUM = 1 << 0, /* main() calls sodium_init() first */
};

struct diag_cmd {
	const char *name;
	/* argv[0] is the command name; getopt state is reset. Returns an exit code (exit.h). */
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *summary; /* one line for 'diag --help' */
	const char *usage;   /* one synopsis per line, each starting "diag <verb>" */
	const char *help;    /* option list for 'diag help <verb>', may be NULL */
};

/*
 * Print "usage: <usage lines>" for cmd on stderr and return DIAG_EXIT_USAGE.
 * With full, print the help text as well (on stdout, returning 0).
 */
int cmd_usage(const struct diag_cmd *cmd, int full);

extern const struct diag_cmd cmd_keygen, cmd_encrypt, cmd_decrypt;
extern const struct diag_cmd cmd_collect, cmd_list, cmd_open, cmd_verify;
extern const struct diag_cmd cmd_redact, cmd_lookup;
extern const struct diag_cmd cmd_seal, cmd_ledger;

#endif
