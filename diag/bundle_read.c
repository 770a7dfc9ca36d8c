// SPDX-License-Identifier: MIT
/*
 * bundle_read.c - check, decrypt and extract bundles, trusting nothing
 *
 * Every byte of a bundle is accounted for: the outer tar headers must be
 * exactly what diag writes for the manifest's own values, the manifest must
 * be canonical, payload.age must have the size and SHA-256 the manifest
 * gives, the tar padding and end must be zeros. With a key, every age chunk
 * authenticates, the gzip stream is whole, and the inner tar must hold the
 * manifest's files, in its order, as regular files with the declared sizes
 * and hashes, then the manifest's sealed copy, then nothing.
 *
 * Extraction writes into a fresh directory next to the destination, created
 * 0700, by relative paths that were checked (manifest_path_check) before any
 * byte is written, with O_EXCL|O_NOFOLLOW; the directory is renamed into
 * place only when everything checked out, and removed otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/split.h"
#include "diag/tar.h"
#include "bundle_internal.h"

#define READ_BUF 65536
#define HEAD_MAX 65536 /* payload.age bytes kept to find its age header's length */


int bundle_bad(struct reader *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
int bundle_bad(struct reader *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->res->exit_code)
		r->res->exit_code = DIAG_EXIT_CRYPTO;
	return error("'%s': %s", r->o->name, msg);
}

int bundle_io_fail(struct reader *r)
{
	r->res->exit_code = DIAG_EXIT_IO;
	return -1;
}

/* The member header must be exactly what diag writes for these values. */
int bundle_check_header(struct reader *r, const struct tar_reader *t, const char *name,
			uint64_t size, int64_t mtime, unsigned mode, const char *where)
{
	struct strbuf want = STRBUF_INIT;
	int same;

	if (tar_file_header(&want, name, size, mtime, mode) < 0)
		BUG("no tar header for '%s'", name);
	same = want.len == t->raw.len && !memcmp(want.buf, t->raw.buf, want.len);
	strbuf_release(&want);
	if (!same)
		return bundle_bad(r, "%s: the tar header of '%s' is not the one diag writes", where, name);
	return 0;
}

/* ------------------------------------------------------- age framing */

/*
 * Without a key: the payload must be an age header, a nonce, and STREAM
 * chunks whose plaintext adds up to the compressed size the manifest gives.
 */
static int check_framing(struct reader *r, const unsigned char *head, size_t head_len,
			 uint64_t size)
{
	struct age_header h = AGE_HEADER_INIT;
	struct age_err err;
	uint64_t ct, chunks, last, plain;
	int ret;

	ret = age_header_parse(&h, head, head_len, &err);
	if (ret != 0) {
		age_header_release(&h);
		if (ret > 0)
			return bundle_bad(r, "payload.age: the age header is truncated");
		return bundle_bad(r, "payload.age: %s: %s", age_err_class(err.code), err.msg);
	}
	if (size < h.len + AGE_NONCE_SIZE + AGE_TAG_SIZE) {
		age_header_release(&h);
		return bundle_bad(r, "payload.age: too short for an age file");
	}
	ct = size - h.len - AGE_NONCE_SIZE;
	age_header_release(&h);
	chunks = (ct + AGE_CHUNK_CT_SIZE - 1) / AGE_CHUNK_CT_SIZE;
	last = ct - (chunks - 1) * AGE_CHUNK_CT_SIZE;
	if (last < AGE_TAG_SIZE + (chunks > 1) || (last == AGE_TAG_SIZE && chunks > 1))
		return bundle_bad(r, "payload.age: its length does not fit age's framing (truncated?)");
	plain = ct - chunks * AGE_TAG_SIZE;
	if (plain != r->m->payload_compressed_size)
		return bundle_bad(r, "payload.age holds %llu bytes of plaintext, the manifest says %llu",
			   (unsigned long long)plain,
			   (unsigned long long)r->m->payload_compressed_size);
	return 0;
}

/* ------------------------------------------------- age as a byte source */

/* Pull ciphertext from 'in' (hashing it), push it through the decryptor, serve plaintext. */
struct age_src {
	struct bytesrc src;
	struct bytesrc *in;
	struct reader *r;
	struct age_decryptor *d;
	crypto_hash_sha256_state *sha;
	struct strbuf out;   /* plaintext not served yet */
	size_t pos;
	unsigned char *buf;
	bool eof, failed;
	unsigned char head[HEAD_MAX]; /* the start of payload.age: where its chunks begin */
	size_t head_len;
};

