// SPDX-License-Identifier: MIT
/* test_age.c - the age module: HKDF, the header parser, STREAM, keys and key files */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/age.h"
#include "diag/strbuf.h"
#include "diag/util.h"
#include "../../diag/age_internal.h"

static void unhex(const char *hex, unsigned char *out, size_t n)
{
	assert_int_equal(hex_decode(hex, out, n), 0);
}

/* RFC 5869 A.1 and A.3, truncated to L = 32 (the first block of the OKM). */
static void hkdf_matches_rfc5869_test_cases(void **state)
{
	unsigned char ikm[22], salt[13], out[32], want[32];
	char info[11];

	memset(ikm, 0x0b, sizeof(ikm));
	for (int i = 0; i < 13; i++)
		salt[i] = (unsigned char)i;
	for (int i = 0; i < 10; i++)
		info[i] = (char)(0xf0 + i);
	info[10] = '\0';
	age_hkdf_sha256(out, salt, sizeof(salt), ikm, sizeof(ikm), info);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf", want, 32);
	assert_memory_equal(out, want, 32);
	/* A.3: no salt, no info. */
	age_hkdf_sha256(out, NULL, 0, ikm, sizeof(ikm), "");
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d", want, 32);
	assert_memory_equal(out, want, 32);
}

/* On ASCII input, the decoder agrees with libsodium's (which is strict but for bytes >= 0x80). */
static void base64_agrees_with_libsodium_on_ascii(void **state)
{
	static const char alphabet[] = "AQgwBCa9+/=Z= \n-_";
	unsigned char a[16], b[16];
	char s[16];

	for (int round = 0; round < 50000; round++) {
		size_t n = randombytes_uniform(13), la = 0, lb = 0;
		bool padded = round & 1;
		int ra, rb;

		for (size_t i = 0; i < n; i++)
			s[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		ra = age_b64_decode(s, n, a, sizeof(a), &la, padded);
		rb = n ? sodium_base642bin(b, sizeof(b), s, n, NULL, &lb, NULL,
					   padded ? sodium_base64_VARIANT_ORIGINAL
						  : sodium_base64_VARIANT_ORIGINAL_NO_PADDING) : 0;
		if (ra != rb || (ra == 0 && (la != lb || memcmp(a, b, la))))
			fail_msg("'%.*s' (padded %d): ours %d, libsodium %d", (int)n, s, padded, ra, rb);
	}
}

static const char good_header[] =
	"age-encryption.org/v1\n"
	"-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\n"
	"hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE\n"
	"-> grease a b c\n"
	"\n"
	"--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n";

static int parse(const char *s, struct age_err *err)
{
	struct age_header h;
	int ret = age_header_parse(&h, s, strlen(s), err);

	age_header_release(&h);
	return ret;
}

static void header_parses_and_encodes_back_to_the_same_bytes(void **state)
{
	struct age_header h;
	struct strbuf out = STRBUF_INIT;
	struct age_err err;

	assert_int_equal(age_header_parse(&h, good_header, strlen(good_header), &err), 0);
	assert_int_equal(h.len, strlen(good_header));
	assert_int_equal(h.nr, 2);
	assert_string_equal(h.stanzas[0].type, "X25519");
	assert_int_equal(h.stanzas[0].body_len, 32);
	assert_string_equal(h.stanzas[1].type, "grease");
	assert_int_equal(h.stanzas[1].nargs, 3);
	assert_int_equal(h.stanzas[1].body_len, 0);
	assert_int_equal(h.mac_off, strlen(good_header) - 48);
	age_header_encode(&h, true, &out);
	assert_string_equal(out.buf, good_header);
	strbuf_release(&out);
	age_header_release(&h);
}

static void header_wants_more_for_every_prefix_of_a_good_one(void **state)
{
	struct age_err err;
	struct age_header h;

	for (size_t n = 0; n < strlen(good_header); n++) {
		int ret = age_header_parse(&h, good_header, n, &err);

		if (ret != 1)
			fail_msg("prefix of %zu bytes: %d (%s)", n, ret, err.msg);
	}
}

static void header_base64_must_be_canonical_and_unpadded(void **state)
{
	static const char *const bodies[] = {
		"hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE=",  /* padding */
		"hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLF",   /* non-zero trailing bits */
		"hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE\r", /* CR */
		"hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FL E",  /* space */
		"hjabGXwSLQ9c3S6Lw2i-S2Tu2fiwQHHslbBN6B41FLE",   /* URL alphabet */
		"hjabG",                                          /* length 1 mod 4 */
		"gUjEymFKMVXQ\xbb\xb4\x9b\xaaMHL48oYexjE3TIC0O0zGSqJ2aUY", /* bytes >= 0x80 (libsodium takes them) */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* > 64 */
	};
	struct age_err err;

	for (size_t i = 0; i < ARRAY_SIZE(bodies); i++) {
		char *s = xasprintf("age-encryption.org/v1\n-> X25519 abc\n%s\n--- "
				    "WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n", bodies[i]);

		if (parse(s, &err) != -1 || err.code != AGE_ERR_HEADER)
			fail_msg("body %zu accepted", i);
		free(s);
	}
	/* A full 64-column line must be followed by another line. */
	assert_int_equal(parse("age-encryption.org/v1\n-> a\n"
			       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
			       "--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n", &err), -1);
	/* The MAC: 43 canonical characters, one space before, nothing after. */
	assert_int_equal(parse("age-encryption.org/v1\n-> a\n\n--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNh\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\n-> a\n\n---  WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\n-> a\n\n--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcN\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\n-> a\n\n--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg \n", &err), -1);
}

static void header_rejects_bad_lines_and_binary_garbage_early(void **state)
{
	struct age_err err;
	unsigned char junk[100];

	assert_int_equal(parse("age-encryption.org/v1\n--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg\n", &err), -1);
	assert_string_equal(err.msg, "no recipient stanza");
	assert_int_equal(parse("age-encryption.org/v1\n->\n\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\n-> a  b\n\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\n-> a\tb\n\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\n->a\n\n", &err), -1);
	assert_int_equal(parse("age-encryption.org/v1\r\n", &err), -1);
	assert_int_equal(err.code, AGE_ERR_HEADER);
	assert_int_equal(parse("age-encryption.org/v2\n", &err), -1);
	assert_int_equal(err.code, AGE_ERR_HEADER);
	assert_int_equal(parse("PK\003\004", &err), -1);
	assert_int_equal(err.code, AGE_ERR_NOT_AGE);
	memcpy(junk, "age-encryption.org/v1\n-> X25519 ", 32);
	memset(junk + 32, 0xff, sizeof(junk) - 32);
	assert_int_equal(age_header_parse(&(struct age_header)AGE_HEADER_INIT, junk, sizeof(junk), &err), -1);
}

static void scrypt_stanzas_are_checked_strictly(void **state)
{
	static const char *const bad[] = {
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ 010",
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ +10",
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ 0x1",
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ 23",
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ 0",
		"-> scrypt rF0/NwblUHHTpgQgRpe5 10",
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ",
		"-> scrypt rF0/NwblUHHTpgQgRpe5CQ 10 x",
	};
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_payload_key *key;
	struct age_err err;
	size_t off;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *s = xasprintf("age-encryption.org/v1\n%s\n"
				    "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
				    "--- IOXiQYStkoT1mvZW2tFOqZdhRVvj58egABx/sWfZQbc\n0123456789abcdef", bad[i]);

		if (age_header_open(s, strlen(s), &ids, &key, &off, &err) != -1 ||
		    err.code != AGE_ERR_HEADER)
			fail_msg("'%s' was not a header failure (%s)", bad[i], err.msg);
		free(s);
	}
}

