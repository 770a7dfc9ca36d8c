// SPDX-License-Identifier: MIT
/* test_age_armor.c - the ASCII armor writer and its strict reader (diag/age_armor.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/age_armor.h"
#include "diag/strbuf.h"

static int to_strbuf(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

static void armor(const unsigned char *in, size_t len, struct strbuf *out)
{
	struct age_armor_writer *w = age_armor_writer_new(to_strbuf, out);
	struct age_err err;

	assert_int_equal(age_armor_writer_update(w, in, len, &err), 0);
	assert_int_equal(age_armor_writer_finish(w, &err), 0);
	age_armor_writer_free(w);
}

/* Dearmor text, fed in pieces of step bytes (0: at once). Returns 0 or the error code. */
static int dearmor(const char *text, size_t len, size_t step, struct strbuf *out)
{
	struct age_armor_reader *r = age_armor_reader_new(to_strbuf, out);
	struct age_err err;
	size_t pos = 0;
	int ret = 0;

	while (!ret && pos < len) {
		size_t n = step ? MIN(step, len - pos) : len;

		ret = age_armor_reader_update(r, text + pos, n, &err);
		pos += n;
	}
	if (!ret)
		ret = age_armor_reader_finish(r, &err);
	age_armor_reader_free(r);
	return ret ? (int)err.code : 0;
}

static int dearmor_str(const char *text)
{
	struct strbuf out = STRBUF_INIT;
	int ret = dearmor(text, strlen(text), 0, &out);

	strbuf_release(&out);
	return ret;
}

static void writes_64_columns_and_no_empty_line_before_end(void **state)
{
	static const size_t sizes[] = { 0, 1, 47, 48, 49, 96, 1000 };
	unsigned char in[1000];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 131);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct strbuf out = STRBUF_INIT, back = STRBUF_INIT;
		size_t n = sizes[i], lines = 0;
		const char *p, *end;

		armor(in, n, &out);
		assert_int_equal(strncmp(out.buf, AGE_ARMOR_BEGIN "\n", 35), 0);
		end = out.buf + out.len - strlen(AGE_ARMOR_END "\n");
		assert_string_equal(end, AGE_ARMOR_END "\n");
		for (p = out.buf + 35; p < end; p = strchr(p, '\n') + 1) {
			size_t cols = (size_t)(strchr(p, '\n') - p);

			lines++;
			assert_true(cols > 0 && cols <= 64);
			if (strchr(p, '\n') + 1 < end)
				assert_int_equal(cols, 64);
		}
		assert_int_equal(lines, (n + 47) / 48);
		assert_int_equal(dearmor(out.buf, out.len, 0, &back), 0);
		assert_int_equal(back.len, n);
		assert_memory_equal(back.buf, in, n);
		strbuf_release(&out);
		strbuf_release(&back);
	}
}

static void reads_the_same_in_any_pieces(void **state)
{
	unsigned char in[5000];
	struct strbuf out = STRBUF_INIT;

	randombytes_buf(in, sizeof(in));
	armor(in, sizeof(in), &out);
	for (size_t step = 1; step < 200; step += 7) {
		struct strbuf back = STRBUF_INIT;

		assert_int_equal(dearmor(out.buf, out.len, step, &back), 0);
		assert_int_equal(back.len, sizeof(in));
		assert_memory_equal(back.buf, in, sizeof(in));
		strbuf_release(&back);
	}
	strbuf_release(&out);
}

#define B AGE_ARMOR_BEGIN
#define E AGE_ARMOR_END

static void accepts_crlf_missing_final_eol_and_whitespace_around(void **state)
{
	assert_int_equal(dearmor_str(B "\r\nYWJj\r\n" E "\r\n"), 0);
	assert_int_equal(dearmor_str(B "\nYWJj\n" E), 0);
	assert_int_equal(dearmor_str("\n \t\r\n\n" B "\nYWJj\n" E "\n \n\t"), 0);
	assert_int_equal(dearmor_str(B "\n" E "\n"), 0);
}

