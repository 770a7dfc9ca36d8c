// SPDX-License-Identifier: MIT
/* test_fsutil.c - atomic output files, exclusive creation, tree removal */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/fsutil.h"

static char dir[] = "/tmp/diag-test-fsutil.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return fs_remove_tree(dir);
}

static int count_entries(const char *path)
{
	char cmd[256];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", path);
	f = popen(cmd, "r");
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

static void commit_makes_the_file_appear_whole_with_its_mode(void **state)
{
	char path[256];
	struct atomic_file af;
	struct stat st;

	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(atomic_file_open(&af, path, 0600, 0), 0);
	assert_int_equal(fs_write_all(af.fd, "hello\n", 6), 0);
	assert_int_not_equal(stat(path, &st), 0); /* not there before commit */
	assert_int_equal(atomic_file_commit(&af), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_entries(dir), 1); /* no temporary left */
	unlink(path);
}

static void abort_leaves_nothing_behind(void **state)
{
	char path[256];
	struct atomic_file af;

	snprintf(path, sizeof(path), "%s/aborted", dir);
	assert_int_equal(atomic_file_open(&af, path, 0600, 0), 0);
	assert_int_equal(fs_write_all(af.fd, "partial", 7), 0);
	atomic_file_abort(&af);
	assert_int_equal(count_entries(dir), 0);
}

static void no_clobber_refuses_an_existing_file_and_keeps_it(void **state)
{
	char path[256];
	struct atomic_file af;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/existing", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, "keep", 4), 0);
	close(fd);
	assert_int_equal(atomic_file_open(&af, path, 0600, AF_NO_CLOBBER), -1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(fs_create_excl(path, 0600), -1);
	unlink(path);
}

static void devices_are_written_in_place_not_replaced(void **state)
{
	struct atomic_file af;
	struct stat st;

	assert_int_equal(atomic_file_open(&af, "/dev/null", 0600, 0), 0);
	assert_int_equal(fs_write_all(af.fd, "x", 1), 0);
	assert_int_equal(atomic_file_commit(&af), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

static void remove_tree_removes_nested_dirs_without_following_links(void **state)
{
	char path[256], outside[256], cmd[2048];
	struct stat st;

	snprintf(path, sizeof(path), "%s/tree", dir);
	snprintf(outside, sizeof(outside), "%s/outside", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/a/b/c %s && touch %s/a/b/c/f %s/keep && "
		 "ln -s %s %s/a/link", path, outside, path, outside, outside, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(fs_remove_tree(path), 0);
	assert_int_not_equal(lstat(path, &st), 0);
	snprintf(cmd, sizeof(cmd), "%s/keep", outside);
	assert_int_equal(stat(cmd, &st), 0);
	assert_int_equal(fs_remove_tree(outside), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_makes_the_file_appear_whole_with_its_mode),
		cmocka_unit_test(abort_leaves_nothing_behind),
		cmocka_unit_test(no_clobber_refuses_an_existing_file_and_keeps_it),
		cmocka_unit_test(devices_are_written_in_place_not_replaced),
		cmocka_unit_test(remove_tree_removes_nested_dirs_without_following_links),
	};
	return cmocka_run_group_tests_name("fsutil", tests, setup, teardown);
}