struct sink {
	struct strbuf out;
	size_t calls;
};

static int to_sink(void *ctx, const void *buf, size_t len)
{
	struct sink *s = ctx;

	strbuf_add(&s->out, buf, len);
	s->calls++;
	return 0;
}

static void encrypt_buf(const struct age_recipients *r, unsigned flags, const unsigned char *in,
			size_t len, size_t step, struct strbuf *out)
{
	struct sink s = { STRBUF_INIT, 0 };
	struct age_err err;
	struct age_encryptor *e = age_encryptor_new(r, flags, to_sink, &s, &err);

	assert_non_null(e);
	for (size_t pos = 0; pos < len; pos += step)
		assert_int_equal(age_encryptor_update(e, in + pos, MIN(step, len - pos), &err), 0);
	assert_int_equal(age_encryptor_finish(e, &err), 0);
	age_encryptor_free(e);
	*out = s.out;
}

static int decrypt_buf(const struct age_identities *ids, const struct strbuf *in, size_t step,
		       struct strbuf *out, struct age_err *err)
{
	struct sink s = { STRBUF_INIT, 0 };
	struct age_decryptor *d = age_decryptor_new(ids, 0, to_sink, &s);
	int ret = 0;

	for (size_t pos = 0; !ret && pos < in->len; pos += step)
		ret = age_decryptor_update(d, in->buf + pos, MIN(step, in->len - pos), err);
	if (!ret)
		ret = age_decryptor_finish(d, err);
	age_decryptor_free(d);
	*out = s.out;
	return ret;
}

