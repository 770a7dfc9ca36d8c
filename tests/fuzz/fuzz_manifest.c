// SPDX-License-Identifier: MIT
/*
 * fuzz_manifest.c - the strict manifest parser on arbitrary bytes
 *
 * Whatever the input, manifest_parse() accepts it or prints one error and
 * returns -1, without crashing or leaking. What it accepts, the serialiser
 * writes back as something it accepts again, canonically: parse(serialise(m))
 * serialises to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "diag/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest *m, *again, *canon;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	if (manifest_parse(&m, (const char *)data, size, "fuzz") < 0)
		return 0;
	manifest_serialize(m, &a, true);
	if (manifest_parse_canonical(&again, a.buf, a.len, "fuzz (serialised)") < 0)
		abort();
	manifest_serialize(again, &b, true);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
		abort();
	/* the canonical parser accepts the input only if it is that very text */
	if (manifest_parse_canonical(&canon, (const char *)data, size, "fuzz") == 0) {
		if (size != a.len || memcmp(data, a.buf, size))
			abort();
		manifest_free(canon);
	}
	manifest_free(m);
	manifest_free(again);
	strbuf_release(&a);
	strbuf_release(&b);
	return 0;
}
