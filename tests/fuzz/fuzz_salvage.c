// SPDX-License-Identifier: MIT
/*
 * fuzz_salvage.c - diag open --salvage (and verify's damage report) on
 * arbitrary bytes
 *
 * Anyone can make a bundle for the vendor (its recipient is public), and
 * salvage trusts a bundle less than open does: it goes on past a payload
 * whose hash is wrong, and decodes from the offsets the manifest gives. So
 * the harness holds a fixed, test-only identity, and the seeds are bundles
 * sealed to it: the fuzzer's mutations of the manifest (offsets, sizes,
 * hashes, the file list) then reach the chunk, inflate and tar code with
 * payload chunks that really authenticate. Nothing is extracted; whatever
 * the input: no crash, no leak, no hang, and counts that add up.
 *
 * The seed corpus (tests/fuzz/corpus/salvage) was made with
 *   diag collect TREE -r age1md476tenwe86w33xjkdymurtqjwah2xan6lvzt6ym82n3cd8hyps46xuk9
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/error.h"

/* TEST ONLY: this key protects nothing but the fuzzing corpus. */
#define FUZZ_IDENTITY "AGE-SECRET-KEY-1LDPKSEG6EMU2JW32EFL86M2TGY4WC35V6WLM702L2776QWTXHA9QUZP4A6"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct age_identities ids = AGE_IDENTITIES_INIT;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct age_err err;
	struct age_identity *id;

	if (sodium_init() < 0)
		return -1;
	id = age_identity_parse(FUZZ_IDENTITY, strlen(FUZZ_IDENTITY), &err);
	if (!id)
		abort();
	age_identities_add(&ids, id);
	diag_verbosity = -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_read_options o = { 0 };
	struct bundle_salvage_result res;
	struct bundle_input in;
	char path[64];
	int fd = memfd_create("fuzz-bundle", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (bundle_input_open(&in, path, BUNDLE_INPUT_LENIENT) == 0) {
		o.name = "fuzz";
		o.ids = &ids;
		if (bundle_salvage(&in, &o, &res) == 0) {
			if (res.chunks_damaged > res.chunks)
				abort();
		} else if (!res.exit_code) {
			abort();
		}
	}
	bundle_input_close(&in);
	close(fd);
	return 0;
}
