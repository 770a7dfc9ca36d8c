// SPDX-License-Identifier: MIT
/*
 * bundle_seal.c - the seal back end: redacted files -> gzip tar -> age -> bundle
 *
 * Phase 1, while collecting. Each file's redacted bytes are cut into blocks
 * of BLOCK_SIZE; a pool of threads deflates the blocks in parallel (raw
 * deflate, ended with a sync flush so that they concatenate into one
 * stream). A file's first block and its tar header start from an empty
 * dictionary: that is where decoding can restart (the manifest records the
 * offset, for salvage). Later blocks of the same file are primed with the
 * previous 32 KiB, so that cutting costs next to nothing in ratio.
 * Compressed blocks are encrypted (ChaCha20-Poly1305, a random key that
 * never leaves this process, the block number as nonce) into a spool file
 * that has no name (O_TMPFILE next to the output): nothing unencrypted ever
 * reaches a disk, and whatever kills the process, the spool goes with it.
 *
 * Why a spool: a tar header holds the file's size, which is known only at
 * the end of the file (redaction changes sizes), and the manifest, which
 * comes first in the bundle, holds the payload's hash. So the payload is
 * assembled only once everything is known.
 *
 * Phase 2, finish(). The tar headers are made now, each compressed on its
 * own; the offsets of every file in the gzip stream are known, so the
 * manifest is complete; its copy (without the payload object) is the last
 * member of the inner tar. The size of payload.age follows from the
 * compressed size (age's framing is fixed), hence the manifest's length.
 * The bundle is then written in one pass through an atomic_file: the age
 * stream at its final offset (hashed on the way), then the tar headers and
 * the manifest with the real hash in front of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <zlib.h>

#include "diag/bundle.h"
#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/tar.h"
#include "diag/util.h"

#define BLOCK_SIZE (256 * 1024)
#define DICT_SIZE 32768
#define GZIP_HEADER_SIZE 10
#define GZIP_TRAILER_SIZE 8
#define SPOOL_TAG crypto_aead_chacha20poly1305_ietf_ABYTES

struct block {
	struct block *next;           /* in the compression queue, done list, free list */
	struct block *hnext;          /* in the hash queue */
	int pending;                  /* consumers (compressor, hasher) not done yet */
	uint64_t seq;
	unsigned char *in;            /* uncompressed: BLOCK_SIZE + room for headers */
	size_t in_len;
	unsigned char dict[DICT_SIZE];
	size_t dict_len;
	unsigned char *out;           /* compressed, then encrypted, + the tag */
	size_t out_len, out_alloc;
	uint32_t crc;
	uint64_t spool_off;
	int err;                      /* errno of a failure in a worker */
	const char *what;             /* what failed */
	/* hashing: the file's content in this block (not its tar padding) */
	uint64_t file_seq;
	size_t hash_len;
	bool first, last;             /* the file's first and last content block */
	bool has_digest;
	unsigned char digest[32];     /* the file's SHA-256, set on its last block */
};

/* What phase 2 needs of each block, indexed by seq. */
struct spool_rec {
	uint64_t off;
	uint32_t clen, ulen, crc;
};

struct sealed_file {
	uint64_t file_seq;            /* index into digests */
	uint64_t hdr_seq;
	uint64_t first_seq, nblocks; /* content blocks, consecutive */
};

/* A FIFO of blocks, changed with the seal's lock held. */
struct queue {
	struct block *head, *tail;
	pthread_cond_t cv;
	bool hash;                    /* linked through hnext (a block is in both queues) */
};

struct seal {
	struct bundle_backend be;
	char *output;
	const struct age_recipients *recipients;
	int level, nthreads;
	/* the spool */
	int spool_fd;
	unsigned char *key;           /* sodium_malloc()ed */
	uint64_t spool_end;
	/* the pool */
	pthread_t *threads;
	int started;
	pthread_t hasher;
	bool hasher_started;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	struct queue work, hashq;     /* for the compressors, for the hasher */
	struct block *done, *free_blocks;
	size_t in_flight, max_in_flight, nblocks_alloc;
	bool stop;
	int werr;
	const char *werr_what;
	/* main-thread state */
	struct spool_rec *recs;
	size_t recs_alloc;
	uint64_t next_seq;
	struct sealed_file *files;
	size_t nfiles, files_alloc;
	unsigned char (*digests)[32]; /* by file_seq */
	size_t digests_alloc;
	uint64_t next_file_seq;
	struct block *cur;            /* the current file's open block */
	bool in_file, dropped;
	struct sealed_file curf;
	uint64_t cur_size;
	unsigned char tail[DICT_SIZE];
	size_t tail_len;
	/* phase 2 */
	const struct minisign_seckey *signer;
	struct bundle_seal_result *result;
	crypto_hash_sha256_state bundle_sha; /* of everything given to the sink */
	uint64_t bundle_size;
	struct bundle_sink *sink;     /* where the bundle goes */
	bool sink_open, own_sink;
	int payload_fd;               /* payload.age, anonymous, before it is copied out */
	crypto_hash_sha256_state sha;
	uint64_t written;
	int out_err;
};

