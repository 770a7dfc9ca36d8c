/* SPDX-License-Identifier: MIT */
/*
 * minisign.h - minisign-compatible Ed25519 keys and signatures
 *
 * Files are those of minisign (https://jedisct1.github.io/minisign/), so that
 * stock `minisign -V` checks what diag signs and keys made by `minisign -G`
 * (encrypted, or unencrypted with -W) work as they are. Base64 is the
 * standard alphabet with padding; lines end in LF (a CR before the LF is
 * tolerated when reading).
 *
 *   public key  "untrusted comment: <text>\n" base64("Ed" key_id[8] pk[32]) "\n"
 *   secret key  "untrusted comment: <text>\n" base64(158 bytes) "\n": "Ed",
 *               kdf "Sc" (scrypt) or 00 00 (unencrypted), "B2", salt[32],
 *               opslimit and memlimit (LE u64, libsodium semantics), then
 *               key_id[8] sk[64] checksum[32], XORed with the scrypt stream
 *               when encrypted; checksum = BLAKE2b-256("Ed" key_id sk)
 *   signature   "untrusted comment: <text>\n"
 *               base64("ED" key_id[8] sig[64]) "\n"
 *               "trusted comment: <text>\n"
 *               base64(global_sig[64]) "\n"
 *
 * sig is pure Ed25519 over BLAKE2b-512 of the data ("ED", prehashed, which
 * streams); global_sig is Ed25519 over sig followed by the trusted comment's
 * bytes, so the trusted comment is authenticated and the untrusted one is not.
 *
 * diag produces only "ED" signatures and refuses the legacy "Ed" form (pure
 * Ed25519 over the whole data) when verifying, as `minisign -V -H` does:
 * minisign has not produced it by default since 0.10, checking it would need
 * the whole data in memory, and accepting a second form only widens what an
 * attacker can try.
 *
 * The readers are strict, as befits untrusted input: exact line structure,
 * exact lengths, canonical base64, known algorithms, comments that are one
 * line of printable UTF-8 (tabs allowed) no longer than minisign accepts,
 * and nothing after the last line.
 *
 * Errors: functions print one line naming the file (error()) and return one
 * of the negative minisign_err values; callers map them to exit codes
 * (MINISIGN_ERR_IO -> 4, the others -> 5). sodium_init() must have been
 * called first (CMD_NEED_SODIUM): keys live in sodium_malloc()ed memory.
 */
#ifndef DIAG_MINISIGN_H
#define DIAG_MINISIGN_H

#include <sodium.h>
#include "diag/common.h"
#include "diag/strbuf.h"

#define MINISIGN_KEY_ID_BYTES 8
#define MINISIGN_HASH_BYTES 64          /* BLAKE2b-512 */
#define MINISIGN_KEY_ID_HEX 17          /* 16 upper-case hex digits and a NUL */
#define MINISIGN_PUBKEY_BASE64 57       /* 56 base64 characters and a NUL */
#define MINISIGN_TRUSTED_COMMENT_MAX 8173   /* bytes after "trusted comment: " */
#define MINISIGN_UNTRUSTED_COMMENT_MAX 1003 /* bytes after "untrusted comment: " */

enum minisign_err {
	MINISIGN_ERR_IO = -1,     /* a file could not be read or written, or no terminal */
	MINISIGN_ERR_FORMAT = -2, /* malformed or unsupported key, signature or comment */
	MINISIGN_ERR_VERIFY = -3, /* wrong password, wrong key, or a signature that does not verify */
};

