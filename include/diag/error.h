/* SPDX-License-Identifier: MIT */
/*
 * error.h - messages on stderr, in one style
 *
 * Messages are lower case, without a final period, say what failed first and
 * quote their subject: "diag: cannot open '/var/log/app.log': Permission denied".
 * error() and error_errno() print and return -1, so that
 *     return error_errno("cannot open '%s'", path);
 * is one statement. die() prints and exits with the given code; only main.c
 * and cmd_*.c call it (and xmalloc, on out-of-memory).
 */
#ifndef DIAG_ERROR_H
#define DIAG_ERROR_H

#include "diag/common.h"

/* Verbosity set by the global options: -1 quiet, 0 normal, 1+ verbose. */
extern int diag_verbosity;

int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Like error(), with ": strerror(errno)" appended. */
int error_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warning_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Printed only with -v. */
void verbose(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Printed unless -q. For progress and "sealed to ..." notes, on stderr. */
void note(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void die(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);
NORETURN void die_errno(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* A broken invariant: print where and abort. */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
NORETURN void bug_fl(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