/* ----------------------------------------------------------------- pool */

static struct block *block_new(void)
{
	struct block *b = xcalloc(1, sizeof(*b));

	b->in = xmalloc(BLOCK_SIZE + 4 * TAR_BLOCK + TAR_PAX_MAX);
	return b;
}

static void block_free(struct block *b)
{
	sodium_memzero(b->in, BLOCK_SIZE + 4 * TAR_BLOCK + TAR_PAX_MAX);
	sodium_memzero(b->dict, sizeof(b->dict));
	if (b->out)
		sodium_memzero(b->out, b->out_alloc);
	free(b->in);
	free(b->out);
	free(b);
}

/* Deflate b->in into b->out; the stream z is the calling thread's. */
static int block_deflate(z_stream *z, struct block *b, int flush)
{
	size_t bound = deflateBound(z, b->in_len) + 64 + SPOOL_TAG;

	if (deflateReset(z) != Z_OK)
		return -1;
	if (b->dict_len && deflateSetDictionary(z, b->dict, (uInt)b->dict_len) != Z_OK)
		return -1;
	if (b->out_alloc < bound) {
		free(b->out);
		b->out = xmalloc(bound);
		b->out_alloc = bound;
	}
	z->next_in = b->in;
	z->avail_in = (uInt)b->in_len;
	b->out_len = 0;
	for (;;) {
		int r;

		if (b->out_alloc - b->out_len < 64 + SPOOL_TAG) {
			b->out_alloc *= 2;
			b->out = xrealloc(b->out, b->out_alloc);
		}
		z->next_out = b->out + b->out_len;
		z->avail_out = (uInt)(b->out_alloc - b->out_len - SPOOL_TAG);
		r = deflate(z, flush);
		b->out_len = (size_t)(z->next_out - b->out);
		if (r == Z_STREAM_ERROR)
			return -1;
		if (flush == Z_FINISH ? r == Z_STREAM_END : (z->avail_in == 0 && z->avail_out > 0))
			break;
	}
	b->crc = (uint32_t)crc32(0, b->in, (uInt)b->in_len);
	return 0;
}

static void spool_nonce(unsigned char nonce[12], uint64_t seq)
{
	memset(nonce, 0, 12);
	for (int i = 0; i < 8; i++)
		nonce[i] = (unsigned char)(seq >> (8 * i));
}

