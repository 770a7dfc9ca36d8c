// SPDX-License-Identifier: MIT
/*
 * fuzz_bech32.c - Bech32 decoding
 *
 * A string that decodes must encode back to itself: one encoding per value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/bech32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hrp[BECH32_MAX_HRP + 1], out[BECH32_MAX_LEN + 8];
	unsigned char bytes[BECH32_MAX_LEN];
	const char *why;
	size_t n;

	if (bech32_decode((const char *)data, size, hrp, sizeof(hrp), bytes, sizeof(bytes), &n, &why) < 0)
		return 0;
	if (bech32_encode(hrp, bytes, n, out, sizeof(out)) != (int)size || memcmp(out, data, size))
		abort();
	return 0;
}
