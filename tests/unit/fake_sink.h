/* SPDX-License-Identifier: MIT */
/*
 * fake_sink.h - a collect_sink that remembers everything, for unit tests
 *
 * Items are kept in order with their bytes and end information; failures,
 * skips and collector failures are kept as records too. fail_writes_after
 * makes write() return -1 (fatal) after that many calls; decline makes
 * begin() return 1 for paths containing that string.
 */
#ifndef FAKE_SINK_H
#define FAKE_SINK_H

#include <stdlib.h>
#include <string.h>

#include "diag/collector.h"
#include "diag/strbuf.h"

enum fake_kind { FAKE_ITEM, FAKE_FAILED, FAKE_SKIPPED, FAKE_DECLINED };

struct fake_rec {
	enum fake_kind kind;
	char *path, *collector, *entry, *source, *description, *reason;
	struct strbuf data;
	bool ended, truncated, timed_out, time_filtered;
	int exit_status;
	uint64_t source_bytes;
	char *error, *note, *stderr_text;
	uint32_t mode;
};

struct fake_sink {
	struct collect_sink sink;
	struct fake_rec *recs;
	size_t n, alloc;
	char *failed_names[64];
	char *failed_reasons[64];
	size_t nfailed;
	int writes, fail_writes_after; /* 0: never fail */
	const char *decline;
	uint64_t budget;               /* 0: unlimited */
	uint64_t written;
	bool in_item;
};

static char *fs_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct fake_rec *fake_add(struct fake_sink *fs, enum fake_kind kind,
				 const struct collect_item *item, const char *reason)
{
	struct fake_rec *r;

	ALLOC_GROW(fs->recs, fs->n + 1, fs->alloc);
	r = &fs->recs[fs->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->path = fs_dup(item->path);
	r->collector = fs_dup(item->collector);
	r->entry = fs_dup(item->entry);
	r->source = fs_dup(item->source);
	r->description = fs_dup(item->description);
	r->reason = fs_dup(reason);
	r->mode = item->mode;
	strbuf_init(&r->data, 0);
	return r;
}

static int fake_begin(struct collect_sink *s, const struct collect_item *item)
{
	struct fake_sink *fs = s->ctx;

	assert_false(fs->in_item);
	assert_non_null(item->path);
	assert_non_null(item->description);
	assert_non_null(item->entry);
	if (fs->decline && strstr(item->path, fs->decline)) {
		fake_add(fs, FAKE_DECLINED, item, "declined");
		return 1;
	}
	fake_add(fs, FAKE_ITEM, item, NULL);
	fs->in_item = true;
	return 0;
}

static int fake_write(struct collect_sink *s, const void *buf, size_t len)
{
	struct fake_sink *fs = s->ctx;

	assert_true(fs->in_item);
	if (fs->fail_writes_after && ++fs->writes > fs->fail_writes_after)
		return -1;
	strbuf_add(&fs->recs[fs->n - 1].data, buf, len);
	fs->written += len;
	return 0;
}

static int fake_end(struct collect_sink *s, const struct collect_item_end *end)
{
	struct fake_sink *fs = s->ctx;
	struct fake_rec *r = &fs->recs[fs->n - 1];

	assert_true(fs->in_item);
	fs->in_item = false;
	r->ended = true;
	r->truncated = end->truncated;
	r->timed_out = end->timed_out;
	r->time_filtered = end->time_filtered;
	r->exit_status = end->exit_status;
	r->source_bytes = end->source_bytes;
	r->error = fs_dup(end->error);
	r->note = fs_dup(end->note);
	r->stderr_text = fs_dup(end->stderr_text);
	return 0;
}

static void fake_item_failed(struct collect_sink *s, const struct collect_item *item, const char *reason)
{
	struct fake_sink *fs = s->ctx;

	assert_false(fs->in_item);
	fake_add(fs, FAKE_FAILED, item, reason);
}

static void fake_item_skipped(struct collect_sink *s, const struct collect_item *item, const char *reason)
{
	struct fake_sink *fs = s->ctx;

	assert_false(fs->in_item);
	fake_add(fs, FAKE_SKIPPED, item, reason);
}

static void fake_collector_failed(struct collect_sink *s, const char *name, const char *reason,
				  double seconds)
{
	struct fake_sink *fs = s->ctx;

	assert_true(fs->nfailed < 64);
	fs->failed_names[fs->nfailed] = xstrdup(name);
	fs->failed_reasons[fs->nfailed++] = xstrdup(reason);
}

static uint64_t fake_budget_left(struct collect_sink *s)
{
	struct fake_sink *fs = s->ctx;

	if (!fs->budget)
		return UINT64_MAX;
	return fs->written >= fs->budget ? 0 : fs->budget - fs->written;
}

static void fake_sink_init(struct fake_sink *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->sink.begin = fake_begin;
	fs->sink.write = fake_write;
	fs->sink.end = fake_end;
	fs->sink.item_failed = fake_item_failed;
	fs->sink.item_skipped = fake_item_skipped;
	fs->sink.collector_failed = fake_collector_failed;
	fs->sink.budget_left = fake_budget_left;
	fs->sink.ctx = fs;
}

static void fake_sink_release(struct fake_sink *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct fake_rec *r = &fs->recs[i];

		free(r->path);
		free(r->collector);
		free(r->entry);
		free(r->source);
		free(r->description);
		free(r->reason);
		free(r->error);
		free(r->note);
		free(r->stderr_text);
		strbuf_release(&r->data);
	}
	free(fs->recs);
	for (size_t i = 0; i < fs->nfailed; i++) {
		free(fs->failed_names[i]);
		free(fs->failed_reasons[i]);
	}
	memset(fs, 0, sizeof(*fs));
}

/* The record for a bundle path (or a source, for items without one), or NULL. */
static struct fake_rec *fake_find(struct fake_sink *fs, const char *path)
{
	for (size_t i = 0; i < fs->n; i++)
		if ((fs->recs[i].path && !strcmp(fs->recs[i].path, path)) ||
		    (!fs->recs[i].path && fs->recs[i].source && !strcmp(fs->recs[i].source, path)))
			return &fs->recs[i];
	return NULL;
}

#endif
