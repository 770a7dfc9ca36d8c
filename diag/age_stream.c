// SPDX-License-Identifier: MIT
/*
 * age_stream.c - the streaming encryptor and decryptor (push API)
 *
 * Both hold a fixed buffer and nothing that grows with the file. The
 * encryptor keeps the last full chunks back until it knows whether more
 * follows (the last chunk carries a flag). The decryptor releases a chunk's
 * plaintext only once the chunk has authenticated, and reads the file the
 * way age does: a full chunk is tried as "not last", then as "last"; a short
 * one must be last; EOF without a last chunk, or any byte after it, fails.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sodium.h>

#include "diag/age_armor.h"
#include "diag/error.h"
#include "age_internal.h"

static int write_failed(struct age_err *err)
{
	return age_err_set(err, AGE_ERR_IO, "cannot write the output: %s",
			   strerror(errno ? errno : EIO));
}

static void wipe_free(void *p, size_t n)
{
	if (p) {
		sodium_memzero(p, n);
		free(p);
	}
}

/* -------------------------------------------------------------- encryptor */

/*
 * Chunks are sealed BATCH at a time (1 MiB), half of them by a helper
 * thread when the host has more than one CPU: libsodium's ChaCha20-Poly1305
 * alone is slower than age's assembly, and STREAM chunks are independent.
 * The helper only seals; all output is written by the caller's thread, in
 * order.
 */
#define BATCH 16

/* Seal chunks [first, first + count) of a run of len plaintext bytes starting at chunk counter0. */
struct seal_job {
	const struct age_payload_key *key;
	const unsigned char *in;
	unsigned char *out;
	size_t len;
	size_t first, count, nchunks;
	uint64_t counter0;
	bool final; /* the run ends the file */
};

struct helper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct seal_job job;
	bool busy, quit;
};

static void run_job(const struct seal_job *j)
{
	for (size_t i = j->first; i < j->first + j->count; i++) {
		size_t off = i * AGE_CHUNK_SIZE, n = MIN((size_t)AGE_CHUNK_SIZE, j->len - off);

		age_chunk_seal(j->key, j->counter0 + i, j->final && i == j->nchunks - 1,
			       j->in + off, n, j->out + i * AGE_CHUNK_CT_SIZE);
	}
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->busy && !h->quit)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->quit)
			break;
		pthread_mutex_unlock(&h->lock);
		run_job(&h->job);
		pthread_mutex_lock(&h->lock);
		h->busy = false;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* A helper thread, or NULL on a single CPU or if none can be started. */
static struct helper *helper_start(void)
{
	struct helper *h;
	sigset_t all, old;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	/* Signals are for the main thread (fsutil's cleanup handler). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&h->thread, NULL, helper_main, h) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_mutex_destroy(&h->lock);
		pthread_cond_destroy(&h->cond);
		free(h);
		return NULL;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return h;
}

static void helper_stop(struct helper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->quit = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
	free(h);
}

struct age_encryptor {
	age_write_fn write;
	void *ctx;
	struct age_armor_writer *armor;
	struct age_payload_key *key;
	struct helper *helper;
	bool helper_tried;
	uint64_t counter;
	size_t npt;     /* plaintext bytes waiting in pt */
	bool done;      /* finished, or failed */
	unsigned char *pt; /* BATCH chunks */
	unsigned char *ct;
};

static int emit(struct age_encryptor *e, const void *buf, size_t len, struct age_err *err)
{
	if (e->armor)
		return age_armor_writer_update(e->armor, buf, len, err);
	errno = 0;
	if (e->write(e->ctx, buf, len) < 0)
		return write_failed(err);
	return 0;
}