static void stream_round_trips_at_chunk_boundaries(void **state)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072, 200000 };
	static const size_t steps[] = { 1000000, 65536, 4093, 1 };
	struct age_identity *id = age_identity_generate();
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_identities ids = AGE_IDENTITIES_INIT;
	unsigned char *in = xmalloc(200000);

	randombytes_buf(in, 200000);
	age_recipients_add(&r, age_identity_to_recipient(id));
	age_identities_add(&ids, id);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i], chunks = n ? (n + 65535) / 65536 : 1;

		for (size_t j = 0; j < ARRAY_SIZE(steps); j++) {
			struct strbuf ct, pt;
			struct age_err err;

			if (steps[j] == 1 && n > 70000)
				continue;
			encrypt_buf(&r, j % 2 ? AGE_ARMOR : 0, in, n, steps[j], &ct);
			if (!(j % 2))
				assert_int_equal(ct.len, 168 + 16 + n + 16 * chunks);
			assert_int_equal(decrypt_buf(&ids, &ct, steps[j], &pt, &err), 0);
			assert_int_equal(pt.len, n);
			assert_memory_equal(pt.buf, in, n);
			strbuf_release(&ct);
			strbuf_release(&pt);
		}
	}
	free(in);
	age_recipients_release(&r);
	age_identities_release(&ids);
}

/* Run the encryptor as on a host with one CPU (no helper thread); saved is for unpin_cpu(). */
static void pin_to_one_cpu(cpu_set_t *saved)
{
	cpu_set_t set;

	assert_int_equal(sched_getaffinity(0, sizeof(*saved), saved), 0);
	CPU_ZERO(&set);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, saved)) {
			CPU_SET(c, &set);
			break;
		}
	}
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
}

static void unpin_cpu(const cpu_set_t *saved)
{
	assert_int_equal(sched_setaffinity(0, sizeof(*saved), saved), 0);
}

#define SLOT ((size_t)AGE_SLOT_CHUNKS * AGE_CHUNK_SIZE)

/*
 * Feed in through the buffer API at most step bytes per commit, a zero
 * commit first each time, and asking for room once more at the end, as a
 * reader does before it sees the end of its input.
 */
static void encrypt_by_buffer(const struct age_recipients *r, const unsigned char *in, size_t len,
			      size_t step, struct strbuf *out)
{
	struct sink s = { STRBUF_INIT, 0 };
	struct age_err err;
	struct age_encryptor *e = age_encryptor_new(r, 0, to_sink, &s, &err);

	assert_non_null(e);
	for (size_t pos = 0, n = 1; n; pos += n) {
		size_t room;
		unsigned char *p = age_encryptor_buffer(e, &room, &err);

		assert_non_null(p);
		assert_true(room > 0);
		assert_int_equal(age_encryptor_commit(e, 0, &err), 0);
		n = MIN(MIN(room, step), len - pos);
		memcpy(p, in + pos, n);
		assert_int_equal(age_encryptor_commit(e, n, &err), 0);
	}
	assert_int_equal(age_encryptor_finish(e, &err), 0);
	age_encryptor_free(e);
	*out = s.out;
}

