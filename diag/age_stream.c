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
#include <sched.h>
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
 * A pipeline: plaintext goes into a ring of slots (AGE_SLOT_CHUNKS chunks each).
 * A full slot is queued once more data has come (the last chunk carries a
 * flag), and its chunks are sealed by a helper thread while the caller goes
 * on reading and filling the next slots; libsodium's ChaCha20-Poly1305 is
 * slower than age's assembly, so reading, sealing and writing must overlap.
 * Chunks are claimed one at a time, oldest first, by whichever thread is
 * free: the caller too, when the ring is full or the input has ended. Only
 * the caller writes, slot by slot, in order. Without a helper (one CPU) the
 * same code runs in the caller alone, on a ring of two slots.
 *
 * Locking: e->lock guards the ring (head, used) and each slot's queued,
 * claimed and sealed. The helper touches only queued slots, and a slot stops
 * being queued (and may be refilled) only once all its chunks are sealed.
 */
#define SLOT_SIZE ((size_t)AGE_SLOT_CHUNKS * AGE_CHUNK_SIZE)
#define SLOT_CT_SIZE ((size_t)AGE_SLOT_CHUNKS * AGE_CHUNK_CT_SIZE)

struct slot {
	unsigned char *pt, *ct; /* allocated on first use */
	size_t len;             /* plaintext bytes */
	size_t nchunks;         /* set when queued: at least 1 */
	size_t claimed, sealed; /* chunks taken by a thread, chunks done */
	uint64_t counter0;      /* of its first chunk */
	bool final;             /* its last chunk ends the file */
	bool queued;
};

struct age_encryptor {
	age_write_fn write;
	void *ctx;
	struct age_armor_writer *armor;
	struct age_payload_key *key;
	uint64_t counter;   /* of the next chunk to queue */
	bool done;          /* finished, or failed */

	pthread_mutex_t lock;
	pthread_cond_t work;  /* the helper waits for chunks to seal */
	pthread_cond_t ready; /* the caller waits for a slot to be sealed */
	pthread_t helper;
	bool has_helper, helper_tried, quit;

	struct slot slots[AGE_NSLOTS];
	size_t nring;      /* slots in the ring: fixed before a second one is used */
	size_t head, used; /* the oldest slot in use; slots in use: queued, then held, then fill */
	struct slot *held; /* a full slot waiting to know whether more data comes */
	struct slot *fill; /* where plaintext goes */
};

/* The next chunk to seal, oldest first (its slot, or NULL). Under e->lock. */
static struct slot *claim(struct age_encryptor *e, size_t *chunk)
{
	for (size_t i = 0; i < e->used; i++) {
		struct slot *s = &e->slots[(e->head + i) % e->nring];

		if (!s->queued)
			break;
		if (s->claimed < s->nchunks) {
			*chunk = s->claimed++;
			return s;
		}
	}
	return NULL;
}

/* Seal chunk i of s (claimed, so no other thread touches it); e->lock is taken and held again. */
static void seal_claimed(struct age_encryptor *e, struct slot *s, size_t i)
{
	size_t off = i * AGE_CHUNK_SIZE;

	pthread_mutex_unlock(&e->lock);
	age_chunk_seal(e->key, s->counter0 + i, s->final && i == s->nchunks - 1, s->pt + off,
		       MIN((size_t)AGE_CHUNK_SIZE, s->len - off), s->ct + i * AGE_CHUNK_CT_SIZE);
	pthread_mutex_lock(&e->lock);
	if (++s->sealed == s->nchunks)
		pthread_cond_signal(&e->ready);
}

