// SPDX-License-Identifier: MIT
/*
 * bundle_stage.c - the stage back end: redacted files into a directory for
 * review (diag collect --stage), see stage.h for the layout
 *
 * PROMISE: a stage never holds anything unredacted: only what the front
 * end has redacted reaches this back end. The directory appears under its
 * name only when complete; an interrupted run leaves nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/stage.h"

struct stage_be {
	struct bundle_backend be;
	struct fs_newdir dir;
	unsigned char *key;  /* the mark's key, sodium_malloc()ed */
	int fd;              /* the current file, or -1 */
	char *path;          /* its path */
	bool done;
};

static int stage_file_begin(struct bundle_backend *be, const struct manifest_file *f)
{
	struct stage_be *s = (struct stage_be *)be;

	s->fd = fs_create_under(s->dir.dirfd, f->path, s->dir.dest);
	if (s->fd < 0)
		return -1;
	free(s->path);
	s->path = xstrdup(f->path);
	return 0;
}

static int stage_file_write(struct bundle_backend *be, const void *buf, size_t len)
{
	struct stage_be *s = (struct stage_be *)be;

	if (fs_write_all(s->fd, buf, len) < 0)
		return error_errno("cannot write '%s/%s'", s->dir.dest, s->path);
	return 0;
}

static int stage_file_end(struct bundle_backend *be, const struct manifest_file *f)
{
	struct stage_be *s = (struct stage_be *)be;
	int r = close(s->fd);

	s->fd = -1;
	if (r < 0)
		return error_errno("cannot write '%s/%s'", s->dir.dest, s->path);
	return 0;
}

static int stage_file_drop(struct bundle_backend *be)
{
	struct stage_be *s = (struct stage_be *)be;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	/* fail closed: nothing of a file that could not be redacted stays */
	if (unlinkat(s->dir.dirfd, s->path, 0) < 0 && errno != ENOENT)
		return error_errno("cannot remove '%s/%s'", s->dir.dest, s->path);
	return 0;
}

static int write_at(struct stage_be *s, const char *name, const struct strbuf *sb)
{
	int fd = fs_create_under(s->dir.dirfd, name, s->dir.dest);

	if (fd < 0)
		return -1;
	if (fs_write_all(fd, sb->buf, sb->len) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return error_errno("cannot write '%s/%s'", s->dir.dest, name);
	}
	if (close(fd) < 0)
		return error_errno("cannot write '%s/%s'", s->dir.dest, name);
	return 0;
}

static int stage_finish(struct bundle_backend *be, struct manifest *m)
{
	struct stage_be *s = (struct stage_be *)be;
	struct strbuf text = STRBUF_INIT, mark = STRBUF_INIT;
	int ret = -1;

	manifest_serialize(m, &text, true);
	stage_mark(s->key, text.buf, text.len, &mark);
	if (write_at(s, MANIFEST_NAME, &text) == 0 && write_at(s, STAGE_MARK, &mark) == 0 &&
	    fs_newdir_commit(&s->dir) == 0) {
		s->done = true;
		ret = 0;
	}
	strbuf_release(&text);
	strbuf_release(&mark);
	return ret;
}

static void stage_abort(struct bundle_backend *be)
{
	struct stage_be *s = (struct stage_be *)be;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	fs_newdir_abort(&s->dir);
}

static void stage_free(struct bundle_backend *be)
{
	struct stage_be *s = (struct stage_be *)be;

	stage_abort(be);
	sodium_free(s->key);
	free(s->path);
	free(s);
}

struct bundle_backend *bundle_stage_new(const char *dir, const unsigned char key[32],
					const char **tmpdir)
{
	struct stage_be *s = xcalloc(1, sizeof(*s));

	s->be.file_begin = stage_file_begin;
	s->be.file_write = stage_file_write;
	s->be.file_end = stage_file_end;
	s->be.file_drop = stage_file_drop;
	s->be.finish = stage_finish;
	s->be.abort = stage_abort;
	s->be.free = stage_free;
	s->fd = -1;
	s->key = sodium_malloc(32);
	if (!s->key) {
		free(s);
		error("cannot allocate secure memory");
		return NULL;
	}
	memcpy(s->key, key, 32);
	if (fs_newdir_begin(&s->dir, dir, "stage", "stage the files in") < 0) {
		stage_free(&s->be);
		return NULL;
	}
	*tmpdir = s->dir.tmp;
	return &s->be;
}
