// SPDX-License-Identifier: MIT
/* cmd_ledger.c - diag ledger: list the bundles that left the site, and check the ledger's chain */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/ledger.h"
#include "diag/util.h"

static void print_table(const struct ledger *l)
{
	printf("%4s  %-20s  %-12s %6s %10s  %-16s  %-16s  %s\n", "SEQ", "TIME", "USER", "FILES", "SIZE",
	       "SIGNER", "SHA-256", "BUNDLE");
	for (size_t i = 0; i < l->nr; i++) {
		const struct ledger_entry *e = &l->entries[i];
		char when[32], size[32], *user;

		user = e->sudo_user ? xasprintf("%s (sudo)", e->sudo_user) : xstrdup(e->user);
		printf("%4llu  %-20s  %-12s %6llu %10s  %-16s  %.16s  %s", (unsigned long long)e->seq,
		       format_rfc3339(e->time, when, sizeof(when)), user, (unsigned long long)e->files,
		       format_size(e->bytes, size, sizeof(size)), e->signer ? e->signer : "-",
		       e->sha256, e->bundle);
		if (e->parts > 1)
			printf(" (%u parts)", e->parts);
		fputs("\n      to ", stdout);
		for (size_t j = 0; j < e->nr_recipients; j++)
			printf("%s%s", j ? ", " : "", e->recipients[j]);
		putchar('\n');
		free(user);
	}
}

/* The stored lines, verbatim, as the elements of a JSON array. */
static void print_json(const struct ledger *l)
{
	fputs("[", stdout);
	for (size_t i = 0; i < l->nr; i++)
		printf("%s\n%s", i ? "," : "", l->entries[i].line);
	fputs(l->nr ? "\n]\n" : "]\n", stdout);
}

static int run_ledger(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ledger l = LEDGER_INIT;
	bool json = false;
	char *path;
	int c, ret = DIAG_EXIT_OK;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (json)
				return cmd_usage(&cmd_ledger, 0);
			json = true;
			break;
		case 'h':
			return cmd_usage(&cmd_ledger, 1);
		default:
			return cmd_usage(&cmd_ledger, 0);
		}
	}
	if (optind != argc)
		return cmd_usage(&cmd_ledger, 0);
	path = ledger_path(false);
	if (!path)
		return DIAG_EXIT_IO;
	if (ledger_read(&l, path) < 0) {
		free(path);
		return DIAG_EXIT_IO;
	}
	if (json)
		print_json(&l);
	else if (!l.lines)
		printf("no exports recorded (no ledger at '%s')\n", path);
	else
		print_table(&l);
	for (size_t i = 0; i < l.nr_problems; i++)
		error("ledger '%s' line %zu: %s", path, l.problems[i].line, l.problems[i].msg);
	if (l.nr_problems) {
		error("the ledger '%s' is damaged: %zu of its %zu lines %s", path, l.nr_problems, l.lines,
		      l.nr_problems == 1 ? "is bad" : "are bad");
		ret = DIAG_EXIT_CRYPTO;
	} else if (!json && l.lines) {
		printf("%zu record%s; hash chain intact; head %s\n", l.nr, l.nr == 1 ? "" : "s", l.head);
	}
	ledger_release(&l);
	free(path);
	return ret;
}

const struct diag_cmd cmd_ledger = {
	.name = "ledger",
	.fn = run_ledger,
	.flags = CMD_NEED_SODIUM,
	.summary = "list the bundles that left the site, and check the ledger",
	.usage = "diag ledger [--json]",
	.help =
	"  --json    print the records as a JSON array (the stored lines, verbatim)\n"
	"\n"
	"Every sealed bundle is recorded in the export ledger, $DIAG_STATE_DIR/ledger.jsonl:\n"
	"time, operator, bundle name and SHA-256, manifest SHA-256, recipients, signer,\n"
	"files and bytes. Each record carries the SHA-256 of the line before it, so that\n"
	"a changed, removed or inserted line is detected; the head printed at the end\n"
	"(the SHA-256 of the last line) pins the whole history. Exits 5 if any line is\n"
	"damaged or the chain is broken, naming the lines.\n",
};
