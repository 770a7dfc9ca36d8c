// SPDX-License-Identifier: MIT
/*
 * seal_driver.c - the sealing pipeline alone, for tests/bench/collect.sh:
 * files already redacted go through bundle_writer_add_redacted() and the
 * seal back end (block deflate on a thread pool, hashing, encrypted spool,
 * age, outer tar), as `diag seal` of a stage directory would.
 * Usage: seal_driver OUT.diag RECIPIENT FILE...
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"

int main(int argc, char **argv)
{
	struct age_recipients rcpts = AGE_RECIPIENTS_INIT;
	struct bundle_seal_options o = { 0 };
	struct bundle_backend *be;
	struct bundle_writer *w;
	struct manifest *m;
	struct age_err err;
	int ret = 1;

	if (argc < 4 || sodium_init() < 0)
		return 2;
	age_recipients_add(&rcpts, age_recipient_parse(argv[2], strlen(argv[2]), &err));
	o.output = argv[1];
	o.recipients = &rcpts;
	be = bundle_seal_new(&o);
	if (!be)
		return 1;
	m = manifest_new();
	m->recipients = xcalloc(1, sizeof(char *));
	m->recipients[m->nrecipients++] = xstrdup(argv[2]);
	w = bundle_writer_new(m, NULL, be, false);
	for (int i = 3; i < argc; i++) {
		struct manifest_file f = { 0 };
		int fd = open(argv[i], O_RDONLY);
		char *path = xasprintf("files%s%s", argv[i][0] == '/' ? "" : "/", argv[i]);

		f.path = path;
		if (fd < 0 || bundle_writer_add_redacted(w, &f, fd, false, NULL) < 0)
			goto out;
		close(fd);
		free(path);
	}
	ret = bundle_writer_finish(w) < 0;
out:
	bundle_writer_free(w);
	be->free(be);
	manifest_free(m);
	age_recipients_release(&rcpts);
	return ret;
}
