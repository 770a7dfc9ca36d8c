// SPDX-License-Identifier: MIT
/*
 * bundle_sink.c - where a sealed bundle's bytes go: one file written
 * atomically, or media parts (split.h) that appear all at once
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag/bundle.h"
#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/split.h"

/* ------------------------------------------------------------ file sink */

struct file_sink {
	struct bundle_sink sink;
	struct atomic_file af;
	bool open;
};

static int file_sink_write(struct bundle_sink *sink, const void *buf, size_t len)
{
	struct file_sink *f = (struct file_sink *)sink;

	if (fs_write_all(f->af.fd, buf, len) < 0)
		return error_errno("cannot write '%s'", f->af.path);
	return 0;
}

static int file_sink_commit(struct bundle_sink *sink)
{
	struct file_sink *f = (struct file_sink *)sink;

	f->open = false;
	return atomic_file_commit(&f->af);
}

static void file_sink_abort(struct bundle_sink *sink)
{
	struct file_sink *f = (struct file_sink *)sink;

	if (f->open)
		atomic_file_abort(&f->af);
	f->open = false;
}

static void file_sink_free(struct bundle_sink *sink)
{
	file_sink_abort(sink);
	free(sink);
}

struct bundle_sink *bundle_sink_file(const char *path)
{
	struct file_sink *f = xcalloc(1, sizeof(*f));

	f->sink.write = file_sink_write;
	f->sink.commit = file_sink_commit;
	f->sink.abort = file_sink_abort;
	f->sink.free = file_sink_free;
	if (atomic_file_open(&f->af, path, 0600, AF_NO_CLOBBER) < 0) {
		free(f);
		return NULL;
	}
	f->open = true;
	return &f->sink;
}

/* ----------------------------------------------------------- split sink */

struct split_sink {
	struct bundle_sink sink;
	struct split_writer *w; /* NULL once committed or aborted */
};

static int split_sink_write(struct bundle_sink *sink, const void *buf, size_t len)
{
	struct split_sink *s = (struct split_sink *)sink;

	return split_writer_write(s->w, buf, len);
}

static int split_sink_commit(struct bundle_sink *sink)
{
	struct split_sink *s = (struct split_sink *)sink;
	struct split_info info;
	int ret = split_writer_commit(s->w, &info);

	s->w = NULL;
	if (!ret)
		sink->parts = info.parts;
	return ret;
}

static void split_sink_abort(struct bundle_sink *sink)
{
	struct split_sink *s = (struct split_sink *)sink;

	split_writer_abort(s->w);
	s->w = NULL;
}

static void split_sink_free(struct bundle_sink *sink)
{
	split_sink_abort(sink);
	free(sink);
}

struct bundle_sink *bundle_sink_split(const char *path, uint64_t part_size)
{
	struct split_sink *s;
	struct stat st;

	/* A plain file of the same name would be read instead of the parts. */
	if (lstat(path, &st) == 0) {
		error("'%s' already exists; not writing parts beside it", path);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->sink.write = split_sink_write;
	s->sink.commit = split_sink_commit;
	s->sink.abort = split_sink_abort;
	s->sink.free = split_sink_free;
	if (split_writer_open(&s->w, path, part_size, 0600) < 0) {
		free(s);
		return NULL;
	}
	return &s->sink;
}
