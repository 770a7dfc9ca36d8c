// SPDX-License-Identifier: MIT
/*
 * test_age_vectors.c - the C2SP/CCTV age test vectors (tests/vectors/age/)
 *
 * Every vector but the 19 post-quantum ones (their identities are
 * AGE-SECRET-KEY-PQ-1...: ML-KEM-768 is not in libsodium 1.0.18) is
 * decrypted: a success must give the payload's SHA-256; a failure must fail
 * with its class (header, no match, HMAC, payload, armor) and release
 * exactly the plaintext whose hash the vector gives, if it gives one.
 * Each vector is decrypted whole, in small pieces, with armor detection
 * instead of the vector's "armored:" flag, and (binary successes) chunk by
 * chunk through the random-access API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <zlib.h>

#include "diag/age.h"
#include "diag/strbuf.h"
#include "diag/util.h"

#define VECTORS "../vectors/age"

struct vector {
	char name[64];
	char expect[32];
	char payload[65];  /* hex SHA-256, or "" */
	bool armored;
	bool hybrid;
	struct age_identities ids;
	unsigned char *data;
	size_t len;
};

static int fixed_passphrase(void *ctx, const char *prompt, bool confirm, char **out,
			    struct age_err *err)
{
	size_t n = strlen(ctx);

	*out = sodium_malloc(n + 1);
	memcpy(*out, ctx, n + 1);
	return 0;
}

static void inflate_all(const unsigned char *in, size_t len, struct strbuf *out)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	for (;;) {
		int ret;

		strbuf_grow(out, 65536);
		z.next_out = (unsigned char *)out->buf + out->len;
		z.avail_out = (uInt)(out->alloc - out->len - 1);
		ret = inflate(&z, Z_NO_FLUSH);
		strbuf_setlen(out, out->alloc - 1 - z.avail_out);
		if (ret == Z_STREAM_END)
			break;
		assert_int_equal(ret, Z_OK);
	}
	inflateEnd(&z);
}

static void load_vector(const char *name, struct vector *v, char **passphrases, size_t *npass)
{
	struct strbuf path = STRBUF_INIT, raw = STRBUF_INIT, body = STRBUF_INIT;
	FILE *f;
	char buf[65536];
	size_t n, pos = 0;
	bool compressed = false;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	strbuf_addf(&path, "%s/%s", VECTORS, name);
	f = fopen(path.buf, "rb");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&raw, buf, n);
	fclose(f);
	*npass = 0;
	for (;;) {
		char *nl = memchr(raw.buf + pos, '\n', raw.len - pos);
		char *line = raw.buf + pos, *val;

		assert_non_null(nl);
		*nl = '\0';
		pos = (size_t)(nl - raw.buf) + 1;
		if (!*line)
			break;
		val = strstr(line, ": ");
		assert_non_null(val);
		*val = '\0';
		val += 2;
		if (!strcmp(line, "expect")) {
			snprintf(v->expect, sizeof(v->expect), "%s", val);
		} else if (!strcmp(line, "payload")) {
			snprintf(v->payload, sizeof(v->payload), "%s", val);
		} else if (!strcmp(line, "armored")) {
			v->armored = !strcmp(val, "yes");
		} else if (!strcmp(line, "compressed")) {
			assert_string_equal(val, "zlib");
			compressed = true;
		} else if (!strcmp(line, "identity")) {
			struct age_err err;
			struct age_identity *id;

			if (!strncmp(val, "AGE-SECRET-KEY-PQ-", 18)) {
				v->hybrid = true;
				continue;
			}
			id = age_identity_parse(val, strlen(val), &err);
			if (!id)
				fail_msg("%s: identity: %s", name, err.msg);
			age_identities_add(&v->ids, id);
		} else if (!strcmp(line, "passphrase")) {
			struct age_passphrase_source src = { fixed_passphrase, NULL };

			assert_true(*npass < 4);
			passphrases[*npass] = strdup(val);
			src.ctx = passphrases[(*npass)++];
			age_identities_add(&v->ids, age_identity_passphrase(&src, 0));
		}
	}
	if (compressed)
		inflate_all((unsigned char *)raw.buf + pos, raw.len - pos, &body);
	else
		strbuf_add(&body, raw.buf + pos, raw.len - pos);
	v->data = (unsigned char *)strbuf_detach(&body, &v->len);
	strbuf_release(&raw);
	strbuf_release(&path);
}

