// SPDX-License-Identifier: MIT
/*
 * fuzz_age_armor.c - the strict armor reader
 *
 * Whatever it accepts, armoring the decoded bytes again and reading that
 * back must give the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "diag/age_armor.h"
#include "diag/strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return sodium_init() < 0 ? -1 : 0;
}

static int to_strbuf(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

static int dearmor(const void *data, size_t size, size_t step, struct strbuf *out)
{
	struct age_armor_reader *r = age_armor_reader_new(to_strbuf, out);
	struct age_err err;
	size_t pos = 0;
	int ret = 0;

	while (!ret && pos < size) {
		size_t n = size - pos < step ? size - pos : step;

		ret = age_armor_reader_update(r, (const char *)data + pos, n, &err);
		pos += n;
	}
	if (!ret)
		ret = age_armor_reader_finish(r, &err);
	if (ret && err.code != AGE_ERR_ARMOR)
		abort();
	age_armor_reader_free(r);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, again = STRBUF_INIT;
	int ret = dearmor(data, size, size ? size : 1, &a);

	/* Pieces do not change the outcome. */
	if (dearmor(data, size, 7, &b) != ret || (!ret && (a.len != b.len || memcmp(a.buf, b.buf, a.len))))
		abort();
	if (!ret) {
		struct age_armor_writer *w = age_armor_writer_new(to_strbuf, &again);
		struct age_err err;
		struct strbuf back = STRBUF_INIT;

		if (age_armor_writer_update(w, a.buf, a.len, &err) || age_armor_writer_finish(w, &err))
			abort();
		age_armor_writer_free(w);
		if (dearmor(again.buf, again.len, again.len ? again.len : 1, &back) ||
		    back.len != a.len || memcmp(back.buf, a.buf, a.len))
			abort();
		strbuf_release(&back);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&again);
	return 0;
}
