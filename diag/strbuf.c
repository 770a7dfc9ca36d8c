// SPDX-License-Identifier: MIT
/* strbuf.c - a growable byte buffer (see strbuf.h for the invariants) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/strbuf.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc) {
		sodium_memzero(sb->buf, sb->alloc);
		free(sb->buf);
	}
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p;

	if (len)
		*len = sb->len;
	p = sb->alloc ? sb->buf : xstrdup("");
	strbuf_init(sb, 0);
	return p;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want;
	char *buf;

	if (extra > SIZE_MAX - sb->len - 1)
		die(4, "out of memory (buffer of %zu + %zu bytes)", sb->len, extra);
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	if (want < sb->alloc * 2)
		want = sb->alloc * 2;
	if (want < 64)
		want = 64;
	/*
	 * Not realloc(): when it moves the block it frees the old one as it is,
	 * and plaintext would linger in freed memory. Copy, wipe, free.
	 */
	buf = xmalloc(want);
	if (sb->alloc) {
		memcpy(buf, sb->buf, sb->len + 1);
		sodium_memzero(sb->buf, sb->alloc);
		free(sb->buf);
	} else {
		buf[0] = '\0';
	}
	sb->buf = buf;
	sb->alloc = want;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > (sb->alloc ? sb->alloc - 1 : 0))
		BUG("strbuf_setlen(%zu) beyond alloc %zu", len, sb->alloc);
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len] = (char)c;
	strbuf_setlen(sb, sb->len + 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed for format '%s'", fmt);
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	strbuf_setlen(sb, sb->len + (size_t)n);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_remove(struct strbuf *sb, size_t off, size_t n)
{
	if (off > sb->len || n > sb->len - off)
		BUG("strbuf_remove(%zu, %zu) beyond len %zu", off, n, sb->len);
	memmove(sb->buf + off, sb->buf + off + n, sb->len - off - n);
	strbuf_setlen(sb, sb->len - n);
}
