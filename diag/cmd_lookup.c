// SPDX-License-Identifier: MIT
/* cmd_lookup.c - diag lookup: the original value behind a pseudonym, from the site's map */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/site.h"
#include "diag/strbuf.h"

/* 0 found, 1 unknown, -1 error. */
static int lookup_one(struct site *site, const char *token, bool long_format)
{
	struct strbuf val = STRBUF_INIT, line = STRBUF_INIT;
	char *kind = NULL;
	int n = site_lookup(site, token, &val, &kind);

	if (n < 0)
		return -1;
	if (n == 0) {
		error("unknown pseudonym '%s'", token);
		return 1;
	}
	if (n > 1)
		warning("'%s' stands for %d values (a collision of pseudonyms)", token, n);
	for (const char *p = val.buf, *end = val.buf + val.len; p <= end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* originals (and anything read from the map) come from untrusted logs */
		strbuf_reset(&line);
		if (long_format) {
			site_escape(&line, token, strlen(token));
			strbuf_addch(&line, '\t');
			site_escape(&line, kind, strlen(kind));
			strbuf_addch(&line, '\t');
		}
		site_escape(&line, p, len);
		strbuf_addch(&line, '\n');
		fputs(line.buf, stdout);
		p += len + 1;
	}
	strbuf_release(&line);
	strbuf_release(&val);
	free(kind);
	return 0;
}

static void trim(struct strbuf *sb)
{
	size_t start = strspn(sb->buf, " \t\r\n");

	strbuf_remove(sb, 0, start);
	while (sb->len && strchr(" \t\r\n", sb->buf[sb->len - 1]))
		strbuf_setlen(sb, sb->len - 1);
}

static int cmd_lookup_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "long", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct site *site = NULL;
	bool long_format = false, unknown = false;
	int c, ret = DIAG_EXIT_OK;

	while ((c = getopt_long(argc, argv, "+lh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			long_format = true;
			break;
		case 'h':
			return cmd_usage(&cmd_lookup, 1);
		default:
			return cmd_usage(&cmd_lookup, 0);
		}
	}
	argc -= optind;
	argv += optind;
	if (site_open(&site, false) < 0) /* no state here: every token is unknown */
		return errno == ENOENT ? DIAG_EXIT_PARTIAL : DIAG_EXIT_CRYPTO;
	if (argc) {
		for (int i = 0; i < argc && ret == DIAG_EXIT_OK; i++) {
			int r = lookup_one(site, argv[i], long_format);

			if (r < 0)
				ret = DIAG_EXIT_IO;
			unknown |= r > 0;
		}
	} else {
		struct strbuf line = STRBUF_INIT;
		char *buf = NULL;
		size_t cap = 0;
		ssize_t n;

		while (ret == DIAG_EXIT_OK && (n = getline(&buf, &cap, stdin)) >= 0) {
			int r;

			strbuf_reset(&line);
			strbuf_add(&line, buf, (size_t)n);
			trim(&line);
			if (!line.len)
				continue;
			r = lookup_one(site, line.buf, long_format);
			if (r < 0)
				ret = DIAG_EXIT_IO;
			unknown |= r > 0;
		}
		if (ferror(stdin))
			ret = error_errno("cannot read standard input") < 0 ? DIAG_EXIT_IO : ret;
		free(buf);
		strbuf_release(&line);
	}
	site_close(site);
	if (fflush(stdout) != 0 || ferror(stdout))
		return error_errno("cannot write to standard output") < 0 ? DIAG_EXIT_IO : 0;
	if (ret == DIAG_EXIT_OK && unknown)
		ret = DIAG_EXIT_PARTIAL;
	return ret;
}

const struct diag_cmd cmd_lookup = {
	.name = "lookup",
	.fn = cmd_lookup_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "print the original values behind pseudonyms (on the site only)",
	.usage = "diag lookup [-l] [TOKEN ...]",
	.help = "Prints the value each TOKEN (a pseudonym found in a bundle: an address,\n"
		"host name, e-mail, user name...) stands for, one per line, from the\n"
		"pseudonym map in the state directory; tokens are read from standard\n"
		"input, one per line, when none is given. Exits 1 if some are unknown.\n\n"
		"Options:\n"
		"  -l, --long   print TOKEN<TAB>KIND<TAB>VALUE lines\n",
};
