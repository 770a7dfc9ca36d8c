// SPDX-License-Identifier: MIT
/*
 * minisign.c - minisign-compatible Ed25519 keys and signatures
 *
 * See minisign.h for the formats. The secret key's 158 bytes are handled as
 * an array with the offsets below rather than as a packed struct.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/age.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/minisign.h"
#include "diag/password.h"

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "
#define DEFAULT_SIG_COMMENT "signature from minisign secret key"
/* minisign reads each comment line with fgets() into this many bytes. */
#define COMMENT_LINE_MAX 1024
#define TRUSTED_LINE_MAX 8192

#define PUBKEY_BYTES 42 /* "Ed" key_id pk */
#define SIG_BYTES 74    /* "ED" key_id sig */

/* The secret key file's 158 bytes. */
enum {
	SK_SIG_ALG = 0,
	SK_KDF_ALG = 2,
	SK_CHK_ALG = 4,
	SK_SALT = 6,
	SK_OPSLIMIT = 38,
	SK_MEMLIMIT = 46,
	SK_KEY_ID = 54, /* from here to the end: XORed with the scrypt stream */
	SK_SK = 62,
	SK_CHK = 126,
	SK_BYTES = 158,
	SK_ENCRYPTED = SK_BYTES - SK_KEY_ID,
};

/* Largest scrypt limits accepted from a key file: what minisign writes. */
#define OPSLIMIT_MAX crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE
#define MEMLIMIT_MAX crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE

/* Key files and signatures are small; anything larger is not one. */
#define KEY_FILE_MAX 4096
#define SIG_FILE_MAX (COMMENT_LINE_MAX + TRUSTED_LINE_MAX + 256)

struct minisign_seckey {
	unsigned char key_id[MINISIGN_KEY_ID_BYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES]; /* seed || public key */
};