/* Like encrypt_buf, but each piece is overwritten once update() returns: it must not be read after. */
static void encrypt_scribbled(const struct age_recipients *r, const unsigned char *in, size_t len,
			      size_t step, struct strbuf *out)
{
	struct sink s = { STRBUF_INIT, 0 };
	struct age_err err;
	struct age_encryptor *e = age_encryptor_new(r, 0, to_sink, &s, &err);
	unsigned char *piece = xmalloc(step);

	assert_non_null(e);
	for (size_t pos = 0; pos < len; pos += step) {
		size_t n = MIN(step, len - pos);

		memcpy(piece, in + pos, n);
		assert_int_equal(age_encryptor_update(e, piece, n, &err), 0);
		memset(piece, 0xa5, n);
	}
	assert_int_equal(age_encryptor_finish(e, &err), 0);
	age_encryptor_free(e);
	free(piece);
	*out = s.out;
}

/* A key pair and len random bytes to encrypt with it. */
struct keyed_input {
	struct age_recipients r;
	struct age_identities ids;
	unsigned char *in;
};

static void keyed_input_init(struct keyed_input *k, size_t len)
{
	struct age_identity *id = age_identity_generate();

	k->r = (struct age_recipients)AGE_RECIPIENTS_INIT;
	k->ids = (struct age_identities)AGE_IDENTITIES_INIT;
	age_recipients_add(&k->r, age_identity_to_recipient(id));
	age_identities_add(&k->ids, id);
	k->in = xmalloc(len);
	randombytes_buf(k->in, len);
}

static void keyed_input_release(struct keyed_input *k)
{
	free(k->in);
	age_recipients_release(&k->r);
	age_identities_release(&k->ids);
}

/*
 * The pipeline queues slots of AGE_SLOT_CHUNKS chunks, AGE_NSLOTS of them
 * with a helper thread, 2 without: sizes around one and two slots, and past
 * a wrap of the ring,
 * fed whole, in odd pieces, in pieces larger than a slot, and through the
 * buffer API, on one CPU and on all.
 */
static void stream_round_trips_at_batch_boundaries(void **state)
{
	const size_t sizes[] = { SLOT - 1, SLOT, SLOT + 1, 2 * SLOT,
				 (AGE_NSLOTS + 1) * SLOT + 65537 };
	const size_t steps[] = { (AGE_NSLOTS + 2) * SLOT, SLOT + 7, 40961 };
	const size_t max = (AGE_NSLOTS + 1) * SLOT + 65537;
	struct keyed_input k;
	cpu_set_t saved;

	keyed_input_init(&k, max);
	for (int one = 0; one < 2; one++) {
		if (one)
			pin_to_one_cpu(&saved);
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			size_t n = sizes[i], chunks = (n + 65535) / 65536;

			for (size_t j = 0; j <= ARRAY_SIZE(steps) + 1; j++) {
				struct strbuf ct, pt;
				struct age_err err;

				if (j < ARRAY_SIZE(steps))
					encrypt_buf(&k.r, 0, k.in, n, steps[j], &ct);
				else if (j == ARRAY_SIZE(steps))
					encrypt_by_buffer(&k.r, k.in, n, 300007, &ct);
				else
					encrypt_scribbled(&k.r, k.in, n, 3 * SLOT + 1, &ct);
				assert_int_equal(ct.len, 168 + 16 + n + 16 * chunks);
				assert_int_equal(decrypt_buf(&k.ids, &ct, 1 << 20, &pt, &err), 0);
				assert_int_equal(pt.len, n);
				assert_memory_equal(pt.buf, k.in, n);
				strbuf_release(&ct);
				strbuf_release(&pt);
			}
		}
		if (one)
			unpin_cpu(&saved);
	}
	keyed_input_release(&k);
}

struct failing_sink {
	struct strbuf out;
	size_t calls, fail_at;
};

