/* SPDX-License-Identifier: MIT */
/*
 * age.h - the age v1 file format (https://age-encryption.org/v1) on libsodium
 *
 * Files written here decrypt with the stock age tools and theirs decrypt
 * here: X25519 recipients (any number) or one scrypt passphrase, the header
 * MAC, the 64 KiB STREAM payload and the ASCII armor (age_armor.h).
 *
 * Layers, from the most used to the lowest:
 *   - keys: recipients ("age1..."), identities ("AGE-SECRET-KEY-1..."),
 *     recipients files, identity files (plain or passphrase-encrypted), and
 *     passphrase sources (the terminal, a file, or the caller's own);
 *   - streaming: an encryptor and a decryptor with a push API, in constant
 *     memory whatever the size;
 *   - random access: open a header (parse, unwrap, check the MAC) to get a
 *     payload key, then decrypt any chunk on its own, so that a damaged chunk
 *     can be named and the ones after it still recovered.
 *
 * Errors: functions that can fail take a `struct age_err *err` and return
 * -1 (or NULL) after filling it; nothing here prints or exits. err->code
 * keeps the classes of failure apart (the C2SP test vectors check them one
 * by one); age_err_format() makes the one-line message a command prints,
 * with the file name first.
 *
 * Secrets: identities, passphrases, file keys and every derived key live in
 * sodium_malloc()ed memory and are wiped when freed. Plaintext buffers are
 * wiped before they are freed. libsodium must be initialised (sodium_init())
 * before anything here is called.
 *
 * Ownership follows common.h: `const` pointers are borrowed for the call, a
 * returned object is the caller's and is freed with the matching _free().
 */
#ifndef DIAG_AGE_H
#define DIAG_AGE_H

#include <sys/types.h>
#include "diag/common.h"

#define AGE_FILE_KEY_SIZE 16
#define AGE_NONCE_SIZE 16     /* the payload nonce, right after the header */
#define AGE_TAG_SIZE 16       /* the Poly1305 tag ending each chunk */
#define AGE_CHUNK_SIZE 65536  /* plaintext bytes in every chunk but the last */
#define AGE_CHUNK_CT_SIZE (AGE_CHUNK_SIZE + AGE_TAG_SIZE)
#define AGE_HEADER_MAX (1 << 20) /* a longer header is rejected as malformed */

/*
 * scrypt work factors (log2 N). Encryption uses 18 unless told otherwise
 * (256 MiB, about a second), as age does. Decryption accepts at most 22
 * (4 GiB), as age does, and only if the host has that much memory to spare:
 * see age_scrypt_work_factor_ok().
 */
#define AGE_SCRYPT_DEFAULT_WORK_FACTOR 18
#define AGE_SCRYPT_MAX_WORK_FACTOR 22

/* ---------------------------------------------------------------- errors */

enum age_err_code {
	AGE_OK = 0,
	AGE_ERR_NOT_AGE,  /* the input is not an age file at all (a header failure) */
	AGE_ERR_HEADER,   /* header malformed, or a stanza it knows is invalid */
	AGE_ERR_NO_MATCH, /* no identity matches (or the passphrase is wrong) */
	AGE_ERR_HMAC,     /* header MAC wrong: the header was altered */
	AGE_ERR_PAYLOAD,  /* payload damaged or truncated, or data after its end */
	AGE_ERR_ARMOR,    /* ASCII armor malformed */
	AGE_ERR_KEY,      /* a recipient, identity, key file or passphrase is invalid */
	AGE_ERR_IO,       /* reading or writing failed, or not enough memory */
};

struct age_err {
	enum age_err_code code;
	unsigned line;   /* for recipients and identity files: the line, else 0 */
	uint64_t chunk;  /* for AGE_ERR_PAYLOAD: the index of the failing chunk */
	char msg[256];   /* the detail, lower case, no file name: "chunk 3 is damaged" */
};

/*
 * Fill err with code and a printf-style detail, clearing err->line and
 * err->chunk, and return -1. For callers that implement a passphrase source
 * or a write function of their own.
 */
