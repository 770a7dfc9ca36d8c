// SPDX-License-Identifier: MIT
/*
 * inject_io.c - an LD_PRELOAD library that makes file I/O fail on demand
 *
 * Build: cc -shared -fPIC -o inject.so tests/inject/inject_io.c -ldl
 * Only writes to regular files count (never the terminal or a pipe), and
 * only files whose path (readlink /proc/self/fd/N) contains INJECT_PATH
 * when that is set. Environment:
 *   INJECT_ENOSPC_AFTER=N  let N bytes be written, then fail with ENOSPC
 *   INJECT_SIGNAL_AFTER=N  after N bytes, raise SIGINT (as an operator's ^C)
 *   INJECT_FAIL=fsync      fsync/fdatasync fail with EIO
 *   INJECT_FAIL=rename     rename/renameat/link/linkat fail with ENOSPC
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static atomic_llong written;

static long long env_ll(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? atoll(v) : -1;
}

static int counted(int fd)
{
	const char *want = getenv("INJECT_PATH");
	struct stat st;
	char link[64], path[4096];
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (!want || !*want)
		return 1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return strstr(path, want) != NULL;
}

/* May len more bytes go to fd? Sets errno and returns 0 when not. */
static int allowed(int fd, size_t len)
{
	long long limit = env_ll("INJECT_ENOSPC_AFTER"), sig = env_ll("INJECT_SIGNAL_AFTER");
	long long before;

	if ((limit < 0 && sig < 0) || !counted(fd))
		return 1;
	before = atomic_fetch_add(&written, (long long)len);
	if (sig >= 0 && before + (long long)len > sig && before <= sig)
		raise(SIGINT);
	if (limit >= 0 && before + (long long)len > limit) {
		errno = ENOSPC;
		return 0;
	}
	return 1;
}

static int fail(const char *what)
{
	const char *v = getenv("INJECT_FAIL");

	return v && !strcmp(v, what);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t len)
{
	if (!allowed(fd, len))
		return -1;
	return REAL(write)(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (!allowed(fd, len))
		return -1;
	return REAL(pwrite)(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	if (!allowed(fd, len))
		return -1;
	return REAL(pwrite64)(fd, buf, len, off);
}

int fsync(int fd)
{
	if (fail("fsync")) {
		errno = EIO;
		return -1;
	}
	return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	if (fail("fsync")) {
		errno = EIO;
		return -1;
	}
	return REAL(fdatasync)(fd);
}

int rename(const char *a, const char *b)
{
	if (fail("rename")) {
		errno = ENOSPC;
		return -1;
	}
	return REAL(rename)(a, b);
}

int link(const char *a, const char *b)
{
	if (fail("rename")) {
		errno = ENOSPC;
		return -1;
	}
	return REAL(link)(a, b);
}