static int to_failing_sink(void *ctx, const void *buf, size_t len)
{
	struct failing_sink *s = ctx;

	if (++s->calls >= s->fail_at) {
		errno = ENOSPC;
		return -1;
	}
	strbuf_add(&s->out, buf, len);
	return 0;
}

/* A write that fails mid-stream fails the encryption, for good, and what was written is no whole file. */
static void a_write_error_mid_stream_fails_and_stays_failed(void **state)
{
	const size_t len = (AGE_NSLOTS + 3) * SLOT + 5;
	struct keyed_input k;
	cpu_set_t saved;

	keyed_input_init(&k, len);
	for (int one = 0; one < 2; one++) {
		if (one)
			pin_to_one_cpu(&saved);
		/* Call 1 writes the header; then a slot per call. */
		for (size_t fail_at = 2; fail_at <= 6; fail_at += 4) {
			struct failing_sink s = { STRBUF_INIT, 0, fail_at };
			struct age_err err = { 0 };
			struct age_encryptor *e = age_encryptor_new(&k.r, 0, to_failing_sink, &s, &err);
			struct strbuf pt;
			size_t room;
			int ret = 0;

			assert_non_null(e);
			for (size_t pos = 0; !ret && pos < len; pos += 100003)
				ret = age_encryptor_update(e, k.in + pos, MIN((size_t)100003, len - pos), &err);
			if (!ret)
				ret = age_encryptor_finish(e, &err);
			assert_int_equal(ret, -1);
			assert_int_equal(err.code, AGE_ERR_IO);
			assert_non_null(strstr(err.msg, "No space left"));
			/* Later calls fail too. */
			assert_int_equal(age_encryptor_update(e, k.in, 10, &err), -1);
			assert_null(age_encryptor_buffer(e, &room, &err));
			assert_int_equal(age_encryptor_finish(e, &err), -1);
			age_encryptor_free(e);
			assert_int_equal(decrypt_buf(&k.ids, &s.out, 1 << 20, &pt, &err), -1);
			assert_int_not_equal(err.code, AGE_ERR_IO);
			strbuf_release(&pt);
			strbuf_release(&s.out);
		}
		if (one)
			unpin_cpu(&saved);
	}
	keyed_input_release(&k);
}

static void each_file_gets_a_fresh_file_key_nonce_and_share(void **state)
{
	struct age_identity *id = age_identity_generate();
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct strbuf a, b;

	age_recipients_add(&r, age_identity_to_recipient(id));
	encrypt_buf(&r, 0, (const unsigned char *)"same", 4, 4, &a);
	encrypt_buf(&r, 0, (const unsigned char *)"same", 4, 4, &b);
	assert_int_equal(a.len, b.len);
	/* The X25519 share, the wrapped key, the MAC, the nonce and the payload all differ. */
	assert_memory_not_equal(a.buf + 32, b.buf + 32, 43);
	assert_memory_not_equal(a.buf + 76, b.buf + 76, 43);
	assert_memory_not_equal(a.buf + 124, b.buf + 124, 43);
	assert_memory_not_equal(a.buf + 168, b.buf + 168, 16);
	strbuf_release(&a);
	strbuf_release(&b);
	age_recipients_release(&r);
	age_identity_free(id);
}

