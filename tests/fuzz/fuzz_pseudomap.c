// SPDX-License-Identifier: MIT
/*
 * fuzz_pseudomap.c - the pseudonym map reader and appender (diag/site.c)
 *
 * The input is a whole pseudonyms.map, written into a scratch state
 * directory (on /dev/shm when there is one: site_flush() fsyncs). Checks:
 * looking up the first field of its first lines terminates and never
 * crashes; a value recorded and flushed on top of any content is found
 * again (or its token is reported as malformed, when the input holds a bad
 * entry for the same token), never silently lost.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char map_path[128];

static void cleanup(void)
{
	fs_remove_tree(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct site *s;

	if (sodium_init() < 0)
		abort();
	snprintf(dir, sizeof(dir), "%s/diag-fuzz-map.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	setenv("DIAG_STATE_DIR", dir, 1);
	snprintf(map_path, sizeof(map_path), "%s/pseudonyms.map", dir);
	if (site_open(&s, true) < 0) /* creates site.key once */
		abort();
	site_close(s);
	return 0;
}

static void lookup(struct site *s, const char *token)
{
	struct strbuf out = STRBUF_INIT;
	char *kind = NULL;
	int n = site_lookup(s, token, &out, &kind);

	if (n < -1 || (n > 0 && !kind) || (n <= 0 && kind))
		abort();
	free(kind);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char token[] = "240.254.253.252", original[] = "10.9.8.7";
	const char *p = (const char *)data, *end = p + size;
	struct strbuf out = STRBUF_INIT;
	struct site *s;
	int fd, n;

	fd = open(map_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || fs_write_all(fd, data, size) < 0)
		abort();
	close(fd);
	if (site_open(&s, false) < 0)
		abort();
	/* The first field of the first few lines, as tokens. */
	for (int line = 0; line < 4 && p < end; line++) {
		size_t len = 0;
		char *tok;

		while (p + len < end && p[len] != '\t' && p[len] != '\n')
			len++;
		tok = strndup(p, len); /* stops at a NUL too */
		if (!tok)
			abort();
		lookup(s, tok);
		free(tok);
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : end;
	}
	site_record_pseudonym(s, "ipv4", token, original, strlen(original));
	if (site_flush(s) < 0)
		abort();
	n = site_lookup(s, token, &out, NULL);
	if (n == 0 || (n > 0 && !memmem(out.buf, out.len, original, strlen(original))))
		abort();
	strbuf_release(&out);
	site_close(s);
	return 0;
}
