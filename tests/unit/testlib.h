/* SPDX-License-Identifier: MIT */
/*
 * testlib.h - helpers for unit tests that work with files and stock tools
 *
 * Include after <cmocka.h>. The test sets test_dir (a scratch directory)
 * and capture_file (a writable scratch file), then:
 *
 *     T("name")                  test_dir/name (eight such paths live at a time)
 *     sh("cmp %s %s", a, b)      run a shell command, returning its exit status
 *     capture_start();           collect what the code under test prints on stderr
 *     assert_int_equal(thing_that_fails(), -1);
 *     capture_expect("cannot open 'x'");
 */
#ifndef DIAG_TEST_TESTLIB_H
#define DIAG_TEST_TESTLIB_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag/fsutil.h"
#include "diag/strbuf.h"

static char test_dir[400];
static char capture_file[512];

static const char *T(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", test_dir, name);
	return buf[i];
}

static PRINTF_LIKE(1, 2) int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : 128;
}

static int capture_saved = -1;

/* Between capture_start() and capture_expect(), a failing assertion's report lands in capture_file. */
static void capture_start(void)
{
	int fd = open(capture_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	fflush(stderr);
	capture_saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Stop capturing; what was printed must contain needle. */
static void capture_expect(const char *needle)
{
	struct strbuf sb = STRBUF_INIT;

	fflush(stderr);
	dup2(capture_saved, 2);
	close(capture_saved);
	assert_int_equal(fs_read_file(capture_file, &sb, 1 << 20), 0);
	if (!strstr(sb.buf, needle))
		fail_msg("stderr lacks \"%s\"; it was: %s", needle, sb.buf);
	strbuf_release(&sb);
}

#endif
