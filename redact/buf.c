// SPDX-License-Identifier: MIT
/* buf.c - growable buffers that record out-of-memory instead of dying */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "internal.h"

void rbuf_grow_slow(struct rbuf *b, size_t extra)
{
	size_t want;
	char *p;

	if (b->oom)
		return;
	if (extra > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return;
	}
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 256)
		want = 256;
	/* Plaintext must not linger in freed memory: move, wipe, free. */
	p = malloc(want);
	if (!p) {
		b->oom = true;
		return;
	}
	if (b->buf) {
		memcpy(p, b->buf, b->len);
		sodium_memzero(b->buf, b->alloc);
		free(b->buf);
	}
	b->buf = p;
	b->alloc = want;
}

void rbuf_addstr(struct rbuf *b, const char *s)
{
	rbuf_add(b, s, strlen(s));
}

void rbuf_reset(struct rbuf *b)
{
	b->len = 0; /* the bytes stay until overwritten, or wiped by rbuf_release() */
}

void rbuf_release(struct rbuf *b)
{
	if (b->buf) {
		sodium_memzero(b->buf, b->alloc);
		free(b->buf);
	}
	b->buf = NULL;
	b->len = b->alloc = 0;
	b->oom = false;
}

void rbuf_consume(struct rbuf *b, size_t n)
{
	if (n >= b->len) {
		rbuf_reset(b);
		return;
	}
	memmove(b->buf, b->buf + n, b->len - n);
	sodium_memzero(b->buf + b->len - n, n);
	b->len -= n;
}

char *rstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void rerr_vset(struct redact_err *err, const char *file, int line, int column, const char *fmt,
	       va_list ap)
{
	if (!err)
		return;
	err->file = file;
	err->line = line;
	err->column = column;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

void rerr_set(struct redact_err *err, const char *file, int line, int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rerr_vset(err, file, line, column, fmt, ap);
	va_end(ap);
}