static void *helper_main(void *arg)
{
	struct age_encryptor *e = arg;
	struct slot *s;
	size_t i;

	pthread_mutex_lock(&e->lock);
	while (!e->quit) {
		if ((s = claim(e, &i)))
			seal_claimed(e, s, i);
		else
			pthread_cond_wait(&e->work, &e->lock);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

static long cpus_available(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
	return sysconf(_SC_NPROCESSORS_ONLN);
}

/*
 * Start the helper thread the first time more than one chunk is to be
 * sealed, if there are CPUs for it, and size the ring: at the latest when a
 * second slot is taken, so that slot 0 alone was used before.
 */
static void want_helper(struct age_encryptor *e)
{
	sigset_t all, old;

	if (e->helper_tried)
		return;
	e->helper_tried = true;
	if (cpus_available() < 2)
		return;
	/* Signals are for the main thread (fsutil's cleanup handler). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e->nring = AGE_NSLOTS; /* the helper reads it */
	e->has_helper = pthread_create(&e->helper, NULL, helper_main, e) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!e->has_helper)
		e->nring = 2;
}

static void helper_stop(struct age_encryptor *e)
{
	if (!e->has_helper)
		return;
	pthread_mutex_lock(&e->lock);
	e->quit = true;
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->lock);
	pthread_join(e->helper, NULL);
	e->has_helper = false;
}

static int emit(struct age_encryptor *e, const void *buf, size_t len, struct age_err *err)
{
	if (e->armor)
		return age_armor_writer_update(e->armor, buf, len, err);
	errno = 0;
	if (e->write(e->ctx, buf, len) < 0)
		return write_failed(err);
	return 0;
}

/* Queue s: its chunks may now be sealed by any thread. */
static void submit(struct age_encryptor *e, struct slot *s, bool final)
{
	s->nchunks = s->len ? (s->len + AGE_CHUNK_SIZE - 1) / AGE_CHUNK_SIZE : 1;
	s->counter0 = e->counter;
	s->final = final;
	e->counter += s->nchunks;
	if (s->nchunks > 1)
		want_helper(e);
	pthread_mutex_lock(&e->lock);
	s->claimed = s->sealed = 0;
	s->queued = true;
	pthread_cond_signal(&e->work);
	pthread_mutex_unlock(&e->lock);
}

/*
 * Write out the oldest slot (queued), once sealed, and free it. This thread
 * seals chunks too while it waits, the oldest first. wait: false to do
 * nothing if the slot is not sealed yet. 1 if it was not, -1 on a write error.
 */
static int retire(struct age_encryptor *e, bool wait, struct age_err *err)
{
	struct slot *s = &e->slots[e->head], *c;
	bool sealed;
	size_t i;

	pthread_mutex_lock(&e->lock);
	while (s->sealed < s->nchunks && wait) {
		if ((c = claim(e, &i)))
			seal_claimed(e, c, i);
		else
			pthread_cond_wait(&e->ready, &e->lock);
	}
	sealed = s->sealed == s->nchunks;
	pthread_mutex_unlock(&e->lock);
	if (!sealed)
		return 1;
	if (emit(e, s->ct, s->len + s->nchunks * AGE_TAG_SIZE, err) < 0)
		return -1;
	pthread_mutex_lock(&e->lock);
	s->queued = false;
	e->head = (e->head + 1) % e->nring;
	e->used--;
	pthread_mutex_unlock(&e->lock);
	return 0;
}

/* Whether the oldest slot in use is queued (everything before held and fill is). */
static bool head_queued(const struct age_encryptor *e)
{
	return e->used && &e->slots[e->head] != e->held && &e->slots[e->head] != e->fill;
}

/* A free slot for plaintext, after writing out what is sealed. NULL on a write error. */
static struct slot *acquire(struct age_encryptor *e, struct age_err *err)
{
	struct slot *s;
	int ret;

	if (e->used)
		want_helper(e);
	while (head_queued(e) && (ret = retire(e, e->used == e->nring, err)) != 1) {
		if (ret < 0)
			return NULL;
	}
	s = &e->slots[(e->head + e->used) % e->nring];
	if (!s->pt) {
		s->pt = xmalloc(SLOT_SIZE);
		s->ct = xmalloc(SLOT_CT_SIZE);
	}
	s->len = 0;
	pthread_mutex_lock(&e->lock);
	e->used++;
	pthread_mutex_unlock(&e->lock);
	return s;
}

static int enc_fail(struct age_encryptor *e)
{
	e->done = true;
	return -1;
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
	e->nring = 2;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->work, NULL);
	pthread_cond_init(&e->ready, NULL);
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
	e->fill = acquire(e, err);
	return e;
}