static uint64_t le64_load(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void le64_store(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

char *minisign_key_id_hex(const unsigned char key_id[MINISIGN_KEY_ID_BYTES],
			  char out[MINISIGN_KEY_ID_HEX])
{
	snprintf(out, MINISIGN_KEY_ID_HEX, "%016" PRIX64, le64_load(key_id));
	return out;
}

static void *secure_alloc(size_t n)
{
	void *p = sodium_malloc(n);

	if (!p)
		die(DIAG_EXIT_IO, "out of memory (allocating %zu bytes of key memory)", n);
	memset(p, 0, n);
	return p;
}

/* Number of base64 characters (with padding) for n bytes. */
#define B64_CHARS(n) ((((n) + 2) / 3) * 4)

/*
 * Decode exactly B64_CHARS(outlen) characters of canonical padded base64,
 * with age's strict decoder: libsodium 1.0.18's sodium_base642bin() takes
 * bytes >= 0x80 for digits.
 */
static int b64_exact(unsigned char *out, size_t outlen, const char *s, size_t len)
{
	size_t bin_len = 0;

	if (len != B64_CHARS(outlen))
		return -1;
	if (age_b64_decode(s, len, out, outlen, &bin_len, true) < 0 || bin_len != outlen)
		return -1;
	return 0;
}

static void b64_append(struct strbuf *sb, const unsigned char *bin, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);

	strbuf_grow(sb, len);
	sodium_bin2base64(sb->buf + sb->len, len, bin, n, sodium_base64_VARIANT_ORIGINAL);
	strbuf_setlen(sb, sb->len + len - 1);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int minisign_check_comment(const char *s, size_t len, size_t max, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;

	if (len > max) {
		*why = "the comment is too long";
		return -1;
	}
	for (size_t i = 0; i < len; ) {
		size_t n;

		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f) {
			*why = "the comment holds a control character";
			return -1;
		}
		n = utf8_seq(p + i, len - i);
		if (!n) {
			*why = "the comment is not valid UTF-8";
			return -1;
		}
		i += n;
	}
	return 0;
}

/* A cursor over the lines of a small text, and what to call the text in messages. */
struct cursor {
	const char *p, *end;
	const char *what, *kind;
};

static int format_error(const char *what, const char *kind, const char *why)
{
	error("'%s' is not a valid minisign %s: %s", what, kind, why);
	return MINISIGN_ERR_FORMAT;
}

/*
 * The next line, without its LF (or CRLF), in *line and *len; *nl says
 * whether it ended with a LF. A missing line, or one holding a NUL or a CR
 * anywhere but before the LF, is a format error (printed).
 */
static int next_line(struct cursor *c, const char **line, size_t *len, bool *nl)
{
	const char *eol;
	size_t n;

	if (c->p >= c->end)
		return format_error(c->what, c->kind, "it is empty or truncated");
	eol = memchr(c->p, '\n', (size_t)(c->end - c->p));
	n = eol ? (size_t)(eol - c->p) : (size_t)(c->end - c->p);
	*line = c->p;
	*nl = eol != NULL;
	c->p += n + (eol != NULL);
	if (n && (*line)[n - 1] == '\r' && *nl)
		n--;
	if (memchr(*line, '\0', n) || memchr(*line, '\r', n))
		return format_error(c->what, c->kind, "a line holds a NUL or a stray CR");
	*len = n;
	return 0;
}

/*
 * Read a comment line (prefix, then a comment of at most max bytes) that
 * must end with a LF. Sets *text and *tlen to the comment. 0, or an error.
 */
static int comment_line(struct cursor *c, const char *prefix, size_t max,
			const char **text, size_t *tlen)
{
	size_t plen = strlen(prefix), len;
	const char *line, *why;
	bool nl;

	if (next_line(c, &line, &len, &nl))
		return MINISIGN_ERR_FORMAT;
	if (len < plen || memcmp(line, prefix, plen))
		return format_error(c->what, c->kind, !strcmp(prefix, TRUSTED_PREFIX) ?
				    "the third line does not start with \"trusted comment: \"" :
				    "the first line does not start with \"untrusted comment: \"");
	if (!nl)
		return format_error(c->what, c->kind, "it is truncated after a comment line");
	if (minisign_check_comment(line + plen, len - plen, max, &why) < 0)
		return format_error(c->what, c->kind, why);
	*text = line + plen;
	*tlen = len - plen;
	return 0;
}

/*
 * Read a base64 line decoding to exactly n bytes into out. With last, the
 * line may lack its LF and must end the text.
 */
static int b64_line(struct cursor *c, unsigned char *out, size_t n, bool last)
{
	const char *line;
	size_t len;
	bool nl;

	if (next_line(c, &line, &len, &nl))
		return MINISIGN_ERR_FORMAT;
	if (b64_exact(out, n, line, len) < 0)
		return format_error(c->what, c->kind, len != B64_CHARS(n) ?
				    "a key or signature line has the wrong length" :
				    "a key or signature line is not valid base64");
	if (!last && !nl)
		return format_error(c->what, c->kind, "it is truncated");
	if (last && c->p != c->end)
		return format_error(c->what, c->kind, "there is more after its last line");
	return 0;
}

static int pubkey_from_bytes(struct minisign_pubkey *pk, const unsigned char *raw,
			     const char *what)
{
	if (memcmp(raw, "Ed", 2))
		return format_error(what, "public key", "unsupported signature algorithm");
	memcpy(pk->key_id, raw + 2, MINISIGN_KEY_ID_BYTES);
	memcpy(pk->pk, raw + 2 + MINISIGN_KEY_ID_BYTES, crypto_sign_PUBLICKEYBYTES);
	return 0;
}

int minisign_pubkey_parse(struct minisign_pubkey *pk, const char *text, size_t len,
			  const char *what)
{
	struct cursor c = { text, text + len, what, "public key" };
	unsigned char raw[PUBKEY_BYTES];
	const char *comment;
	size_t clen;
	int r;

	if (len < strlen(UNTRUSTED_PREFIX) || memcmp(text, UNTRUSTED_PREFIX, strlen(UNTRUSTED_PREFIX))) {
		/* The key line alone, as minisign -P takes it. */
		r = b64_line(&c, raw, sizeof(raw), true);
	} else {
		r = comment_line(&c, UNTRUSTED_PREFIX, MINISIGN_UNTRUSTED_COMMENT_MAX, &comment, &clen);
		if (!r)
			r = b64_line(&c, raw, sizeof(raw), true);
	}
	if (r)
		return r;
	return pubkey_from_bytes(pk, raw, what);
}

int minisign_pubkey_load(struct minisign_pubkey *pk, const char *arg)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int r;

	unsigned char raw[PUBKEY_BYTES];
	size_t n;

	/* No such file, but the key line itself (base64 has '/' too: decode it to tell) */
	if (stat(arg, &st) < 0 && (errno == ENOENT || errno == ENOTDIR) &&
	    strlen(arg) == B64_CHARS(PUBKEY_BYTES) &&
	    age_b64_decode(arg, strlen(arg), raw, sizeof(raw), &n, true) == 0 && n == PUBKEY_BYTES)
		return minisign_pubkey_parse(pk, arg, strlen(arg), arg);
	if (fs_read_file(arg, &sb, KEY_FILE_MAX) < 0)
		return MINISIGN_ERR_IO;
	r = minisign_pubkey_parse(pk, sb.buf, sb.len, arg);
	strbuf_release(&sb);
	return r;
}

