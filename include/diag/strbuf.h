/* SPDX-License-Identifier: MIT */
/*
 * strbuf.h - a growable byte buffer
 *
 * Invariants: buf is never NULL; buf[len] == '\0' always (so buf is a C
 * string when the content has no NUL); alloc == 0 means buf points to a
 * shared empty string and nothing has been allocated.
 * strbuf_release() wipes the contents before freeing them, because buffers
 * routinely hold collected plaintext; so does growing, which copies to a new
 * block and wipes the old one rather than realloc() it.
 */
#ifndef DIAG_STRBUF_H
#define DIAG_STRBUF_H

#include <stdarg.h>
#include "diag/common.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Wipe and free the contents; sb is ready for reuse as if STRBUF_INIT. */
void strbuf_release(struct strbuf *sb);
/* Hand the buffer to the caller (free() it); sb is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen(sb, 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Remove n bytes at offset off. */
void strbuf_remove(struct strbuf *sb, size_t off, size_t n);

#endif