static int age_src_write(void *ctx, const void *buf, size_t len)
{
	struct age_src *a = ctx;

	strbuf_add(&a->out, buf, len);
	return 0;
}

/*
 * The files whose compressed bytes lie in chunk k of the payload, for the
 * message about a damaged chunk ("holds files/a, files/b"), from the offsets
 * the manifest records.
 */
void bundle_chunk_files(const struct manifest *m, uint64_t k, struct strbuf *out)
{
	uint64_t lo = k * AGE_CHUNK_SIZE, hi = lo + AGE_CHUNK_SIZE;
	size_t n = 0;

	for (size_t i = 0; i < m->nfiles; i++) {
		const struct manifest_file *f = &m->files[i];

		if (f->offset >= hi || f->offset + f->compressed_size <= lo)
			continue;
		if (n++ < 3)
			strbuf_addf(out, "%s%s", n > 1 ? ", " : "; it holds ", f->path);
	}
	if (n > 3)
		strbuf_addf(out, " and %zu more files", n - 3);
	else if (!n && m->nfiles && lo >= m->files[m->nfiles - 1].offset)
		strbuf_addstr(out, "; it holds the sealed manifest");
}

/*
 * Where chunk k of payload.age is on the media, " (at ...)", when the input
 * is known and the age header (in head) can be measured.
 */
static void chunk_where(const struct reader *r, const unsigned char *head, size_t head_len,
			uint64_t k, struct strbuf *out)
{
	struct age_header h = AGE_HEADER_INIT;
	struct age_err err;
	char *where;

	if (!r->o->input || age_header_parse(&h, head, head_len, &err) != 0) {
		age_header_release(&h);
		return;
	}
	where = bundle_input_where(r->o->input, r->res->payload_offset + h.len + AGE_NONCE_SIZE +
				   k * (uint64_t)AGE_CHUNK_CT_SIZE);
	strbuf_addf(out, "; on the media: %s", where);
	free(where);
	age_header_release(&h);
}

static void age_src_fail(struct age_src *a, const struct age_err *err)
{
	struct strbuf where = STRBUF_INIT;

	a->failed = true;
	if (err->code == AGE_ERR_IO)
		a->r->res->exit_code = DIAG_EXIT_IO;
	if (err->code == AGE_ERR_PAYLOAD) {
		bundle_chunk_files(a->r->m, err->chunk, &where);
		chunk_where(a->r, a->head, a->head_len, err->chunk, &where);
	}
	bundle_bad(a->r, "payload.age: %s: %s%s", age_err_class(err->code), err->msg, where.buf);
	strbuf_release(&where);
}

static ssize_t age_src_read(struct bytesrc *src, void *buf, size_t len)
{
	struct age_src *a = (struct age_src *)src;
	struct age_err err;
	size_t n;

	if (a->failed)
		return -1;
	while (a->pos == a->out.len && !a->eof) {
		ssize_t got = a->in->read(a->in, a->buf, READ_BUF);

		sodium_memzero(a->out.buf, a->out.len);
		strbuf_reset(&a->out);
		a->pos = 0;
		if (got < 0) {
			a->failed = true;
			return -1;
		}
		if (got == 0) {
			a->eof = true;
			if (age_decryptor_finish(a->d, &err) < 0) {
				age_src_fail(a, &err);
				return -1;
			}
			break;
		}
		crypto_hash_sha256_update(a->sha, a->buf, (size_t)got);
		if (a->head_len < HEAD_MAX) {
			size_t k = MIN((size_t)got, HEAD_MAX - a->head_len);

			memcpy(a->head + a->head_len, a->buf, k);
			a->head_len += k;
		}
		if (age_decryptor_update(a->d, a->buf, (size_t)got, &err) < 0) {
			age_src_fail(a, &err);
			return -1;
		}
	}
	n = MIN(len, a->out.len - a->pos);
	memcpy(buf, a->out.buf + a->pos, n);
	a->pos += n;
	return (ssize_t)n;
}

/* ------------------------------------------------------------ extraction */

int bundle_extract_begin(struct reader *r)
{
	if (fs_newdir_begin(&r->out, r->o->extract_dir, "open", "open the bundle into") < 0)
		return bundle_io_fail(r);
	r->dirfd = r->out.dirfd;
	return 0;
}