static void pubkey_bytes(const struct minisign_pubkey *pk, unsigned char raw[PUBKEY_BYTES])
{
	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, pk->key_id, MINISIGN_KEY_ID_BYTES);
	memcpy(raw + 2 + MINISIGN_KEY_ID_BYTES, pk->pk, crypto_sign_PUBLICKEYBYTES);
}

char *minisign_pubkey_base64(const struct minisign_pubkey *pk, char out[MINISIGN_PUBKEY_BASE64])
{
	unsigned char raw[PUBKEY_BYTES];

	pubkey_bytes(pk, raw);
	sodium_bin2base64(out, MINISIGN_PUBKEY_BASE64, raw, sizeof(raw),
			  sodium_base64_VARIANT_ORIGINAL);
	return out;
}

void minisign_pubkey_format(const struct minisign_pubkey *pk, struct strbuf *sb)
{
	char id[MINISIGN_KEY_ID_HEX], b64[MINISIGN_PUBKEY_BASE64];

	strbuf_addf(sb, UNTRUSTED_PREFIX "minisign public key %s\n%s\n",
		    minisign_key_id_hex(pk->key_id, id), minisign_pubkey_base64(pk, b64));
}

/* BLAKE2b-256 of "Ed" key_id sk, as minisign checks a secret key. */
static void seckey_checksum(const unsigned char *raw, unsigned char out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, raw + SK_SIG_ALG, 2);
	crypto_generichash_update(&st, raw + SK_KEY_ID, MINISIGN_KEY_ID_BYTES + crypto_sign_SECRETKEYBYTES);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof(st));
}

static bool seckey_encrypted(const unsigned char *raw)
{
	return !memcmp(raw + SK_KDF_ALG, "Sc", 2);
}

/*
 * Parse a secret key file's text into its 158 raw bytes (still encrypted if
 * they were), checking the structure and the algorithms.
 */