static void rejects_what_age_rejects(void **state)
{
	static const char *const bad[] = {
		"",                                        /* no BEGIN */
		"garbage\n" B "\nYWJj\n" E "\n",
		"-----BEGIN age ENCRYPTED FILE-----\nYWJj\n" E "\n",
		"----- BEGIN AGE ENCRYPTED FILE -----\nYWJj\n" E "\n",
		B " \nYWJj\n" E "\n",
		B "\nYWJj\n",                               /* no END */
		B "\nYWJj\n" E "\ngarbage",
		B "\n\nYWJj\n" E "\n",                      /* empty line */
		B "\nYWJj\n\n" E "\n",
		B "\nYWJ\n" E "\n",                          /* no padding */
		B "\nYWI=\nYWI=\n" E "\n",                   /* short line not last */
		B "\nYWJk\n" E "\n",                         /* fine... */
		B "\nYW J j\n" E "\n",                       /* space inside */
		B "\n YWJj\n" E "\n",
		B "\nYWJj \n" E "\n",
		B "\nYQ==\n" E "\n",                          /* fine too */
		B "\nYR==\n" E "\n",                          /* not canonical */
		B "\nYWJj\n" E " \n",
		B "\nVersion: 1\n\nYWJj\n" E "\n",           /* PEM headers */
		B "\nYW\xff\xfe\n" E "\n",                    /* bytes >= 0x80 */
	};
	static const int want[] = {
		AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR,
		AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR,
		AGE_ERR_ARMOR, 0, AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR, 0,
		AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR, AGE_ERR_ARMOR,
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (dearmor_str(bad[i]) != want[i])
			fail_msg("case %zu: got %d, want %d", i, dearmor_str(bad[i]), want[i]);
}

static void limits_whitespace_and_line_length(void **state)
{
	struct strbuf s = STRBUF_INIT;
	char line[66];

	/* 1024 bytes of blank lines before BEGIN are fine, one more is not. */
	for (int i = 0; i < 512; i++)
		strbuf_addstr(&s, " \n");
	strbuf_addstr(&s, B "\nYWJj\n" E "\n");
	assert_int_equal(dearmor_str(s.buf), 0);
	strbuf_reset(&s);
	for (int i = 0; i < 512; i++)
		strbuf_addstr(&s, " \n");
	strbuf_addstr(&s, "\n" B "\nYWJj\n" E "\n");
	assert_int_equal(dearmor_str(s.buf), AGE_ERR_ARMOR);
	/* After END, less than 1024 bytes of whitespace. */
	strbuf_reset(&s);
	strbuf_addstr(&s, B "\nYWJj\n" E "\n");
	for (int i = 0; i < 1023; i++)
		strbuf_addch(&s, ' ');
	assert_int_equal(dearmor_str(s.buf), 0);
	strbuf_addch(&s, ' ');
	assert_int_equal(dearmor_str(s.buf), AGE_ERR_ARMOR);
	/* A 65-column line. */
	memset(line, 'A', 65);
	line[65] = '\0';
	strbuf_reset(&s);
	strbuf_addf(&s, B "\n%s\n" E "\n", line);
	assert_int_equal(dearmor_str(s.buf), AGE_ERR_ARMOR);
	/* A very long line is refused without being buffered whole. */
	strbuf_reset(&s);
	strbuf_addstr(&s, B "\n");
	for (int i = 0; i < 100000; i++)
		strbuf_addch(&s, 'A');
	assert_int_equal(dearmor_str(s.buf), AGE_ERR_ARMOR);
	strbuf_release(&s);
}

static void passes_on_what_came_before_an_error(void **state)
{
	struct strbuf out = STRBUF_INIT;
	const char *text = B "\nYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n!!!!\n";

	assert_int_equal(dearmor(text, strlen(text), 0, &out), AGE_ERR_ARMOR);
	assert_int_equal(out.len, 48);
	assert_int_equal(strncmp(out.buf, "abcdefghijklmnopqrstuvwxyz", 26), 0);
	strbuf_release(&out);
}

static void sniffs_armor_after_whitespace_only(void **state)
{
	assert_int_equal(age_armor_sniff(B, strlen(B)), 1);
	assert_int_equal(age_armor_sniff("\n\t " B, 3 + strlen(B)), 1);
	assert_int_equal(age_armor_sniff("-----", 5), 1);
	assert_int_equal(age_armor_sniff("age-encryption.org/v1\n", 22), 0);
	assert_int_equal(age_armor_sniff("  --", 4), -1);
	assert_int_equal(age_armor_sniff("", 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_64_columns_and_no_empty_line_before_end),
		cmocka_unit_test(reads_the_same_in_any_pieces),
		cmocka_unit_test(accepts_crlf_missing_final_eol_and_whitespace_around),
		cmocka_unit_test(rejects_what_age_rejects),
		cmocka_unit_test(limits_whitespace_and_line_length),
		cmocka_unit_test(passes_on_what_came_before_an_error),
		cmocka_unit_test(sniffs_armor_after_whitespace_only),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