int age_err_set(struct age_err *err, enum age_err_code code, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* A short name for the class: "header malformed", "header MAC wrong", ... */
const char *age_err_class(enum age_err_code code);

/*
 * Format err as one line into buf (size bytes) and return buf:
 *   "'NAME': CLASS: DETAIL", or "NAME:LINE: DETAIL" when err->line is set,
 *   or "'NAME': DETAIL" for AGE_ERR_IO (whose detail says what failed).
 * A NULL name stands for the standard input.
 */
char *age_err_format(const struct age_err *err, const char *name, char *buf, size_t size);

/* The exit code (exit.h) for an error: 4 for AGE_ERR_IO, 5 for every other class. */
int age_err_exit_code(const struct age_err *err);

/*
 * The output of the streaming encoders and decoders: write len bytes
 * somewhere. Returns 0, or -1 with errno set (the operation then fails with
 * AGE_ERR_IO, "cannot write the output: <strerror>"). The buffer is only
 * valid during the call.
 */
typedef int (*age_write_fn)(void *ctx, const void *buf, size_t len);

/* ---------------------------------------------------------- passphrases */

/*
 * Where passphrases come from. get() stores a NUL-terminated passphrase in
 * *out, allocated with sodium_malloc() (the caller releases it with
 * sodium_free(), which wipes it), and returns 0; or returns -1 after filling
 * err. prompt says what the passphrase is for ("passphrase for
 * 'vendor.key'"); confirm asks for a new passphrase (a terminal asks twice).
 */
struct age_passphrase_source {
	int (*get)(void *ctx, const char *prompt, bool confirm, char **out, struct age_err *err);
	void *ctx;
};

/*
 * A source reading /dev/tty with echo off; the prompt goes to the terminal.
 * Fails with AGE_ERR_IO when there is no terminal and with AGE_ERR_KEY for an
 * empty passphrase or two different ones.
 */
void age_passphrase_from_tty(struct age_passphrase_source *src);
/*
 * A source reading the file at path (borrowed: it must outlive src): its
 * content without one trailing LF or CRLF, which must be non-empty and hold
 * no other line break. "-" is the standard input.
 */
void age_passphrase_from_file(struct age_passphrase_source *src, const char *path);

/* ----------------------------------------------------------------- keys */

struct age_recipient; /* an X25519 public key, or a passphrase to encrypt to */
struct age_identity;  /* an X25519 secret key, or a passphrase source to decrypt with */

/* A new random X25519 identity. */
struct age_identity *age_identity_generate(void);
/*
 * Parse "AGE-SECRET-KEY-1..." (s, len bytes, upper case as age-keygen writes
 * it). NULL with AGE_ERR_KEY if it is not a valid X25519 identity.
 */
struct age_identity *age_identity_parse(const char *s, size_t len, struct age_err *err);
/*
 * An identity that decrypts scrypt (passphrase) files. The passphrase is
 * asked of src (copied; its ctx is borrowed) only when a file needs it.
 * Work factors above max_work_factor (0: AGE_SCRYPT_MAX_WORK_FACTOR) are
 * refused before anything is asked.
 */
struct age_identity *age_identity_passphrase(const struct age_passphrase_source *src,
					     int max_work_factor);
/*
 * The "AGE-SECRET-KEY-1..." string of an X25519 identity, NUL-terminated, in
 * sodium_malloc()ed memory: release it with sodium_free(). NULL for a
 * passphrase identity.
 */
char *age_identity_encode(const struct age_identity *id);
/* The recipient of an X25519 identity; NULL for a passphrase identity. */
struct age_recipient *age_identity_to_recipient(const struct age_identity *id);
/* Wipe and free id. NULL is allowed. */
void age_identity_free(struct age_identity *id);

/*
 * Parse a recipient (s, len bytes): "age1..." in lower case. Other kinds age
 * knows (ssh-ed25519, ssh-rsa, plugins such as age1pq1...) are refused with a
 * message that names them. NULL with AGE_ERR_KEY on error.
 */
struct age_recipient *age_recipient_parse(const char *s, size_t len, struct age_err *err);
/*
 * A passphrase recipient: pass (copied) with the scrypt work factor
 * work_factor (1..AGE_SCRYPT_MAX_WORK_FACTOR). A passphrase recipient must be
 * the only recipient of a file. NULL if the work factor is out of range.
 */
struct age_recipient *age_recipient_passphrase(const char *pass, int work_factor);
/* "age1..." for an X25519 recipient (free() it); NULL for a passphrase recipient. */
char *age_recipient_encode(const struct age_recipient *r);
/* Free r (wiping a passphrase). NULL is allowed. */
void age_recipient_free(struct age_recipient *r);

/* Lists. The list owns its elements; _release() frees them and resets the list. */
struct age_recipients {
	struct age_recipient **v;
	size_t nr, alloc;
};
#define AGE_RECIPIENTS_INIT { NULL, 0, 0 }
struct age_identities {
	struct age_identity **v;
	size_t nr, alloc;
};
#define AGE_IDENTITIES_INIT { NULL, 0, 0 }

/* Append r; after the call r belongs to the list. */
void age_recipients_add(struct age_recipients *l, struct age_recipient *r);
void age_recipients_release(struct age_recipients *l);
/* Append id; after the call id belongs to the list. */
void age_identities_add(struct age_identities *l, struct age_identity *id);
void age_identities_release(struct age_identities *l);

/*
 * Parse a recipients file (buf, len bytes), as age -R reads it: one
 * recipient per line, blank lines and lines starting with '#' ignored, LF or
 * CRLF line ends. Appends to l. On error returns -1 with AGE_ERR_KEY and
 * err->line set; l keeps what was appended before the bad line. A file with
 * no recipient at all is an error too.
 */
int age_recipients_parse(struct age_recipients *l, const char *buf, size_t len,
			 struct age_err *err) WARN_UNUSED;
/* The same for the file at path ("-": standard input); AGE_ERR_IO if it cannot be read. */
int age_recipients_read_file(struct age_recipients *l, const char *path,
			     struct age_err *err) WARN_UNUSED;

/*
 * Parse an identity file (buf, len bytes) as age-keygen writes it and age -i
 * reads it: blank lines and '#' comments ignored, one AGE-SECRET-KEY-1... per
 * other line, LF or CRLF. Appends to l; at least one identity is required.
 * -1 with AGE_ERR_KEY and err->line on error.
 */
int age_identities_parse(struct age_identities *l, const char *buf, size_t len,
			 struct age_err *err) WARN_UNUSED;
/*
 * Load an identity file whose content is buf (len bytes, borrowed). A
 * content that is itself an age file (binary or armored) is a
 * passphrase-encrypted identity file, as `age-keygen | age -p -a` makes and
 * `age -d -i` accepts: its passphrase is asked of pass (NULL: such a file is
 * an error), with a prompt naming name (may be NULL), and its plaintext,
 * kept in locked memory, must be an identity file. Errors: as
 * age_identities_parse(), or the decryption's own class (AGE_ERR_NO_MATCH
 * for a wrong passphrase).
 */
int age_identities_load(struct age_identities *l, const char *buf, size_t len, const char *name,
			const struct age_passphrase_source *pass, struct age_err *err) WARN_UNUSED;
/*
 * Read the identity file at path ("-": standard input) into locked memory
 * and load it as age_identities_load() does. AGE_ERR_IO if it cannot be read.
 */
int age_identities_read_file(struct age_identities *l, const char *path,
			     const struct age_passphrase_source *pass,
			     struct age_err *err) WARN_UNUSED;

/*
 * Whether this host can afford scrypt with this work factor when decrypting:
 * it must be at most max (0: AGE_SCRYPT_MAX_WORK_FACTOR) and its memory,
 * 2^work_factor KiB, at most half of the physical memory. -1 with AGE_ERR_HEADER
 * (over max) or AGE_ERR_IO (not enough memory) and a message saying so.
 */
int age_scrypt_work_factor_ok(int work_factor, int max, struct age_err *err) WARN_UNUSED;

/* ------------------------------------------------------------ streaming */

enum age_flags {
	AGE_ARMOR = 1 << 0,       /* encryptor: write ASCII armor */
	AGE_DEC_BINARY = 1 << 1,  /* decryptor: the input must be binary */
	AGE_DEC_ARMORED = 1 << 2, /* decryptor: the input must be armored */
};

struct age_encryptor;

/*
 * Start a file encrypted to every recipient in rcpts (X25519 recipients, or
 * one passphrase recipient alone), ASCII-armored with AGE_ARMOR. The header
 * is written through write(ctx, ...) before this returns. NULL on error:
 * AGE_ERR_KEY for no recipients or a passphrase mixed with others,
 * AGE_ERR_IO if writing failed.
 */
struct age_encryptor *age_encryptor_new(const struct age_recipients *rcpts, unsigned flags,
					age_write_fn write, void *ctx, struct age_err *err);
/*
 * Encrypt len more bytes of plaintext. Output is written in order, a batch
 * of chunks at a time, some time after: chunks are sealed while the caller
 * goes on (on a second thread when there is a CPU for it). buf is not read
 * once this returns. -1 if writing earlier output failed; later calls fail
 * again.
 */
int age_encryptor_update(struct age_encryptor *e, const void *buf, size_t len,
			 struct age_err *err) WARN_UNUSED;
/*
 * The same without a copy: a place inside e for up to *room (> 0) more bytes
 * of plaintext, valid until the next call on e. Put n <= *room bytes there,
 * then call age_encryptor_commit(e, n, err) (n may be 0). NULL if writing
 * earlier output failed.
 */
void *age_encryptor_buffer(struct age_encryptor *e, size_t *room, struct age_err *err);
int age_encryptor_commit(struct age_encryptor *e, size_t n, struct age_err *err) WARN_UNUSED;
/*
 * Seal and write everything left, the final chunk last (and the armor's
 * end). Call once; then only _free(). Only a 0 here means the whole file
 * was written.
 */
int age_encryptor_finish(struct age_encryptor *e, struct age_err *err) WARN_UNUSED;
/* Wipe and free e, finished or not. NULL is allowed. */
void age_encryptor_free(struct age_encryptor *e);

struct age_decryptor;

/*
 * Start decrypting a file with the identities ids (borrowed: they must
 * outlive the decryptor). Armor is detected unless flags has AGE_DEC_BINARY
 * or AGE_DEC_ARMORED. Plaintext goes to write(ctx, ...) one chunk at a time,
 * and only once that chunk has authenticated; the header is unwrapped and
 * its MAC checked before any plaintext is released.
 */
struct age_decryptor *age_decryptor_new(const struct age_identities *ids, unsigned flags,
					age_write_fn write, void *ctx);
/* Feed len more bytes of the file. -1 on the first error; later calls fail again. */
int age_decryptor_update(struct age_decryptor *d, const void *buf, size_t len,
			 struct age_err *err) WARN_UNUSED;
/*
 * The input has ended: check it. Fails if the file is truncated (no final
 * chunk, a header cut short) and releases the last chunk otherwise. Data
 * after the final chunk fails earlier, in _update(). Only a 0 here means the
 * whole plaintext was released and authenticated.
 */
int age_decryptor_finish(struct age_decryptor *d, struct age_err *err) WARN_UNUSED;
/* Plaintext bytes released so far. */
uint64_t age_decryptor_released(const struct age_decryptor *d);
/* Wipe and free d. NULL is allowed. */
void age_decryptor_free(struct age_decryptor *d);

/* --------------------------------------------------------- random access */

/* A stanza as parsed: "-> TYPE ARG..." and its body. */
struct age_stanza {
	char *type;
	char **args;
	size_t nargs;
	unsigned char *body;
	size_t body_len;
};

/* A parsed header. len is the length of the header text, final LF included. */
struct age_header {
	struct age_stanza *stanzas;
	size_t nr;
	unsigned char mac[32];
	size_t mac_off; /* offset of the "---" that the MAC covers up to, inclusive */
	size_t len;
};
#define AGE_HEADER_INIT { NULL, 0, { 0 }, 0, 0 }

/*
 * Parse the header at the start of buf (len bytes) strictly, as the spec
 * asks. Returns 0 when h holds a complete header; 1 when buf ends before the
 * header does (read more and call again; buf ends early and everything so
 * far was valid); -1 with AGE_ERR_NOT_AGE or AGE_ERR_HEADER. Only the
 * structure is checked here, not the stanzas age knows.
 */
int age_header_parse(struct age_header *h, const void *buf, size_t len,
		     struct age_err *err) WARN_UNUSED;
/* Free what h holds; h is ready for reuse. */
void age_header_release(struct age_header *h);

struct age_payload_key; /* the STREAM key of one file: sodium_malloc()ed */

/*
 * Open the binary age file whose first len bytes are in buf: parse its
 * header, check the stanzas age defines, unwrap the file key with ids, check
 * the header MAC and derive the payload key from the nonce that follows.
 * Returns 0 with *key (free it with age_payload_key_free()) and *payload_off,
 * the offset of chunk 0; 1 when buf does not yet hold the header and the
 * 16-byte nonce (nothing has been unwrapped); -1 on error (header,
 * no match, MAC).
 */
int age_header_open(const void *buf, size_t len, const struct age_identities *ids,
		    struct age_payload_key **key, size_t *payload_off,
		    struct age_err *err) WARN_UNUSED;
/*
 * The same for the binary age file open on fd, read with pread() from
 * offset 0 (the file position is not used or moved). A file that ends within
 * the header or the nonce is a header failure.
 */
int age_header_open_fd(int fd, const struct age_identities *ids,
		       struct age_payload_key **key, uint64_t *payload_off,
		       struct age_err *err) WARN_UNUSED;
void age_payload_key_free(struct age_payload_key *key);

/* The offset of chunk n in a binary file whose chunk 0 is at payload_off. */
static inline uint64_t age_chunk_offset(uint64_t payload_off, uint64_t n)
{
	return payload_off + n * (uint64_t)AGE_CHUNK_CT_SIZE;
}

/*
 * Decrypt chunk number counter (in: inlen bytes, AGE_TAG_SIZE to
 * AGE_CHUNK_CT_SIZE) into out (inlen - AGE_TAG_SIZE bytes; out may not
 * overlap in), as the final chunk if last. A chunk that is not final must be
 * full, and only chunk 0 may be an empty final chunk. -1 with AGE_ERR_PAYLOAD
 * and err->chunk = counter if the chunk does not authenticate as such.
 */
int age_chunk_decrypt(const struct age_payload_key *key, uint64_t counter, bool last,
		      const void *in, size_t inlen, void *out, struct age_err *err) WARN_UNUSED;
/*
 * Decrypt chunk counter without knowing whether it is the final one, as a
 * reader does: a short chunk must be final; a full one is tried as not final,
 * then as final. *last says which it was. Errors as age_chunk_decrypt().
 */
int age_chunk_open(const struct age_payload_key *key, uint64_t counter,
		   const void *in, size_t inlen, void *out, bool *last,
		   struct age_err *err) WARN_UNUSED;

/* -------------------------------------------------------- building blocks */

/*
 * Decode canonical base64 (s, n bytes; padded: with '=' padding, as in the
 * armor and in minisign's files; else without, as in the age header) into
 * out (max bytes). 0 with *outlen set, or -1 for any other character (bytes
 * >= 0x80 included, which libsodium 1.0.18's sodium_base642bin() takes for
 * digits), bad padding or non-zero trailing bits. Every base64 decoder in
 * diag is this one.
 */
int age_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen,
		   bool padded) WARN_UNUSED;

/*
 * HKDF-SHA-256 (RFC 5869) with L = 32, the only length age uses:
 * out = HMAC(PRK, info || 0x01), PRK = HMAC(salt, ikm). An empty salt acts
 * as 32 zero bytes.
 */
void age_hkdf_sha256(unsigned char out[32], const unsigned char *salt, size_t saltlen,
		     const unsigned char *ikm, size_t ikmlen, const char *info);

#endif