static int seckey_decode(unsigned char raw[SK_BYTES], const char *text, size_t len, const char *what)
{
	struct cursor c = { text, text + len, what, "secret key" };
	const char *comment;
	size_t clen;
	int r;

	r = comment_line(&c, UNTRUSTED_PREFIX, MINISIGN_UNTRUSTED_COMMENT_MAX, &comment, &clen);
	if (!r)
		r = b64_line(&c, raw, SK_BYTES, true);
	if (r)
		return r;
	if (memcmp(raw + SK_SIG_ALG, "Ed", 2))
		return format_error(what, "secret key", "unsupported signature algorithm");
	if (!seckey_encrypted(raw) && (raw[SK_KDF_ALG] || raw[SK_KDF_ALG + 1]))
		return format_error(what, "secret key", "unsupported key derivation function");
	if (memcmp(raw + SK_CHK_ALG, "B2", 2))
		return format_error(what, "secret key", "unsupported checksum function");
	if (seckey_encrypted(raw) && (le64_load(raw + SK_OPSLIMIT) > OPSLIMIT_MAX ||
				      le64_load(raw + SK_MEMLIMIT) > MEMLIMIT_MAX))
		return format_error(what, "secret key", "its scrypt limits exceed minisign's");
	return 0;
}

/* XOR the key part of raw with the scrypt stream for password. 0, or -1 (ENOMEM etc.). */
static int seckey_crypt(unsigned char *raw, const char *password, size_t password_len)
{
	unsigned char *stream = secure_alloc(SK_ENCRYPTED);
	int r, e;

	r = crypto_pwhash_scryptsalsa208sha256(stream, SK_ENCRYPTED, password, password_len,
					       raw + SK_SALT, le64_load(raw + SK_OPSLIMIT),
					       (size_t)le64_load(raw + SK_MEMLIMIT));
	e = errno;
	if (r == 0) {
		for (size_t i = 0; i < SK_ENCRYPTED; i++)
			raw[SK_KEY_ID + i] ^= stream[i];
	}
	sodium_free(stream);
	errno = e;
	return r;
}

/* Decrypt raw (if encrypted), check it, and build the key. raw is wiped by the caller. */
static int seckey_unlock(struct minisign_seckey **out, unsigned char *raw, const char *what,
			 const char *password, size_t password_len)
{
	unsigned char chk[32], pk[crypto_sign_PUBLICKEYBYTES], seed_sk[crypto_sign_SECRETKEYBYTES];
	struct minisign_seckey *sk;
	bool zero_chk;

	if (seckey_encrypted(raw)) {
		if (!password)
			return format_error(what, "secret key", "it is encrypted and no password was given");
		if (seckey_crypt(raw, password, password_len) != 0) {
			error_errno("cannot derive the key of '%s' from its password", what);
			return MINISIGN_ERR_IO;
		}
	}
	/* minisign -W leaves the checksum of an unencrypted key all zero. */
	zero_chk = !seckey_encrypted(raw) && sodium_is_zero(raw + SK_CHK, 32);
	seckey_checksum(raw, chk);
	if (!zero_chk && sodium_memcmp(chk, raw + SK_CHK, 32) != 0) {
		sodium_memzero(chk, sizeof(chk));
		if (seckey_encrypted(raw))
			error("wrong password for the secret key '%s'", what);
		else
			error("the secret key '%s' is corrupt: its checksum does not match", what);
		return MINISIGN_ERR_VERIFY;
	}
	sodium_memzero(chk, sizeof(chk));
	/* The public half stored in sk must be the one its seed gives. */
	crypto_sign_seed_keypair(pk, seed_sk, raw + SK_SK);
	sodium_memzero(seed_sk, sizeof(seed_sk));
	if (memcmp(pk, raw + SK_SK + 32, sizeof(pk)))
		return format_error(what, "secret key", "its public half does not match its seed");
	sk = secure_alloc(sizeof(*sk));
	memcpy(sk->key_id, raw + SK_KEY_ID, MINISIGN_KEY_ID_BYTES);
	memcpy(sk->sk, raw + SK_SK, crypto_sign_SECRETKEYBYTES);
	*out = sk;
	return 0;
}

int minisign_seckey_parse(struct minisign_seckey **out, const char *text, size_t len,
			  const char *what, const char *password, size_t password_len)
{
	unsigned char *raw = secure_alloc(SK_BYTES);
	int r = seckey_decode(raw, text, len, what);

	if (!r)
		r = seckey_unlock(out, raw, what, password, password_len);
	sodium_free(raw);
	return r;
}

