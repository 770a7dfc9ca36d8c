/* SPDX-License-Identifier: MIT */
/*
 * password.h - read a password from the terminal (no echo) or from a file
 *
 * Passwords never come from argv. They live in sodium_malloc()ed memory,
 * are NUL-terminated, hold no newline, and are wiped by password_free().
 * sodium_init() must have been called (CMD_NEED_SODIUM).
 */
#ifndef DIAG_PASSWORD_H
#define DIAG_PASSWORD_H

#include "diag/common.h"

/* Longest password accepted, in bytes (as minisign's PASSWORDMAXBYTES - 1). */
#define PASSWORD_MAX 1023

/*
 * Read a password into *out (its length in *len, may be NULL).
 *
 * With file non-NULL, the password is the file's first line ("-" reads
 * stdin); a final LF or CRLF is dropped, and a file with more than one line
 * is refused. With file NULL, prompt is written to /dev/tty and a line is
 * read from it with echo off; with confirm, it is asked for twice and the
 * two must match. A SIGINT or SIGTERM while reading restores the terminal
 * before the signal takes effect.
 *
 * On error, -1 is returned after printing a message and *out is untouched.
 * On success *out belongs to the caller, who frees it with password_free().
 */
int password_read(char **out, size_t *len, const char *file, const char *prompt,
		  bool confirm) WARN_UNUSED;

/*
 * The one terminal reader of diag (password_read() and age's terminal
 * passphrase source both use it). Write prompt to fd, a terminal, and read
 * one line from it with echo off; the terminal's settings and the signal
 * handlers are restored before returning. Typed-ahead input is kept (the
 * settings change with TCSANOW, not TCSAFLUSH), so that a script driving a
 * pseudo-terminal may type before the prompt appears. buf has room for max
 * bytes and a NUL. Prints nothing. Returns 0 with the line (without its LF,
 * NUL-terminated) in buf and its length in *len; or -1 with errno set:
 * EMSGSIZE when the line is longer than max bytes (it is read to its end and
 * buf wiped), EINTR when SIGINT, SIGTERM, SIGHUP, SIGQUIT or a job-control
 * signal arrived (it is raised again once the terminal is restored), or the
 * error of a write or a read.
 */
int password_tty_line(int fd, const char *prompt, char *buf, size_t max, size_t *len) WARN_UNUSED;

/* Wipe and free a password from password_read(). NULL is allowed. */
void password_free(char *pw);

#endif