int bundle_extract_open(struct reader *r, const char *path)
{
	int fd = fs_create_under(r->dirfd, path, r->o->extract_dir);

	return fd < 0 ? bundle_io_fail(r) : fd;
}

int bundle_extract_commit(struct reader *r)
{
	int fd = bundle_extract_open(r, MANIFEST_NAME);

	if (fd < 0)
		return -1;
	if (fs_write_all(fd, r->res->manifest_text.buf, r->res->manifest_text.len) < 0) {
		error_errno("cannot write '%s/%s'", r->o->extract_dir, MANIFEST_NAME);
		close(fd);
		return bundle_io_fail(r);
	}
	close(fd);
	if (fs_newdir_commit(&r->out) < 0)
		return bundle_io_fail(r);
	r->dirfd = -1;
	return 0;
}

void bundle_extract_abort(struct reader *r)
{
	if (r->dirfd >= 0)
		fs_newdir_abort(&r->out);
	r->dirfd = -1;
}

/* ------------------------------------------------------------ inner tar */

/* One file member: stream it (to disk when extracting), check size and hash. */
static int read_file_member(struct reader *r, struct tar_reader *t, const struct manifest_file *f)
{
	crypto_hash_sha256_state sha;
	unsigned char digest[32], *buf = xmalloc(READ_BUF);
	int fd = -1, ret = -1;

	if (r->o->extract_dir && (fd = bundle_extract_open(r, f->path)) < 0)
		goto out;
	crypto_hash_sha256_init(&sha);
	for (;;) {
		ssize_t n = tar_reader_read(t, buf, READ_BUF);

		if (n < 0)
			goto out;
		if (n == 0)
			break;
		crypto_hash_sha256_update(&sha, buf, (size_t)n);
		if (fd >= 0 && fs_write_all(fd, buf, (size_t)n) < 0) {
			error_errno("cannot write '%s/%s'", r->o->extract_dir, f->path);
			bundle_io_fail(r);
			goto out;
		}
	}
	crypto_hash_sha256_final(&sha, digest);
	if (sodium_memcmp(digest, f->sha256, 32)) {
		bundle_bad(r, "file '%s' does not match its SHA-256 in the manifest", f->path);
		goto out;
	}
	r->res->files_checked++;
	r->res->bytes_checked += f->size;
	ret = 0;
out:
	if (fd >= 0 && close(fd) < 0 && !ret) {
		error_errno("cannot write '%s/%s'", r->o->extract_dir, f->path);
		ret = bundle_io_fail(r);
	}
	sodium_memzero(buf, READ_BUF);
	free(buf);
	return ret;
}

/* The sealed copy of the manifest: the outer one, byte for byte, without "payload". */
static int read_sealed_manifest(struct reader *r, struct tar_reader *t)
{
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	const struct tar_entry *e = &t->entry;
	int ret = -1;

	manifest_serialize(r->m, &want, false);
	if (e->size != want.len) {
		bundle_bad(r, "the manifest sealed in the payload differs from the bundle's manifest.json");
		goto out;
	}
	strbuf_grow(&got, want.len);
	if (bytesrc_read_full(&t->data, got.buf, want.len) != (ssize_t)want.len)
		goto out;
	strbuf_setlen(&got, want.len);
	if (memcmp(got.buf, want.buf, want.len)) {
		bundle_bad(r, "the manifest sealed in the payload differs from the bundle's manifest.json");
		goto out;
	}
	ret = bundle_check_header(r, t, MANIFEST_NAME, want.len, r->m->created, BUNDLE_FILE_MODE, "payload");
out:
	strbuf_release(&want);
	strbuf_release(&got);
	return ret;
}