/* Read a small secret file into sodium_malloc()ed memory (NUL-terminated). */
static int read_secret_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return error_errno("cannot open secret key '%s'", path);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		warning("secret key '%s' is accessible to other users", path);
	buf = secure_alloc(KEY_FILE_MAX + 1);
	n = fs_read_full(fd, buf, KEY_FILE_MAX + 1);
	if (n < 0) {
		error_errno("cannot read secret key '%s'", path);
	} else if (n > KEY_FILE_MAX) {
		error("'%s' is too large to be a minisign secret key", path);
		n = -1;
	}
	close(fd);
	if (n < 0) {
		sodium_free(buf);
		return -1;
	}
	*out = buf;
	*len = (size_t)n;
	return 0;
}

int minisign_seckey_load(struct minisign_seckey **out, const char *path, const char *password_file)
{
	unsigned char *raw;
	char *text = NULL, *pw = NULL;
	size_t len = 0, pwlen = 0;
	int r;

	if (read_secret_file(path, &text, &len) < 0)
		return MINISIGN_ERR_IO;
	raw = secure_alloc(SK_BYTES);
	r = seckey_decode(raw, text, len, path);
	sodium_free(text);
	if (!r && seckey_encrypted(raw)) {
		char *prompt = xasprintf("Password for %s: ", path);

		if (password_read(&pw, &pwlen, password_file, prompt, false) < 0)
			r = MINISIGN_ERR_IO;
		free(prompt);
	}
	if (!r)
		r = seckey_unlock(out, raw, path, pw, pwlen);
	password_free(pw);
	sodium_free(raw);
	return r;
}

void minisign_seckey_pubkey(const struct minisign_seckey *sk, struct minisign_pubkey *pk)
{
	memcpy(pk->key_id, sk->key_id, MINISIGN_KEY_ID_BYTES);
	memcpy(pk->pk, sk->sk + 32, crypto_sign_PUBLICKEYBYTES);
}

void minisign_seckey_free(struct minisign_seckey *sk)
{
	if (sk)
		sodium_free(sk);
}

/* Write len bytes of text to af, or report the error. */
static int write_key_file(struct atomic_file *af, const char *text, size_t len)
{
	if (fs_write_all(af->fd, text, len) < 0)
		return error_errno("cannot write '%s'", af->path);
	return 0;
}

/* Encrypt raw in place, with minisign's limits unless told; halve them while memory runs short. */
static int keygen_encrypt(unsigned char *raw, const struct minisign_keygen_opts *opts)
{
	uint64_t ops = opts->opslimit ? opts->opslimit : OPSLIMIT_MAX;
	uint64_t mem = opts->memlimit ? opts->memlimit : MEMLIMIT_MAX;
	char *pw;
	size_t pwlen;
	int r;

	if (ops > OPSLIMIT_MAX || mem > MEMLIMIT_MAX) {
		error("refusing scrypt limits above minisign's (opslimit %llu, memlimit %llu): "
		      "keys with them are refused when loaded", (unsigned long long)OPSLIMIT_MAX,
		      (unsigned long long)MEMLIMIT_MAX);
		return MINISIGN_ERR_FORMAT;
	}
	if (password_read(&pw, &pwlen, opts->password_file, "Password for the new secret key: ",
			  !opts->password_file) < 0)
		return MINISIGN_ERR_IO;
	if (!pwlen) {
		password_free(pw);
		error("refusing an empty password; make an unencrypted key if that is what you want");
		return MINISIGN_ERR_FORMAT;
	}
	memcpy(raw + SK_KDF_ALG, "Sc", 2);
	randombytes_buf(raw + SK_SALT, crypto_pwhash_scryptsalsa208sha256_SALTBYTES);
	for (;;) {
		le64_store(raw + SK_OPSLIMIT, ops);
		le64_store(raw + SK_MEMLIMIT, mem);
		r = seckey_crypt(raw, pw, pwlen);
		if (r == 0 || errno != ENOMEM || mem / 2 < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN)
			break;
		ops /= 2;
		mem /= 2;
	}
	password_free(pw);
	if (r != 0) {
		error_errno("cannot derive a key from the password");
		return MINISIGN_ERR_IO;
	}
	return 0;
}

