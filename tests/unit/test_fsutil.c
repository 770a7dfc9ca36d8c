// SPDX-License-Identifier: MIT
/* test_fsutil.c - atomic output files, exclusive creation, tree removal */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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

static void files_under_dev_shm_are_ordinary_outputs(void **state)
{
	char path[64];
	struct atomic_file af;
	struct stat st;

	if (access("/dev/shm", W_OK))
		skip();
	snprintf(path, sizeof(path), "/dev/shm/diag-test-out.%d", (int)getpid());
	assert_int_equal(atomic_file_open(&af, path, 0600, AF_NO_CLOBBER), 0);
	assert_non_null(af.tmp); /* atomic: a temporary beside it, renamed at commit */
	assert_int_equal(fs_write_all(af.fd, "x", 1), 0);
	assert_int_equal(atomic_file_commit(&af), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
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

static void mkdir_p_makes_parents_and_refuses_an_empty_path(void **state)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/m/n/o", dir);
	assert_int_equal(fs_mkdir_p(path, 0700), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(fs_mkdir_p(path, 0700), 0); /* already there */
	assert_int_equal(fs_mkdir_p("", 0700), -1);
	snprintf(path, sizeof(path), "%s/m", dir);
	assert_int_equal(fs_remove_tree(path), 0);
}

static void read_fd_appends_to_eof_and_refuses_too_much(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/in", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, "0123456789", 10), 0);
	strbuf_addstr(&sb, "kept:");
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fs_read_fd(fd, &sb, 10), 0);
	assert_string_equal(sb.buf, "kept:0123456789");
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fs_read_fd(fd, &sb, 9), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(sb.buf, "kept:0123456789"); /* as it was */
	assert_int_equal(fs_read_file(path, &sb, 9), -1);
	assert_int_equal(fs_read_file(path, &sb, 10), 0);
	assert_int_equal(sb.len, 25);
	close(fd);
	unlink(path);
	strbuf_release(&sb);
}

static void lock_waits_a_bounded_time_for_another_holder(void **state)
{
	char path[256];
	int a, b;

	snprintf(path, sizeof(path), "%s/lock", dir);
	a = open(path, O_RDWR | O_CREAT, 0600);
	b = open(path, O_RDWR);
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(fs_lock(a, LOCK_SH, path, 0), 0);
	assert_int_equal(fs_lock(b, LOCK_SH, path, 0), 0); /* readers share */
	assert_int_equal(flock(b, LOCK_UN), 0);
	/* a holder that never lets go: the waiter gives up instead of hanging */
	assert_int_equal(fs_lock(b, LOCK_EX, path, 200), -1);
	assert_int_equal(flock(a, LOCK_UN), 0);
	assert_int_equal(fs_lock(b, LOCK_EX, path, 200), 0);
	close(a);
	close(b);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_makes_the_file_appear_whole_with_its_mode),
		cmocka_unit_test(abort_leaves_nothing_behind),
		cmocka_unit_test(no_clobber_refuses_an_existing_file_and_keeps_it),
		cmocka_unit_test(devices_are_written_in_place_not_replaced),
		cmocka_unit_test(files_under_dev_shm_are_ordinary_outputs),
		cmocka_unit_test(remove_tree_removes_nested_dirs_without_following_links),
		cmocka_unit_test(mkdir_p_makes_parents_and_refuses_an_empty_path),
		cmocka_unit_test(read_fd_appends_to_eof_and_refuses_too_much),
		cmocka_unit_test(lock_waits_a_bounded_time_for_another_holder),
	};
	return cmocka_run_group_tests_name("fsutil", tests, setup, teardown);
}
