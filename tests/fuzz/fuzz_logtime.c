// SPDX-License-Identifier: MIT
/*
 * fuzz_logtime.c - the timestamp recognisers and the time-window filter
 *
 * The first 8 bytes choose the window and the chunk size; the rest is the
 * log. Checks: every line recogniser terminates on any bytes; the filter
 * never emits more than it was given, emits exactly the input when the
 * window is unbounded, and gives the same output whatever the chunking.
 */
#include <stdlib.h>
#include <string.h>

#include "diag/logtime.h"
#include "diag/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int emit(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

static void filter(const char *log, size_t len, int64_t since, int64_t until, size_t step,
		   struct strbuf *out)
{
	struct logtime_filter *f = logtime_filter_new(since, until, 1709294400, emit, out);

	for (size_t off = 0; off < len;) {
		size_t n = step < len - off ? step : len - off;

		if (logtime_filter_write(f, log + off, n) < 0)
			abort();
		off += n;
	}
	if (logtime_filter_finish(f) < 0)
		abort();
	logtime_filter_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *log = (const char *)data + 8;
	int64_t since, until, t;
	const char *fmt;
	size_t len, step;

	if (size < 8)
		return 0;
	len = size - 8;
	/* a window around 2024-03-01, in hours */
	since = data[0] ? 1709294400 + ((int64_t)(int8_t)data[1]) * 3600 * 24 : 0;
	until = data[2] ? 1709294400 + ((int64_t)(int8_t)data[3]) * 3600 * 24 : 0;
	step = 1 + (data[4] | (size_t)data[5] << 8);
	logtime_parse_line(log, len, 1709294400, &t, &fmt);

	filter(log, len, since, until, len ? len : 1, &a);
	filter(log, len, since, until, step, &b);
	if (a.len > len || a.len != b.len || memcmp(a.buf, b.buf, a.len))
		abort();
	if (!since && !until && (a.len != len || memcmp(a.buf, log, len)))
		abort();
	strbuf_release(&a);
	strbuf_release(&b);
	return 0;
}
