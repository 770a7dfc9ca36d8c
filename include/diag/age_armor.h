/* SPDX-License-Identifier: MIT */
/*
 * age_armor.h - the ASCII armor of age files (strict PEM), streaming
 *
 *   -----BEGIN AGE ENCRYPTED FILE-----
 *   <padded standard base64 of the binary file, 64 columns, LF>
 *   -----END AGE ENCRYPTED FILE-----
 *
 * The writer produces exactly what `age -a` does. The reader is as strict as
 * age's: blank lines (up to 1 KiB) may come before the BEGIN line and
 * whitespace (under 1 KiB) after the END line; lines may end in CRLF; every
 * data line is non-empty, at most 64 columns, canonical padded base64 on its
 * own, and only the last one is shorter than 64 columns. Anything else is an
 * AGE_ERR_ARMOR error. Both work in constant memory, pushing their output
 * through an age_write_fn as they go.
 */
#ifndef DIAG_AGE_ARMOR_H
#define DIAG_AGE_ARMOR_H

#include "diag/age.h"

#define AGE_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define AGE_ARMOR_END "-----END AGE ENCRYPTED FILE-----"

/*
 * Whether the file starting with buf (len bytes) is armored: 1 if its first
 * non-whitespace bytes are "-----" (a PEM-like line: the reader then says
 * whether it is valid armor), 0 if not, -1 if len is too short to tell
 * (at the end of the input, -1 means "not armored").
 */
int age_armor_sniff(const void *buf, size_t len);

struct age_armor_writer;

/* Armor what is written to it and pass the text to write(ctx, ...). */
struct age_armor_writer *age_armor_writer_new(age_write_fn write, void *ctx);
/* Encode len more bytes. -1 with AGE_ERR_IO if write failed. */
int age_armor_writer_update(struct age_armor_writer *w, const void *buf, size_t len,
			    struct age_err *err) WARN_UNUSED;
/* Write the last line and the END line. Call once. */
int age_armor_writer_finish(struct age_armor_writer *w, struct age_err *err) WARN_UNUSED;
void age_armor_writer_free(struct age_armor_writer *w);

struct age_armor_reader;

/*
 * Decode armored text and pass the binary bytes to write(ctx, ...), in the
 * order they come and never after an error in the text before them. When
 * write() fails, the reader fails with AGE_ERR_IO; a caller whose write()
 * fails for its own reasons keeps its own error and reports that instead.
 */
struct age_armor_reader *age_armor_reader_new(age_write_fn write, void *ctx);
/* Feed len more bytes of text. -1 with AGE_ERR_ARMOR (or the sink's error). */
int age_armor_reader_update(struct age_armor_reader *r, const void *buf, size_t len,
			    struct age_err *err) WARN_UNUSED;
/* The text has ended: the END line must have been seen. */
int age_armor_reader_finish(struct age_armor_reader *r, struct age_err *err) WARN_UNUSED;
void age_armor_reader_free(struct age_armor_reader *r);

#endif