void *age_encryptor_buffer(struct age_encryptor *e, size_t *room, struct age_err *err)
{
	if (e->done) {
		age_err_set(err, AGE_ERR_IO, "the encryption was already finished or failed");
		return NULL;
	}
	if (e->fill->len == SLOT_SIZE) {
		/* Queued as "not last" only once more data has come. */
		e->held = e->fill;
		if (!(e->fill = acquire(e, err))) {
			enc_fail(e);
			return NULL;
		}
	}
	*room = SLOT_SIZE - e->fill->len;
	return e->fill->pt + e->fill->len;
}

int age_encryptor_commit(struct age_encryptor *e, size_t n, struct age_err *err)
{
	if (e->done)
		return age_err_set(err, AGE_ERR_IO, "the encryption was already finished or failed");
	if (n > SLOT_SIZE - e->fill->len)
		BUG("age: %zu bytes committed, %zu were free", n, SLOT_SIZE - e->fill->len);
	e->fill->len += n;
	if (n && e->held) {
		submit(e, e->held, false);
		e->held = NULL;
	}
	return 0;
}

/* Seal SLOT_SIZE bytes straight from the caller's buffer and write them: no helper, nothing queued. */
static int seal_direct(struct age_encryptor *e, const unsigned char *in, struct age_err *err)
{
	for (size_t i = 0; i < AGE_SLOT_CHUNKS; i++)
		age_chunk_seal(e->key, e->counter++, false, in + i * AGE_CHUNK_SIZE, AGE_CHUNK_SIZE,
			       e->fill->ct + i * AGE_CHUNK_CT_SIZE);
	return emit(e, e->fill->ct, SLOT_CT_SIZE, err);
}

int age_encryptor_update(struct age_encryptor *e, const void *buf, size_t len, struct age_err *err)
{
	const unsigned char *p = buf;

	if (e->done)
		return age_err_set(err, AGE_ERR_IO, "the encryption was already finished or failed");
	while (len) {
		unsigned char *dst;
		size_t n;

		if (len > SLOT_SIZE)
			want_helper(e);
		/*
		 * Alone, copying would only cost time: a whole slot with more
		 * after it is sealed from buf, once what came before is out.
		 */
		if (!e->has_helper && !e->held && !e->fill->len && len > SLOT_SIZE) {
			while (head_queued(e)) {
				if (retire(e, true, err) < 0)
					return enc_fail(e);
			}
			if (seal_direct(e, p, err) < 0)
				return enc_fail(e);
			p += SLOT_SIZE;
			len -= SLOT_SIZE;
			continue;
		}
		if (!(dst = age_encryptor_buffer(e, &n, err)))
			return -1;
		n = MIN(n, len);
		memcpy(dst, p, n);
		if (age_encryptor_commit(e, n, err) < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int age_encryptor_finish(struct age_encryptor *e, struct age_err *err)
{
	if (e->done)
		return age_err_set(err, AGE_ERR_IO, "the encryption was already finished or failed");
	e->done = true;
	/* Full chunks, then the last: empty only when the whole plaintext is. */
	if (e->held) {
		/* fill is empty and last in the ring: give it back. */
		pthread_mutex_lock(&e->lock);
		e->used--;
		pthread_mutex_unlock(&e->lock);
		e->fill = e->held;
		e->held = NULL;
	}
	submit(e, e->fill, true);
	e->fill = NULL;
	while (e->used) {
		if (retire(e, true, err) < 0)
			return -1;
	}
	if (e->armor)
		return age_armor_writer_finish(e->armor, err);
	return 0;
}

void age_encryptor_free(struct age_encryptor *e)
{
	if (!e)
		return;
	helper_stop(e);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->work);
	pthread_cond_destroy(&e->ready);
	age_armor_writer_free(e->armor);
	age_payload_key_free(e->key);
	for (size_t i = 0; i < AGE_NSLOTS; i++) {
		wipe_free(e->slots[i].pt, SLOT_SIZE);
		wipe_free(e->slots[i].ct, SLOT_CT_SIZE);
	}
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