static void free_vector(struct vector *v, char **passphrases, size_t npass)
{
	age_identities_release(&v->ids);
	free(v->data);
	while (npass)
		free(passphrases[--npass]);
}

static int sha_sink(void *ctx, const void *buf, size_t len)
{
	crypto_hash_sha256_update(ctx, buf, len);
	return 0;
}

static const char *class_of(enum age_err_code code)
{
	switch (code) {
	case AGE_ERR_NOT_AGE:
	case AGE_ERR_HEADER:
		return "header failure";
	case AGE_ERR_NO_MATCH:
		return "no match";
	case AGE_ERR_HMAC:
		return "HMAC failure";
	case AGE_ERR_PAYLOAD:
		return "payload failure";
	case AGE_ERR_ARMOR:
		return "armor failure";
	default:
		return "other failure";
	}
}

/* Decrypt v feeding pieces of at most step bytes (0: all at once). The outcome in result. */
static void run(const struct vector *v, unsigned flags, size_t step, char *result, size_t size)
{
	crypto_hash_sha256_state sha;
	struct age_decryptor *d;
	struct age_err err;
	unsigned char digest[32];
	char hex[65];
	size_t pos = 0;
	int ret = 0;

	crypto_hash_sha256_init(&sha);
	d = age_decryptor_new(&v->ids, flags, sha_sink, &sha);
	while (!ret && pos < v->len) {
		/* Vary the piece sizes so that every boundary gets crossed somewhere. */
		size_t n = step ? MIN(v->len - pos, 1 + (pos * 7919) % step) : v->len;

		ret = age_decryptor_update(d, v->data + pos, n, &err);
		pos += n;
	}
	if (!ret)
		ret = age_decryptor_finish(d, &err);
	crypto_hash_sha256_final(&sha, digest);
	hex_encode(digest, sizeof(digest), hex);
	snprintf(result, size, "%s %s", ret ? class_of(err.code) : "success", hex);
	age_decryptor_free(d);
}

static bool matches(const struct vector *v, const char *result)
{
	size_t n = strlen(v->expect);

	if (strncmp(result, v->expect, n) || result[n] != ' ')
		return false;
	return !*v->payload || !strcmp(result + n + 1, v->payload);
}

/* Run check on every vector that is not post-quantum; fail listing the vectors it failed on. */
static void for_each_vector(bool (*check)(const struct vector *v, char *why, size_t size),
			    size_t *ran, size_t *skipped, struct strbuf *skipped_names)
{
	struct dirent **names;
	int n = scandir(VECTORS, &names, NULL, alphasort);
	struct strbuf failures = STRBUF_INIT;

	assert_true(n > 0);
	*ran = *skipped = 0;
	for (int i = 0; i < n; i++) {
		char *passphrases[4];
		size_t npass;
		struct vector v;
		char why[256] = "";

		if (names[i]->d_name[0] == '.' || !strcmp(names[i]->d_name, "README.md")) {
			free(names[i]);
			continue;
		}
		load_vector(names[i]->d_name, &v, passphrases, &npass);
		if (v.hybrid) {
			(*skipped)++;
			if (skipped_names)
				strbuf_addf(skipped_names, "%s ", v.name);
		} else {
			(*ran)++;
			if (!check(&v, why, sizeof(why)))
				strbuf_addf(&failures, "  %s: expected '%s' payload %s; %s\n", v.name,
					    v.expect, *v.payload ? v.payload : "-", why);
		}
		free_vector(&v, passphrases, npass);
		free(names[i]);
	}
	free(names);
	if (failures.len)
		fail_msg("vectors failed:\n%s", failures.buf);
	strbuf_release(&failures);
}

static unsigned forced(const struct vector *v)
{
	return v->armored ? AGE_DEC_ARMORED : AGE_DEC_BINARY;
}

