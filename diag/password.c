// SPDX-License-Identifier: MIT
/* password.c - read a password from the terminal (no echo) or from a file */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/password.h"

/* Room for PASSWORD_MAX bytes, CR, LF, NUL, and one byte to notice "too long". */
#define PW_BUF (PASSWORD_MAX + 4)

static char *pw_alloc(void)
{
	char *p = sodium_malloc(PW_BUF);

	if (!p)
		die(DIAG_EXIT_IO, "out of memory (allocating a password buffer)");
	memset(p, 0, PW_BUF);
	return p;
}

void password_free(char *pw)
{
	if (pw)
		sodium_free(pw); /* sodium_free() wipes before freeing */
}

/* The first line of buf[0..n), in place. 0, or -1 if malformed (reason in *why). */
static int take_first_line(char *buf, size_t n, size_t *len, const char **why)
{
	char *nl = memchr(buf, '\n', n);
	size_t l = nl ? (size_t)(nl - buf) : n;

	if (nl && (size_t)(nl - buf) + 1 != n) {
		*why = "it has more than one line";
		return -1;
	}
	if (l && buf[l - 1] == '\r')
		l--;
	if (memchr(buf, '\0', l) || memchr(buf, '\r', l)) {
		*why = "it contains a NUL or CR byte";
		return -1;
	}
	if (l > PASSWORD_MAX) {
		*why = "it is too long";
		return -1;
	}
	buf[l] = '\0';
	*len = l;
	return 0;
}

static int read_from_file(char *buf, size_t *len, const char *file)
{
	int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	const char *why;
	ssize_t n;

	if (fd < 0)
		return error_errno("cannot open password file '%s'", file);
	n = fs_read_full(fd, buf, PW_BUF - 1);
	if (n < 0)
		error_errno("cannot read password file '%s'", file);
	if (fd)
		close(fd);
	if (n < 0)
		return -1;
	if ((size_t)n == PW_BUF - 1)
		return error("cannot use password file '%s': it is too long", file);
	if (take_first_line(buf, (size_t)n, len, &why) < 0)
		return error("cannot use password file '%s': %s", file, why);
	return 0;
}

static volatile sig_atomic_t tty_signal;

static void on_tty_signal(int sig)
{
	tty_signal = sig;
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

int password_tty_line(int fd, const char *prompt, char *buf, size_t max, size_t *len)
{
	struct sigaction sa, old[ARRAY_SIZE(tty_signals)];
	struct termios saved, noecho;
	bool restore = false, too_long = false;
	size_t n = 0;
	int ret = 0, saved_errno = 0;

	if (prompt && fs_write_all(fd, prompt, strlen(prompt)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tty_signal; /* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	tty_signal = 0;
	for (size_t i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	if (tcgetattr(fd, &saved) == 0) {
		noecho = saved;
		noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		noecho.c_lflag |= ECHONL | ICANON;
		/* TCSANOW, not TCSAFLUSH: keep what was typed ahead. */
		restore = tcsetattr(fd, TCSANOW, &noecho) == 0;
	}
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR && !tty_signal)
			continue;
		if (r < 0) {
			saved_errno = tty_signal ? EINTR : errno;
			ret = -1;
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (n < max)
			buf[n++] = c;
		else
			too_long = true;
	}
	if (restore)
		tcsetattr(fd, TCSANOW, &saved);
	for (size_t i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaction(tty_signals[i], &old[i], NULL);
	if (tty_signal) {
		sodium_memzero(buf, max + 1);
		raise(tty_signal);
		errno = EINTR;
		return -1;
	}
	if (!ret && too_long) {
		saved_errno = EMSGSIZE;
		ret = -1;
	}
	if (ret < 0) {
		sodium_memzero(buf, max + 1);
		errno = saved_errno;
		return -1;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* password_tty_line() for password_read(): prints what went wrong, checks the line. */
static int read_from_tty(int fd, char *buf, size_t *len, const char *prompt)
{
	const char *why;
	size_t n;

	if (password_tty_line(fd, prompt, buf, PW_BUF - 2, &n) < 0) {
		if (errno == EINTR)
			return error("interrupted while reading a password");
		if (errno == EMSGSIZE)
			return error("the password is too long (more than %d bytes)", PASSWORD_MAX);
		return error_errno("cannot read a password from the terminal");
	}
	if (take_first_line(buf, n, len, &why) < 0)
		return error("cannot use that password: %s", why);
	return 0;
}

int password_read(char **out, size_t *len, const char *file, const char *prompt, bool confirm)
{
	char *pw = pw_alloc(), *again = NULL;
	size_t n = 0, n2 = 0;
	int fd = -1;

	if (file) {
		if (read_from_file(pw, &n, file) < 0)
			goto fail;
		goto done;
	}
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		error_errno("cannot ask for a password: cannot open the terminal; give a password file instead");
		goto fail;
	}
	if (read_from_tty(fd, pw, &n, prompt ? prompt : "Password: ") < 0)
		goto fail;
	if (confirm) {
		again = pw_alloc();
		if (read_from_tty(fd, again, &n2, "Password (again): ") < 0)
			goto fail;
		if (n != n2 || sodium_memcmp(pw, again, n) != 0) {
			error("the passwords do not match");
			goto fail;
		}
		password_free(again);
	}
	close(fd);
done:
	*out = pw;
	if (len)
		*len = n;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	password_free(again);
	password_free(pw);
	return -1;
}
