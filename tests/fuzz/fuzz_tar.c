// SPDX-License-Identifier: MIT
/*
 * fuzz_tar.c - the strict tar reader on arbitrary bytes
 *
 * Whatever the input, the reader walks it to the end or stops with one
 * error, never crashes, never returns an entry that breaks its promises
 * (a non-empty NUL-free name, no data for non-regular members), and never
 * hands out more data than a member's size.
 */
#include <stdlib.h>
#include <string.h>

#include "diag/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytesrc_mem src;
	struct tar_reader r;
	const struct tar_entry *e;
	char buf[4096];
	int n;

	bytesrc_mem_init(&src, data, size);
	tar_reader_init(&r, &src.src, "fuzz");
	while ((n = tar_reader_next(&r, &e)) > 0) {
		uint64_t got = 0;
		ssize_t k;

		if (!e->name || !*e->name || strlen(e->name) > TAR_NAME_MAX || !e->linkname)
			abort();
		if (e->type != TAR_REGULAR && e->type != TAR_OTHER && e->size)
			abort();
		/* read half of the members, skip the others */
		if (e->size & 1)
			continue;
		while ((k = tar_reader_read(&r, buf, sizeof(buf))) > 0)
			got += (uint64_t)k;
		if (k == 0 && got != e->size)
			abort();
		if (k < 0)
			break;
	}
	/* after the end or an error, it stays there */
	if (n <= 0 && tar_reader_next(&r, &e) != n)
		abort();
	tar_reader_release(&r);
	return 0;
}
