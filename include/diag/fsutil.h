/* SPDX-License-Identifier: MIT */
/*
 * fsutil.h - safe file I/O: exclusive creation, atomic replacement, cleanup
 *
 * Outputs are created O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 unless told
 * otherwise. A file that appears under its final name is complete: writers go
 * to a temporary file in the same directory, which is fsync()ed and renamed
 * into place only at commit time. Temporary paths are registered so that a
 * SIGINT/SIGTERM/SIGHUP removes them (see fs_cleanup_install()).
 */
#ifndef DIAG_FSUTIL_H
#define DIAG_FSUTIL_H

#include <sys/types.h>
#include "diag/common.h"
#include "diag/strbuf.h"

/*
 * An output file written atomically. After a successful atomic_file_open()
 * write to af->fd, then call exactly one of atomic_file_commit() or
 * atomic_file_abort(). The path "-" means stdout, and an existing device or
 * FIFO (/dev/null, /dev/stdout) is written in place: no temporary file, and
 * commit only flushes (such outputs cannot be made atomic).
 */
struct atomic_file {
	char *path; /* final name */
	char *tmp;  /* temporary name, NULL for stdout */
	int fd;
	unsigned flags;
};

enum atomic_flags {
	AF_NO_CLOBBER = 1 << 0, /* fail at open (EEXIST) and at commit if path exists */
	AF_DIRECT = 1 << 1,     /* set by open: path is a device or FIFO, written in place */
};

/* Returns 0, or -1 after printing an error naming path. */
int atomic_file_open(struct atomic_file *af, const char *path, mode_t mode, unsigned flags) WARN_UNUSED;
/* fsync, rename into place (link+unlink with AF_NO_CLOBBER), fsync the directory. */
int atomic_file_commit(struct atomic_file *af) WARN_UNUSED;
/* Remove the temporary file. Safe to call after a failed commit, or twice. */
void atomic_file_abort(struct atomic_file *af);

/* Create path exclusively (never following a symlink), for writing. Returns fd or -1 (error printed). */
int fs_create_excl(const char *path, mode_t mode);
/* Write all of buf, retrying on EINTR and short writes. -1 with errno set on failure (not printed). */
int fs_write_all(int fd, const void *buf, size_t len) WARN_UNUSED;
/* Read up to len bytes, retrying on EINTR and short reads; returns bytes read (< len only at EOF) or -1. */
ssize_t fs_read_full(int fd, void *buf, size_t len);
/*
 * Append what is left to read from fd (to EOF) to sb, refusing more than max
 * bytes. 0, or -1 with errno set (EFBIG when there is more than max; sb is
 * then as it was). Nothing is printed.
 */
int fs_read_fd(int fd, struct strbuf *sb, size_t max) WARN_UNUSED;
/*
 * Read a whole file into sb (appending), refusing files larger than max bytes.
 * Returns 0, or -1 after printing an error naming path. "-" reads stdin.
 */
int fs_read_file(const char *path, struct strbuf *sb, size_t max) WARN_UNUSED;
/*
 * flock(fd, op) with op LOCK_SH or LOCK_EX, waiting at most timeout_ms for
 * another process to let go, so that a stuck or stopped diag never hangs the
 * next one for ever. 0, or -1 after printing an error naming path.
 */
#define FS_LOCK_WAIT_MS 30000
int fs_lock(int fd, int op, const char *path, int timeout_ms) WARN_UNUSED;
/* mkdir -p with the given mode for the directories it creates. -1 after printing an error. */
int fs_mkdir_p(const char *path, mode_t mode) WARN_UNUSED;
/*
 * A directory that appears whole: dest must not exist, or be an empty
 * directory (what names it in the refusal: "open the bundle into"). A new
 * directory beside it, ".BASE.TAG.XXXXXX" (mode 0700, registered for
 * cleanup), is made and opened; fill it through *dirfd, then call
 * fs_newdir_commit() (syncfs, rename onto dest) or fs_newdir_abort()
 * (remove it). 0, or -1 after printing an error, with nothing left behind.
 */
struct fs_newdir {
	char *dest, *tmp;
	int dirfd;
};
int fs_newdir_begin(struct fs_newdir *d, const char *dest, const char *tag, const char *what) WARN_UNUSED;
int fs_newdir_commit(struct fs_newdir *d) WARN_UNUSED;
/* Safe after a commit, a failed begin, or twice. */
void fs_newdir_abort(struct fs_newdir *d);
/*
 * Create path's file under dirfd (parent directories 0700 as needed; the
 * file O_EXCL|O_NOFOLLOW, mode 0600). shown names the directory in
 * messages. The descriptor, or -1 after printing an error.
 */
int fs_create_under(int dirfd, const char *path, const char *shown);

/*
 * Open the regular file at the relative path under dirfd for reading,
 * following no symbolic link at any component. The descriptor, or -1 with
 * errno set (ELOOP for a link, EINVAL for something not a regular file);
 * nothing is printed.
 */
int fs_open_beneath(int dirfd, const char *path);

/* rm -rf path, never following symlinks. Returns 0 or -1 (errors printed). */
int fs_remove_tree(const char *path);

/*
 * Cleanup on signals: register paths (files or directory trees) that must
 * vanish if the process is killed by SIGINT, SIGTERM or SIGHUP (main()
 * ignores SIGPIPE: a closed pipe is a write error, handled as such).
 * fs_cleanup_install() sets the handlers (main() calls it). The handler
 * removes the registered paths with async-signal-safe calls only, then
 * re-raises the signal. Unregister a path once it is committed or removed.
 */
void fs_cleanup_install(void);
void fs_cleanup_register(const char *path);
void fs_cleanup_unregister(const char *path);
/* Remove everything registered now (used by die()). */
void fs_cleanup_run(void);

#endif
