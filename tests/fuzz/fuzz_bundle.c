// SPDX-License-Identifier: MIT
/*
 * fuzz_bundle.c - the bundle reader on arbitrary bytes
 *
 * Two ways in, chosen by the first byte:
 *   'P' <4-byte big-endian length N> <N bytes of manifest.json> <gzip stream>:
 *        the decrypted payload checked against that manifest, as `diag open`
 *        does once age has authenticated it (the fuzzer cannot forge age
 *        chunks, so the inner checks are reached this way);
 *   'S' <bundle>: read as `diag verify --signer` reads it, with a fixed
 *        signer (the public key of tests/fixtures/trust/ms-plain.key, which
 *        signed the seeds), and as salvage reads its head;
 *   anything else: the whole input is a bundle, read as `diag list` and
 *        `diag verify` read it without a key, and listed.
 * Whatever the input: no crash, no leak, one error line at most, and a
 * success only with a manifest that is valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "../../diag/bundle_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return sodium_init() < 0 ? -1 : 0;
}

static FILE *devnull;

static void check_payload(const uint8_t *data, size_t size)
{
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct bytesrc_mem src;
	struct manifest *m;
	size_t n;

	if (size < 5)
		return;
	n = (size_t)data[1] << 24 | (size_t)data[2] << 16 | (size_t)data[3] << 8 | data[4];
	if (n > size - 5 || manifest_parse(&m, (const char *)data + 5, n, "fuzz manifest") < 0)
		return;
	bytesrc_mem_init(&src, data + 5 + n, size - 5 - n);
	if (bundle_check_payload(&src.src, m, "fuzz", &res) == 0 && res.files_checked != m->nfiles)
		abort();
	manifest_free(m);
}

/* tests/fixtures/trust/ms-plain.pub */
#define SIGNER "RWRxcuqFkYnKuwIKc3DOWkb3jQC6OA3+BQnKR04Bw+yiPk72gvmlxQDj"

static void read_bundle(const uint8_t *data, size_t size, bool manifest_only,
			const struct minisign_pubkey *signer)
{
	struct bundle_read_options o = { .name = "fuzz", .manifest_only = manifest_only,
					  .signer = signer };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct bytesrc_mem src;

	bytesrc_mem_init(&src, data, size);
	if (bundle_read(&src.src, &o, &res) == 0) {
		if (!res.manifest || !res.manifest->has_payload || (signer && !res.sig_verified))
			abort();
		bundle_print_listing(devnull, "fuzz", res.manifest, res.has_sig ? "signed" : "none");
	} else if (!res.exit_code) {
		abort();
	}
	bundle_read_result_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (size && data[0] == 'P') {
		check_payload(data, size);
		return 0;
	}
	if (size && data[0] == 'S') {
		struct minisign_pubkey pk;
		struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
		struct bundle_read_options o = { .name = "fuzz", .signer = &pk };
		struct bytesrc_mem src;

		if (minisign_pubkey_parse(&pk, SIGNER, strlen(SIGNER), "signer") < 0)
			abort();
		read_bundle(data + 1, size - 1, false, &pk);
		bytesrc_mem_init(&src, data + 1, size - 1);
		if (bundle_read_head(&src.src, &o, &res) == 0 && !res.sig_verified)
			abort();
		bundle_read_result_release(&res);
		return 0;
	}
	read_bundle(data, size, true, NULL);
	read_bundle(data, size, false, NULL);
	return 0;
}
