/* SPDX-License-Identifier: MIT */
/*
 * tar.h - POSIX tar: a ustar/pax writer and a strict streaming reader
 *
 * Used for the outer bundle (manifest.json, payload.age) and for the payload
 * inside it (the redacted files). The writer only builds headers; the caller
 * writes them, the data and tar_padding() zero bytes, then TAR_END_SIZE zero
 * bytes at the end. Names that do not fit ustar's name/prefix fields, and
 * sizes of 8 GiB or more, get a pax extended header ('x') first, as POSIX
 * says; GNU tar, bsdtar and busybox read both.
 *
 * The reader is meant for untrusted input. It checks every header checksum,
 * parses numeric fields strictly (octal digits, NUL/space terminated, no
 * base-256), parses pax records strictly (exact lengths, known keywords only,
 * no duplicates), refuses GNU long-name and sparse members and global pax
 * headers, requires non-regular members to carry no data, and requires the
 * archive to end with the two zero blocks and nothing but zeros after them.
 * It reports every other member type to the caller, who decides.
 */
#ifndef DIAG_TAR_H
#define DIAG_TAR_H

#include <sys/types.h>
#include "diag/bytesrc.h"
#include "diag/common.h"
#include "diag/strbuf.h"

#define TAR_BLOCK 512
#define TAR_END_SIZE (2 * TAR_BLOCK)
/* Longest member name the writer accepts and the reader returns. */
#define TAR_NAME_MAX 4096
/* Largest pax extended header the reader accepts. */
#define TAR_PAX_MAX 65536

/* Zero bytes that follow size bytes of member data. */
static inline size_t tar_padding(uint64_t size)
{
	return (size_t)((TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
}

/*
 * Append to out the header blocks of a regular file member: a pax header
 * first if needed, then the ustar header. mode is the permission bits, mtime
 * seconds since the epoch (clamped to what ustar can hold). Owner 0:0,
 * no user or group names. Returns 0, or -1 (not printed) if name is empty,
 * longer than TAR_NAME_MAX or contains a control character.
 */
int tar_file_header(struct strbuf *out, const char *name, uint64_t size, int64_t mtime,
		    unsigned mode) WARN_UNUSED;

enum tar_type {
	TAR_REGULAR,  /* '0' or NUL */
	TAR_HARDLINK, /* '1' */
	TAR_SYMLINK,  /* '2' */
	TAR_CHARDEV,  /* '3' */
	TAR_BLOCKDEV, /* '4' */
	TAR_DIRECTORY,/* '5' */
	TAR_FIFO,     /* '6' */
	TAR_OTHER,    /* '7' (contiguous) and vendor types the reader does not refuse outright */
};

/* A short description of a member type, for messages: "symbolic link", ... */
const char *tar_type_name(enum tar_type type);

struct tar_entry {
	char *name;       /* pax path, or ustar prefix/name; never empty, no NUL */
	char *linkname;   /* pax linkpath or ustar linkname; "" if none */
	enum tar_type type;
	char typeflag;    /* as found in the header */
	unsigned mode;    /* permission bits */
	uint64_t size;    /* bytes of data that follow (0 for non-regular members) */
	int64_t mtime;
	uint64_t offset;  /* archive offset of the member's first header (pax or ustar) */
	uint64_t data_offset; /* archive offset of its data */
};

/*
 * A reader over src (borrowed). name is used in every message, for
 * instance "'site.diag'" or "'site.diag' payload". The reader never
 * allocates more than TAR_PAX_MAX + TAR_NAME_MAX bytes whatever the input.
 */
struct tar_reader {
	struct bytesrc *src;
	const char *name;
	uint64_t offset;  /* bytes consumed from src */
	uint64_t left;    /* data bytes of the current member not read yet */
	size_t pad;       /* padding after the current member's data */
	int state;        /* enum in tar.c */
	struct tar_entry entry;
	struct bytesrc data; /* the current member's data as a source */
	/*
	 * The current member's header bytes as read (pax header, its data and
	 * padding, ustar header), for callers that require them to be exactly
	 * what tar_file_header() writes.
	 */
	struct strbuf raw;
};

void tar_reader_init(struct tar_reader *r, struct bytesrc *src, const char *name);
/*
 * Move to the next member, skipping what is left of the current one's data.
 * Returns 1 and points *entry at it (valid until the next call), 0 at the
 * end of the archive (after checking the end marker and that only zeros
 * follow it), or -1 after printing an error. Errors are final.
 */
int tar_reader_next(struct tar_reader *r, const struct tar_entry **entry) WARN_UNUSED;
/*
 * Read the current member's data: up to len bytes, 0 at its end, -1 on error
 * (a truncated archive). r->data is the same thing as a struct bytesrc.
 */
ssize_t tar_reader_read(struct tar_reader *r, void *buf, size_t len) WARN_UNUSED;
void tar_reader_release(struct tar_reader *r);

#endif