static bool check_whole(const struct vector *v, char *why, size_t size)
{
	char result[128];

	run(v, forced(v), 0, result, sizeof(result));
	snprintf(why, size, "got %s", result);
	return matches(v, result);
}

static bool check_pieces(const struct vector *v, char *why, size_t size)
{
	static const size_t steps[] = { 1, 13, 47, 997, 70001 };
	char result[128];

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		run(v, forced(v), steps[i], result, sizeof(result));
		snprintf(why, size, "in pieces of up to %zu bytes, got %s", steps[i], result);
		if (!matches(v, result))
			return false;
	}
	return true;
}

/* Detecting armor gives the same outcome, but for garbage before the BEGIN line. */
static bool check_detected(const struct vector *v, char *why, size_t size)
{
	char result[128];

	run(v, 0, 0, result, sizeof(result));
	snprintf(why, size, "with armor detection, got %s", result);
	if (!strcmp(v->name, "armor_garbage_leading"))
		return !strncmp(result, "header failure", 14);
	return matches(v, result);
}

/* Binary successes: the header opened, then every chunk decrypted on its own. */
static bool check_random_access(const struct vector *v, char *why, size_t size)
{
	crypto_hash_sha256_state sha;
	struct age_payload_key *key;
	unsigned char digest[32], *pt = malloc(AGE_CHUNK_SIZE);
	char hex[65];
	struct age_err err;
	size_t off;
	bool last = false, ok = true;

	if (v->armored || strcmp(v->expect, "success")) {
		free(pt);
		return true;
	}
	if (age_header_open(v->data, v->len, &v->ids, &key, &off, &err) != 0) {
		snprintf(why, size, "age_header_open: %s", err.msg);
		free(pt);
		return false;
	}
	crypto_hash_sha256_init(&sha);
	for (uint64_t i = 0; !last; i++) {
		uint64_t at = age_chunk_offset(off, i);
		size_t n = MIN(v->len - at, (size_t)AGE_CHUNK_CT_SIZE);

		if (age_chunk_open(key, i, v->data + at, n, pt, &last, &err) < 0) {
			snprintf(why, size, "chunk %llu: %s", (unsigned long long)i, err.msg);
			ok = false;
			break;
		}
		crypto_hash_sha256_update(&sha, pt, n - AGE_TAG_SIZE);
	}
	crypto_hash_sha256_final(&sha, digest);
	hex_encode(digest, sizeof(digest), hex);
	if (ok && strcmp(hex, v->payload)) {
		snprintf(why, size, "random access gave %s", hex);
		ok = false;
	}
	age_payload_key_free(key);
	free(pt);
	return ok;
}

static void every_vector_gives_its_expected_outcome(void **state)
{
	struct strbuf skipped_names = STRBUF_INIT;
	size_t ran, skipped;

	for_each_vector(check_whole, &ran, &skipped, &skipped_names);
	print_message("%zu vectors run; %zu post-quantum ones skipped: %s\n", ran, skipped,
		      skipped_names.buf);
	assert_int_equal(ran, 124);
	assert_int_equal(skipped, 19);
	strbuf_release(&skipped_names);
}

static void feeding_vectors_in_small_pieces_gives_the_same_outcome(void **state)
{
	size_t ran, skipped;

	for_each_vector(check_pieces, &ran, &skipped, NULL);
	assert_int_equal(ran, 124);
}

static void armor_detection_gives_the_same_outcome(void **state)
{
	size_t ran, skipped;

	for_each_vector(check_detected, &ran, &skipped, NULL);
	assert_int_equal(ran, 124);
}

static void random_access_decrypts_every_binary_success_vector(void **state)
{
	size_t ran, skipped;

	for_each_vector(check_random_access, &ran, &skipped, NULL);
	assert_int_equal(ran, 124);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_vector_gives_its_expected_outcome),
		cmocka_unit_test(feeding_vectors_in_small_pieces_gives_the_same_outcome),
		cmocka_unit_test(armor_detection_gives_the_same_outcome),
		cmocka_unit_test(random_access_decrypts_every_binary_success_vector),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
