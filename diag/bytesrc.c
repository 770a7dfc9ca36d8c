// SPDX-License-Identifier: MIT
/* bytesrc.c - pull-style byte sources: a file descriptor, memory, gunzip */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bytesrc.h"
#include "diag/error.h"

#define GUNZIP_INBUF 65536

ssize_t bytesrc_read_full(struct bytesrc *src, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = src->read(src, (char *)buf + got, len - got);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static ssize_t fd_read(struct bytesrc *src, void *buf, size_t len)
{
	struct bytesrc_fd *s = (struct bytesrc_fd *)src;

	for (;;) {
		ssize_t n = read(s->fd, buf, len);

		if (n >= 0) {
			s->offset += (uint64_t)n;
			return n;
		}
		if (errno != EINTR)
			return error_errno("cannot read '%s'", s->name);
	}
}

void bytesrc_fd_init(struct bytesrc_fd *s, int fd, const char *name)
{
	s->src.read = fd_read;
	s->fd = fd;
	s->name = name;
	s->offset = 0;
}

static ssize_t mem_read(struct bytesrc *src, void *buf, size_t len)
{
	struct bytesrc_mem *s = (struct bytesrc_mem *)src;
	size_t n = MIN(len, s->len - s->pos);

	if (n)
		memcpy(buf, s->buf + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

void bytesrc_mem_init(struct bytesrc_mem *s, const void *buf, size_t len)
{
	s->src.read = mem_read;
	s->buf = buf;
	s->len = len;
	s->pos = 0;
}

/* Read more compressed input into the buffer. 1 got some, 0 at the end, -1 error. */
static int gunzip_fill(struct bytesrc_gunzip *s)
{
	ssize_t n = s->in->read(s->in, s->inbuf, GUNZIP_INBUF);

	if (n < 0)
		return -1;
	s->z.next_in = s->inbuf;
	s->z.avail_in = (uInt)n;
	s->consumed += (uint64_t)n;
	return n > 0;
}

/* After the end of the gzip member: nothing else may follow. */
static int gunzip_check_end(struct bytesrc_gunzip *s)
{
	for (;;) {
		int r;

		if (s->z.avail_in)
			return error("%s: unexpected data after the compressed stream", s->name);
		r = gunzip_fill(s);
		if (r <= 0)
			return r;
	}
}

static ssize_t gunzip_read(struct bytesrc *src, void *buf, size_t len)
{
	struct bytesrc_gunzip *s = (struct bytesrc_gunzip *)src;

	if (s->state < 0)
		return -1;
	if (s->state == 1 || !len)
		return 0;
	s->z.next_out = buf;
	s->z.avail_out = (uInt)MIN(len, (size_t)1 << 30);
	while (s->z.avail_out) {
		int r;

		if (!s->z.avail_in) {
			r = gunzip_fill(s);
			if (r < 0)
				goto fail;
			if (r == 0) {
				error("%s: compressed stream is truncated", s->name);
				goto fail;
			}
		}
		r = inflate(&s->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			s->state = 1;
			if (gunzip_check_end(s) < 0)
				goto fail;
			break;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			error("%s: corrupt compressed stream (%s)", s->name,
			      s->z.msg ? s->z.msg : "zlib error");
			goto fail;
		}
	}
	return (ssize_t)((unsigned char *)s->z.next_out - (unsigned char *)buf);
fail:
	s->state = -1;
	return -1;
}

int bytesrc_gunzip_init(struct bytesrc_gunzip *s, struct bytesrc *in, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->src.read = gunzip_read;
	s->in = in;
	s->name = name;
	/* 16 + 15: a gzip wrapper only (not zlib, not raw), the full window. */
	if (inflateInit2(&s->z, 16 + 15) != Z_OK)
		return error("%s: cannot initialise zlib", name);
	s->inbuf = xmalloc(GUNZIP_INBUF);
	return 0;
}

void bytesrc_gunzip_release(struct bytesrc_gunzip *s)
{
	if (!s->inbuf)
		return;
	inflateEnd(&s->z);
	/* Decrypted (if redacted) data: wipe it like any collected plaintext. */
	sodium_memzero(s->inbuf, GUNZIP_INBUF);
	free(s->inbuf);
	s->inbuf = NULL;
}