static int read_inner(struct reader *r, struct bytesrc *plain)
{
	const struct manifest *m = r->m;
	struct bytesrc_gunzip gz;
	struct tar_reader t;
	size_t next = 0;
	bool sealed = false;
	int ret = -1;

	if (bytesrc_gunzip_init(&gz, plain, r->payload_name) < 0)
		return bundle_io_fail(r);
	tar_reader_init(&t, &gz.src, r->payload_name);
	for (;;) {
		const struct tar_entry *e;
		const char *why;
		int n = tar_reader_next(&t, &e);

		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (sealed) {
			bundle_bad(r, "payload: unexpected member '%.200s' after the sealed manifest", e->name);
			goto out;
		}
		if (e->type != TAR_REGULAR) {
			bundle_bad(r, "payload: member '%.200s' is a %s: refused", e->name, tar_type_name(e->type));
			goto out;
		}
		why = manifest_path_syntax(e->name);
		if (why) {
			bundle_bad(r, "payload: member '%.200s' has an unsafe name (%s): refused", e->name, why);
			goto out;
		}
		if (!strcmp(e->name, MANIFEST_NAME)) {
			if (next < m->nfiles) {
				bundle_bad(r, "payload: it lacks '%s', listed in the manifest", m->files[next].path);
				goto out;
			}
			if (read_sealed_manifest(r, &t) < 0)
				goto out;
			sealed = true;
			continue;
		}
		if (next >= m->nfiles || strcmp(e->name, m->files[next].path)) {
			ssize_t i = manifest_find(m, e->name);

			if (i < 0)
				bundle_bad(r, "payload: member '%.200s' is not in the manifest: refused", e->name);
			else if ((size_t)i < next)
				bundle_bad(r, "payload: member '%.200s' appears twice: refused", e->name);
			else
				bundle_bad(r, "payload: member '%.200s' is out of order (expected '%s')", e->name,
				    m->files[next].path);
			goto out;
		}
		if (e->size != m->files[next].size) {
			bundle_bad(r, "payload: member '%.200s' has %llu bytes, the manifest says %llu: refused",
			    e->name, (unsigned long long)e->size,
			    (unsigned long long)m->files[next].size);
			goto out;
		}
		if (bundle_check_header(r, &t, e->name, e->size, m->files[next].mtime, BUNDLE_FILE_MODE,
				 "payload") < 0 ||
		    read_file_member(r, &t, &m->files[next]) < 0)
			goto out;
		next++;
	}
	if (!sealed) {
		bundle_bad(r, "payload: the sealed copy of the manifest is missing");
		goto out;
	}
	ret = 0;
out:
	tar_reader_release(&t);
	bytesrc_gunzip_release(&gz);
	return ret;
}

/* ---------------------------------------------------------------- outer */

/* The next member of the outer tar; at its end, say what is missing. 0, or -1. */
static int next_member(struct reader *r, struct tar_reader *t, const struct tar_entry **e,
		       const char *missing)
{
	int n = tar_reader_next(t, e);

	if (n == 0)
		return bundle_bad(r, "%s", missing);
	return n < 0 ? -1 : 0;
}

static int read_manifest(struct reader *r, struct tar_reader *t)
{
	const struct tar_entry *e;
	char where[256];

	if (next_member(r, t, &e, "an empty tar archive, not a diag bundle") < 0)
		return -1;
	if (strcmp(e->name, MANIFEST_NAME) || e->type != TAR_REGULAR)
		return bundle_bad(r, "not a diag bundle: its first member is '%.200s', not %s", e->name,
			   MANIFEST_NAME);
	if (e->size > MANIFEST_MAX_SIZE)
		return bundle_bad(r, "manifest.json is too large (%llu bytes)", (unsigned long long)e->size);
	strbuf_grow(&r->res->manifest_text, (size_t)e->size);
	if (bytesrc_read_full(&t->data, r->res->manifest_text.buf, (size_t)e->size) !=
	    (ssize_t)e->size)
		return -1;
	strbuf_setlen(&r->res->manifest_text, (size_t)e->size);
	snprintf(where, sizeof(where), "'%s': manifest.json", r->o->name);
	if (manifest_parse_canonical(&r->res->manifest, r->res->manifest_text.buf,
				     r->res->manifest_text.len, where) < 0)
		return -1;
	r->m = r->res->manifest;
	if (!r->m->has_payload)
		return bundle_bad(r, "manifest.json does not describe a payload");
	if (!r->m->nrecipients)
		return bundle_bad(r, "manifest.json lists no recipients");
	for (size_t i = 0; i < r->m->nfiles; i++)
		if (!r->m->files[i].has_offset)
			return bundle_bad(r, "manifest.json lacks the payload offsets of its files");
	return bundle_check_header(r, t, MANIFEST_NAME, e->size, r->m->created, BUNDLE_OUTER_MODE,
			    "bundle");
}