struct age_encryptor *age_encryptor_new(const struct age_recipients *rcpts, unsigned flags,
					age_write_fn write, void *ctx, struct age_err *err)
{
	struct age_encryptor *e = xcalloc(1, sizeof(*e));
	unsigned char *file_key = age_secure_alloc(AGE_FILE_KEY_SIZE);
	unsigned char nonce[AGE_NONCE_SIZE];
	struct strbuf hdr = STRBUF_INIT;
	int ret;

	e->write = write;
	e->ctx = ctx;
	if (flags & AGE_ARMOR)
		e->armor = age_armor_writer_new(write, ctx);
	ret = age_header_build(rcpts, file_key, &hdr, err);
	if (ret == 0) {
		randombytes_buf(nonce, sizeof(nonce));
		strbuf_add(&hdr, nonce, sizeof(nonce));
		e->key = age_payload_key_derive(file_key, nonce);
		ret = emit(e, hdr.buf, hdr.len, err);
	}
	sodium_free(file_key);
	strbuf_release(&hdr);
	if (ret < 0) {
		age_encryptor_free(e);
		return NULL;
	}
	e->pt = xmalloc(BATCH * AGE_CHUNK_SIZE);
	e->ct = xmalloc(BATCH * AGE_CHUNK_CT_SIZE);
	return e;
}

/* Seal len bytes of plaintext (whole chunks, unless final) and write them out. */
static int seal(struct age_encryptor *e, const unsigned char *in, size_t len, bool final,
		struct age_err *err)
{
	size_t nchunks = len ? (len + AGE_CHUNK_SIZE - 1) / AGE_CHUNK_SIZE : 1;
	struct seal_job job = { e->key, in, e->ct, len, 0, nchunks, nchunks, e->counter, final };
	size_t out = len + nchunks * AGE_TAG_SIZE;

	if (nchunks > 1 && !e->helper_tried) {
		e->helper = helper_start();
		e->helper_tried = true;
	}
	if (e->helper && nchunks > 1) {
		struct helper *h = e->helper;

		/* The helper takes the second half, this thread the first. */
		job.count = nchunks / 2;
		pthread_mutex_lock(&h->lock);
		h->job = job;
		h->job.first = job.count;
		h->job.count = nchunks - job.count;
		h->busy = true;
		pthread_cond_broadcast(&h->cond);
		pthread_mutex_unlock(&h->lock);
		run_job(&job);
		pthread_mutex_lock(&h->lock);
		while (h->busy)
			pthread_cond_wait(&h->cond, &h->lock);
		pthread_mutex_unlock(&h->lock);
	} else {
		run_job(&job);
	}
	e->counter += nchunks;
	return emit(e, e->ct, out, err);
}

int age_encryptor_update(struct age_encryptor *e, const void *buf, size_t len, struct age_err *err)
{
	const size_t batch = BATCH * AGE_CHUNK_SIZE;
	const unsigned char *p = buf;

	if (e->done)
		return age_err_set(err, AGE_ERR_IO, "the encryption was already finished or failed");
	while (len) {
		size_t n;

		/* A full batch is sealed as "not last" only once more data has come. */
		if (e->npt == batch) {
			if (seal(e, e->pt, batch, false, err) < 0)
				goto fail;
			e->npt = 0;
		}
		if (!e->npt && len > batch) {
			if (seal(e, p, batch, false, err) < 0)
				goto fail;
			p += batch;
			len -= batch;
			continue;
		}
		n = MIN(len, batch - e->npt);
		memcpy(e->pt + e->npt, p, n);
		e->npt += n;
		p += n;
		len -= n;
	}
	return 0;
fail:
	e->done = true;
	return -1;
}

int age_encryptor_finish(struct age_encryptor *e, struct age_err *err)
{
	if (e->done)
		return age_err_set(err, AGE_ERR_IO, "the encryption was already finished or failed");
	e->done = true;
	/* Full chunks, then the last: empty only when the whole plaintext is. */
	if (seal(e, e->pt, e->npt, true, err) < 0)
		return -1;
	if (e->armor)
		return age_armor_writer_finish(e->armor, err);
	return 0;
}

void age_encryptor_free(struct age_encryptor *e)
{
	if (!e)
		return;
	helper_stop(e->helper);
	age_armor_writer_free(e->armor);
	age_payload_key_free(e->key);
	wipe_free(e->pt, BATCH * AGE_CHUNK_SIZE);
	wipe_free(e->ct, BATCH * AGE_CHUNK_CT_SIZE);
	free(e);
}

/* -------------------------------------------------------------- decryptor */

