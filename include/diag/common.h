/* SPDX-License-Identifier: MIT */
/*
 * common.h - conventions every diag module follows
 *
 * Ownership: a `const T *` argument is borrowed for the duration of the call.
 * A returned pointer belongs to the caller and is freed with the matching
 * `_free()` (or free() for plain strings). A function that takes ownership of
 * an argument says so in its comment ("after the call 'buf' belongs to X").
 *
 * Errors: library layers (everything except diag/main.c and diag/cmd_*.c)
 * return 0 on success and -1 on error, after printing one line with error()
 * (redact/ fills a struct redact_err instead and never prints). Only main.c
 * and cmd_*.c decide exit codes.
 *
 * Secrets: key material lives in sodium_malloc()ed memory; collected
 * plaintext is wiped with sodium_memzero() before it is freed.
 */
#ifndef DIAG_COMMON_H
#define DIAG_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define WARN_UNUSED __attribute__((warn_unused_result))
#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Allocation that cannot fail: on out-of-memory the program dies (exit 4). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Return a newly allocated string built like printf. */
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Free a NULL-terminated array of strings and the strings. NULL is fine. */
void strv_free(char **v);

/* Grow *array (of *alloc elements of size elem) so that it holds at least n. */
#define ALLOC_GROW(array, n, alloc) \
	do { \
		if ((size_t)(n) > (alloc)) { \
			size_t alloc_new_ = (alloc) < 8 ? 16 : (alloc) * 2; \
			if (alloc_new_ < (size_t)(n)) \
				alloc_new_ = (n); \
			(array) = xrealloc((array), alloc_new_ * sizeof(*(array))); \
			(alloc) = alloc_new_; \
		} \
	} while (0)

#endif