static void chunks_decrypt_on_their_own_by_index(void **state)
{
	struct age_identity *id = age_identity_generate();
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_identities ids = AGE_IDENTITIES_INIT;
	unsigned char *in = xmalloc(3 * 65536 + 10), *pt = xmalloc(65536);
	struct age_payload_key *key;
	struct age_err err;
	struct strbuf ct;
	size_t off;
	bool last;

	randombytes_buf(in, 3 * 65536 + 10);
	age_recipients_add(&r, age_identity_to_recipient(id));
	age_identities_add(&ids, id);
	encrypt_buf(&r, 0, in, 3 * 65536 + 10, 100000, &ct);
	/* Not enough bytes yet: 1, and nothing unwrapped. */
	assert_int_equal(age_header_open(ct.buf, 170, &ids, &key, &off, &err), 1);
	assert_int_equal(age_header_open(ct.buf, ct.len, &ids, &key, &off, &err), 0);
	assert_int_equal(off, 168 + 16);
	/* Damage chunk 1: chunk 2 and 3 still decrypt, chunk 1 is named. */
	ct.buf[age_chunk_offset(off, 1) + 5] ^= 1;
	assert_int_equal(age_chunk_open(key, 1, ct.buf + age_chunk_offset(off, 1), AGE_CHUNK_CT_SIZE,
					pt, &last, &err), -1);
	assert_int_equal(err.code, AGE_ERR_PAYLOAD);
	assert_int_equal(err.chunk, 1);
	assert_int_equal(age_chunk_open(key, 2, ct.buf + age_chunk_offset(off, 2), AGE_CHUNK_CT_SIZE,
					pt, &last, &err), 0);
	assert_false(last);
	assert_memory_equal(pt, in + 2 * 65536, 65536);
	assert_int_equal(age_chunk_open(key, 3, ct.buf + age_chunk_offset(off, 3), 10 + 16, pt, &last, &err), 0);
	assert_true(last);
	assert_memory_equal(pt, in + 3 * 65536, 10);
	/* The wrong index or flag does not authenticate. */
	assert_int_equal(age_chunk_decrypt(key, 3, false, ct.buf + age_chunk_offset(off, 2),
					   AGE_CHUNK_CT_SIZE, pt, &err), -1);
	assert_int_equal(age_chunk_decrypt(key, 2, true, ct.buf + age_chunk_offset(off, 2),
					   AGE_CHUNK_CT_SIZE, pt, &err), -1);
	/* Short chunks can only be last; empty ones only as the whole payload. */
	assert_int_equal(age_chunk_decrypt(key, 3, false, ct.buf + age_chunk_offset(off, 3), 26, pt, &err), -1);
	assert_int_equal(age_chunk_decrypt(key, 3, true, ct.buf, 16, pt, &err), -1);
	assert_int_equal(age_chunk_decrypt(key, 3, true, ct.buf, 15, pt, &err), -1);
	age_payload_key_free(key);
	strbuf_release(&ct);
	free(in);
	free(pt);
	age_recipients_release(&r);
	age_identities_release(&ids);
}

static void headers_open_from_a_file_descriptor(void **state)
{
	struct age_identity *id = age_identity_generate();
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_payload_key *key;
	unsigned char pt[100];
	struct age_err err;
	struct strbuf ct;
	uint64_t off;
	bool last;
	FILE *f = tmpfile();
	int fd = fileno(f);

	age_recipients_add(&r, age_identity_to_recipient(id));
	age_identities_add(&ids, id);
	encrypt_buf(&r, 0, (const unsigned char *)"from a file", 11, 11, &ct);
	assert_int_equal(age_header_open_fd(fd, &ids, &key, &off, &err), -1);
	assert_int_equal(err.code, AGE_ERR_NOT_AGE);
	assert_int_equal(pwrite(fd, ct.buf, 100, 0), 100);
	assert_int_equal(age_header_open_fd(fd, &ids, &key, &off, &err), -1);
	assert_int_equal(err.code, AGE_ERR_HEADER);
	assert_int_equal(pwrite(fd, ct.buf, ct.len, 0), (ssize_t)ct.len);
	assert_int_equal(age_header_open_fd(fd, &ids, &key, &off, &err), 0);
	assert_int_equal(off, 184);
	assert_int_equal(age_chunk_open(key, 0, ct.buf + off, ct.len - off, pt, &last, &err), 0);
	assert_true(last);
	assert_memory_equal(pt, "from a file", 11);
	age_payload_key_free(key);
	fclose(f);
	strbuf_release(&ct);
	age_recipients_release(&r);
	age_identities_release(&ids);
}