int minisign_keygen(const char *pub_path, const char *sec_path,
		    const struct minisign_keygen_opts *opts, struct minisign_pubkey *pk_out)
{
	struct atomic_file sec_af, pub_af;
	struct minisign_pubkey pk;
	struct strbuf pub_text = STRBUF_INIT;
	unsigned char *raw = NULL;
	char *sec_text = NULL;
	size_t sec_len;
	int r = MINISIGN_ERR_IO;

	if (!strcmp(pub_path, "-") || !strcmp(sec_path, "-")) {
		error("key files must be files, not standard output");
		return MINISIGN_ERR_IO;
	}
	if (!strcmp(pub_path, sec_path)) {
		error("the public and secret key files must differ ('%s')", pub_path);
		return MINISIGN_ERR_IO;
	}
	if (atomic_file_open(&sec_af, sec_path, 0600, AF_NO_CLOBBER) < 0)
		return MINISIGN_ERR_IO;
	if (atomic_file_open(&pub_af, pub_path, 0644, AF_NO_CLOBBER) < 0) {
		atomic_file_abort(&sec_af);
		return MINISIGN_ERR_IO;
	}

	raw = secure_alloc(SK_BYTES);
	memcpy(raw + SK_SIG_ALG, "Ed", 2);
	memcpy(raw + SK_CHK_ALG, "B2", 2);
	randombytes_buf(raw + SK_KEY_ID, MINISIGN_KEY_ID_BYTES);
	crypto_sign_keypair(pk.pk, raw + SK_SK);
	memcpy(pk.key_id, raw + SK_KEY_ID, MINISIGN_KEY_ID_BYTES);
	/* The checksum is of the clear key; minisign -W leaves it zero, a real one works as well. */
	seckey_checksum(raw, raw + SK_CHK);
	if (!opts->unencrypted) {
		r = keygen_encrypt(raw, opts);
		if (r)
			goto out;
	}

	sec_len = strlen(UNTRUSTED_PREFIX "minisign encrypted secret key\n") + B64_CHARS(SK_BYTES) + 2;
	sec_text = secure_alloc(sec_len + 1);
	snprintf(sec_text, sec_len + 1, UNTRUSTED_PREFIX "minisign %s secret key\n",
		 opts->unencrypted ? "unencrypted" : "encrypted");
	sec_len = strlen(sec_text);
	sodium_bin2base64(sec_text + sec_len, B64_CHARS(SK_BYTES) + 1, raw, SK_BYTES,
			  sodium_base64_VARIANT_ORIGINAL);
	sec_len += B64_CHARS(SK_BYTES);
	sec_text[sec_len++] = '\n';
	minisign_pubkey_format(&pk, &pub_text);

	r = MINISIGN_ERR_IO;
	if (write_key_file(&sec_af, sec_text, sec_len) < 0 ||
	    write_key_file(&pub_af, pub_text.buf, pub_text.len) < 0)
		goto out;
	if (atomic_file_commit(&sec_af) < 0)
		goto out;
	if (atomic_file_commit(&pub_af) < 0) {
		/* Never leave half a key pair: the secret key was ours, made just now. */
		unlink(sec_path);
		goto out;
	}
	if (pk_out)
		*pk_out = pk;
	r = 0;
out:
	atomic_file_abort(&sec_af);
	atomic_file_abort(&pub_af);
	if (sec_text)
		sodium_free(sec_text);
	sodium_free(raw);
	strbuf_release(&pub_text);
	return r;
}

void minisign_hash_init(struct minisign_hash *h)
{
	crypto_generichash_init(&h->st, NULL, 0, MINISIGN_HASH_BYTES);
}

