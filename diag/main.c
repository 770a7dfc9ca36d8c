// SPDX-License-Identifier: MIT
/*
 * main.c - global options and the subcommand table
 *
 * How to add a command (see also include/diag/cmd.h):
 *   1. diag/cmd_<verb>.c exporting `const struct diag_cmd cmd_<verb>`;
 *   2. a row in commands[] below, and its extern in cmd.h;
 *   3. a section in diag/diag.1 whose SYNOPSIS has each usage line verbatim
 *      (tests/e2e/t0002-manpage.sh checks it);
 *   4. end-to-end tests in tests/e2e/.
 */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/util.h"

/* In the order 'diag --help' lists them; the NULL ends the table. */
static const struct diag_cmd *const commands[] = {
	&cmd_collect,
	&cmd_seal,
	&cmd_list,
	&cmd_open,
	&cmd_verify,
	&cmd_keygen,
	&cmd_encrypt,
	&cmd_decrypt,
	&cmd_redact,
	&cmd_lookup,
	&cmd_ledger,
	NULL,
};

static const char global_usage[] =
	"usage: diag [-q | -v] COMMAND [ARGS...]\n"
	"       diag --help | --version | help COMMAND\n";

static const struct diag_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void print_help(FILE *f)
{
	fputs(global_usage, f);
	fputs("\ndiag gathers logs, configuration and system state, redacts secrets and\n"
	      "personal data, and seals the result to the vendor's age public key.\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; commands[i]; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nGlobal options:\n"
	      "  -q, --quiet     print only errors\n"
	      "  -v, --verbose   say more about what is done\n"
	      "  -h, --help      this help; 'diag help COMMAND' for a command's options\n"
	      "  -V, --version   print the version\n\n"
	      "Exit status: 0 ok, 1 partial (some collectors failed, files lost), 2 usage,\n"
	      "3 invalid spec/policy/config, 4 I/O or system error, 5 key, signature or\n"
	      "integrity failure. See diag(1).\n", f);
}

int cmd_usage(const struct diag_cmd *cmd, int full)
{
	FILE *f = full ? stdout : stderr;
	const char *line = cmd->usage;
	int first = 1;

	while (*line) {
		size_t n = strcspn(line, "\n");

		fprintf(f, "%s%.*s\n", first ? "usage: " : "       ", (int)n, line);
		first = 0;
		line += n + (line[n] == '\n');
	}
	if (full) {
		fprintf(f, "\n%s\n", cmd->summary);
		if (cmd->help)
			fprintf(f, "\n%s", cmd->help);
		return DIAG_EXIT_OK;
	}
	fprintf(f, "Try 'diag help %s' for more information.\n", cmd->name);
	return DIAG_EXIT_USAGE;
}

static int run_help(int argc, char **argv)
{
	const struct diag_cmd *cmd;

	if (argc < 2) {
		print_help(stdout);
		return DIAG_EXIT_OK;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		error("'%s' is not a diag command; see 'diag --help'", argv[1]);
		return DIAG_EXIT_USAGE;
	}
	return cmd_usage(cmd, 1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct diag_cmd *cmd;
	int c;

	diag_protect_process();
	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_IGN);
	fs_cleanup_install();

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			diag_verbosity = -1;
			break;
		case 'v':
			if (diag_verbosity >= 0)
				diag_verbosity++;
			break;
		case 'h':
			print_help(stdout);
			return DIAG_EXIT_OK;
		case 'V':
			printf("diag %s\n", DIAG_VERSION);
			return DIAG_EXIT_OK;
		default:
			error("unknown option '%s'", argv[optind - 1]);
			fputs(global_usage, stderr);
			return DIAG_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fputs(global_usage, stderr);
		return DIAG_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help"))
		return run_help(argc, argv);
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		error("'%s' is not a diag command; see 'diag --help'", argv[0]);
		return DIAG_EXIT_USAGE;
	}
	if ((cmd->flags & CMD_NEED_SODIUM) && sodium_init() < 0)
		die(DIAG_EXIT_IO, "cannot initialise libsodium");
	/* Each command parses its own options with getopt_long("+..."). */
	optind = 0;
	opterr = 1;
	return cmd->fn(argc, argv);
}