static void decryptor_flags_force_binary_or_armor(void **state)
{
	struct age_identity *id = age_identity_generate();
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct sink s = { STRBUF_INIT, 0 };
	struct strbuf bin, arm;
	struct age_decryptor *d;
	struct age_err err;

	age_recipients_add(&r, age_identity_to_recipient(id));
	age_identities_add(&ids, id);
	encrypt_buf(&r, 0, (const unsigned char *)"x", 1, 1, &bin);
	encrypt_buf(&r, AGE_ARMOR, (const unsigned char *)"x", 1, 1, &arm);
	d = age_decryptor_new(&ids, AGE_DEC_BINARY, to_sink, &s);
	assert_int_equal(age_decryptor_update(d, arm.buf, arm.len, &err), -1);
	assert_int_equal(err.code, AGE_ERR_NOT_AGE);
	/* Once failed, it stays failed with the same error. */
	assert_int_equal(age_decryptor_finish(d, &err), -1);
	assert_int_equal(err.code, AGE_ERR_NOT_AGE);
	age_decryptor_free(d);
	d = age_decryptor_new(&ids, AGE_DEC_ARMORED, to_sink, &s);
	assert_int_equal(age_decryptor_update(d, bin.buf, bin.len, &err), -1);
	assert_int_equal(err.code, AGE_ERR_ARMOR);
	age_decryptor_free(d);
	d = age_decryptor_new(&ids, AGE_DEC_ARMORED, to_sink, &s);
	assert_int_equal(age_decryptor_update(d, arm.buf, arm.len, &err), 0);
	assert_int_equal(age_decryptor_finish(d, &err), 0);
	assert_int_equal(age_decryptor_released(d), 1);
	age_decryptor_free(d);
	assert_int_equal(s.out.len, 1);
	strbuf_release(&s.out);
	strbuf_release(&bin);
	strbuf_release(&arm);
	age_recipients_release(&r);
	age_identities_release(&ids);
}

static int fixed_passphrase(void *ctx, const char *prompt, bool confirm, char **out,
			    struct age_err *err)
{
	size_t n = strlen(ctx);

	*out = sodium_malloc(n + 1);
	memcpy(*out, ctx, n + 1);
	return 0;
}

static void passphrases_are_asked_only_when_needed_and_never_mixed(void **state)
{
	struct age_passphrase_source src = { fixed_passphrase, (void *)"pw" };
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_identity *id = age_identity_generate();
	struct strbuf ct, pt;
	struct age_err err;

	age_recipients_add(&r, age_recipient_passphrase("pw", 4));
	encrypt_buf(&r, 0, (const unsigned char *)"secret", 6, 6, &ct);
	age_identities_add(&ids, age_identity_passphrase(&src, 0));
	assert_int_equal(decrypt_buf(&ids, &ct, 7, &pt, &err), 0);
	assert_int_equal(pt.len, 6);
	strbuf_release(&pt);
	strbuf_release(&ct);
	/* Work factor above the identity's own limit. */
	age_identities_release(&ids);
	age_identities_add(&ids, age_identity_passphrase(&src, 3));
	encrypt_buf(&r, 0, (const unsigned char *)"x", 1, 1, &ct);
	assert_int_equal(decrypt_buf(&ids, &ct, 1000, &pt, &err), -1);
	assert_int_equal(err.code, AGE_ERR_HEADER);
	strbuf_release(&pt);
	strbuf_release(&ct);
	/* A passphrase and a key together are refused. */
	age_recipients_add(&r, age_identity_to_recipient(id));
	assert_null(age_encryptor_new(&r, 0, to_sink, NULL, &err));
	assert_int_equal(err.code, AGE_ERR_KEY);
	assert_null(age_recipient_passphrase("pw", 23));
	assert_null(age_recipient_passphrase("pw", 0));
	age_identity_free(id);
	age_recipients_release(&r);
	age_identities_release(&ids);
}