struct minisign_pubkey {
	unsigned char key_id[MINISIGN_KEY_ID_BYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
};

/* A decrypted secret key, held in sodium_malloc()ed memory. */
struct minisign_seckey;

/* A parsed signature file. Strings are NUL-terminated and owned by the struct. */
struct minisign_sig {
	unsigned char key_id[MINISIGN_KEY_ID_BYTES];
	unsigned char sig[crypto_sign_BYTES];
	unsigned char global_sig[crypto_sign_BYTES];
	char *untrusted_comment; /* without the "untrusted comment: " prefix */
	char *trusted_comment;   /* without the "trusted comment: " prefix */
};
#define MINISIGN_SIG_INIT { { 0 }, { 0 }, { 0 }, NULL, NULL }

/*
 * Format a key id as minisign displays it: the 8 bytes read as a
 * little-endian integer, in 16 upper-case hex digits. Returns out.
 */
char *minisign_key_id_hex(const unsigned char key_id[MINISIGN_KEY_ID_BYTES],
			  char out[MINISIGN_KEY_ID_HEX]);

/*
 * Parse a public key: either the content of a .pub file (comment line and
 * key line) or the key line alone, as `minisign -P` takes it. what names the
 * source in messages. 0, or MINISIGN_ERR_FORMAT (printed) and *pk untouched.
 */
int minisign_pubkey_parse(struct minisign_pubkey *pk, const char *text, size_t len,
			  const char *what) WARN_UNUSED;

/*
 * Load a public key from arg: the path of a .pub file, or, when no such file
 * exists and arg is a 56-character base64 key, the key itself.
 * 0, or a minisign_err (printed).
 */
int minisign_pubkey_load(struct minisign_pubkey *pk, const char *arg) WARN_UNUSED;

/* The key line (56 base64 characters) of pk, into out. Returns out. */
char *minisign_pubkey_base64(const struct minisign_pubkey *pk, char out[MINISIGN_PUBKEY_BASE64]);

/* Append the content of pk's .pub file to sb ("minisign public key <ID>" comment). */
void minisign_pubkey_format(const struct minisign_pubkey *pk, struct strbuf *sb);

/*
 * Key generation. With unencrypted, the secret key is stored in clear
 * (`minisign -W`); otherwise the password comes from password_file, or is
 * asked twice on the terminal when password_file is NULL, and the key is
 * encrypted with scrypt under opslimit and memlimit (0 means minisign's
 * choice: 33554432 and 1 GiB, halved while memory runs short).
 */
struct minisign_keygen_opts {
	bool unencrypted;
	const char *password_file;
	uint64_t opslimit;
	uint64_t memlimit;
};

/*
 * Make a key pair: the secret key in sec_path (mode 0600) and the public key
 * in pub_path (0644). Neither file may exist: nothing is ever overwritten,
 * and both appear only once both are complete. The new public key is
 * copied to *pk when pk is not NULL. 0, or a minisign_err (printed) with
 * neither file created.
 */
int minisign_keygen(const char *pub_path, const char *sec_path,
		    const struct minisign_keygen_opts *opts, struct minisign_pubkey *pk) WARN_UNUSED;

/*
 * Load the secret key in path. If it is encrypted, the password comes from
 * password_file, or from the terminal when password_file is NULL.
 * A wrong password gives MINISIGN_ERR_VERIFY. On success *out belongs to the
 * caller (minisign_seckey_free()); on error it is untouched.
 */
int minisign_seckey_load(struct minisign_seckey **out, const char *path,
			 const char *password_file) WARN_UNUSED;

/*
 * Parse the content of a secret key file; password (password_len bytes)
 * decrypts an encrypted key, which without one fails with
 * MINISIGN_ERR_FORMAT. what names the source in messages.
 */
int minisign_seckey_parse(struct minisign_seckey **out, const char *text, size_t len,
			  const char *what, const char *password, size_t password_len) WARN_UNUSED;

/* The public half (key id and Ed25519 public key) of sk. */
void minisign_seckey_pubkey(const struct minisign_seckey *sk, struct minisign_pubkey *pk);

/* Wipe and free sk. NULL is allowed. */
void minisign_seckey_free(struct minisign_seckey *sk);

/* The BLAKE2b-512 prehash of the signed data, fed in pieces. */
struct minisign_hash {
	crypto_generichash_state st;
};
void minisign_hash_init(struct minisign_hash *h);
void minisign_hash_update(struct minisign_hash *h, const void *data, size_t len);
void minisign_hash_final(struct minisign_hash *h, unsigned char out[MINISIGN_HASH_BYTES]);
/* Hash the file at path (streamed). 0, or MINISIGN_ERR_IO (printed). */
int minisign_hash_file(const char *path, unsigned char out[MINISIGN_HASH_BYTES]) WARN_UNUSED;

/*
 * Check that s may be a comment: one line of printable UTF-8 (tabs
 * allowed), at most max bytes. 0, or -1 with the reason in *why (not printed).
 */
int minisign_check_comment(const char *s, size_t len, size_t max, const char **why);

/*
 * Sign data whose prehash is hash, appending the four lines of a .minisig
 * file to out; byte for byte what `minisign -S -c UNTRUSTED -t TRUSTED`
 * writes. untrusted_comment NULL means "signature from minisign secret key".
 * Comments that minisign would refuse fail with MINISIGN_ERR_FORMAT (printed).
 */
int minisign_sign(const struct minisign_seckey *sk, const unsigned char hash[MINISIGN_HASH_BYTES],
		  const char *trusted_comment, const char *untrusted_comment,
		  struct strbuf *out) WARN_UNUSED;

/*
 * Parse the content of a .minisig file into sig (which must be
 * MINISIGN_SIG_INIT or released). what names it in messages.
 * 0, or MINISIGN_ERR_FORMAT (printed) with sig left empty.
 */
int minisign_sig_parse(struct minisign_sig *sig, const char *text, size_t len,
		       const char *what) WARN_UNUSED;
void minisign_sig_release(struct minisign_sig *sig);

/*
 * Verify sig, made by pk, over the data whose prehash is hash: the key ids
 * must match, the signature must verify, and so must the global signature
 * over the trusted comment. 0, or MINISIGN_ERR_VERIFY (printed, naming what
 * and which check failed).
 */
int minisign_verify(const struct minisign_pubkey *pk, const struct minisign_sig *sig,
		    const unsigned char hash[MINISIGN_HASH_BYTES], const char *what) WARN_UNUSED;

/*
 * Verify the signature file sig_path over the file data_path with pk, as
 * `minisign -V -H -p PUB -m DATA -x SIG` does. On success, 0 and, if
 * trusted_comment is not NULL, the trusted comment in a new string that
 * belongs to the caller. On error a minisign_err (printed).
 */
int minisign_verify_file(const struct minisign_pubkey *pk, const char *sig_path,
			 const char *data_path, char **trusted_comment) WARN_UNUSED;

#endif
