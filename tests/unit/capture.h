/* SPDX-License-Identifier: MIT */
/*
 * capture.h - check what the code under test prints on stderr (unit tests only)
 *
 *     capture_start();
 *     assert_int_equal(thing_that_fails(), -1);
 *     capture_expect("cannot open 'x'");
 *
 * Include after <cmocka.h>; capture_file must name a writable scratch file.
 */
#ifndef DIAG_TEST_CAPTURE_H
#define DIAG_TEST_CAPTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag/fsutil.h"
#include "diag/strbuf.h"

static char capture_file[512];
static int capture_saved = -1;

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
