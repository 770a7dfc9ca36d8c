/* SPDX-License-Identifier: MIT */
/*
 * bundle_internal.h - what bundle_read.c and bundle_salvage.c share and
 * nothing else uses: the reader's state, its messages, exact tar headers,
 * and extraction into a directory that appears only at the end
 */
#ifndef DIAG_BUNDLE_INTERNAL_H
#define DIAG_BUNDLE_INTERNAL_H

#include "diag/bundle.h"
#include "diag/fsutil.h"
#include "diag/tar.h"

struct reader {
	const struct bundle_read_options *o;
	struct bundle_read_result *res;
	const struct manifest *m;
	char *payload_name;          /* "'b.diag' payload" for the inner reader's messages */
	/* extraction */
	struct fs_newdir out;
	int dirfd;                   /* out.dirfd while extracting, else -1 */
};

/* Print "'NAME': MSG", set res->exit_code to 5 unless it is set; -1. */
int bundle_bad(struct reader *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Set res->exit_code to 4 (I/O); -1. */
int bundle_io_fail(struct reader *r);
/* The member header t just read must be exactly what diag writes for these values. 0 or -1. */
int bundle_check_header(struct reader *r, const struct tar_reader *t, const char *name,
			uint64_t size, int64_t mtime, unsigned mode, const char *where);
/* "; it holds files/a, files/b": the files whose compressed bytes lie in age chunk k. */
void bundle_chunk_files(const struct manifest *m, uint64_t k, struct strbuf *out);

/*
 * Extraction into r->o->extract_dir: begin makes a temporary directory
 * beside it (which must not exist, or be empty); open creates path's file
 * there (parents 0700, the file 0600, O_EXCL|O_NOFOLLOW) and returns its
 * descriptor; commit adds manifest.json (res->manifest_text) and renames
 * the directory into place; abort removes whatever is left. -1 on error
 * (printed, res->exit_code set).
 */
int bundle_extract_begin(struct reader *r);
int bundle_extract_open(struct reader *r, const char *path);
int bundle_extract_commit(struct reader *r);
void bundle_extract_abort(struct reader *r);

/*
 * For salvage: read the manifest (which must be intact) and the signature
 * (checked against o->signer, which then must be there), and set
 * res->payload_offset to where payload.age's data must start, even when
 * the header in front of it is damaged. 0, or -1 (printed, exit_code set).
 */
int bundle_read_head(struct bytesrc *src, const struct bundle_read_options *o,
		     struct bundle_read_result *res);

#endif
