/* SPDX-License-Identifier: MIT */
/*
 * age_internal.h - what diag/age*.c share and nothing else uses
 *
 * Key objects are allocated with sodium_malloc() whole, so that every secret
 * in them (an X25519 scalar, a passphrase copy) sits in guarded, locked
 * memory and is wiped by sodium_free().
 */
#ifndef DIAG_AGE_INTERNAL_H
#define DIAG_AGE_INTERNAL_H

#include "diag/age.h"
#include "diag/strbuf.h"

#define AGE_INTRO "age-encryption.org/v1\n"

enum age_key_type {
	AGE_KEY_X25519,
	AGE_KEY_SCRYPT,
};

struct age_identity {
	enum age_key_type type;
	unsigned char secret[32];           /* X25519 */
	unsigned char public[32];           /* X25519 */
	struct age_passphrase_source pass;  /* scrypt: asked when a file needs it */
	int max_work_factor;
	char prompt[192];
};

struct age_recipient {
	enum age_key_type type;
	unsigned char public[32]; /* X25519 */
	int work_factor;          /* scrypt */
	char pass[];              /* scrypt: NUL-terminated */
};

struct age_payload_key {
	unsigned char key[32];
};

/* A passphrase identity with its own prompt (age_identities_read_file names the file). */
struct age_identity *age_identity_passphrase_prompt(const struct age_passphrase_source *src,
						    int max_work_factor, const char *prompt);

/*
 * Append the text of h to out: the stanzas, then "---" and, when with_mac,
 * " <base64 MAC>\n". Stanza bodies are wrapped at 64 columns and end with a
 * short (possibly empty) line, as the spec asks.
 */
void age_header_encode(const struct age_header *h, bool with_mac, struct strbuf *out);

/*
 * Write a new header for rcpts to out (the whole text, MAC line included)
 * and put the new random file key in file_key. -1 with AGE_ERR_KEY if the
 * recipients cannot be used together.
 */
int age_header_build(const struct age_recipients *rcpts, unsigned char file_key[AGE_FILE_KEY_SIZE],
		     struct strbuf *out, struct age_err *err);

/*
 * Check the stanzas age defines, unwrap the file key with ids and check the
 * header MAC: h was parsed from text. 0 with file_key set, or -1 (header,
 * no match, MAC; file_key then holds nothing).
 */
int age_header_unwrap(const struct age_header *h, const void *text, const struct age_identities *ids,
		      unsigned char file_key[AGE_FILE_KEY_SIZE], struct age_err *err);

/* Allocate n zeroed bytes with sodium_malloc(), dying like xmalloc() when out of memory. */
void *age_secure_alloc(size_t n);

/* The payload key for file_key and the 16-byte nonce after the header. */
struct age_payload_key *age_payload_key_derive(const unsigned char file_key[AGE_FILE_KEY_SIZE],
					       const unsigned char nonce[AGE_NONCE_SIZE]);

/*
 * The encryptor's ring: AGE_NSLOTS slots of AGE_SLOT_CHUNKS chunks (512 KiB
 * of plaintext) each, plaintext and ciphertext: 4 MiB in all. Smaller slots
 * cost more locking, larger ones more memory and cache; neither is faster.
 */
#define AGE_SLOT_CHUNKS 8
#define AGE_NSLOTS 4

/* Encrypt chunk counter (len <= AGE_CHUNK_SIZE bytes) into out (len + AGE_TAG_SIZE bytes). */
void age_chunk_seal(const struct age_payload_key *key, uint64_t counter, bool last,
		    const unsigned char *in, size_t len, unsigned char *out);

#endif