static void keys_encode_and_parse_back(void **state)
{
	struct age_identity *id = age_identity_generate(), *id2;
	struct age_recipient *r = age_identity_to_recipient(id), *r2;
	char *s = age_identity_encode(id), *p = age_recipient_encode(r), *p2;
	struct age_err err;

	assert_int_equal(strlen(s), 74);
	assert_int_equal(strncmp(s, "AGE-SECRET-KEY-1", 16), 0);
	assert_int_equal(strlen(p), 62);
	id2 = age_identity_parse(s, strlen(s), &err);
	assert_non_null(id2);
	r2 = age_identity_to_recipient(id2);
	p2 = age_recipient_encode(r2);
	assert_string_equal(p, p2);
	age_recipient_free(r2);
	r2 = age_recipient_parse(p, strlen(p), &err);
	assert_non_null(r2);
	/* Case matters, as in age. */
	for (char *c = p2; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	assert_null(age_recipient_parse(p2, strlen(p2), &err));
	assert_null(age_recipient_parse("age1pq1abc", 10, &err));
	assert_non_null(strstr(err.msg, "post-quantum"));
	assert_null(age_identity_parse(p, strlen(p), &err));
	assert_non_null(strstr(err.msg, "recipient"));
	free(p);
	free(p2);
	sodium_free(s);
	age_recipient_free(r);
	age_recipient_free(r2);
	age_identity_free(id);
	age_identity_free(id2);
}

static void key_files_skip_comments_and_name_the_bad_line(void **state)
{
	static const char file[] =
		"# created: 2026-01-01T00:00:00Z\r\n"
		"# public key: age1...\r\n"
		"\r\n"
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0\r\n"
		"\n"
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_err err;

	assert_int_equal(age_identities_parse(&ids, file, strlen(file), &err), 0);
	assert_int_equal(ids.nr, 2);
	assert_int_equal(age_identities_parse(&ids, "# x\n\n AGE-SECRET-KEY-1\n", 22, &err), -1);
	assert_int_equal(err.line, 3);
	assert_int_equal(age_identities_parse(&ids, "# only comments\n", 16, &err), -1);
	assert_int_equal(err.line, 0);
	assert_int_equal(age_recipients_parse(&r, "\n\nage1x\n", 8, &err), -1);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.code, AGE_ERR_KEY);
	age_identities_release(&ids);
	age_recipients_release(&r);
}

static void errors_format_as_one_line_naming_the_file(void **state)
{
	struct age_err err;
	char buf[512];

	age_err_set(&err, AGE_ERR_HMAC, "x %d", 1);
	assert_string_equal(age_err_format(&err, "f.age", buf, sizeof(buf)), "'f.age': header MAC wrong: x 1");
	assert_string_equal(age_err_format(&err, NULL, buf, sizeof(buf)), "standard input: header MAC wrong: x 1");
	err.line = 7;
	assert_string_equal(age_err_format(&err, "keys", buf, sizeof(buf)), "keys:7: x 1");
	age_err_set(&err, AGE_ERR_IO, "cannot read: Oops");
	assert_string_equal(age_err_format(&err, "f", buf, sizeof(buf)), "'f': cannot read: Oops");
	assert_int_equal(age_err_exit_code(&err), 4);
	err.code = AGE_ERR_PAYLOAD;
	assert_int_equal(age_err_exit_code(&err), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hkdf_matches_rfc5869_test_cases),
		cmocka_unit_test(base64_agrees_with_libsodium_on_ascii),
		cmocka_unit_test(header_parses_and_encodes_back_to_the_same_bytes),
		cmocka_unit_test(header_wants_more_for_every_prefix_of_a_good_one),
		cmocka_unit_test(header_base64_must_be_canonical_and_unpadded),
		cmocka_unit_test(header_rejects_bad_lines_and_binary_garbage_early),
		cmocka_unit_test(scrypt_stanzas_are_checked_strictly),
		cmocka_unit_test(stream_round_trips_at_chunk_boundaries),
		cmocka_unit_test(stream_round_trips_at_batch_boundaries),
		cmocka_unit_test(a_write_error_mid_stream_fails_and_stays_failed),
		cmocka_unit_test(each_file_gets_a_fresh_file_key_nonce_and_share),
		cmocka_unit_test(chunks_decrypt_on_their_own_by_index),
		cmocka_unit_test(headers_open_from_a_file_descriptor),
		cmocka_unit_test(decryptor_flags_force_binary_or_armor),
		cmocka_unit_test(passphrases_are_asked_only_when_needed_and_never_mixed),
		cmocka_unit_test(keys_encode_and_parse_back),
		cmocka_unit_test(key_files_skip_comments_and_name_the_bad_line),
		cmocka_unit_test(errors_format_as_one_line_naming_the_file),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