void minisign_hash_update(struct minisign_hash *h, const void *data, size_t len)
{
	crypto_generichash_update(&h->st, data, len);
}

void minisign_hash_final(struct minisign_hash *h, unsigned char out[MINISIGN_HASH_BYTES])
{
	crypto_generichash_final(&h->st, out, MINISIGN_HASH_BYTES);
}

int minisign_hash_file(const char *path, unsigned char out[MINISIGN_HASH_BYTES])
{
	struct minisign_hash h;
	unsigned char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0) {
		error_errno("cannot open '%s'", path);
		return MINISIGN_ERR_IO;
	}
	buf = xmalloc(1 << 16);
	minisign_hash_init(&h);
	while ((n = fs_read_full(fd, buf, 1 << 16)) > 0)
		minisign_hash_update(&h, buf, (size_t)n);
	if (n < 0)
		error_errno("cannot read '%s'", path);
	else
		minisign_hash_final(&h, out);
	free(buf);
	close(fd);
	return n < 0 ? MINISIGN_ERR_IO : 0;
}

/* sig || trusted comment, the message of the global signature. */
static unsigned char *global_message(const unsigned char sig[crypto_sign_BYTES],
				     const char *trusted, size_t tlen, size_t *mlen)
{
	unsigned char *m = xmalloc(crypto_sign_BYTES + tlen);

	memcpy(m, sig, crypto_sign_BYTES);
	memcpy(m + crypto_sign_BYTES, trusted, tlen);
	*mlen = crypto_sign_BYTES + tlen;
	return m;
}

int minisign_sign(const struct minisign_seckey *sk, const unsigned char hash[MINISIGN_HASH_BYTES],
		  const char *trusted_comment, const char *untrusted_comment, struct strbuf *out)
{
	unsigned char sig[SIG_BYTES], global[crypto_sign_BYTES], *m;
	size_t tlen = strlen(trusted_comment), mlen;
	const char *why;
	int ok;

	if (!untrusted_comment)
		untrusted_comment = DEFAULT_SIG_COMMENT;
	if (minisign_check_comment(trusted_comment, tlen, MINISIGN_TRUSTED_COMMENT_MAX, &why) < 0) {
		error("cannot use that trusted comment: %s", why);
		return MINISIGN_ERR_FORMAT;
	}
	if (minisign_check_comment(untrusted_comment, strlen(untrusted_comment),
				   MINISIGN_UNTRUSTED_COMMENT_MAX, &why) < 0) {
		error("cannot use that untrusted comment: %s", why);
		return MINISIGN_ERR_FORMAT;
	}
	memcpy(sig, "ED", 2);
	memcpy(sig + 2, sk->key_id, MINISIGN_KEY_ID_BYTES);
	crypto_sign_detached(sig + 10, NULL, hash, MINISIGN_HASH_BYTES, sk->sk);
	m = global_message(sig + 10, trusted_comment, tlen, &mlen);
	crypto_sign_detached(global, NULL, m, mlen, sk->sk);
	/* What we hand out must verify: check both signatures with the key's public half. */
	ok = crypto_sign_verify_detached(sig + 10, hash, MINISIGN_HASH_BYTES, sk->sk + 32) == 0 &&
		crypto_sign_verify_detached(global, m, mlen, sk->sk + 32) == 0;
	free(m);
	if (!ok)
		BUG("a fresh minisign signature does not verify");

	strbuf_addf(out, UNTRUSTED_PREFIX "%s\n", untrusted_comment);
	b64_append(out, sig, sizeof(sig));
	strbuf_addf(out, "\n" TRUSTED_PREFIX "%s\n", trusted_comment);
	b64_append(out, global, sizeof(global));
	strbuf_addch(out, '\n');
	return 0;
}

