// SPDX-License-Identifier: MIT
/* fsutil.c - safe file I/O: exclusive creation, atomic replacement, cleanup on signals */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "diag/error.h"
#include "diag/fsutil.h"

int fs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t fs_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int fs_create_excl(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0) {
		if (errno == EEXIST)
			return error("'%s' already exists; not overwriting it", path);
		return error_errno("cannot create '%s'", path);
	}
	return fd;
}

int fs_read_fd(int fd, struct strbuf *sb, size_t max)
{
	size_t start = sb->len;
	int e;

	for (;;) {
		ssize_t n;

		strbuf_grow(sb, 65536);
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			return 0;
		strbuf_setlen(sb, sb->len + (size_t)n);
		if (sb->len - start > max) {
			errno = EFBIG;
			break;
		}
	}
	e = errno;
	strbuf_setlen(sb, start);
	errno = e;
	return -1;
}

int fs_read_file(const char *path, struct strbuf *sb, size_t max)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	struct stat st;
	int ret = 0;

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		ret = error("cannot read '%s': Is a directory", path);
	else if (fs_read_fd(fd, sb, max) < 0)
		ret = errno == EFBIG ? error("'%s' is too large (more than %zu bytes)", path, max) :
			error_errno("cannot read '%s'", path);
	if (fd)
		close(fd);
	return ret;
}

int fs_lock(int fd, int op, const char *path, int timeout_ms)
{
	const struct timespec step = { 0, 50 * 1000000L };
	int waited = 0;

	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return error_errno("cannot lock '%s'", path);
		if (waited >= timeout_ms)
			return error("'%s' is locked by another process (another diag still running?); "
				     "gave up after %d s", path, timeout_ms / 1000);
		nanosleep(&step, NULL);
		waited += 50;
	}
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	char *p, *s;
	int ret = 0;

	if (!*path)
		return error("cannot create a directory with an empty name");
	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = error_errno("cannot create directory '%s'", p);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!ret) {
		struct stat st;

		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			ret = error("cannot create directory '%s': not a directory", path);
	}
	free(p);
	return ret;
}

/*
 * Remove name (relative to dirfd) recursively, never following symlinks.
 * Only async-signal-safe calls (openat, getdents64, unlinkat, close), so the
 * signal handler can use it; recursion depth is bounded by the tree.
 */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int rmtree_at(int dirfd, const char *name, int depth)
{
	char buf[4096];
	int fd, ret = 0;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (depth > 64)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		long off;
		int removed = 0;

		if (n <= 0) {
			if (n < 0)
				ret = -1;
			break;
		}
		for (off = 0; off < n; ) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (rmtree_at(fd, d->d_name, depth + 1) < 0)
				ret = -1;
			else
				removed = 1;
		}
		/* Entries removed while reading: restart so that none is skipped. */
		if (removed)
			lseek(fd, 0, SEEK_SET);
	}
	close(fd);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		ret = -1;
	return ret;
}