static int read_payload(struct reader *r, struct tar_reader *t, const struct tar_entry *e)
{
	crypto_hash_sha256_state sha;
	unsigned char digest[32];
	int ret = -1;

	r->res->payload_offset = e->data_offset;
	if (strcmp(e->name, BUNDLE_PAYLOAD_NAME) || e->type != TAR_REGULAR)
		return bundle_bad(r, "unexpected member '%.200s' where payload.age should be", e->name);
	if (e->size != r->m->payload_size)
		return bundle_bad(r, "payload.age has %llu bytes, the manifest says %llu",
			   (unsigned long long)e->size, (unsigned long long)r->m->payload_size);
	if (bundle_check_header(r, t, BUNDLE_PAYLOAD_NAME, e->size, r->m->created, BUNDLE_OUTER_MODE,
			 "bundle") < 0)
		return -1;
	crypto_hash_sha256_init(&sha);
	if (r->o->ids) {
		struct age_src a;

		memset(&a, 0, sizeof(a));
		a.src.read = age_src_read;
		a.in = &t->data;
		a.r = r;
		a.sha = &sha;
		a.buf = xmalloc(READ_BUF);
		strbuf_init(&a.out, 0);
		a.d = age_decryptor_new(r->o->ids, AGE_DEC_BINARY, age_src_write, &a);
		if (r->o->extract_dir && bundle_extract_begin(r) < 0) {
			ret = -1;
		} else {
			ret = read_inner(r, &a.src);
			/* the inner tar ended: the age stream must end with it */
			if (!ret) {
				char c;
				ssize_t extra = age_src_read(&a.src, &c, 1);

				if (extra != 0) {
					if (extra > 0)
						bundle_bad(r, "payload.age: data after the compressed payload");
					ret = -1;
				}
			}
		}
		age_decryptor_free(a.d);
		sodium_memzero(a.out.buf, a.out.len);
		strbuf_release(&a.out);
		free(a.buf);
		if (ret < 0)
			return -1;
	} else {
		unsigned char *buf = xmalloc(READ_BUF), head[AGE_HEADER_MAX < 65536 ? AGE_HEADER_MAX : 65536];
		size_t head_len = 0;

		for (;;) {
			ssize_t got = tar_reader_read(t, buf, READ_BUF);

			if (got < 0) {
				free(buf);
				return -1;
			}
			if (got == 0)
				break;
			if (head_len < sizeof(head)) {
				size_t k = MIN((size_t)got, sizeof(head) - head_len);

				memcpy(head + head_len, buf, k);
				head_len += k;
			}
			crypto_hash_sha256_update(&sha, buf, (size_t)got);
		}
		free(buf);
		if (check_framing(r, head, head_len, e->size) < 0)
			return -1;
	}
	crypto_hash_sha256_final(&sha, digest);
	if (sodium_memcmp(digest, r->m->payload_sha256, 32))
		return bundle_bad(r, "payload.age does not match its SHA-256 in the manifest");
	return 0;
}

/*
 * manifest.json.minisig: well formed, exactly as diag writes it, its
 * trusted comment agreeing with the manifest, and, with o->signer, made by
 * that key over the manifest's bytes.
 */