enum dec_state {
	D_SNIFF,   /* armored or binary? */
	D_HEADER,  /* reading the header and the nonce */
	D_PAYLOAD, /* reading chunks */
	D_DONE,    /* the final chunk was released */
	D_FAILED,
};

#define SNIFF_MAX 1100         /* leading whitespace (1 KiB at most) and "-----" */
#define PARSE_EVERY 4096       /* re-parse an unfinished header this often, to fail early */

struct age_decryptor {
	const struct age_identities *ids;
	age_write_fn write;
	void *ctx;
	unsigned flags;
	enum dec_state state;
	struct age_armor_reader *armor;
	struct age_err err;   /* the first error of the binary layer, kept */

	char *hbuf;           /* D_SNIFF and D_HEADER: the bytes so far */
	size_t hlen, halloc;
	size_t line_start;    /* of the line being read in hbuf */
	size_t parsed_at;     /* hlen at the last parse */
	size_t hdr_len;       /* once the header is parsed */
	unsigned char *file_key; /* between the unwrapping and the nonce */

	struct age_payload_key *key;
	uint64_t counter;
	uint64_t released;
	size_t nct;
	unsigned char *ct;
	unsigned char *pt;
};

struct age_decryptor *age_decryptor_new(const struct age_identities *ids, unsigned flags,
					age_write_fn write, void *ctx)
{
	struct age_decryptor *d = xcalloc(1, sizeof(*d));

	d->ids = ids;
	d->write = write;
	d->ctx = ctx;
	d->flags = flags;
	d->state = D_SNIFF;
	return d;
}

uint64_t age_decryptor_released(const struct age_decryptor *d)
{
	return d->released;
}

/* Remember the binary layer's error: later calls, and the armor reader's caller, report it. */
static int dec_fail(struct age_decryptor *d, const struct age_err *err)
{
	if (err != &d->err)
		d->err = *err;
	d->state = D_FAILED;
	return -1;
}

static int release(struct age_decryptor *d, const unsigned char *in, size_t inlen, bool *last)
{
	if (age_chunk_open(d->key, d->counter, in, inlen, d->pt, last, &d->err) < 0)
		return dec_fail(d, &d->err);
	errno = 0;
	if (inlen > AGE_TAG_SIZE && d->write(d->ctx, d->pt, inlen - AGE_TAG_SIZE) < 0) {
		write_failed(&d->err);
		return dec_fail(d, &d->err);
	}
	d->released += inlen - AGE_TAG_SIZE;
	d->counter++;
	return 0;
}

static int payload_push(struct age_decryptor *d, const unsigned char *p, size_t len)
{
	while (len) {
		bool last = false;
		size_t n;

		if (d->state == D_DONE) {
			age_err_set(&d->err, AGE_ERR_PAYLOAD, "data after the final chunk");
			d->err.chunk = d->counter;
			return dec_fail(d, &d->err);
		}
		if (!d->nct && len >= AGE_CHUNK_CT_SIZE) {
			if (release(d, p, AGE_CHUNK_CT_SIZE, &last) < 0)
				return -1;
			p += AGE_CHUNK_CT_SIZE;
			len -= AGE_CHUNK_CT_SIZE;
		} else {
			n = MIN(len, AGE_CHUNK_CT_SIZE - d->nct);
			memcpy(d->ct + d->nct, p, n);
			d->nct += n;
			p += n;
			len -= n;
			if (d->nct < AGE_CHUNK_CT_SIZE)
				break;
			d->nct = 0;
			if (release(d, d->ct, AGE_CHUNK_CT_SIZE, &last) < 0)
				return -1;
		}
		if (last)
			d->state = D_DONE;
	}
	return 0;
}

/* The header is parsed and the nonce is in hbuf: derive the key and move on to the payload. */
static int start_payload(struct age_decryptor *d)
{
	size_t off = d->hdr_len + AGE_NONCE_SIZE;

	d->key = age_payload_key_derive(d->file_key, (unsigned char *)d->hbuf + d->hdr_len);
	sodium_free(d->file_key);
	d->file_key = NULL;
	d->ct = xmalloc(AGE_CHUNK_CT_SIZE);
	d->pt = xmalloc(AGE_CHUNK_SIZE);
	d->state = D_PAYLOAD;
	if (payload_push(d, (unsigned char *)d->hbuf + off, d->hlen - off) < 0)
		return -1;
	free(d->hbuf);
	d->hbuf = NULL;
	d->hlen = d->halloc = 0;
	return 0;
}

