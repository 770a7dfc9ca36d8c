// SPDX-License-Identifier: MIT
/*
 * fuzz_redact_policy.c - the YAML policy parser, and building an engine from
 * whatever it accepts (patterns compiled, globs and keys copied)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(void *ctx, const void *buf, size_t len)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[32];
	struct redact_policy *pol = NULL;
	struct redact_engine *e;
	struct redact_err err;

	if (redact_policy_parse(&pol, (const char *)data, size, "fuzz.yaml", &err)) {
		if (!err.msg[0] || err.file == NULL)
			abort(); /* every refusal says why, and where */
		return 0;
	}
	{
		struct redact_config cfg = { .policy = pol, .site_key = key };
		static const char sample[] = "password=x TKT-1234 Bluebird customer_ref=y\n"
					     "{\"a\": {\"b\": 1}}\nspec:\n  c:\n    env: z\n";

		if (!redact_engine_new(&e, &cfg, &err)) {
			struct redact_stream *s = redact_stream_new(e, "etc/x.yaml", sink, NULL);

			redact_path_excluded(e, "etc/x.yaml");
			if (s) {
				redact_stream_write(s, sample, sizeof(sample) - 1, &err);
				redact_stream_finish(s, &err);
				redact_stream_free(s);
			}
			redact_engine_free(e);
		}
	}
	redact_policy_free(pol);
	return 0;
}
