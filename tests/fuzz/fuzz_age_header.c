// SPDX-License-Identifier: MIT
/*
 * fuzz_age_header.c - the age header parser and the whole decryptor
 *
 * The parser is strict, so a header it accepts must encode back to exactly
 * the bytes it was parsed from. Then the input goes through the streaming
 * decryptor (armor detected) with the identity of the C2SP test vectors, so
 * that seeds made from them reach the MAC and the payload.
 */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sodium.h>

#include "diag/age.h"
#include "diag/strbuf.h"
#include "../../diag/age_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct age_identities ids = AGE_IDENTITIES_INIT;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char id[] = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
	struct age_err err;

	if (sodium_init() < 0)
		abort();
	/* No passphrase identity: a fuzzed work factor must not allocate gigabytes. */
	age_identities_add(&ids, age_identity_parse(id, strlen(id), &err));
	return 0;
}

static int discard(void *ctx, const void *buf, size_t len)
{
	*(size_t *)ctx += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct age_header h;
	struct age_err err;
	struct age_decryptor *d;
	size_t released = 0, half = size / 2;
	int ret = age_header_parse(&h, data, size, &err);

	if (ret == 0) {
		struct strbuf out = STRBUF_INIT;

		if (h.len > size || h.mac_off + 3 > h.len)
			abort();
		age_header_encode(&h, true, &out);
		if (out.len != h.len || memcmp(out.buf, data, h.len))
			abort();
		strbuf_release(&out);
		age_header_release(&h);
	}
	d = age_decryptor_new(&ids, 0, discard, &released);
	if (age_decryptor_update(d, data, half, &err) == 0 &&
	    age_decryptor_update(d, data + half, size - half, &err) == 0)
		if (age_decryptor_finish(d, &err) == 0)
			released += 0;
	if (released != age_decryptor_released(d))
		abort();
	age_decryptor_free(d);
	return 0;
}
