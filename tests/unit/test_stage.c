// SPDX-License-Identifier: MIT
/*
 * test_stage.c - review stages: reading what the reviewer left, the mark,
 * the preview of what sealing would record, and the review marks in the
 * manifest
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/stage.h"
#include "testlib.h"

static const unsigned char key[32] = { 1, 2, 3 };

static int setup(void **state)
{
	snprintf(test_dir, sizeof(test_dir), "/tmp/diag-test-stage.XXXXXX");
	if (sodium_init() < 0 || !mkdtemp(test_dir))
		return -1;
	snprintf(capture_file, sizeof(capture_file), "%s/capture", test_dir);
	(void)sh;
	return 0;
}

static int teardown(void **state)
{
	return fs_remove_tree(test_dir);
}

static void put(const char *path, const char *text)
{
	char *dup = xstrdup(path), *slash = strrchr(dup, '/');
	int fd;

	*slash = '\0';
	assert_int_equal(fs_mkdir_p(dup, 0700), 0);
	free(dup);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, text, strlen(text)), 0);
	close(fd);
}

static void add_file(struct manifest *m, const char *path, const char *content)
{
	struct manifest_file f = { 0 };

	f.path = xstrdup(path);
	f.collector = xstrdup("logs");
	f.kind = xstrdup("file");
	f.source = xstrdup("/var/log/x");
	f.description = xstrdup("logs");
	f.size = strlen(content);
	crypto_hash_sha256(f.sha256, (const unsigned char *)content, f.size);
	manifest_add_file(m, &f);
}

/* A stage in dir as collect --stage makes it: three files, the manifest, its mark. */
static void make_stage(const char *dir)
{
	struct manifest *m = manifest_new();
	struct strbuf text = STRBUF_INIT, mark = STRBUF_INIT;
	char path[600];

	fs_remove_tree(dir);
	add_file(m, "files/b.log", "bee\n");
	add_file(m, "files/a/z.log", "zed\n");
	add_file(m, "system/os.txt", "linux\n");
	for (size_t i = 0; i < m->nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, m->files[i].path);
		put(path, i == 0 ? "bee\n" : i == 1 ? "zed\n" : "linux\n");
	}
	manifest_serialize(m, &text, true);
	stage_mark(key, text.buf, text.len, &mark);
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	put(path, text.buf);
	snprintf(path, sizeof(path), "%s/.diag-stage", dir);
	put(path, mark.buf);
	strbuf_release(&text);
	strbuf_release(&mark);
	manifest_free(m);
}

static void reads_a_stage_in_manifest_order_then_added_files_by_path(void **state)
{
	struct stage st = STAGE_INIT;

	make_stage(T("s"));
	put(T("s/zz-added.txt"), "new\n");
	put(T("s/files/a/added.txt"), "new too\n");
	assert_true(stage_is(T("s")));
	assert_int_equal(stage_open(&st, T("s"), key, STAGE_HASH), 0);
	assert_int_equal(st.nfiles, 5);
	assert_int_equal(st.nadded, 2);
	assert_string_equal(st.files[0].path, "files/b.log");
	assert_int_equal(st.files[0].index, 0);
	assert_string_equal(st.files[1].path, "files/a/z.log");
	assert_string_equal(st.files[2].path, "system/os.txt");
	assert_string_equal(st.files[3].path, "files/a/added.txt");
	assert_int_equal(st.files[3].index, -1);
	assert_string_equal(st.files[4].path, "zz-added.txt");
	assert_true(st.files[0].hashed);
	assert_memory_equal(st.files[0].sha256, st.m->files[0].sha256, 32);
	stage_release(&st);
}

static void previews_changed_added_and_removed_files(void **state)
{
	struct stage st = STAGE_INIT;
	struct manifest *p;
	struct strbuf sb = STRBUF_INIT;
	struct manifest *back;

	make_stage(T("s"));
	put(T("s/files/b.log"), "bee, edited\n");
	unlink(T("s/system/os.txt"));
	put(T("s/notes.txt"), "reviewer\n");
	assert_int_equal(stage_open(&st, T("s"), NULL, STAGE_HASH), 0);
	p = stage_preview(&st, 1795000000);
	assert_true(p->reviewed);
	assert_int_equal(p->sealed, 1795000000);
	assert_int_equal(p->nfiles, 3);
	assert_int_equal(p->files[0].review, MANIFEST_REVIEW_CHANGED);
	assert_int_equal(p->files[0].size, strlen("bee, edited\n"));
	assert_int_equal(p->files[1].review, MANIFEST_REVIEW_NONE);
	assert_int_equal(p->files[2].review, MANIFEST_REVIEW_ADDED);
	assert_string_equal(p->files[2].collector, "review");
	assert_int_equal(p->nremoved, 1);
	assert_string_equal(p->removed[0].path, "system/os.txt");
	assert_memory_equal(p->removed[0].sha256, st.m->files[2].sha256, 32);
	/* the review marks survive serialisation, canonically */
	manifest_serialize(p, &sb, true);
	assert_non_null(strstr(sb.buf, "\"review\": \"changed\""));
	assert_non_null(strstr(sb.buf, "\"review\": {\"sealed\": \"2026-11-18T"));
	assert_int_equal(manifest_parse_canonical(&back, sb.buf, sb.len, "preview"), 0);
	assert_int_equal(back->nremoved, 1);
	assert_int_equal(back->files[2].review, MANIFEST_REVIEW_ADDED);
	manifest_free(back);
	strbuf_release(&sb);
	manifest_free(p);
	stage_release(&st);
}

