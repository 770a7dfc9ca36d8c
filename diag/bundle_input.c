// SPDX-License-Identifier: MIT
/*
 * bundle_input.c - a bundle to read: a file, the standard input, or media
 * parts found from any one of them (split.h)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/bundle.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/split.h"

ssize_t bundle_input_pread(struct bundle_input *in, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	if (in->split)
		return split_pread(in->split, buf, len, off);
	if (!in->seekable)
		BUG("random access to '%s', a stream", in->name);
	while (got < len) {
		ssize_t n = pread(in->fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_errno("cannot read '%s' at offset %llu", in->name,
					   (unsigned long long)(off + got));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Front to back: read() on a stream, pread() at pos otherwise. */
static ssize_t input_read(struct bytesrc *src, void *buf, size_t len)
{
	struct bundle_input *in = (struct bundle_input *)src;
	ssize_t n;

	if (in->seekable) {
		n = bundle_input_pread(in, buf, len, in->pos);
	} else {
		do
			n = read(in->fd, buf, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			error_errno("cannot read '%s'", in->name);
	}
	if (n > 0)
		in->pos += (uint64_t)n;
	return n;
}

char *bundle_input_where(const struct bundle_input *in, uint64_t off)
{
	if (in->split)
		return split_describe(in->split, off);
	return xasprintf("offset %llu of '%s'", (unsigned long long)off, in->name);
}

int bundle_input_open(struct bundle_input *in, const char *path, unsigned flags)
{
	struct stat st;
	char *base = NULL;

	memset(in, 0, sizeof(*in));
	in->src.read = input_read;
	in->fd = -1;
	if (!strcmp(path, "-")) {
		in->name = xstrdup("standard input");
		in->fd = 0;
		in->seekable = fstat(0, &st) == 0 && S_ISREG(st.st_mode);
		in->size = in->seekable ? (uint64_t)st.st_size : 0;
		return 0;
	}
	if (split_detect(path, &base)) {
		in->name = base;
		if (split_open(&in->split, base, flags & BUNDLE_INPUT_LENIENT ? SPLIT_LENIENT : 0) < 0) {
			error("'%s': the media parts cannot be read as one bundle", base);
			return DIAG_EXIT_CRYPTO;
		}
		in->seekable = true;
		in->size = in->split->size;
		return 0;
	}
	in->name = xstrdup(path);
	in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in->fd < 0) {
		error_errno("cannot open '%s'", path);
		return DIAG_EXIT_IO;
	}
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		error("'%s' is a directory, not a bundle", path);
		return DIAG_EXIT_IO;
	}
	in->seekable = S_ISREG(st.st_mode);
	in->size = (uint64_t)st.st_size;
	return 0;
}

void bundle_input_close(struct bundle_input *in)
{
	if (in->fd > 0)
		close(in->fd);
	in->fd = -1;
	split_close(in->split);
	in->split = NULL;
	free(in->name);
	in->name = NULL;
}
