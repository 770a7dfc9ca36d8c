/* SPDX-License-Identifier: MIT */
/*
 * stage.h - review stages: the redacted files before they are sealed
 *
 * `diag collect --stage DIR` writes what a bundle would hold into DIR, in
 * the layout `diag open -o DIR` makes, plus a mark:
 *
 *   DIR/manifest.json   the manifest as collected (no payload, no offsets)
 *   DIR/.diag-stage     "diag-stage 1 <64 hex>\n": HMAC-SHA-256, under the
 *                       site key, of "diag stage manifest\n" and manifest.json
 *   DIR/<path>          each file of the manifest, at its bundle path (0600,
 *                       directories 0700), exactly as it would be sealed
 *
 * The reviewer reads, edits, removes or adds files there (not manifest.json:
 * the mark makes any change to it fail). `diag seal DIR` then seals what DIR
 * holds: stage_open() says which files are there, and the sealing code
 * redacts every one of them again (bundle_writer_add_redacted()), so that
 * nothing a reviewer changed or added leaves unredacted, and records which
 * were changed, added or removed (manifest.h, review marks).
 */
#ifndef DIAG_STAGE_H
#define DIAG_STAGE_H

#include "diag/common.h"
#include "diag/manifest.h"
#include "diag/strbuf.h"

#define STAGE_MARK ".diag-stage"
/* Files a stage may hold; more is not something diag made. */
#define STAGE_MAX_FILES 1000000

/* A regular file found in the stage directory. */
struct stage_file {
	char *path;               /* relative to the stage, '/'-separated; any bytes but NUL */
	uint64_t size;            /* as found */
	bool hashed;
	unsigned char sha256[32]; /* with STAGE_HASH */
	ssize_t index;            /* its entry in the manifest, or -1: added by the reviewer */
};

struct stage {
	char *dir;
	struct manifest *m;           /* the manifest as collected */
	struct strbuf manifest_text;
	bool *present;                /* m->nfiles flags: the file is still there */
	struct stage_file *files;     /* the manifest's files still there, in its order, then
					 the added ones, sorted by path */
	size_t nfiles, alloc;
	size_t nadded;
};
#define STAGE_INIT { NULL, NULL, STRBUF_INIT, NULL, NULL, 0, 0, 0 }

enum stage_flags {
	STAGE_HASH = 1 << 0,       /* hash every file (diag list; seal hashes as it reads) */
};

/*
 * The mark of a stage whose manifest.json is text (len bytes), under key
 * (32 bytes), appended to out: the content of .diag-stage.
 */
void stage_mark(const unsigned char key[32], const char *text, size_t len, struct strbuf *out);

/*
 * Read the stage dir: its manifest.json (strict and canonical, without a
 * payload), its mark checked under key when key is not NULL, and every
 * file under it (never following a symbolic link; links, devices, FIFOs
 * and sockets are refused, empty directories ignored). Returns 0, or an
 * exit code (3 for a stage that is not one or was tampered with, 4 for
 * I/O) after printing one line naming the stage and the problem. st is
 * the caller's to release either way.
 */
int stage_open(struct stage *st, const char *dir, const unsigned char *key, unsigned flags);
void stage_release(struct stage *st);

/*
 * A new manifest with everything of the collected one m but its files:
 * tool, times, host, window, spec, policy, limits, failures and skipped
 * items; reviewed, sealed at sealed. Recipients are left for the caller.
 */
struct manifest *stage_manifest_base(const struct manifest *m, int64_t sealed);

/*
 * What `diag seal` would record, without redacting again (diag list of a
 * stage): the collected files still there (changed when their content
 * differs), the added ones, the removed ones. st must have been opened
 * with STAGE_HASH. Added files whose names cannot be stored are listed as
 * failures. The caller's, manifest_free().
 */
struct manifest *stage_preview(const struct stage *st, int64_t now);

/* Is path a stage (a directory holding .diag-stage)? */
bool stage_is(const char *path);

#endif
