// SPDX-License-Identifier: MIT
/*
 * bundle_salvage.c - recover what damaged media still hold
 *
 * A bundle is laid out so that damage stays local. age authenticates the
 * payload in 64 KiB chunks, each on its own (age_chunk_decrypt()). The
 * payload's gzip stream is raw deflate blocks, and each file's tar header
 * starts a block that depends on nothing before it, at the offset the
 * manifest records (bundle_seal.c): inflating from there with an empty
 * window gives the file's header and content. So a file is recovered when
 * every chunk that holds its compressed bytes authenticates, whatever
 * happened to the chunks around it.
 *
 * The manifest (at the front of the first part) must be intact: it says
 * where each file is and what its hash must be; a signature, when asked
 * for, is checked as diag open checks it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include <zlib.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/split.h"
#include "diag/util.h"
#include "bundle_internal.h"

#define OUT_BUF 65536

struct salvage {
	struct reader r;
	struct bundle_input *in;
	struct bundle_salvage_result *res;
	struct age_payload_key *key;
	uint64_t chunk0;        /* offset of chunk 0 in the whole */
	uint64_t ct_size;       /* payload bytes from chunk 0 to the end */
	uint64_t nchunks;
	unsigned char *damaged; /* one flag per chunk */
	unsigned char *ct, *pt; /* one chunk, encrypted and decrypted (pt is sodium_malloc()ed) */
	uint64_t cached;        /* the chunk in pt, or UINT64_MAX */
	size_t pt_len;
};

static uint64_t chunk_ct_len(const struct salvage *s, uint64_t k)
{
	return k + 1 < s->nchunks ? AGE_CHUNK_CT_SIZE : s->ct_size - k * AGE_CHUNK_CT_SIZE;
}

/*
 * Are the bytes [a, b) of the whole on the media? Parts that are missing
 * or too short are known from the opening, so that reading them (and a
 * message per chunk) is not even tried.
 */
static bool available(const struct bundle_input *in, uint64_t a, uint64_t b)
{
	const struct split_set *sp = in->split;

	if (b > in->size)
		return false;
	if (!sp)
		return true;
	for (size_t i = 0; i < sp->nr && a < b; i++) {
		const struct split_part *p = &sp->parts[i];
		uint64_t end = i + 1 < sp->nr ? p->offset + sp->part_size : UINT64_MAX;

		if (a >= end)
			continue;
		if (p->missing || MIN(b, end) > p->offset + p->size)
			return false;
		a = end;
	}
	return true;
}

/* Decrypt chunk k into s->pt. 0, or -1 when it is damaged or unreadable (not printed). */
static int chunk_load(struct salvage *s, uint64_t k)
{
	uint64_t len = chunk_ct_len(s, k), off = s->chunk0 + k * AGE_CHUNK_CT_SIZE;
	struct age_err err;

	if (s->cached == k)
		return 0;
	s->cached = UINT64_MAX;
	if (s->damaged[k] || len < AGE_TAG_SIZE || !available(s->in, off, off + len) ||
	    bundle_input_pread(s->in, s->ct, (size_t)len, off) != (ssize_t)len ||
	    age_chunk_decrypt(s->key, k, k + 1 == s->nchunks, s->ct, (size_t)len, s->pt, &err) < 0) {
		s->damaged[k] = 1;
		return -1;
	}
	s->cached = k;
	s->pt_len = (size_t)len - AGE_TAG_SIZE;
	return 0;
}

/* Authenticate every chunk; name each damaged one, where it is and what it holds. */
static void scan(struct salvage *s)
{
	for (uint64_t k = 0; k < s->nchunks; k++) {
		struct strbuf what = STRBUF_INIT;
		char *where;

		if (chunk_load(s, k) == 0)
			continue;
		s->res->chunks_damaged++;
		where = bundle_input_where(s->in, s->chunk0 + k * AGE_CHUNK_CT_SIZE);
		bundle_chunk_files(s->r.m, k, &what);
		error("'%s': payload.age chunk %llu is damaged%s; on the media: %s", s->r.o->name,
		      (unsigned long long)k, what.buf, where);
		free(where);
		strbuf_release(&what);
	}
	s->res->chunks = s->nchunks;
}

/*
 * The plaintext of file f's compressed bytes, chunk by chunk, inflated:
 * a byte source that the tar reader pulls from.
 */
struct file_src {
	struct bytesrc src;
	struct salvage *s;
	const struct manifest_file *f;
	uint64_t next;          /* next compressed byte, as an offset of the payload's plaintext */
	z_stream z;
	unsigned char *out;
};