/* Encrypt b->out in place (tag appended) and write it to the spool. */
static int block_spool(struct seal *s, struct block *b)
{
	unsigned char nonce[12];
	unsigned long long maclen;

	spool_nonce(nonce, b->seq);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(b->out, b->out + b->out_len, &maclen,
							   b->out, b->out_len, NULL, 0, NULL,
							   nonce, s->key);
	pthread_mutex_lock(&s->lock);
	b->spool_off = s->spool_end;
	s->spool_end += b->out_len + SPOOL_TAG;
	pthread_mutex_unlock(&s->lock);
	for (size_t done = 0; done < b->out_len + SPOOL_TAG; ) {
		ssize_t n = pwrite(s->spool_fd, b->out + done, b->out_len + SPOOL_TAG - done,
				   (off_t)(b->spool_off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			b->err = n < 0 ? errno : ENOSPC;
			b->what = "cannot write the spool file";
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static struct block **queue_link(const struct queue *q, struct block *b)
{
	return q->hash ? &b->hnext : &b->next;
}

/* With the lock held. */
static void queue_push(struct queue *q, struct block *b)
{
	*queue_link(q, b) = NULL;
	if (q->tail)
		*queue_link(q, q->tail) = b;
	else
		q->head = b;
	q->tail = b;
	pthread_cond_signal(&q->cv);
}

/* The next block of q, waiting for one; NULL once the pool stops and q is empty. */
static struct block *queue_pop(struct seal *s, struct queue *q)
{
	struct block *b;

	pthread_mutex_lock(&s->lock);
	while (!q->head && !s->stop)
		pthread_cond_wait(&q->cv, &s->lock);
	b = q->head;
	if (b) {
		q->head = *queue_link(q, b);
		if (!q->head)
			q->tail = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return b;
}

/* One consumer is done with b; the last one hands it back to the main thread. */
static void block_done(struct seal *s, struct block *b)
{
	pthread_mutex_lock(&s->lock);
	if (!--b->pending) {
		b->next = s->done;
		s->done = b;
		pthread_cond_signal(&s->done_cv);
	}
	pthread_mutex_unlock(&s->lock);
}

static void *worker(void *arg)
{
	struct seal *s = arg;
	z_stream z;
	int zok;

	memset(&z, 0, sizeof(z));
	zok = deflateInit2(&z, s->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
	for (;;) {
		struct block *b = queue_pop(s, &s->work);

		if (!b)
			break;
		b->err = 0;
		if (!zok || block_deflate(&z, b, Z_SYNC_FLUSH) < 0) {
			b->err = ENOMEM;
			b->what = "cannot compress";
		} else {
			block_spool(s, b);
		}
		block_done(s, b);
	}
	if (zok)
		deflateEnd(&z);
	return NULL;
}

/* The hasher: every content block, in the order submitted, into its file's SHA-256. */
static void *hasher(void *arg)
{
	struct seal *s = arg;
	crypto_hash_sha256_state sha;

	for (;;) {
		struct block *b = queue_pop(s, &s->hashq);

		if (!b)
			break;
		if (b->first)
			crypto_hash_sha256_init(&sha);
		crypto_hash_sha256_update(&sha, b->in, b->hash_len);
		if (b->last) {
			crypto_hash_sha256_final(&sha, b->digest);
			b->has_digest = true;
		}
		block_done(s, b);
	}
	sodium_memzero(&sha, sizeof(sha));
	return NULL;
}

/* With the lock held: move finished blocks to the index and the free list. */
static void harvest(struct seal *s)
{
	while (s->done) {
		struct block *b = s->done;

		s->done = b->next;
		if (b->err && !s->werr) {
			s->werr = b->err;
			s->werr_what = b->what;
		}
		s->recs[b->seq].off = b->spool_off;
		s->recs[b->seq].clen = (uint32_t)b->out_len;
		s->recs[b->seq].ulen = (uint32_t)b->in_len;
		s->recs[b->seq].crc = b->crc;
		if (b->has_digest) {
			ALLOC_GROW(s->digests, b->file_seq + 1, s->digests_alloc);
			memcpy(s->digests[b->file_seq], b->digest, 32);
		}
		sodium_memzero(b->in, b->in_len);
		b->next = s->free_blocks;
		s->free_blocks = b;
		s->in_flight--;
	}
}

static int pool_error(struct seal *s)
{
	errno = s->werr;
	return error_errno("%s", s->werr_what);
}

/*
 * Hand b to the pool, waiting while too many blocks are in flight: to the
 * compressors, and to the hasher too if it is a content block (hashed).
 */
static int submit(struct seal *s, struct block *b, bool hashed)
{
	b->seq = s->next_seq++;
	ALLOC_GROW(s->recs, s->next_seq, s->recs_alloc);
	memset(&s->recs[b->seq], 0, sizeof(s->recs[b->seq]));
	pthread_mutex_lock(&s->lock);
	harvest(s);
	while (s->in_flight >= s->max_in_flight && !s->werr) {
		pthread_cond_wait(&s->done_cv, &s->lock);
		harvest(s);
	}
	if (s->werr) {
		b->next = s->free_blocks;
		s->free_blocks = b;
		pthread_mutex_unlock(&s->lock);
		return pool_error(s);
	}
	b->pending = hashed ? 2 : 1;
	queue_push(&s->work, b);
	if (hashed)
		queue_push(&s->hashq, b);
	s->in_flight++;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static struct block *get_block(struct seal *s)
{
	struct block *b;

	pthread_mutex_lock(&s->lock);
	harvest(s);
	b = s->free_blocks;
	if (b)
		s->free_blocks = b->next;
	pthread_mutex_unlock(&s->lock);
	if (!b) {
		b = block_new();
		s->nblocks_alloc++;
	}
	b->next = b->hnext = NULL;
	b->in_len = b->dict_len = b->hash_len = 0;
	b->first = b->last = b->has_digest = false;
	return b;
}

/* Wait for every block in flight, then stop the threads. */
static void pool_stop(struct seal *s)
{
	pthread_mutex_lock(&s->lock);
	harvest(s);
	while (s->in_flight) {
		pthread_cond_wait(&s->done_cv, &s->lock);
		harvest(s);
	}
	s->stop = true;
	pthread_cond_broadcast(&s->work.cv);
	pthread_cond_broadcast(&s->hashq.cv);
	pthread_mutex_unlock(&s->lock);
	for (int i = 0; i < s->started; i++)
		pthread_join(s->threads[i], NULL);
	s->started = 0;
	if (s->hasher_started)
		pthread_join(s->hasher, NULL);
	s->hasher_started = false;
}

/* ---------------------------------------------------------------- files */

/*
 * Submit the current file's open block; last says it is the file's last.
 * An empty block that is not a file's last is simply recycled.
 */
static int submit_content(struct seal *s, bool last)
{
	struct block *b = s->cur;
	size_t keep;

	s->cur = NULL;
	if (!b->in_len) {
		pthread_mutex_lock(&s->lock);
		b->next = s->free_blocks;
		s->free_blocks = b;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	if (s->curf.nblocks) {
		memcpy(b->dict, s->tail, s->tail_len);
		b->dict_len = s->tail_len;
	}
	keep = MIN(b->in_len, (size_t)DICT_SIZE);
	memcpy(s->tail, b->in + b->in_len - keep, keep);
	s->tail_len = keep;
	b->file_seq = s->curf.file_seq;
	b->first = !s->curf.nblocks;
	b->last = last;
	if (submit(s, b, true) < 0)
		return -1;
	if (!s->curf.nblocks)
		s->curf.first_seq = b->seq;
	s->curf.nblocks++;
	return 0;
}

static int seal_file_begin(struct bundle_backend *be, const struct manifest_file *f)
{
	struct seal *s = (struct seal *)be;

	if (s->in_file)
		BUG("seal: file_begin inside a file");
	memset(&s->curf, 0, sizeof(s->curf));
	s->curf.file_seq = s->next_file_seq++;
	s->cur_size = 0;
	s->tail_len = 0;
	s->in_file = true;
	s->dropped = false;
	s->cur = get_block(s);
	return 0;
}

/*
 * Append to the current file. A full block is submitted only when more
 * bytes come, so that the file's last block is known as such at file_end.
 * Content (not padding) counts for the hash.
 */
static int append(struct seal *s, const void *buf, size_t len, bool content)
{
	const unsigned char *p = buf;

	while (len) {
		size_t n;

		if (s->cur->in_len == BLOCK_SIZE) {
			if (submit_content(s, false) < 0)
				return -1;
			s->cur = get_block(s);
		}
		n = MIN(len, (size_t)BLOCK_SIZE - s->cur->in_len);
		memcpy(s->cur->in + s->cur->in_len, p, n);
		s->cur->in_len += n;
		if (content)
			s->cur->hash_len += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int seal_file_write(struct bundle_backend *be, const void *buf, size_t len)
{
	struct seal *s = (struct seal *)be;

	if (!s->in_file || s->dropped)
		BUG("seal: file_write outside a file");
	s->cur_size += len;
	return append(s, buf, len, true);
}

static int seal_file_end(struct bundle_backend *be, const struct manifest_file *f)
{
	static const unsigned char zeros[TAR_BLOCK];
	struct seal *s = (struct seal *)be;
	struct strbuf hdr = STRBUF_INIT;
	struct block *b;

	if (!s->in_file || s->dropped)
		BUG("seal: file_end outside a file");
	if (f->size != s->cur_size)
		BUG("seal: file '%s' has %llu bytes, not %llu", f->path,
		    (unsigned long long)s->cur_size, (unsigned long long)f->size);
	if (!f->size) {
		/* no content block: the hash of nothing, now */
		ALLOC_GROW(s->digests, s->curf.file_seq + 1, s->digests_alloc);
		crypto_hash_sha256(s->digests[s->curf.file_seq], (const unsigned char *)"", 0);
	}
	if (append(s, zeros, tar_padding(f->size), false) < 0 || submit_content(s, true) < 0)
		return -1;
	if (tar_file_header(&hdr, f->path, f->size, f->mtime, BUNDLE_FILE_MODE) < 0)
		BUG("seal: no tar header for '%s'", f->path);
	b = get_block(s);
	memcpy(b->in, hdr.buf, hdr.len);
	b->in_len = hdr.len;
	strbuf_release(&hdr);
	if (submit(s, b, false) < 0)
		return -1;
	s->curf.hdr_seq = b->seq;
	ALLOC_GROW(s->files, s->nfiles + 1, s->files_alloc);
	s->files[s->nfiles++] = s->curf;
	s->in_file = false;
	return 0;
}

static int seal_file_drop(struct bundle_backend *be)
{
	struct seal *s = (struct seal *)be;

	/* Blocks already spooled are simply never referenced. */
	if (s->cur) {
		sodium_memzero(s->cur->in, s->cur->in_len);
		s->cur->in_len = 0;
		pthread_mutex_lock(&s->lock);
		s->cur->next = s->free_blocks;
		s->free_blocks = s->cur;
		pthread_mutex_unlock(&s->lock);
		s->cur = NULL;
	}
	sodium_memzero(s->tail, sizeof(s->tail));
	s->in_file = false;
	return 0;
}

/* An anonymous file in output's directory: O_TMPFILE, or a temporary name removed at once. */
static int spool_open(const char *output)
{
	char *dup = xstrdup(output), *dir = dirname(dup), *tmp;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		tmp = xasprintf("%s/.diag-spool.XXXXXX", dir);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
	}
	if (fd < 0)
		error_errno("cannot create a spool file in '%s'", dir);
	free(dup);
	return fd;
}

/* -------------------------------------------------------------- phase 2 */

/* The age encryptor's output: payload.age, hashed, into its anonymous file. */
static int out_write(void *ctx, const void *buf, size_t len)
{
	struct seal *s = ctx;

	crypto_hash_sha256_update(&s->sha, buf, len);
	s->written += len;
	if (fs_write_all(s->payload_fd, buf, len) < 0) {
		s->out_err = errno;
		return -1;
	}
	return 0;
}

static int age_fail(struct seal *s, const struct age_err *err)
{
	char msg[512];

	if (err->code == AGE_ERR_IO && s->out_err) {
		errno = s->out_err;
		return error_errno("cannot write the payload next to '%s'", s->output);
	}
	return error("%s", age_err_format(err, s->output, msg, sizeof(msg)));
}

/* Read block seq from the spool, check and decrypt it into buf (clen bytes). */
static int spool_read(struct seal *s, uint64_t seq, unsigned char *buf)
{
	const struct spool_rec *r = &s->recs[seq];
	unsigned char nonce[12];
	ssize_t n = pread(s->spool_fd, buf, (size_t)r->clen + SPOOL_TAG, (off_t)r->off);

	if (n < 0)
		return error_errno("cannot read the spool file");
	spool_nonce(nonce, seq);
	if ((size_t)n != (size_t)r->clen + SPOOL_TAG ||
	    crypto_aead_chacha20poly1305_ietf_decrypt_detached(buf, NULL, buf, r->clen,
							       buf + r->clen, NULL, 0, nonce,
							       s->key) < 0)
		return error("the spool file was damaged while diag was running (block %llu)",
			     (unsigned long long)seq);
	return 0;
}

static int feed(struct seal *s, struct age_encryptor *enc, const void *buf, size_t len)
{
	struct age_err err;

	if (age_encryptor_update(enc, buf, len, &err) < 0)
		return age_fail(s, &err);
	return 0;
}

/* The inner tar's last member and end: the manifest's sealed copy, compressed to the end. */
static int final_block(struct seal *s, const struct manifest *m, struct strbuf *out,
		       uint32_t *crc, uint64_t *ulen)
{
	struct strbuf tail = STRBUF_INIT, text = STRBUF_INIT;
	struct block b = { 0 };
	z_stream z;
	int ret = -1;

	manifest_serialize(m, &text, false);
	if (tar_file_header(&tail, MANIFEST_NAME, text.len, m->created, BUNDLE_FILE_MODE) < 0)
		BUG("seal: no tar header for the manifest");
	strbuf_add(&tail, text.buf, text.len);
	for (size_t i = tar_padding(text.len) + TAR_END_SIZE; i; i--)
		strbuf_addch(&tail, 0);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, s->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto out;
	b.in = (unsigned char *)tail.buf;
	b.in_len = tail.len;
	if (block_deflate(&z, &b, Z_FINISH) == 0) {
		strbuf_add(out, b.out, b.out_len);
		*crc = b.crc;
		*ulen = tail.len;
		ret = 0;
	}
	deflateEnd(&z);
out:
	free(b.out);
	strbuf_release(&tail);
	strbuf_release(&text);
	if (ret < 0)
		error("cannot compress the manifest");
	return ret;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Give len bytes of the bundle to the sink, hashing them. */
static int out(struct seal *s, const void *buf, size_t len)
{
	crypto_hash_sha256_update(&s->bundle_sha, buf, len);
	s->bundle_size += len;
	return s->sink->write(s->sink, buf, len);
}

/* Copy payload.age from its anonymous file to the sink. */
static int copy_payload(struct seal *s, uint64_t size)
{
	size_t bufsize = 1 << 20;
	unsigned char *buf = xmalloc(bufsize);
	uint64_t off = 0;
	int ret = 0;

	while (off < size) {
		ssize_t n = pread(s->payload_fd, buf, (size_t)MIN((uint64_t)bufsize, size - off),
				  (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? error_errno("cannot read back the payload") :
				error("the payload file shrank while diag was running");
			break;
		}
		if (out(s, buf, (size_t)n) < 0) {
			ret = -1;
			break;
		}
		off += (uint64_t)n;
	}
	free(buf);
	return ret;
}

/*
 * Sign the manifest text: the manifest.json.minisig member (header, the
 * four lines minisign writes, padding), appended to hdrs.
 */
static int add_signature(struct seal *s, const struct manifest *m, const struct strbuf *text,
			 const unsigned char manifest_sha[32], struct strbuf *hdrs)
{
	static const unsigned char zeros[TAR_BLOCK];
	struct strbuf comment = STRBUF_INIT, sig = STRBUF_INIT;
	unsigned char hash[MINISIGN_HASH_BYTES];
	struct minisign_hash h;
	int ret = -1;

	minisign_hash_init(&h);
	minisign_hash_update(&h, text->buf, text->len);
	minisign_hash_final(&h, hash);
	bundle_sig_comment(&comment, m, manifest_sha, diag_now());
	if (minisign_sign(s->signer, hash, comment.buf, "diag bundle manifest signature", &sig) < 0)
		goto out;
	if (sig.len > BUNDLE_SIG_MAX)
		BUG("seal: a signature of %zu bytes", sig.len);
	if (tar_file_header(hdrs, BUNDLE_SIG_NAME, sig.len, m->created, BUNDLE_OUTER_MODE) < 0)
		BUG("seal: no header for the signature");
	strbuf_add(hdrs, sig.buf, sig.len);
	strbuf_add(hdrs, zeros, tar_padding(sig.len));
	ret = 0;
out:
	strbuf_release(&comment);
	strbuf_release(&sig);
	return ret;
}

static int seal_finish(struct bundle_backend *be, struct manifest *m)
{
	static const unsigned char gzip_header[GZIP_HEADER_SIZE] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, /* deflate, no flags, no mtime, Unix */
	};
	static const unsigned char zeros[TAR_END_SIZE];
	struct seal *s = (struct seal *)be;
	struct strbuf last = STRBUF_INIT, text = STRBUF_INIT, hdrs = STRBUF_INIT;
	struct age_encryptor *enc = NULL;
	struct age_err err;
	unsigned char *buf = NULL, trailer[GZIP_TRAILER_SIZE], manifest_sha[32];
	uint64_t off = GZIP_HEADER_SIZE, n, chunks, ulen_total = 0, last_ulen;
	uint32_t crc = 0, last_crc;
	size_t buf_alloc = 0;
	int ret = -1;

	if (s->in_file)
		BUG("seal: finish inside a file");
	pool_stop(s);
	if (s->werr)
		return pool_error(s);
	if (s->nfiles != m->nfiles)
		BUG("seal: %zu files kept, the manifest lists %zu", s->nfiles, m->nfiles);

	/* Offsets and the gzip CRC, in payload order. */
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct sealed_file *f = &s->files[i];
		uint64_t csize = 0;

		for (uint64_t k = 0; k <= f->nblocks; k++) {
			const struct spool_rec *r = &s->recs[k ? f->first_seq + k - 1 : f->hdr_seq];

			csize += r->clen;
			crc = (uint32_t)crc32_combine(crc, r->crc, (z_off_t)r->ulen);
			ulen_total += r->ulen;
			buf_alloc = MAX(buf_alloc, (size_t)r->clen + SPOOL_TAG);
		}
		memcpy(m->files[i].sha256, s->digests[f->file_seq], 32);
		m->files[i].has_offset = true;
		m->files[i].offset = off;
		m->files[i].compressed_size = csize;
		off += csize;
	}
	if (final_block(s, m, &last, &last_crc, &last_ulen) < 0)
		return -1;
	crc = (uint32_t)crc32_combine(crc, last_crc, (z_off_t)last_ulen);
	ulen_total += last_ulen;
	put_le32(trailer, crc);
	put_le32(trailer + 4, (uint32_t)ulen_total);
	n = off + last.len + GZIP_TRAILER_SIZE;

	/* payload.age, into an anonymous file beside the output, hashed on the way. */
	s->payload_fd = spool_open(s->output);
	if (s->payload_fd < 0)
		goto out;
	crypto_hash_sha256_init(&s->sha);
	enc = age_encryptor_new(s->recipients, 0, out_write, s, &err);
	if (!enc) {
		age_fail(s, &err);
		goto out;
	}
	if (feed(s, enc, gzip_header, sizeof(gzip_header)) < 0)
		goto out;
	buf = xmalloc(buf_alloc ? buf_alloc : 1);
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct sealed_file *f = &s->files[i];

		for (uint64_t k = 0; k <= f->nblocks; k++) {
			uint64_t seq = k ? f->first_seq + k - 1 : f->hdr_seq;

			if (spool_read(s, seq, buf) < 0 || feed(s, enc, buf, s->recs[seq].clen) < 0)
				goto out;
		}
	}
	if (feed(s, enc, last.buf, last.len) < 0 || feed(s, enc, trailer, sizeof(trailer)) < 0)
		goto out;
	if (age_encryptor_finish(enc, &err) < 0) {
		age_fail(s, &err);
		goto out;
	}
	chunks = n ? (n + AGE_CHUNK_SIZE - 1) / AGE_CHUNK_SIZE : 1;
	if (s->written < n + chunks * AGE_TAG_SIZE)
		BUG("seal: payload.age is too short");
	m->has_payload = true;
	m->payload_compressed_size = n;
	m->payload_size = s->written;
	crypto_hash_sha256_final(&s->sha, m->payload_sha256);

	/* The bundle, front to back: manifest, its signature, payload, end. */
	manifest_serialize(m, &text, true);
	if (tar_file_header(&hdrs, MANIFEST_NAME, text.len, m->created, BUNDLE_OUTER_MODE) < 0)
		BUG("seal: no header for the manifest");
	strbuf_add(&hdrs, text.buf, text.len);
	strbuf_add(&hdrs, zeros, tar_padding(text.len));
	crypto_hash_sha256(manifest_sha, (const unsigned char *)text.buf, text.len);
	if (s->signer && add_signature(s, m, &text, manifest_sha, &hdrs) < 0)
		goto out;
	if (tar_file_header(&hdrs, BUNDLE_PAYLOAD_NAME, m->payload_size, m->created,
			    BUNDLE_OUTER_MODE) < 0)
		BUG("seal: no header for the payload");
	if (!s->sink && !(s->sink = bundle_sink_file(s->output)))
		goto out;
	s->sink_open = true;
	crypto_hash_sha256_init(&s->bundle_sha);
	if (out(s, hdrs.buf, hdrs.len) < 0 || copy_payload(s, m->payload_size) < 0 ||
	    out(s, zeros, tar_padding(m->payload_size)) < 0 || out(s, zeros, TAR_END_SIZE) < 0)
		goto out;
	s->sink_open = false;
	if (s->sink->commit(s->sink) < 0)
		goto out;
	if (s->result) {
		struct bundle_seal_result *r = s->result;

		memset(r, 0, sizeof(*r));
		crypto_hash_sha256_final(&s->bundle_sha, r->sha256);
		r->size = s->bundle_size;
		memcpy(r->manifest_sha256, manifest_sha, 32);
		r->parts = s->sink->parts;
		if (s->signer) {
			struct minisign_pubkey pk;

			minisign_seckey_pubkey(s->signer, &pk);
			minisign_key_id_hex(pk.key_id, r->signer);
			r->is_signed = true;
		}
	}
	ret = 0;
out:
	age_encryptor_free(enc);
	if (buf) {
		sodium_memzero(buf, buf_alloc);
		free(buf);
	}
	strbuf_release(&last);
	strbuf_release(&text);
	strbuf_release(&hdrs);
	return ret;
}

/* ------------------------------------------------------------- life cycle */

static void seal_abort(struct bundle_backend *be)
{
	struct seal *s = (struct seal *)be;

	pool_stop(s);
	if (s->sink_open) {
		s->sink->abort(s->sink);
		s->sink_open = false;
	}
}

static void seal_free(struct bundle_backend *be)
{
	struct seal *s = (struct seal *)be;

	pool_stop(s);
	if (s->sink_open)
		s->sink->abort(s->sink);
	if (s->sink && s->own_sink)
		s->sink->free(s->sink);
	if (s->cur)
		block_free(s->cur);
	while (s->free_blocks) {
		struct block *b = s->free_blocks;

		s->free_blocks = b->next;
		block_free(b);
	}
	if (s->spool_fd >= 0)
		close(s->spool_fd);
	if (s->payload_fd >= 0)
		close(s->payload_fd);
	sodium_free(s->key);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->work.cv);
	pthread_cond_destroy(&s->done_cv);
	pthread_cond_destroy(&s->hashq.cv);
	free(s->threads);
	free(s->recs);
	free(s->files);
	free(s->digests);
	free(s->output);
	sodium_memzero(s->tail, sizeof(s->tail));
	free(s);
}

struct bundle_backend *bundle_seal_new(const struct bundle_seal_options *o)
{
	struct seal *s;
	long cpus;

	struct stat st;

	if (!o->recipients || !o->recipients->nr) {
		error("no recipient to seal the bundle to");
		return NULL;
	}
	if (!o->sink && strcmp(o->output, "-") && lstat(o->output, &st) == 0) {
		error("'%s' already exists; not overwriting it", o->output);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->be.flags = BUNDLE_BACKEND_HASHES;
	s->be.file_begin = seal_file_begin;
	s->be.file_write = seal_file_write;
	s->be.file_end = seal_file_end;
	s->be.file_drop = seal_file_drop;
	s->be.finish = seal_finish;
	s->be.abort = seal_abort;
	s->be.free = seal_free;
	s->output = xstrdup(o->output);
	s->recipients = o->recipients;
	s->level = o->level > 0 && o->level <= 9 ? o->level : BUNDLE_DEFAULT_LEVEL;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	s->nthreads = o->threads > 0 ? o->threads : (int)MAX(1, MIN(cpus, 64));
	s->max_in_flight = 2 * (size_t)s->nthreads + 2;
	s->payload_fd = -1;
	s->sink = o->sink;
	s->own_sink = !o->sink;
	s->signer = o->signer;
	s->result = o->result;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work.cv, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	pthread_cond_init(&s->hashq.cv, NULL);
	s->hashq.hash = true;
	s->key = sodium_malloc(crypto_aead_chacha20poly1305_ietf_KEYBYTES);
	s->spool_fd = spool_open(o->output);
	if (!s->key || s->spool_fd < 0) {
		if (!s->key)
			error("cannot allocate secure memory");
		seal_free(&s->be);
		return NULL;
	}
	crypto_aead_chacha20poly1305_ietf_keygen(s->key);
	s->threads = xcalloc((size_t)s->nthreads, sizeof(pthread_t));
	for (int i = 0; i < s->nthreads; i++) {
		int e = pthread_create(&s->threads[i], NULL, worker, s);

		if (e) {
			errno = e;
			error_errno("cannot start a compression thread");
			seal_free(&s->be);
			return NULL;
		}
		s->started++;
	}
	if ((errno = pthread_create(&s->hasher, NULL, hasher, s))) {
		error_errno("cannot start a hashing thread");
		seal_free(&s->be);
		return NULL;
	}
	s->hasher_started = true;
	return &s->be;
}