/* Parse what hbuf holds; on a complete header unwrap the file key. 1 if more is needed. */
static int try_header(struct age_decryptor *d)
{
	struct age_header h;
	int ret;

	d->parsed_at = d->hlen;
	ret = age_header_parse(&h, d->hbuf, d->hlen, &d->err);
	if (ret)
		return ret < 0 ? dec_fail(d, &d->err) : 1;
	d->hdr_len = h.len;
	d->file_key = age_secure_alloc(AGE_FILE_KEY_SIZE);
	ret = age_header_unwrap(&h, d->hbuf, d->ids, d->file_key, &d->err);
	age_header_release(&h);
	if (ret < 0)
		return dec_fail(d, &d->err);
	return 0;
}

/* Whether the bytes appended from 'from' complete a line starting with "---". */
static bool mac_line_done(struct age_decryptor *d, size_t from)
{
	bool done = false;

	for (size_t i = from; i < d->hlen; i++) {
		if (d->hbuf[i] != '\n')
			continue;
		if (i - d->line_start >= 3 && !memcmp(d->hbuf + d->line_start, "---", 3))
			done = true;
		d->line_start = i + 1;
	}
	return done;
}

static int header_push(struct age_decryptor *d, const unsigned char *p, size_t len)
{
	while (len && d->state == D_HEADER) {
		size_t room = (size_t)AGE_HEADER_MAX + AGE_NONCE_SIZE - d->hlen;
		size_t n = MIN(len, room), from = d->hlen;

		if (d->hlen + n > d->halloc) {
			d->halloc = MAX(d->halloc * 2, MIN((size_t)4096, room + d->hlen));
			d->halloc = MAX(d->halloc, d->hlen + n);
			d->hbuf = xrealloc(d->hbuf, d->halloc);
		}
		memcpy(d->hbuf + d->hlen, p, n);
		d->hlen += n;
		p += n;
		len -= n;
		if (!d->hdr_len && (mac_line_done(d, from) || d->hlen - d->parsed_at >= PARSE_EVERY ||
				    d->hlen > AGE_HEADER_MAX)) {
			if (try_header(d) < 0)
				return -1;
		}
		if (d->hdr_len && d->hlen >= d->hdr_len + AGE_NONCE_SIZE && start_payload(d) < 0)
			return -1;
	}
	return len ? payload_push(d, p, len) : 0;
}

static int binary_push(struct age_decryptor *d, const void *buf, size_t len)
{
	switch (d->state) {
	case D_SNIFF:
	case D_HEADER:
		return header_push(d, buf, len);
	case D_PAYLOAD:
	case D_DONE:
		return payload_push(d, buf, len);
	case D_FAILED:
		return -1;
	}
	return -1;
}

static int armor_sink(void *ctx, const void *buf, size_t len)
{
	return binary_push(ctx, buf, len);
}

/*
 * The armor reader failed. If the binary layer failed first, its error is
 * the one. Otherwise a header cut short by the armor error could already be
 * invalid: age parses it line by line and would say so; else it is an armor
 * error.
 */
static int armor_failed(struct age_decryptor *d, struct age_err *err)
{
	struct age_header h;

	if (d->state == D_FAILED) {
		*err = d->err;
		return -1;
	}
	if (d->state == D_HEADER && !d->hdr_len && d->hlen) {
		struct age_err herr;
		int ret = age_header_parse(&h, d->hbuf, d->hlen, &herr);

		if (ret == 0)
			age_header_release(&h);
		if (ret < 0)
			*err = herr;
	}
	return dec_fail(d, err);
}