static void a_changed_manifest_or_another_key_fails_the_mark(void **state)
{
	struct stage st = STAGE_INIT;
	unsigned char other[32] = { 9 };

	make_stage(T("s"));
	capture_start();
	assert_int_equal(stage_open(&st, T("s"), other, 0), DIAG_EXIT_INPUT);
	capture_expect("was changed since diag collect wrote it");
	stage_release(&st);
	assert_int_equal(sh("sed -i 's/\"logs\"/\"LOGS\"/' %s", T("s/manifest.json")), 0);
	capture_start();
	assert_int_equal(stage_open(&st, T("s"), key, 0), DIAG_EXIT_INPUT);
	capture_expect("was changed since diag collect wrote it");
	stage_release(&st);
	/* without a key (diag list), the manifest is still read strictly */
	assert_int_equal(stage_open(&st, T("s"), NULL, 0), 0);
	stage_release(&st);
	unlink(T("s/.diag-stage"));
	assert_false(stage_is(T("s")));
	capture_start();
	assert_int_equal(stage_open(&st, T("s"), NULL, 0), DIAG_EXIT_INPUT);
	capture_expect("is not a review stage");
	stage_release(&st);
}

static void links_and_special_files_in_a_stage_are_refused(void **state)
{
	struct stage st = STAGE_INIT;

	make_stage(T("s"));
	assert_int_equal(symlink("/etc/passwd", T("s/files/a/pw")), 0);
	capture_start();
	assert_int_equal(stage_open(&st, T("s"), key, 0), DIAG_EXIT_INPUT);
	capture_expect("'files/a/pw' is not a regular file");
	stage_release(&st);
	unlink(T("s/files/a/pw"));
	/* a link to a directory is not followed either */
	assert_int_equal(symlink("/etc", T("s/etc")), 0);
	capture_start();
	assert_int_equal(stage_open(&st, T("s"), key, 0), DIAG_EXIT_INPUT);
	capture_expect("'etc' is not a regular file");
	stage_release(&st);
	unlink(T("s/etc"));
	/* a manifest.json below the top is a file like any other */
	put(T("s/files/manifest.json"), "{}");
	assert_int_equal(stage_open(&st, T("s"), key, 0), 0);
	assert_int_equal(st.nadded, 1);
	stage_release(&st);
	/* empty directories left by the reviewer are nothing */
	assert_int_equal(mkdir(T("s/empty"), 0700), 0);
	assert_int_equal(stage_open(&st, T("s"), key, 0), 0);
	assert_int_equal(st.nfiles, 4);
	stage_release(&st);
}

static void a_manifest_that_is_a_sealed_bundles_is_not_a_stage(void **state)
{
	struct manifest *m = manifest_new();
	struct strbuf text = STRBUF_INIT, mark = STRBUF_INIT;
	struct stage st = STAGE_INIT;

	fs_remove_tree(T("b"));
	m->has_payload = true;
	m->payload_size = 100;
	m->payload_compressed_size = 10;
	manifest_serialize(m, &text, true);
	stage_mark(key, text.buf, text.len, &mark);
	put(T("b/manifest.json"), text.buf);
	put(T("b/.diag-stage"), mark.buf);
	capture_start();
	assert_int_equal(stage_open(&st, T("b"), key, 0), DIAG_EXIT_INPUT);
	capture_expect("is a sealed bundle's, not a stage's");
	stage_release(&st);
	strbuf_release(&text);
	strbuf_release(&mark);
	manifest_free(m);
}

static void review_marks_without_a_review_are_refused(void **state)
{
	struct manifest *m = manifest_new(), *back = NULL;
	struct strbuf sb = STRBUF_INIT;

	add_file(m, "files/x", "x");
	m->files[0].review = MANIFEST_REVIEW_ADDED;
	manifest_serialize(m, &sb, true);
	capture_start();
	assert_int_equal(manifest_parse(&back, sb.buf, sb.len, "m"), -1);
	capture_expect("has a review mark, but there is no review");
	strbuf_reset(&sb);
	m->reviewed = true;
	m->sealed = 1795000000;
	manifest_add_removed(m, "files/x", 1, m->files[0].sha256);
	manifest_serialize(m, &sb, true);
	capture_start();
	assert_int_equal(manifest_parse(&back, sb.buf, sb.len, "m"), -1);
	capture_expect("review.removed[0].path: 'files/x': it is also a file of the bundle");
	strbuf_release(&sb);
	manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_stage_in_manifest_order_then_added_files_by_path),
		cmocka_unit_test(previews_changed_added_and_removed_files),
		cmocka_unit_test(a_changed_manifest_or_another_key_fails_the_mark),
		cmocka_unit_test(links_and_special_files_in_a_stage_are_refused),
		cmocka_unit_test(a_manifest_that_is_a_sealed_bundles_is_not_a_stage),
		cmocka_unit_test(review_marks_without_a_review_are_refused),
	};

	return cmocka_run_group_tests_name("stage", tests, setup, teardown);
}