int fs_newdir_begin(struct fs_newdir *d, const char *dest, const char *tag, const char *what)
{
	char *dup = xstrdup(dest), *base = basename(dup), *pdup = xstrdup(dest);
	char *parent = dirname(pdup);
	struct stat st;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	d->dirfd = -1;
	if (lstat(dest, &st) == 0) {
		DIR *dir;
		struct dirent *e;
		bool empty = true;

		if (!S_ISDIR(st.st_mode)) {
			ret = error("'%s' exists and is not a directory", dest);
			goto out;
		}
		dir = opendir(dest);
		if (!dir) {
			ret = error_errno("cannot open '%s'", dest);
			goto out;
		}
		while ((e = readdir(dir)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = false;
		closedir(dir);
		if (!empty) {
			ret = error("'%s' is not empty; give a new directory to %s", dest, what);
			goto out;
		}
	} else if (errno != ENOENT) {
		ret = error_errno("cannot use '%s'", dest);
		goto out;
	} else if (fs_mkdir_p(parent, 0700) < 0) {
		ret = -1;
		goto out;
	}
	d->tmp = xasprintf("%s/.%s.%s.XXXXXX", parent, base, tag);
	if (!mkdtemp(d->tmp)) {
		ret = error_errno("cannot create a directory in '%s'", parent);
		free(d->tmp);
		d->tmp = NULL;
		goto out;
	}
	fs_cleanup_register(d->tmp);
	d->dest = xstrdup(dest);
	d->dirfd = open(d->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0)
		ret = error_errno("cannot open '%s'", d->tmp);
out:
	free(dup);
	free(pdup);
	if (ret < 0)
		fs_newdir_abort(d);
	return ret;
}

int fs_newdir_commit(struct fs_newdir *d)
{
	if (syncfs(d->dirfd) < 0 || rename(d->tmp, d->dest) < 0)
		return error_errno("cannot move the new files to '%s'", d->dest);
	fs_cleanup_unregister(d->tmp);
	free(d->tmp);
	d->tmp = NULL;
	fs_newdir_abort(d);
	return 0;
}

void fs_newdir_abort(struct fs_newdir *d)
{
	if (d->dirfd >= 0)
		close(d->dirfd);
	d->dirfd = -1;
	if (d->tmp) {
		fs_remove_tree(d->tmp);
		fs_cleanup_unregister(d->tmp);
		free(d->tmp);
		d->tmp = NULL;
	}
	free(d->dest);
	d->dest = NULL;
}

int fs_create_under(int dirfd, const char *path, const char *shown)
{
	char *p = xstrdup(path);
	int fd;

	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dirfd, p, 0700) < 0 && errno != EEXIST) {
			error_errno("cannot create '%s/%s'", shown, p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		error_errno("cannot create '%s/%s'", shown, path);
	return fd;
}

int fs_open_beneath(int dirfd, const char *path)
{
	char *p = xstrdup(path), *name = p;
	int fd = dirfd, next;
	struct stat st;

	for (char *s = strchr(name, '/'); s; s = strchr(name, '/')) {
		*s = '\0';
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != dirfd)
			close(fd);
		if (next < 0) {
			free(p);
			return -1;
		}
		fd = next;
		name = s + 1;
	}
	next = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd != dirfd)
		close(fd);
	free(p);
	if (next >= 0 && (fstat(next, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(next);
		errno = EINVAL;
		return -1;
	}
	return next;
}

int fs_remove_tree(const char *path)
{
	if (rmtree_at(AT_FDCWD, path, 0) < 0)
		return error_errno("cannot remove '%s'", path);
	return 0;
}

/* Signal cleanup. Slots are set and cleared with signals blocked in this thread. */
#define CLEANUP_SLOTS 64
static char *volatile cleanup_paths[CLEANUP_SLOTS];

static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void fs_cleanup_register(const char *path)
{
	char *copy = path[0] == '/' ? xstrdup(path) : NULL;
	sigset_t old;

	if (!copy) {
		char cwd[4096];

		if (!getcwd(cwd, sizeof(cwd)))
			BUG("getcwd failed while registering '%s'", path);
		copy = xasprintf("%s/%s", cwd, path);
	}
	block_signals(&old);
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (!cleanup_paths[i]) {
			cleanup_paths[i] = copy;
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return;
		}
	}
	BUG("too many temporary paths registered");
}

static int same_path(const char *registered, const char *path)
{
	size_t n;

	if (path[0] == '/')
		return !strcmp(registered, path);
	n = strlen(registered) - strlen(path);
	return strlen(registered) > strlen(path) && registered[n - 1] == '/' &&
		!strcmp(registered + n, path);
}

void fs_cleanup_unregister(const char *path)
{
	sigset_t old;

	block_signals(&old);
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		char *p = cleanup_paths[i];

		if (p && same_path(p, path)) {
			cleanup_paths[i] = NULL;
			free(p);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void cleanup_now(void)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		char *p = cleanup_paths[i];

		if (p)
			rmtree_at(AT_FDCWD, p, 0);
	}
}

void fs_cleanup_run(void)
{
	sigset_t old;

	block_signals(&old);
	cleanup_now();
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		free(cleanup_paths[i]);
		cleanup_paths[i] = NULL;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void on_signal(int sig)
{
	int e = errno;

	cleanup_now();
	signal(sig, SIG_DFL);
	raise(sig);
	errno = e;
}

void fs_cleanup_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int atomic_file_open(struct atomic_file *af, const char *path, mode_t mode, unsigned flags)
{
	char *dup, *dir, *base;
	struct stat st;
	int fd;

	memset(af, 0, sizeof(*af));
	af->fd = -1;
	af->flags = flags;
	af->path = xstrdup(path);
	if (!strcmp(path, "-")) {
		af->fd = 1;
		return 0;
	}
	if ((stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
	    !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr") ||
	    !strncmp(path, "/dev/fd/", 8) || !strncmp(path, "/proc/self/fd/", 14)) {
		/*
		 * A device or a FIFO (/dev/null, /dev/stdout, a pipe): write to it
		 * directly. Renaming over it would replace the device node. The
		 * names of descriptors count even when one is a regular file (a
		 * shell redirection): no temporary file can be made beside them.
		 * Other paths under /dev (/dev/shm) are ordinary.
		 */
		af->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (af->fd < 0) {
			error_errno("cannot open '%s'", path);
			goto fail;
		}
		af->flags |= AF_DIRECT;
		return 0;
	}
	if ((flags & AF_NO_CLOBBER) && lstat(path, &st) == 0) {
		error("'%s' already exists; not overwriting it", path);
		goto fail;
	}
	dup = xstrdup(path);
	dir = dirname(dup);
	base = basename(af->path);
	af->tmp = xasprintf("%s/.%s.tmp.XXXXXX", dir, base);
	free(dup);
	fd = mkostemp(af->tmp, O_CLOEXEC);
	if (fd < 0) {
		error_errno("cannot create a temporary file for '%s'", path);
		goto fail;
	}
	fs_cleanup_register(af->tmp);
	if (fchmod(fd, mode) < 0) {
		error_errno("cannot set the mode of '%s'", af->tmp);
		close(fd);
		atomic_file_abort(af);
		return -1;
	}
	af->fd = fd;
	return 0;
fail:
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	return -1;
}

static void fsync_parent(const char *path)
{
	char *dup = xstrdup(path);
	int fd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dup);
}

int atomic_file_commit(struct atomic_file *af)
{
	int ret = 0;

	if (!af->path)
		BUG("atomic_file_commit on a closed file");
	if (!af->tmp) {
		/* stdout, a device or a FIFO: nothing to rename */
		if (fsync(af->fd) < 0 && errno != EINVAL && errno != EROFS && errno != ENOTTY)
			ret = error_errno("cannot write to '%s'", af->path);
		if ((af->flags & AF_DIRECT) && close(af->fd) < 0 && !ret)
			ret = error_errno("cannot write to '%s'", af->path);
		free(af->path);
		af->path = NULL;
		af->fd = -1;
		return ret;
	}
	if (fsync(af->fd) < 0) {
		ret = error_errno("cannot write '%s'", af->path);
		goto out;
	}
	if (close(af->fd) < 0) {
		af->fd = -1;
		ret = error_errno("cannot write '%s'", af->path);
		goto out;
	}
	af->fd = -1;
	if (af->flags & AF_NO_CLOBBER) {
		if (link(af->tmp, af->path) < 0) {
			if (errno == EEXIST)
				ret = error("'%s' already exists; not overwriting it", af->path);
			else
				ret = error_errno("cannot create '%s'", af->path);
			goto out;
		}
		unlink(af->tmp);
	} else if (rename(af->tmp, af->path) < 0) {
		ret = error_errno("cannot rename '%s' to '%s'", af->tmp, af->path);
		goto out;
	}
	fsync_parent(af->path);
out:
	atomic_file_abort(af);
	return ret;
}

void atomic_file_abort(struct atomic_file *af)
{
	if ((af->flags & AF_DIRECT) && af->fd >= 0)
		close(af->fd);
	if (af->tmp) {
		if (af->fd >= 0)
			close(af->fd);
		unlink(af->tmp);
		fs_cleanup_unregister(af->tmp);
	}
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	af->fd = -1;
}