static ssize_t file_src_read(struct bytesrc *src, void *buf, size_t len)
{
	struct file_src *fs = (struct file_src *)src;
	uint64_t end = fs->f->offset + fs->f->compressed_size;

	fs->z.next_out = buf;
	fs->z.avail_out = (uInt)MIN(len, (size_t)UINT32_MAX);
	while (fs->z.avail_out) {
		int zr;

		if (!fs->z.avail_in) {
			uint64_t k = fs->next / AGE_CHUNK_SIZE, in_chunk = fs->next % AGE_CHUNK_SIZE;

			if (fs->next >= end)
				break;
			if (chunk_load(fs->s, k) < 0 || in_chunk >= fs->s->pt_len)
				return -1;
			fs->z.next_in = fs->s->pt + in_chunk;
			fs->z.avail_in = (uInt)MIN(fs->s->pt_len - in_chunk, end - fs->next);
			fs->next += fs->z.avail_in;
		}
		zr = inflate(&fs->z, Z_SYNC_FLUSH);
		if ((zr != Z_OK && zr != Z_BUF_ERROR && zr != Z_STREAM_END) ||
		    (zr == Z_BUF_ERROR && fs->z.avail_in))
			return -1;
		if (zr == Z_STREAM_END || (zr == Z_BUF_ERROR && !fs->z.avail_in && fs->next >= end))
			break;
	}
	return (ssize_t)(len - fs->z.avail_out);
}

/*
 * Recover file f: its header must be the one diag writes, its content have
 * its size and hash; with extraction, it is written. 0 if recovered, 1 if
 * lost (why in *why, static), -1 on an I/O error writing it.
 */
static int recover(struct salvage *s, const struct manifest_file *f, const char **why)
{
	struct file_src fs = { 0 };
	struct tar_reader t;
	struct strbuf want = STRBUF_INIT;
	const struct tar_entry *e;
	crypto_hash_sha256_state sha;
	unsigned char digest[32], *buf = xmalloc(OUT_BUF);
	uint64_t got = 0;
	int fd = -1, ret = 1;

	*why = "its data does not decompress";
	fs.src.read = file_src_read;
	fs.s = s;
	fs.f = f;
	fs.next = f->offset;
	if (inflateInit2(&fs.z, -15) != Z_OK)
		die(DIAG_EXIT_IO, "out of memory (inflate)");
	tar_reader_init(&t, &fs.src, s->r.payload_name);
	if (tar_reader_next(&t, &e) != 1)
		goto out;
	if (tar_file_header(&want, f->path, f->size, f->mtime, BUNDLE_FILE_MODE) < 0)
		BUG("no tar header for '%s'", f->path);
	if (want.len != t.raw.len || memcmp(want.buf, t.raw.buf, want.len)) {
		*why = "its tar header is not the one the manifest describes";
		goto out;
	}
	if (s->r.o->extract_dir && (fd = bundle_extract_open(&s->r, f->path)) < 0) {
		ret = -1;
		goto out;
	}
	crypto_hash_sha256_init(&sha);
	for (;;) {
		ssize_t n = tar_reader_read(&t, buf, OUT_BUF);

		if (n < 0)
			goto out;
		if (n == 0)
			break;
		got += (uint64_t)n;
		crypto_hash_sha256_update(&sha, buf, (size_t)n);
		if (fd >= 0 && fs_write_all(fd, buf, (size_t)n) < 0) {
			error_errno("cannot write '%s/%s'", s->r.o->extract_dir, f->path);
			ret = -1;
			goto out;
		}
	}
	crypto_hash_sha256_final(&sha, digest);
	if (got != f->size || sodium_memcmp(digest, f->sha256, 32)) {
		*why = "it does not match its SHA-256 in the manifest";
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0 && close(fd) < 0 && !ret) {
		error_errno("cannot write '%s/%s'", s->r.o->extract_dir, f->path);
		ret = -1;
	}
	/* a lost file leaves nothing of itself behind */
	if (ret == 1 && fd >= 0 && unlinkat(s->r.dirfd, f->path, 0) < 0)
		ret = -1;
	tar_reader_release(&t);
	inflateEnd(&fs.z);
	strbuf_release(&want);
	sodium_memzero(buf, OUT_BUF);
	free(buf);
	return ret;
}

/* The first damaged chunk among those that hold f, or UINT64_MAX. */
static uint64_t first_damage(const struct salvage *s, const struct manifest_file *f)
{
	uint64_t a = f->offset / AGE_CHUNK_SIZE;
	uint64_t b = (f->offset + f->compressed_size - 1) / AGE_CHUNK_SIZE;

	for (uint64_t k = a; k <= b && k < s->nchunks; k++)
		if (s->damaged[k])
			return k;
	return UINT64_MAX;
}