int minisign_sig_parse(struct minisign_sig *sig, const char *text, size_t len, const char *what)
{
	struct cursor c = { text, text + len, what, "signature" };
	unsigned char raw[SIG_BYTES];
	const char *untrusted, *trusted;
	size_t ulen, tlen;
	int r;

	r = comment_line(&c, UNTRUSTED_PREFIX, MINISIGN_UNTRUSTED_COMMENT_MAX, &untrusted, &ulen);
	if (!r)
		r = b64_line(&c, raw, sizeof(raw), false);
	if (r)
		return r;
	if (!memcmp(raw, "Ed", 2))
		return format_error(what, "signature", "it is a legacy signature (\"Ed\", not prehashed); "
				    "only prehashed (\"ED\") signatures are accepted");
	if (memcmp(raw, "ED", 2))
		return format_error(what, "signature", "unsupported signature algorithm");
	r = comment_line(&c, TRUSTED_PREFIX, MINISIGN_TRUSTED_COMMENT_MAX, &trusted, &tlen);
	if (!r)
		r = b64_line(&c, sig->global_sig, sizeof(sig->global_sig), true);
	if (r) {
		sodium_memzero(sig->global_sig, sizeof(sig->global_sig));
		return r;
	}
	memcpy(sig->key_id, raw + 2, MINISIGN_KEY_ID_BYTES);
	memcpy(sig->sig, raw + 10, crypto_sign_BYTES);
	sig->untrusted_comment = xstrndup(untrusted, ulen);
	sig->trusted_comment = xstrndup(trusted, tlen);
	return 0;
}

void minisign_sig_release(struct minisign_sig *sig)
{
	free(sig->untrusted_comment);
	free(sig->trusted_comment);
	memset(sig, 0, sizeof(*sig));
}

int minisign_verify(const struct minisign_pubkey *pk, const struct minisign_sig *sig,
		    const unsigned char hash[MINISIGN_HASH_BYTES], const char *what)
{
	char want[MINISIGN_KEY_ID_HEX], got[MINISIGN_KEY_ID_HEX];
	unsigned char *m;
	size_t mlen;
	int ok;

	if (memcmp(sig->key_id, pk->key_id, MINISIGN_KEY_ID_BYTES)) {
		error("'%s' was made by key %s, not by the expected key %s", what,
		      minisign_key_id_hex(sig->key_id, got), minisign_key_id_hex(pk->key_id, want));
		return MINISIGN_ERR_VERIFY;
	}
	if (crypto_sign_verify_detached(sig->sig, hash, MINISIGN_HASH_BYTES, pk->pk) != 0) {
		error("'%s': signature verification failed: the signed data or the signature was changed",
		      what);
		return MINISIGN_ERR_VERIFY;
	}
	m = global_message(sig->sig, sig->trusted_comment, strlen(sig->trusted_comment), &mlen);
	ok = crypto_sign_verify_detached(sig->global_sig, m, mlen, pk->pk) == 0;
	free(m);
	if (!ok) {
		error("'%s': comment signature verification failed: the trusted comment was changed",
		      what);
		return MINISIGN_ERR_VERIFY;
	}
	return 0;
}

int minisign_verify_file(const struct minisign_pubkey *pk, const char *sig_path,
			 const char *data_path, char **trusted_comment)
{
	struct minisign_sig sig = MINISIGN_SIG_INIT;
	struct strbuf sb = STRBUF_INIT;
	unsigned char hash[MINISIGN_HASH_BYTES];
	int r;

	if (fs_read_file(sig_path, &sb, SIG_FILE_MAX) < 0)
		return MINISIGN_ERR_IO;
	r = minisign_sig_parse(&sig, sb.buf, sb.len, sig_path);
	strbuf_release(&sb);
	if (r)
		return r;
	r = minisign_hash_file(data_path, hash);
	if (!r)
		r = minisign_verify(pk, &sig, hash, sig_path);
	if (!r && trusted_comment) {
		*trusted_comment = sig.trusted_comment;
		sig.trusted_comment = NULL;
	}
	minisign_sig_release(&sig);
	return r;
}