/* Decide between armor and binary once the start of the input says which (or at the end). */
static int sniff(struct age_decryptor *d, bool at_end, struct age_err *err)
{
	int armored;
	char *buf = d->hbuf;
	size_t len = d->hlen;

	if (d->flags & AGE_DEC_ARMORED)
		armored = 1;
	else if (d->flags & AGE_DEC_BINARY)
		armored = 0;
	else
		armored = age_armor_sniff(buf, len);
	if (armored < 0 && !at_end)
		return 0;
	d->hbuf = NULL;
	d->hlen = d->halloc = 0;
	d->state = D_HEADER;
	if (armored > 0) {
		d->armor = age_armor_reader_new(armor_sink, d);
		if (age_armor_reader_update(d->armor, buf, len, err) < 0) {
			free(buf);
			return armor_failed(d, err);
		}
	} else if (binary_push(d, buf, len) < 0) {
		*err = d->err;
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

int age_decryptor_update(struct age_decryptor *d, const void *buf, size_t len, struct age_err *err)
{
	if (d->state == D_FAILED) {
		*err = d->err;
		return -1;
	}
	if (!len)
		return 0;
	if (d->state == D_SNIFF) {
		size_t n = MIN(len, SNIFF_MAX - d->hlen);

		if (d->hlen + n > d->halloc) {
			d->halloc = SNIFF_MAX;
			d->hbuf = xrealloc(d->hbuf, d->halloc);
		}
		memcpy(d->hbuf + d->hlen, buf, n);
		d->hlen += n;
		buf = (const char *)buf + n;
		len -= n;
		if (sniff(d, d->hlen == SNIFF_MAX, err) < 0)
			return -1;
		if (d->state == D_SNIFF)
			return 0;
	}
	if (!len)
		return 0;
	if (d->armor) {
		if (age_armor_reader_update(d->armor, buf, len, err) < 0)
			return armor_failed(d, err);
		return 0;
	}
	if (binary_push(d, buf, len) < 0) {
		*err = d->err;
		return -1;
	}
	return 0;
}

int age_decryptor_finish(struct age_decryptor *d, struct age_err *err)
{
	bool last;

	if (d->state == D_SNIFF && sniff(d, true, err) < 0)
		return -1;
	if (d->state == D_FAILED) {
		*err = d->err;
		return -1;
	}
	if (d->armor && age_armor_reader_finish(d->armor, err) < 0)
		return armor_failed(d, err);
	switch (d->state) {
	case D_HEADER:
		if (!d->hdr_len && try_header(d) < 0)
			break;
		if (!d->hlen)
			age_err_set(&d->err, AGE_ERR_NOT_AGE, "the file is empty");
		else if (!d->hdr_len)
			age_err_set(&d->err, AGE_ERR_HEADER, "the file ends within its header");
		else
			age_err_set(&d->err, AGE_ERR_HEADER, "the file ends before the payload nonce");
		dec_fail(d, &d->err);
		break;
	case D_PAYLOAD:
		if (!d->nct) {
			age_err_set(&d->err, AGE_ERR_PAYLOAD,
				    "the file is truncated: chunk %llu, the final one, is missing",
				    (unsigned long long)d->counter);
			d->err.chunk = d->counter;
			dec_fail(d, &d->err);
			break;
		}
		/* A short chunk can only be the final one. */
		if (d->nct < AGE_TAG_SIZE) {
			age_err_set(&d->err, AGE_ERR_PAYLOAD, "the file is truncated within chunk %llu",
				    (unsigned long long)d->counter);
			d->err.chunk = d->counter;
			dec_fail(d, &d->err);
			break;
		}
		if (release(d, d->ct, d->nct, &last) == 0)
			d->state = D_DONE;
		d->nct = 0;
		break;
	case D_DONE:
		return 0;
	case D_SNIFF:
	case D_FAILED:
		break;
	}
	if (d->state == D_DONE)
		return 0;
	*err = d->err;
	return -1;
}

void age_decryptor_free(struct age_decryptor *d)
{
	if (!d)
		return;
	age_armor_reader_free(d->armor);
	age_payload_key_free(d->key);
	if (d->file_key)
		sodium_free(d->file_key);
	free(d->hbuf);
	wipe_free(d->ct, AGE_CHUNK_CT_SIZE);
	wipe_free(d->pt, AGE_CHUNK_SIZE);
	free(d);
}