static int read_signature(struct reader *r, struct tar_reader *t, const struct tar_entry *e)
{
	const struct strbuf *mt = &r->res->manifest_text;
	struct strbuf text = STRBUF_INIT;
	unsigned char sha[32], hash[MINISIGN_HASH_BYTES];
	struct minisign_hash h;
	char *what = xasprintf("%s: %s", r->o->name, BUNDLE_SIG_NAME);
	const char *why;
	int ret = -1;

	if (e->type != TAR_REGULAR || e->size > BUNDLE_SIG_MAX) {
		bundle_bad(r, "%s is not a signature diag writes", BUNDLE_SIG_NAME);
		goto out;
	}
	strbuf_grow(&text, (size_t)e->size);
	if (bytesrc_read_full(&t->data, text.buf, (size_t)e->size) != (ssize_t)e->size)
		goto out;
	strbuf_setlen(&text, (size_t)e->size);
	if (bundle_check_header(r, t, BUNDLE_SIG_NAME, e->size, r->m->created, BUNDLE_OUTER_MODE,
			 "bundle") < 0)
		goto out;
	if (minisign_sig_parse(&r->res->sig, text.buf, text.len, what) < 0) {
		r->res->exit_code = DIAG_EXIT_CRYPTO;
		goto out;
	}
	r->res->has_sig = true;
	/* the signature first: a changed manifest is reported as what it is */
	if (r->o->signer) {
		char got[MINISIGN_KEY_ID_HEX], want[MINISIGN_KEY_ID_HEX];

		if (memcmp(r->res->sig.key_id, r->o->signer->key_id, MINISIGN_KEY_ID_BYTES)) {
			bundle_bad(r, "signed by key %s, not by '%s' (key %s)",
			    minisign_key_id_hex(r->res->sig.key_id, got),
			    r->o->signer_name ? r->o->signer_name : "the signer",
			    minisign_key_id_hex(r->o->signer->key_id, want));
			goto out;
		}
		minisign_hash_init(&h);
		minisign_hash_update(&h, mt->buf, mt->len);
		minisign_hash_final(&h, hash);
		if (minisign_verify(r->o->signer, &r->res->sig, hash, r->o->name) < 0) {
			r->res->exit_code = DIAG_EXIT_CRYPTO;
			goto out;
		}
		r->res->sig_verified = true;
	}
	crypto_hash_sha256(sha, (const unsigned char *)mt->buf, mt->len);
	why = bundle_sig_check_comment(r->res->sig.trusted_comment, r->m, sha);
	if (why) {
		bundle_bad(r, "%s does not match manifest.json: %s", BUNDLE_SIG_NAME, why);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&text);
	free(what);
	return ret;
}

int bundle_read(struct bytesrc *src, const struct bundle_read_options *o,
		struct bundle_read_result *res)
{
	struct reader r = { 0 };
	struct tar_reader t;
	const struct tar_entry *e;
	char *outer_name = xasprintf("'%s'", o->name);
	int ret = -1, n;

	r.o = o;
	r.res = res;
	r.dirfd = -1;
	r.payload_name = xasprintf("'%s' payload", o->name);
	res->exit_code = 0;
	tar_reader_init(&t, src, outer_name);
	if (read_manifest(&r, &t) < 0 || next_member(&r, &t, &e, "payload.age is missing") < 0)
		goto out;
	if (!strcmp(e->name, BUNDLE_SIG_NAME)) {
		if (read_signature(&r, &t, e) < 0)
			goto out;
		if (!o->manifest_only && next_member(&r, &t, &e, "payload.age is missing") < 0)
			goto out;
	} else if (o->signer) {
		bundle_bad(&r, "not signed (no %s): it cannot be checked against '%s'", BUNDLE_SIG_NAME,
		    o->signer_name ? o->signer_name : "the signer");
		goto out;
	}
	if (o->manifest_only) {
		ret = 0;
		goto out;
	}
	if (read_payload(&r, &t, e) < 0)
		goto out;
	n = tar_reader_next(&t, &e);
	if (n != 0) {
		if (n > 0)
			bundle_bad(&r, "unexpected member '%.200s' after payload.age", e->name);
		goto out;
	}
	if (o->extract_dir && o->ids && bundle_extract_commit(&r) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0 && !res->exit_code)
		res->exit_code = DIAG_EXIT_CRYPTO;
	bundle_extract_abort(&r);
	tar_reader_release(&t);
	free(r.payload_name);
	free(outer_name);
	return ret;
}

/* The length of the header diag writes for payload.age in a bundle with manifest m. */
static uint64_t payload_header_len(const struct manifest *m)
{
	struct strbuf h = STRBUF_INIT;
	uint64_t n;

	if (tar_file_header(&h, BUNDLE_PAYLOAD_NAME, m->payload_size, m->created, BUNDLE_OUTER_MODE) < 0)
		BUG("no tar header for the payload");
	n = h.len;
	strbuf_release(&h);
	return n;
}

int bundle_read_head(struct bytesrc *src, const struct bundle_read_options *o,
		     struct bundle_read_result *res)
{
	struct reader r = { 0 };
	struct tar_reader t;
	const struct tar_entry *e;
	char *outer_name = xasprintf("'%s'", o->name);
	uint64_t next;
	int ret = -1, n;

