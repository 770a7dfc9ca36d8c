// SPDX-License-Identifier: MIT
/*
 * fuzz_sha256sums.c - the parser of a split set's OUT.sha256 (sha256sum output)
 *
 * Whatever it accepts must list OUT.001, OUT.002, ... in order, with a
 * SHA-256 each: the properties split_open() relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/error.h"
#include "diag/split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char (*sums)[32] = NULL;
	size_t nr = 0;

	if (split_sums_parse((const char *)data, size, "fuzz.sha256", "OUT", &sums, &nr) == 0) {
		/* Each accepted line is at least "<64 hex>  OUT.NNN". */
		if (!nr || nr > SPLIT_MAX_PARTS || size < nr * (64 + 2 + 7))
			abort();
		free(sums);
	}
	return 0;
}
