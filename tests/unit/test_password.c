// SPDX-License-Identifier: MIT
/*
 * test_password.c - passwords from files, and from a terminal with echo off
 *
 * The terminal is a pseudo-terminal pair: the test types on the master side
 * and checks what the other side of the terminal shows.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../diag/password.c" /* sic: to reach read_from_tty() */

static char dir[] = "/tmp/diag-test-password.XXXXXX";

static const char *file_with(const char *name, const char *content, size_t len)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, content, len), 0);
	close(fd);
	return path;
}

static int setup(void **state)
{
	return sodium_init() >= 0 && mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return fs_remove_tree(dir);
}

static void reads_the_first_line_of_a_password_file(void **state)
{
	char *pw;
	size_t len;

	assert_int_equal(password_read(&pw, &len, file_with("a", "s3cret pass\n", 12), NULL, false), 0);
	assert_string_equal(pw, "s3cret pass");
	assert_int_equal(len, 11);
	password_free(pw);
	assert_int_equal(password_read(&pw, &len, file_with("b", "crlf\r\n", 6), NULL, false), 0);
	assert_string_equal(pw, "crlf");
	password_free(pw);
	assert_int_equal(password_read(&pw, &len, file_with("c", "no newline", 10), NULL, false), 0);
	assert_string_equal(pw, "no newline");
	password_free(pw);
	assert_int_equal(password_read(&pw, &len, file_with("d", "", 0), NULL, false), 0);
	assert_int_equal(len, 0);
	password_free(pw);
}

static void refuses_password_files_that_are_not_one_line(void **state)
{
	char *pw = NULL, big[PASSWORD_MAX + 2];

	assert_int_equal(password_read(&pw, NULL, file_with("e", "one\ntwo\n", 8), NULL, false), -1);
	assert_int_equal(password_read(&pw, NULL, file_with("f", "nul\0byte\n", 9), NULL, false), -1);
	memset(big, 'x', sizeof(big));
	assert_int_equal(password_read(&pw, NULL, file_with("g", big, PASSWORD_MAX + 1), NULL, false), -1);
	assert_int_equal(password_read(&pw, NULL, file_with("h", big, PASSWORD_MAX), NULL, false), 0);
	assert_int_equal(strlen(pw), PASSWORD_MAX);
	password_free(pw);
	pw = NULL;
	assert_int_equal(password_read(&pw, NULL, "/nonexistent/pw", NULL, false), -1);
	assert_null(pw);
}

/* Open a pseudo-terminal pair: *master to type on, returns the terminal side. */
static int open_pty(int *master)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;

	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(s >= 0);
	*master = m;
	return s;
}

static void reads_from_a_terminal_without_echo_and_restores_it(void **state)
{
	struct termios before, after;
	char *buf = pw_alloc(), shown[256];
	size_t len;
	ssize_t n;
	int master, tty = open_pty(&master);

	assert_int_equal(tcgetattr(tty, &before), 0);
	assert_true(before.c_lflag & ECHO);
	/* Typed once echo is off (after a pause): typed earlier, the terminal would echo it. */
	pid_t child = fork();
	int status;

	if (child == 0) {
		usleep(200 * 1000);
		_exit(write(master, "hunter2\n", 8) != 8);
	}
	assert_int_equal(read_from_tty(tty, buf, &len, "Password: "), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	assert_string_equal(buf, "hunter2");
	assert_int_equal(len, 7);
	assert_int_equal(tcgetattr(tty, &after), 0);
	assert_true(after.c_lflag & ECHO);
	assert_memory_equal(&before.c_lflag, &after.c_lflag, sizeof(before.c_lflag));
	/* The terminal showed the prompt and a newline, never the password. */
	usleep(100 * 1000);
	n = read(master, shown, sizeof(shown) - 1);
	assert_true(n > 0);
	shown[n] = '\0';
	assert_non_null(strstr(shown, "Password: "));
	assert_null(strstr(shown, "hunter2"));
	password_free(buf);
	close(tty);
	close(master);
}

static void a_terminal_line_longer_than_the_buffer_is_refused_and_wiped(void **state)
{
	char buf[9];
	size_t len = 99;
	int master, tty = open_pty(&master);

	assert_int_equal(write(master, "123456789\nshort\n", 16), 16);
	assert_int_equal(password_tty_line(tty, NULL, buf, 8, &len), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(len, 99);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	/* The next line, typed before the first was read, is still there (no TCSAFLUSH). */
	assert_int_equal(password_tty_line(tty, NULL, buf, 8, &len), 0);
	assert_string_equal(buf, "short");
	assert_int_equal(len, 5);
	close(tty);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_the_first_line_of_a_password_file),
		cmocka_unit_test(refuses_password_files_that_are_not_one_line),
		cmocka_unit_test(reads_from_a_terminal_without_echo_and_restores_it),
		cmocka_unit_test(a_terminal_line_longer_than_the_buffer_is_refused_and_wiped),
	};

	return cmocka_run_group_tests_name("password", tests, setup, teardown);
}