/* Open the age header: the payload key and where chunk 0 is. */
static int open_payload(struct salvage *s)
{
	const struct manifest *m = s->r.m;
	uint64_t max = MIN(m->payload_size, (uint64_t)AGE_HEADER_MAX + AGE_NONCE_SIZE);
	uint64_t at = s->r.res->payload_offset, want = MIN(max, (uint64_t)4096);
	unsigned char *head = xmalloc(max ? max : 1);
	char msg[512];
	struct age_err err = { .code = AGE_OK };
	size_t off = 0;
	int r = -1;

	/* as much as the header needs (it is short), never what the damage took */
	for (;;) {
		ssize_t n = -1;

		if (available(s->in, at, at + want))
			n = bundle_input_pread(s->in, head, want, at);
		if (n < 0)
			break;
		r = age_header_open(head, (size_t)n, s->r.o->ids, &s->key, &off, &err);
		if (r != 1 || want == max)
			break;
		want = MIN(max, want * 16);
	}
	free(head);
	if (r == 0) {
		s->chunk0 = s->r.res->payload_offset + off;
		s->ct_size = m->payload_size - off;
		s->nchunks = m->payload_compressed_size ?
			(m->payload_compressed_size + AGE_CHUNK_SIZE - 1) / AGE_CHUNK_SIZE : 1;
		if (s->ct_size != m->payload_compressed_size + s->nchunks * AGE_TAG_SIZE)
			return bundle_bad(&s->r, "payload.age's header does not fit the manifest's sizes");
		return 0;
	}
	if (r < 0 && err.code == AGE_ERR_NO_MATCH)
		return bundle_bad(&s->r, "%s", age_err_format(&err, "payload.age", msg, sizeof(msg)));
	return bundle_bad(&s->r, "the age header of payload.age is damaged or missing: nothing can "
			  "be recovered");
}

int bundle_salvage(struct bundle_input *in, const struct bundle_read_options *o,
		   struct bundle_salvage_result *res)
{
	struct bundle_read_result head = BUNDLE_READ_RESULT_INIT;
	struct salvage s = { 0 };
	char size[32];
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!in->seekable || !o->ids)
		BUG("salvage needs random access and identities");
	s.in = in;
	s.res = res;
	s.cached = UINT64_MAX;
	s.r.o = o;
	s.r.res = &head;
	s.r.dirfd = -1;
	s.r.payload_name = xasprintf("'%s' payload", o->name);
	in->pos = 0;
	if (bundle_read_head(&in->src, o, &head) < 0) {
		error("'%s': salvage needs manifest.json intact", o->name);
		res->exit_code = head.exit_code;
		goto done;
	}
	s.r.m = head.manifest;
	if (open_payload(&s) < 0)
		goto out;
	s.damaged = xcalloc((size_t)s.nchunks, 1);
	s.ct = xmalloc(AGE_CHUNK_CT_SIZE);
	s.pt = sodium_malloc(AGE_CHUNK_SIZE);
	if (!s.pt)
		die(DIAG_EXIT_IO, "out of memory (locked memory for a chunk)");
	scan(&s);
	if (o->extract_dir && bundle_extract_begin(&s.r) < 0)
		goto out;
	for (size_t i = 0; i < s.r.m->nfiles; i++) {
		const struct manifest_file *f = &s.r.m->files[i];
		uint64_t k = first_damage(&s, f);
		const char *why = NULL;
		int r = 1;

		if (k == UINT64_MAX)
			r = recover(&s, f, &why);
		if (r < 0) {
			bundle_io_fail(&s.r);
			goto out;
		}
		if (r == 0) {
			res->files_recovered++;
			res->bytes_recovered += f->size;
			continue;
		}
		res->files_lost++;
		if (!why)
			error("'%s': lost '%s': payload.age chunk %llu is damaged", o->name, f->path,
			      (unsigned long long)k);
		else
			error("'%s': lost '%s': %s", o->name, f->path, why);
	}
	if (o->extract_dir && bundle_extract_commit(&s.r) < 0)
		goto out;
	if (o->extract_dir)
		note("salvaged '%s' into '%s': %llu of %zu files recovered (%s), %llu lost", o->name,
		     o->extract_dir, (unsigned long long)res->files_recovered, s.r.m->nfiles,
		     format_size(res->bytes_recovered, size, sizeof(size)),
		     (unsigned long long)res->files_lost);
	ret = 0;
out:
	if (ret < 0)
		res->exit_code = head.exit_code ? head.exit_code : DIAG_EXIT_CRYPTO;
	bundle_extract_abort(&s.r);
	age_payload_key_free(s.key);
	if (s.pt) {
		sodium_free(s.pt);
	}
	free(s.ct);
	free(s.damaged);
done:
	bundle_read_result_release(&head);
	free(s.r.payload_name);
	return ret;
}
