// SPDX-License-Identifier: MIT
/* buf.c - growable buffers that record out-of-memory instead of dying */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

/*
 * The allocation is RBUF_PAD bytes larger than alloc, all of them
 * initialised: PCRE2's JIT reads whole aligned blocks and may look a few
 * bytes past the end of a subject, which must stay inside (and, for
 * valgrind, defined in) our own buffer.
 */
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
	p = malloc(want + RBUF_PAD);
	if (!p) {
		b->oom = true;
		return;
	}
	if (b->buf) {
		memcpy(p, b->buf, b->len);
		sodium_memzero(b->buf, b->alloc + RBUF_PAD);
		free(b->buf);
	}
	memset(p + b->len, 0, want + RBUF_PAD - b->len);
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
		sodium_memzero(b->buf, b->alloc + RBUF_PAD);
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
	memmove(b->buf, b->buf + n, b->len - n); /* the stale tail is wiped by rbuf_release() */
	b->len -= n;
}

int offsets_add(struct offsets *o, size_t off)
{
	if (o->n == o->alloc) {
		size_t n = o->alloc ? o->alloc * 2 : 8;
		size_t *v = realloc(o->v, n * sizeof(*v));

		if (!v)
			return -1;
		o->v = v;
		o->alloc = n;
	}
	o->v[o->n++] = off;
	return 0;
}

bool offsets_has(const struct offsets *o, size_t off)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i] == off)
			return true;
	return false;
}

void offsets_release(struct offsets *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static bool key_is(const struct node_frame *f, const struct rbuf *path, const char *k)
{
	size_t n = strlen(k);

	return f->key_len == n && !memcmp(path->buf + f->key_off, k, n);
}

int node_enter(struct node_frame *f, struct node_frame *parent, struct rbuf *path, bool map,
	       size_t start, const struct offsets *secrets)
{
	memset(f, 0, sizeof(*f));
	f->map = map;
	f->start = start;
	f->path_len = path->len;
	if (parent) {
		f->secret_data = parent->secret_data ||
				 (parent->map && parent->secret_map &&
				  (key_is(parent, path, "data") || key_is(parent, path, "stringData")));
		f->tf_random = parent->tf_random ||
			       (parent->map && parent->secret_map &&
				(key_is(parent, path, "instances") || key_is(parent, path, "values")));
		f->key_off = parent->key_off; /* a sequence's items are named by its key */
		f->key_len = parent->key_len;
		if (map && parent->map) { /* "password": {"value": ...}, not a list's items */
			f->held_off = parent->key_off;
			f->held_len = parent->key_len;
		}
		parent->next.cls = NC_NONE; /* an item that is no scalar is no flag's value */
		parent->cli.next = 0;
	}
	if (map && secrets)
		f->secret_map = offsets_has(secrets, start);
	if (!map) {
		if (path->len)
			rbuf_addch(path, '.');
		rbuf_addch(path, '*');
	}
	rbuf_grow(path, 1);
	return path->oom ? -1 : 0;
}

void node_set_key(struct node_frame *f, struct rbuf *path, const char *key, size_t len)
{
	path->len = f->path_len;
	if (path->len)
		rbuf_addch(path, '.');
	f->key_off = path->len;
	rbuf_add(path, key, len);
	f->key_len = len;
	f->key_role = (uint8_t)key_role(key, len);
	rbuf_grow(path, 1);
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

/*
 * Sixteen bytes at a time where SSE2 is there (every x86-64): twice as fast
 * as a memchr() per line, and the stream thread counts every byte.
 */
uint64_t count_newlines(const char *p, size_t n)
{
	uint64_t c = 0;
	size_t i = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();

	while (n - i >= 16) {
		__m128i acc = zero, sum;

		/* each byte of acc counts up to 255 matches in its lane */
		for (int k = 0; k < 255 && n - i >= 16; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
		sum = _mm_sad_epu8(acc, zero);
		c += (uint64_t)_mm_cvtsi128_si64(sum) +
		     (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
	}
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}
