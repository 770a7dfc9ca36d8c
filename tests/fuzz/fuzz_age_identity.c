// SPDX-License-Identifier: MIT
/*
 * fuzz_age_identity.c - identity files (plain or passphrase-encrypted) and
 * recipients files
 *
 * The passphrase source refuses, so that an encrypted identity file is
 * parsed and checked as far as the passphrase but no fuzzed work factor can
 * make scrypt allocate gigabytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "diag/age.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return sodium_init() < 0 ? -1 : 0;
}

static int no_passphrase(void *ctx, const char *prompt, bool confirm, char **out, struct age_err *err)
{
	return age_err_set(err, AGE_ERR_KEY, "no passphrase while fuzzing");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct age_passphrase_source src = { no_passphrase, NULL };
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_recipients r = AGE_RECIPIENTS_INIT;
	struct age_err err = { .code = AGE_OK };

	if (age_identities_load(&ids, (const char *)data, size, "fuzz", &src, &err) == 0) {
		for (size_t i = 0; i < ids.nr; i++) {
			struct age_recipient *rc = age_identity_to_recipient(ids.v[i]);
			char *s = age_recipient_encode(rc);
			struct age_recipient *back = age_recipient_parse(s, strlen(s), &err);

			if (!back)
				abort();
			age_recipient_free(back);
			age_recipient_free(rc);
			free(s);
		}
	} else if (err.code == AGE_OK) {
		abort();
	}
	if (age_recipients_parse(&r, (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < r.nr; i++)
			free(age_recipient_encode(r.v[i]));
	}
	age_identities_release(&ids);
	age_recipients_release(&r);
	return 0;
}