	r.o = o;
	r.res = res;
	r.dirfd = -1;
	res->exit_code = 0;
	tar_reader_init(&t, src, outer_name);
	if (read_manifest(&r, &t) < 0)
		goto out;
	next = t.entry.data_offset + t.entry.size + tar_padding(t.entry.size);
	n = tar_reader_next(&t, &e);
	if (n > 0 && !strcmp(e->name, BUNDLE_SIG_NAME)) {
		if (read_signature(&r, &t, e) < 0)
			goto out;
		next = e->data_offset + e->size + tar_padding(e->size);
	} else if (o->signer) {
		bundle_bad(&r, "no readable %s after manifest.json: the signature cannot be checked",
			   BUNDLE_SIG_NAME);
		goto out;
	} else if (n > 0 && !strcmp(e->name, BUNDLE_PAYLOAD_NAME)) {
		next = e->offset;
	} else {
		warning("'%s': the member after manifest.json is damaged: taken for payload.age", o->name);
	}
	res->payload_offset = next + payload_header_len(r.m);
	ret = 0;
out:
	if (ret < 0 && !res->exit_code)
		res->exit_code = DIAG_EXIT_CRYPTO;
	tar_reader_release(&t);
	free(outer_name);
	return ret;
}

int bundle_check_payload(struct bytesrc *src, const struct manifest *m, const char *name,
			 struct bundle_read_result *res)
{
	struct bundle_read_options o = { 0 };
	struct reader r = { 0 };
	int ret;

	o.name = name;
	r.o = &o;
	r.res = res;
	r.m = m;
	r.dirfd = -1;
	r.payload_name = xasprintf("'%s' payload", name);
	ret = read_inner(&r, src);
	if (ret < 0 && !res->exit_code)
		res->exit_code = DIAG_EXIT_CRYPTO;
	free(r.payload_name);
	return ret;
}

void bundle_read_result_release(struct bundle_read_result *res)
{
	manifest_free(res->manifest);
	res->manifest = NULL;
	strbuf_release(&res->manifest_text);
	minisign_sig_release(&res->sig);
	free(res->name);
	res->name = NULL;
	res->has_sig = res->sig_verified = false;
	res->exit_code = 0;
	res->files_checked = res->bytes_checked = res->payload_offset = 0;
}

int bundle_read_path(const char *path, struct bundle_read_options *o,
		     struct bundle_read_result *res)
{
	struct bundle_input in;
	const char *name = o->name;
	int ret = bundle_input_open(&in, path, 0);

	if (ret) {
		res->exit_code = ret;
		free(res->name);
		res->name = xstrdup(name ? name : path);
		bundle_input_close(&in);
		return -1;
	}
	if (!o->name)
		o->name = in.name;
	o->input = &in;
	ret = bundle_read(&in.src, o, res);
	if (ret < 0 && in.split && in.split->sums_path && res->exit_code == DIAG_EXIT_CRYPTO &&
	    split_verify(in.split) > 0)
		error("'%s': the damaged parts are named above; 'diag verify' says more", in.name);
	o->input = NULL;
	free(res->name);
	res->name = xstrdup(o->name);
	o->name = name; /* it may point into in */
	bundle_input_close(&in);
	return ret;
}

int bundle_load_identities(struct age_identities *ids, char *const *id_files, size_t n)
{
	struct age_passphrase_source pass;
	struct age_err err;

	age_passphrase_from_tty(&pass);
	for (size_t i = 0; i < n; i++) {
		if (age_identities_read_file(ids, id_files[i], &pass, &err) < 0) {
			char msg[512];

			error("%s", age_err_format(&err, strcmp(id_files[i], "-") ? id_files[i] : NULL,
						   msg, sizeof(msg)));
			return age_err_exit_code(&err);
		}
	}
	return 0;
}

int bundle_load_signer(struct minisign_pubkey *pk, const char *arg)
{
	int r = minisign_pubkey_load(pk, arg);

	return !r ? 0 : r == MINISIGN_ERR_IO ? DIAG_EXIT_IO : DIAG_EXIT_CRYPTO;
}

int bundle_read_keyed(const char *path, char *const *id_files, size_t n,
		      struct bundle_read_options *o, struct bundle_read_result *res)
{
	struct age_identities ids = AGE_IDENTITIES_INIT;
	int ret = bundle_load_identities(&ids, id_files, n);

	if (!ret) {
		o->ids = n ? &ids : NULL;
		if (bundle_read_path(path, o, res) < 0)
			ret = res->exit_code ? res->exit_code : DIAG_EXIT_CRYPTO;
		o->ids = NULL;
	}
	age_identities_release(&ids);
	return ret;
}
