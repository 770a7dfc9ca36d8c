/* SPDX-License-Identifier: MIT */
/*
 * split.h - multi-part media files: OUT.001, OUT.002, ... and OUT.sha256
 *
 * A file too large for one medium is cut into parts named OUT.001 to
 * OUT.999, each exactly the part size except the last (which is never
 * empty unless the whole file is). OUT.sha256 lists the SHA-256 of every
 * part, one line each, as sha256sum(1) prints them:
 *
 *     <64 lower-case hex digits><two spaces>OUT.001\n
 *
 * with names relative to its own directory, so that any transfer station
 * checks the parts with `cd DIR && sha256sum -c OUT.sha256`, and
 * `cat OUT.[0-9][0-9][0-9] >OUT` gives back the ordinary file. The reader
 * also accepts the " *" (binary) separator and CRLF line ends; it refuses
 * names sha256sum would escape (a backslash or a newline), so the writer
 * refuses to make them.
 *
 * Offsets: part n (from 1) holds bytes [(n-1)*S, (n-1)*S + its size) of the
 * whole, where S is the part size.
 */
#ifndef DIAG_SPLIT_H
#define DIAG_SPLIT_H

#include <stdio.h>
#include <sys/types.h>
#include "diag/common.h"

#define SPLIT_MAX_PARTS 999
#define SPLIT_SUMS_SUFFIX ".sha256"

/* The result of a committed split. */
struct split_info {
	unsigned parts;
	uint64_t size;                 /* bytes in all parts */
	unsigned char sha256[32];      /* of the whole (the parts concatenated) */
};

struct split_writer;

/*
 * Start writing path's parts (path is OUT, without a suffix) of part_size
 * bytes each (at least 1), created with mode. Nothing appears under the
 * final names before split_writer_commit(): the parts are written in a
 * temporary directory beside them, removed on SIGINT/SIGTERM
 * (fs_cleanup_register()). Fails if OUT.001 or OUT.sha256 exists already.
 * 0, or -1 after printing an error; on success *out belongs to the caller,
 * who ends it with exactly one of commit or abort.
 */
int split_writer_open(struct split_writer **out, const char *path, uint64_t part_size,
		      mode_t mode) WARN_UNUSED;

/* Append len bytes of the whole. -1 after printing an error (then abort). */
int split_writer_write(struct split_writer *w, const void *buf, size_t len) WARN_UNUSED;

/*
 * Sync every part, write OUT.sha256, and move all of them into place, never
 * replacing an existing file (OUT.sha256 comes last, so a set without it is
 * one that was never completed). On success 0 and *info (if not NULL) is
 * filled. On error -1 after printing a message, with none of the files left
 * behind. Either way w is freed.
 */
int split_writer_commit(struct split_writer *w, struct split_info *info) WARN_UNUSED;

/* Remove everything written so far and free w. NULL is allowed. */
void split_writer_abort(struct split_writer *w);

/* One part of a set being read. */
struct split_part {
	char *path;                    /* DIR/OUT.NNN */
	uint64_t size;
	uint64_t offset;               /* of its first byte in the whole */
	bool has_sha256;               /* listed in OUT.sha256 */
	unsigned char sha256[32];
	bool damaged;                  /* set by split_verify() */
	bool missing;                  /* SPLIT_LENIENT: absent; size is nominal */
};

/* A set of parts read as one file. */
struct split_set {
	char *base;                    /* DIR/OUT: the path of the whole */
	char *sums_path;               /* DIR/OUT.sha256, or NULL when there is none */
	struct split_part *parts;
	size_t nr;
	uint64_t size;                 /* of the whole */
	uint64_t part_size;            /* every part's size but the last's */
	int fd;                        /* the part open for reading, or -1 */
	size_t fd_part;
	uint64_t pos;                  /* for split_fopen() */
};

/*
 * Does path name a split set? It does when it is OUT.sha256, or OUT.NNN
 * (three digits) while OUT.001 exists, or when no file path exists but
 * path.001 does. Returns 1 and sets *base to OUT (the caller's, free()),
 * or 0 when path is an ordinary path.
 */
int split_detect(const char *path, char **base);

enum split_open_flags {
	SPLIT_NEED_SUMS = 1 << 0,      /* fail if OUT.sha256 is missing */
	/*
	 * For salvage: parts that are missing, or whose size is wrong, keep
	 * their nominal place (part n at (n-1)*S) instead of failing the
	 * opening; each is named in a warning, its size is what it holds (0
	 * when missing, at most S), and reading past that fails. A missing
	 * last part counts as a full one in the size of the whole. At least
	 * one part other than the last must be there to give S (or the only
	 * part).
	 */
	SPLIT_LENIENT = 1 << 1,
};

/*
 * Open the set of parts of base (OUT). When OUT.sha256 exists it says which
 * parts there are: each must exist, no other OUT.NNN may, and its lines
 * must be well formed. Without it (allowed unless SPLIT_NEED_SUMS) the
 * parts must be numbered from 001 without a gap, and a warning says that
 * parts missing at the end cannot be noticed. Every part but the last must
 * have the same size, and the last no more. Every problem is printed,
 * naming the part; then -1 is returned. On success *out is the caller's
 * (split_close()).
 */
int split_open(struct split_set **out, const char *base, unsigned flags) WARN_UNUSED;

void split_close(struct split_set *s);

/*
 * Read up to len bytes of the whole at offset off, across parts. Returns
 * the bytes read (0 at the end), or -1 after printing an error that names
 * the part and the offset in it.
 */
ssize_t split_pread(struct split_set *s, void *buf, size_t len, uint64_t off);

/* Map an offset of the whole to its part (index into s->parts) and the offset in it. -1 if beyond the end. */
int split_locate(const struct split_set *s, uint64_t off, size_t *part, uint64_t *part_off);

/*
 * Describe where offset off of the whole is, for messages:
 * "'DIR/OUT.002' at offset 12 (offset 1036 of the whole)". The string is the caller's.
 */
char *split_describe(const struct split_set *s, uint64_t off);

/*
 * Hash every part and compare it with OUT.sha256, printing one error per
 * damaged or unreadable part (naming it) and marking it damaged. Returns
 * the number of damaged parts, or -1 after printing an error when there is
 * no OUT.sha256 to check against.
 */
int split_verify(struct split_set *s);

/*
 * A read-only, seekable stdio stream over the whole (fopencookie()); s must
 * outlive it and is not freed by fclose(). NULL after printing an error.
 */
FILE *split_fopen(struct split_set *s);

/*
 * Parse the content of an OUT.sha256 file: what names it in messages, name
 * is OUT's base name. Each line must list name.NNN, numbered from 001 in
 * order. On success 0, and (*sums)[i] is the SHA-256 of part i+1, *nr the
 * number of parts (*sums is the caller's, free()). -1 after printing an
 * error naming what and the line.
 */
int split_sums_parse(const char *text, size_t len, const char *what, const char *name,
		     unsigned char (**sums)[32], size_t *nr) WARN_UNUSED;

#endif
