// SPDX-License-Identifier: MIT
/*
 * fuzz_minisign.c - the minisign public key, secret key and signature parsers
 *
 * The first byte picks the parser; the rest is the file. A signature that
 * parses is also verified against a fixed key and data (it must never
 * verify: the fuzzer does not hold the secret key). A secret key that
 * parses is unlocked with a fixed password when its scrypt limits are tiny,
 * so that the fuzzer explores decryption without spending a GiB per input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../diag/minisign.c" /* sic: to reach seckey_decode() and seckey_unlock() */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct minisign_pubkey fixed_pk;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The public key of tests/fixtures/trust/ms-plain.key, whose signatures the corpus holds. */
	static const char pub[] = "RWRxcuqFkYnKuwIKc3DOWkb3jQC6OA3+BQnKR04Bw+yiPk72gvmlxQDj";

	if (sodium_init() < 0 || minisign_pubkey_parse(&fixed_pk, pub, strlen(pub), "fixed") != 0)
		abort();
	diag_verbosity = -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	size_t len = size ? size - 1 : 0;

	if (!size)
		return 0;
	/* error() prints; keep the fuzzer's output readable. */
	switch (data[0] % 3) {
	case 0: {
		struct minisign_pubkey pk;

		(void)!minisign_pubkey_parse(&pk, text, len, "fuzz.pub");
		break;
	}
	case 1: {
		struct minisign_sig sig = MINISIGN_SIG_INIT;
		unsigned char hash[MINISIGN_HASH_BYTES];

		if (minisign_sig_parse(&sig, text, len, "fuzz.minisig") == 0) {
			memset(hash, 0x5a, sizeof(hash));
			if (minisign_verify(&fixed_pk, &sig, hash, "fuzz.minisig") == 0)
				abort();
			minisign_sig_release(&sig);
		}
		break;
	}
	default: {
		unsigned char *raw = secure_alloc(SK_BYTES);
		struct minisign_seckey *sk = NULL;

		if (seckey_decode(raw, text, len, "fuzz.key") == 0 &&
		    (!seckey_encrypted(raw) ||
		     (le64_load(raw + SK_OPSLIMIT) <= crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN &&
		      le64_load(raw + SK_MEMLIMIT) <= crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN)) &&
		    seckey_unlock(&sk, raw, "fuzz.key", "fuzz", 4) == 0) {
			struct minisign_pubkey pk;

			minisign_seckey_pubkey(sk, &pk);
			minisign_seckey_free(sk);
		}
		sodium_free(raw);
		break;
	}
	}
	return 0;
}
