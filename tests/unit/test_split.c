// SPDX-License-Identifier: MIT
/*
 * test_split.c - multi-part media files, with stock sha256sum and cat in the loop
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/fsutil.h"
#include "diag/split.h"
#include "diag/strbuf.h"
#include "testlib.h"

static char top[] = "/tmp/diag-test-split.XXXXXX";
static unsigned char data[5000];

static int setup(void **state)
{
	if (sodium_init() < 0 || !mkdtemp(top))
		return -1;
	snprintf(capture_file, sizeof(capture_file), "%s/stderr", top);
	randombytes_buf(data, sizeof(data));
	return 0;
}

static int teardown(void **state)
{
	return fs_remove_tree(top);
}

/* Each test gets an empty directory, and the original data in it as "orig". */
static int fresh(void **state)
{
	static int n;
	int fd;

	snprintf(test_dir, sizeof(test_dir), "%s/%d", top, ++n);
	if (mkdir(test_dir, 0700) < 0)
		return -1;
	fd = open(T("orig"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || fs_write_all(fd, data, sizeof(data)) < 0)
		return -1;
	close(fd);
	return 0;
}

/* Write the first len bytes of data as OUT in parts of size, in uneven pieces. */
static void write_split(size_t len, uint64_t size, struct split_info *info)
{
	struct split_writer *w;
	size_t off = 0, step = 1;

	assert_int_equal(split_writer_open(&w, T("OUT"), size, 0640), 0);
	while (off < len) {
		size_t n = MIN(step, len - off);

		assert_int_equal(split_writer_write(w, data + off, n), 0);
		off += n;
		step = step * 3 + 1;
	}
	assert_int_equal(split_writer_commit(w, info), 0);
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static void parts_have_the_size_and_stock_tools_check_and_join_them(void **state)
{
	struct split_info info;
	unsigned char h[32];
	struct stat st;

	write_split(2500, 1000, &info);
	assert_int_equal(info.parts, 3);
	assert_int_equal(info.size, 2500);
	crypto_hash_sha256(h, data, 2500);
	assert_memory_equal(info.sha256, h, 32);
	assert_int_equal(file_size(T("OUT.001")), 1000);
	assert_int_equal(file_size(T("OUT.002")), 1000);
	assert_int_equal(file_size(T("OUT.003")), 500);
	assert_int_equal(stat(T("OUT.004"), &st), -1);
	assert_int_equal(stat(T("OUT.001"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* The transfer station's check, and the way back to one file, with stock tools. */
	assert_int_equal(sh("cd %s && sha256sum -c --strict OUT.sha256 >check.out", test_dir), 0);
	assert_int_equal(sh("cd %s && test \"$(cat check.out)\" = \"$(printf 'OUT.001: OK\\nOUT.002: OK\\nOUT.003: OK')\"",
			    test_dir), 0);
	assert_int_equal(sh("cd %s && head -c 2500 orig >want && cat OUT.[0-9][0-9][0-9] | cmp - want", test_dir), 0);
	/* The sums are sha256sum's own output. */
	assert_int_equal(sh("cd %s && sha256sum OUT.001 OUT.002 OUT.003 | cmp - OUT.sha256", test_dir), 0);
	/* Nothing else is left beside them. */
	assert_int_equal(sh("cd %s && test \"$(ls -A | tr '\\n' ' ')\" = 'OUT.001 OUT.002 OUT.003 OUT.sha256 check.out orig want '",
			    test_dir), 0);
}

static void an_exact_multiple_makes_no_empty_part_and_empty_makes_one(void **state)
{
	struct split_info info;
	struct split_set *s;

	write_split(3000, 1000, &info);
	assert_int_equal(info.parts, 3);
	assert_int_equal(file_size(T("OUT.003")), 1000);
	assert_int_equal(access(T("OUT.004"), F_OK), -1);
	assert_int_equal(sh("rm %s/OUT.*", test_dir), 0);
	write_split(0, 1000, &info);
	assert_int_equal(info.parts, 1);
	assert_int_equal(file_size(T("OUT.001")), 0);
	assert_int_equal(split_open(&s, T("OUT"), SPLIT_NEED_SUMS), 0);
	assert_int_equal(s->size, 0);
	assert_int_equal(split_verify(s), 0);
	split_close(s);
	/* One part only, when it all fits. */
	assert_int_equal(sh("rm %s/OUT.*", test_dir), 0);
	write_split(10, 1000, &info);
	assert_int_equal(info.parts, 1);
	assert_int_equal(sh("cd %s && sha256sum -c --quiet OUT.sha256", test_dir), 0);
}

static void nothing_appears_before_commit_and_abort_leaves_nothing(void **state)
{
	struct split_writer *w;

	assert_int_equal(split_writer_open(&w, T("OUT"), 100, 0600), 0);
	assert_int_equal(split_writer_write(w, data, 450), 0);
	assert_int_equal(sh("cd %s && ls -A | grep -v '^orig$' | grep -q '^\\.OUT\\.split\\.'", test_dir), 0);
	assert_int_equal(sh("cd %s && ! ls OUT* 2>/dev/null", test_dir), 0);
	split_writer_abort(w);
	assert_int_equal(sh("cd %s && test \"$(ls -A)\" = orig", test_dir), 0);
}

static void a_signal_while_writing_leaves_nothing_behind(void **state)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct split_writer *w;

		fs_cleanup_install();
		if (split_writer_open(&w, T("OUT"), 100, 0600) < 0 || split_writer_write(w, data, 450) < 0)
			_exit(1);
		raise(SIGTERM);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_int_equal(sh("cd %s && test \"$(ls -A)\" = orig", test_dir), 0);
}

static void never_overwrites_and_leaves_nothing_when_it_cannot_commit(void **state)
{
	struct split_writer *w;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(sh("echo keep >%s", T("OUT.001")), 0);
	capture_start();
	assert_int_equal(split_writer_open(&w, T("OUT"), 100, 0600), -1);
	capture_expect("OUT.001' already exists; not overwriting it");
	assert_int_equal(sh("rm %s && echo keep >%s", T("OUT.001"), T("OUT.sha256")), 0);
	capture_start();
	assert_int_equal(split_writer_open(&w, T("OUT"), 100, 0600), -1);
	capture_expect("OUT.sha256' already exists");
	/* A clash found only at commit: every part moved so far goes back. */
	assert_int_equal(sh("rm %s && echo keep >%s", T("OUT.sha256"), T("OUT.003")), 0);
	assert_int_equal(split_writer_open(&w, T("OUT"), 100, 0600), 0);
	assert_int_equal(split_writer_write(w, data, 450), 0);
	capture_start();
	assert_int_equal(split_writer_commit(w, NULL), -1);
	capture_expect("OUT.003' already exists; not overwriting it");
	assert_int_equal(sh("cd %s && test \"$(ls -A | tr '\\n' ' ')\" = 'OUT.003 orig '", test_dir), 0);
	assert_int_equal(fs_read_file(T("OUT.003"), &sb, 100), 0);
	assert_string_equal(sb.buf, "keep\n");
	strbuf_release(&sb);
}

static void refuses_more_than_999_parts_and_unlistable_names(void **state)
{
	struct split_writer *w;

	assert_int_equal(split_writer_open(&w, T("OUT"), 1, 0600), 0);
	assert_int_equal(split_writer_write(w, data, 999), 0);
	capture_start();
	assert_int_equal(split_writer_write(w, data, 1), -1);
	capture_expect("more than 999 parts: use a larger part size");
	split_writer_abort(w);
	assert_int_equal(sh("cd %s && test \"$(ls -A)\" = orig", test_dir), 0);
	capture_start();
	assert_int_equal(split_writer_open(&w, T("a\\b"), 10, 0600), -1);
	capture_expect("cannot be listed in a checksum file");
	capture_start();
	assert_int_equal(split_writer_open(&w, T("OUT"), 0, 0600), -1);
	capture_expect("parts of 0 bytes");
	assert_int_equal(split_writer_open(&w, "-", 10, 0600), -1);
}

static void finds_the_set_from_any_part_or_the_sums(void **state)
{
	char *base = NULL;

	write_split(2500, 1000, NULL);
	assert_int_equal(split_detect(T("OUT.002"), &base), 1);
	assert_string_equal(base, T("OUT"));
	free(base);
	assert_int_equal(split_detect(T("OUT.sha256"), &base), 1);
	assert_string_equal(base, T("OUT"));
	free(base);
	assert_int_equal(split_detect(T("OUT"), &base), 1);
	assert_string_equal(base, T("OUT"));
	free(base);
	base = NULL;
	assert_int_equal(split_detect(T("orig"), &base), 0);
	assert_int_equal(split_detect(T("nothing"), &base), 0);
	assert_int_equal(split_detect(T("nothing.123"), &base), 0);
	assert_null(base);
}

static void reads_the_parts_as_one_seekable_file(void **state)
{
	struct split_set *s;
	unsigned char buf[3000];
	FILE *f;

	write_split(2500, 1000, NULL);
	assert_int_equal(split_open(&s, T("OUT"), SPLIT_NEED_SUMS), 0);
	assert_int_equal(s->nr, 3);
	assert_int_equal(s->size, 2500);
	assert_int_equal(s->part_size, 1000);
	/* Every offset and many lengths, across the boundaries. */
	for (uint64_t off = 0; off <= 2500; off += 7) {
		size_t len = (size_t)((off * 13) % 1500);
		ssize_t n = split_pread(s, buf, len, off);

		assert_int_equal(n, (ssize_t)MIN((uint64_t)len, 2500 - off));
		assert_memory_equal(buf, data + off, (size_t)n);
	}
	assert_int_equal(split_pread(s, buf, 10, 2500), 0);
	assert_int_equal(split_pread(s, buf, 10, 9999), 0);
	/* As a stdio stream. */
	f = split_fopen(s);
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 2500);
	assert_memory_equal(buf, data, 2500);
	assert_int_equal(fseeko(f, 995, SEEK_SET), 0);
	assert_int_equal(fread(buf, 1, 10, f), 10);
	assert_memory_equal(buf, data + 995, 10);
	assert_int_equal(fseeko(f, -5, SEEK_END), 0);
	assert_int_equal(ftello(f), 2495);
	assert_int_equal(fread(buf, 1, 100, f), 5);
	assert_int_equal(fseeko(f, -1, SEEK_SET), -1);
	/* offsets that overflow are refused, not wrapped (UBSan checks it) */
	assert_int_equal(fseeko(f, INT64_MAX, SEEK_SET), 0);
	assert_int_equal(fseeko(f, INT64_MAX, SEEK_CUR), -1);
	assert_int_equal(fseeko(f, INT64_MAX, SEEK_END), -1);
	fclose(f);
	split_close(s);
}

static void names_the_part_and_offset_of_an_offset_of_the_whole(void **state)
{
	struct split_set *s;
	size_t part;
	uint64_t po;
	char *msg, want[512];

	write_split(2500, 1000, NULL);
	assert_int_equal(split_open(&s, T("OUT"), 0), 0);
	assert_int_equal(split_locate(s, 0, &part, &po), 0);
	assert_int_equal(part, 0);
	assert_int_equal(po, 0);
	assert_int_equal(split_locate(s, 1999, &part, &po), 0);
	assert_int_equal(part, 1);
	assert_int_equal(po, 999);
	assert_int_equal(split_locate(s, 2000, &part, &po), 0);
	assert_int_equal(part, 2);
	assert_int_equal(po, 0);
	assert_int_equal(split_locate(s, 2500, &part, &po), -1);
	msg = split_describe(s, 1036);
	snprintf(want, sizeof(want), "'%s' at offset 36 (offset 1036 of the whole)", T("OUT.002"));
	assert_string_equal(msg, want);
	free(msg);
	split_close(s);
}

static void missing_extra_and_wrongly_sized_parts_are_named(void **state)
{
	struct split_set *s = NULL;

	write_split(2500, 1000, NULL);
	assert_int_equal(sh("mv %s %s", T("OUT.002"), T("saved")), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("part '");
	assert_int_equal(sh("grep -q \"part '%s' is missing\" %s", T("OUT.002"), capture_file), 0);
	assert_null(s);
	assert_int_equal(sh("mv %s %s && mv %s %s", T("saved"), T("OUT.002"), T("OUT.003"), T("saved")), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("OUT.003' is missing");
	/* Without the sums, a missing last part cannot be seen, and we say so. */
	assert_int_equal(sh("mv %s %s", T("OUT.sha256"), T("sums")), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), 0);
	capture_expect("parts missing after '");
	split_close(s);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), SPLIT_NEED_SUMS), -1);
	capture_expect("OUT.sha256' is missing");
	assert_int_equal(sh("mv %s %s && mv %s %s", T("saved"), T("OUT.003"), T("sums"), T("OUT.sha256")), 0);
	/* An extra part. */
	assert_int_equal(sh("echo x >%s", T("OUT.004")), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("OUT.004': it is not listed in '");
	assert_int_equal(sh("rm %s && echo x >%s", T("OUT.004"), T("OUT.000")), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("extra part '");
	assert_int_equal(sh("rm %s", T("OUT.000")), 0);
	/* A truncated middle part, and a last part grown too large. */
	assert_int_equal(truncate(T("OUT.002"), 999), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("OUT.002' is 999 bytes where 1000 were expected: truncated or damaged");
	assert_int_equal(truncate(T("OUT.002"), 1000), 0);
	assert_int_equal(truncate(T("OUT.003"), 1001), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("OUT.003' is 1001 bytes: the last part must hold 1 to 1000");
}

static void verify_names_the_damaged_part_as_sha256sum_does(void **state)
{
	struct split_set *s;
	int fd;

	write_split(2500, 1000, NULL);
	fd = open(T("OUT.002"), O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\xff", 1, 500), 1);
	close(fd);
	assert_int_equal(split_open(&s, T("OUT.003"), 0), -1); /* a part, not the base */
	assert_int_equal(split_open(&s, T("OUT"), 0), 0);
	capture_start();
	assert_int_equal(split_verify(s), 1);
	capture_expect("OUT.002' is damaged: its SHA-256 does not match '");
	assert_false(s->parts[0].damaged);
	assert_true(s->parts[1].damaged);
	assert_false(s->parts[2].damaged);
	split_close(s);
	assert_int_equal(sh("cd %s && sha256sum -c OUT.sha256 2>/dev/null | grep -qx 'OUT.002: FAILED'", test_dir), 0);
	/* Without sums there is nothing to verify against. */
	assert_int_equal(sh("rm %s", T("OUT.sha256")), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), 0);
	capture_expect("");
	capture_start();
	assert_int_equal(split_verify(s), -1);
	capture_expect("nothing to check the parts against");
	split_close(s);
}

static void reads_sums_files_as_sha256sum_writes_them_and_no_other(void **state)
{
	static const char *h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	static const struct {
		const char *text, *why; /* '@' stands for a SHA-256 */
	} cases[] = {
		{ "@  X.001\n@  X.002\n", NULL },
		{ "@ *X.001\r\n@ *X.002", NULL },                        /* binary mode, CRLF, no final LF */
		{ "@  X.002\n@  X.001\n", "lists 'X.002' where 'X.001' was expected" },
		{ "@  X.001\n@  X.001\n", "where 'X.002' was expected" },
		{ "@  X.001\n\n@  X.002\n", "line 2: empty line" },
		{ "\\@  X.001\n@  X.002\n", "escaped file names are not supported" },
		{ "@ X.001\n@  X.002\n", "not a line of sha256sum output" },
		{ "@  dir/X.001\n@  X.002\n", "lists 'dir/X.001'" },
		{ "@  X.001 \n@  X.002\n", "lists 'X.001 '" },
		{ "@  Y.001\n@  Y.002\n", "where 'X.001' was expected" },
		{ "@  X.1\n@  X.2\n", "lists 'X.1'" },
		{ "@  X.001\x1b[2J\n@  X.002\n", "lists 'X.001?[2J'" },
	};
	struct strbuf sb = STRBUF_INIT;
	unsigned char (*sums)[32];
	size_t nr;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&sb);
		for (const char *c = cases[i].text; *c; c++) {
			if (*c == '@')
				strbuf_addstr(&sb, h);
			else
				strbuf_addch(&sb, *c);
		}
		capture_start();
		if (!cases[i].why) {
			assert_int_equal(split_sums_parse(sb.buf, sb.len, "X.sha256", "X", &sums, &nr), 0);
			capture_expect("");
			assert_int_equal(nr, 2);
			assert_int_equal(sums[1][0], 0xe3);
			free(sums);
		} else {
			assert_int_equal(split_sums_parse(sb.buf, sb.len, "X.sha256", "X", &sums, &nr), -1);
			capture_expect(cases[i].why);
		}
	}
	/* Upper-case hex is sha256sum -c's business too. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855  X.001\n");
	assert_int_equal(split_sums_parse(sb.buf, sb.len, "X.sha256", "X", &sums, &nr), 0);
	free(sums);
	/* Bad hex, and nothing at all. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  X.001\n");
	capture_start();
	assert_int_equal(split_sums_parse(sb.buf, sb.len, "X.sha256", "X", &sums, &nr), -1);
	capture_expect("not a SHA-256 in hex");
	capture_start();
	assert_int_equal(split_sums_parse("", 0, "X.sha256", "X", &sums, &nr), -1);
	capture_expect("lists no parts");
	strbuf_release(&sb);
}

static void lenient_opening_keeps_missing_and_short_parts_in_their_place(void **state)
{
	struct split_set *s;
	unsigned char buf[1000];

	write_split(5000, 1000, NULL);
	assert_int_equal(unlink(T("OUT.002")), 0);
	assert_int_equal(truncate(T("OUT.004"), 600), 0);
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), 0), -1);
	capture_expect("is missing");
	capture_start();
	assert_int_equal(split_open(&s, T("OUT"), SPLIT_LENIENT), 0);
	capture_expect("part '");
	assert_int_equal(s->nr, 5);
	assert_int_equal(s->part_size, 1000);
	assert_true(s->parts[1].missing);
	assert_int_equal(s->parts[1].size, 0);
	assert_int_equal(s->parts[3].size, 600);
	assert_int_equal(s->parts[4].offset, 4000);
	assert_int_equal(s->size, 5000);
	/* what is there reads where it belongs */
	assert_int_equal(split_pread(s, buf, 1000, 0), 1000);
	assert_memory_equal(buf, data, 1000);
	assert_int_equal(split_pread(s, buf, 500, 3100), 500);
	assert_memory_equal(buf, data + 3100, 500);
	assert_int_equal(split_pread(s, buf, 1000, 4000), 1000);
	assert_memory_equal(buf, data + 4000, 1000);
	/* what is not fails, naming the part */
	capture_start();
	assert_int_equal(split_pread(s, buf, 10, 1500), -1);
	capture_expect("it is missing");
	capture_start();
	assert_int_equal(split_pread(s, buf, 10, 3700), -1);
	capture_expect("ends at 600 (truncated)");
	split_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(parts_have_the_size_and_stock_tools_check_and_join_them, fresh),
		cmocka_unit_test_setup(an_exact_multiple_makes_no_empty_part_and_empty_makes_one, fresh),
		cmocka_unit_test_setup(nothing_appears_before_commit_and_abort_leaves_nothing, fresh),
		cmocka_unit_test_setup(a_signal_while_writing_leaves_nothing_behind, fresh),
		cmocka_unit_test_setup(never_overwrites_and_leaves_nothing_when_it_cannot_commit, fresh),
		cmocka_unit_test_setup(refuses_more_than_999_parts_and_unlistable_names, fresh),
		cmocka_unit_test_setup(finds_the_set_from_any_part_or_the_sums, fresh),
		cmocka_unit_test_setup(reads_the_parts_as_one_seekable_file, fresh),
		cmocka_unit_test_setup(names_the_part_and_offset_of_an_offset_of_the_whole, fresh),
		cmocka_unit_test_setup(missing_extra_and_wrongly_sized_parts_are_named, fresh),
		cmocka_unit_test_setup(verify_names_the_damaged_part_as_sha256sum_does, fresh),
		cmocka_unit_test_setup(reads_sums_files_as_sha256sum_writes_them_and_no_other, fresh),
		cmocka_unit_test_setup(lenient_opening_keeps_missing_and_short_parts_in_their_place, fresh),
	};

	return cmocka_run_group_tests_name("split", tests, setup, teardown);
}
