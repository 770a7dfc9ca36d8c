/* SPDX-License-Identifier: MIT */
/*
 * bytesrc.h - pull-style byte sources that stack
 *
 * The bundle readers never assume a seekable file: a bundle may come from a
 * pipe, from a split set of parts (one source that concatenates them), or
 * from memory (fuzzing). Each layer is a struct bytesrc that reads from the
 * one below it: file -> tar member -> age decryption -> gunzip -> tar.
 *
 * A source embeds struct bytesrc as its first member. read() returns the
 * number of bytes read (less than len only at the end or when the layer
 * below returned less), 0 at the end, or -1 after printing an error that
 * names the input. A source that failed once keeps failing.
 */
#ifndef DIAG_BYTESRC_H
#define DIAG_BYTESRC_H

#include <sys/types.h>
#include <zlib.h>
#include "diag/common.h"

struct bytesrc {
	ssize_t (*read)(struct bytesrc *src, void *buf, size_t len);
};

/* Read until len bytes or the end. Returns the count (< len only at the end), or -1. */
ssize_t bytesrc_read_full(struct bytesrc *src, void *buf, size_t len) WARN_UNUSED;

/* An open file descriptor (not owned). name is borrowed, for messages. */
struct bytesrc_fd {
	struct bytesrc src;
	int fd;
	const char *name;
	uint64_t offset; /* bytes read so far */
};
void bytesrc_fd_init(struct bytesrc_fd *s, int fd, const char *name);

/* Bytes in memory (borrowed). */
struct bytesrc_mem {
	struct bytesrc src;
	const unsigned char *buf;
	size_t len, pos;
};
void bytesrc_mem_init(struct bytesrc_mem *s, const void *buf, size_t len);

/*
 * Gunzip what 'in' yields: exactly one gzip member, and nothing after it
 * (trailing bytes are an error). name is borrowed, for messages.
 * bytesrc_gunzip_release() frees zlib's state.
 */
struct bytesrc_gunzip {
	struct bytesrc src;
	struct bytesrc *in;
	const char *name;
	z_stream z;
	unsigned char *inbuf;
	int state; /* 0 inflating, 1 done, -1 failed */
	uint64_t consumed; /* compressed bytes handed to inflate */
};
int bytesrc_gunzip_init(struct bytesrc_gunzip *s, struct bytesrc *in, const char *name) WARN_UNUSED;
void bytesrc_gunzip_release(struct bytesrc_gunzip *s);

#endif
