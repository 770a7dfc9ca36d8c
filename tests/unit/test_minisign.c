// SPDX-License-Identifier: MIT
/*
 * test_minisign.c - minisign keys and signatures, with stock minisign 0.11 in the loop
 *
 * Interop both ways: our keys and signatures go through `minisign -V`, keys
 * and signatures made by `minisign -G`/`-S` go through ours, and the same key
 * and comments give byte-identical .minisig files. Fixtures in
 * tests/fixtures/trust/ were made by minisign 0.11 (password "testpass").
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/fsutil.h"
#include "diag/minisign.h"
#include "diag/strbuf.h"
#include "testlib.h"

#define FIX "../fixtures/trust/"
#define TC "bundle:fixture\thost:test" /* the fixtures' trusted comment */
#define UC "fixture untrusted"

/* Small limits for keys our tests encrypt: scrypt N = 2^10. */
static const struct minisign_keygen_opts fast_enc = {
	false, NULL, crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
	crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN,
};
static const struct minisign_keygen_opts plain = { true, NULL, 0, 0 };

static void put(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, text, len), 0);
	close(fd);
}

static void puts_file(const char *path, const char *text)
{
	put(path, text, strlen(text));
}

static void slurp(const char *path, struct strbuf *sb)
{
	strbuf_reset(sb);
	assert_int_equal(fs_read_file(path, sb, 1 << 20), 0);
}

static int setup(void **state)
{
	char templ[] = "/tmp/diag-test-minisign.XXXXXX";

	if (sodium_init() < 0 || !mkdtemp(templ))
		return -1;
	snprintf(test_dir, sizeof(test_dir), "%s", templ);
	snprintf(capture_file, sizeof(capture_file), "%s/stderr", templ);
	return 0;
}

static int teardown(void **state)
{
	return fs_remove_tree(test_dir);
}

/* Sign the file path with sk, into sig_path. */
static void our_sign(const struct minisign_seckey *sk, const char *path, const char *sig_path,
		     const char *tc, const char *uc)
{
	unsigned char h[MINISIGN_HASH_BYTES];
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(minisign_hash_file(path, h), 0);
	assert_int_equal(minisign_sign(sk, h, tc, uc, &sb), 0);
	put(sig_path, sb.buf, sb.len);
	strbuf_release(&sb);
}

static int our_verify(const char *pub, const char *sig, const char *data, char **tc)
{
	struct minisign_pubkey pk;

	assert_int_equal(minisign_pubkey_load(&pk, pub), 0);
	return minisign_verify_file(&pk, sig, data, tc);
}

static void assert_same_file(const char *a, const char *b)
{
	assert_int_equal(sh("cmp -s %s %s", a, b), 0);
}

/*
 * Rewrite the base64 line lineno (1-based) of a text file: decode it, XOR
 * byte off with x, encode it again.
 */
static void tweak_b64_line(const char *path, int lineno, size_t off, unsigned char x)
{
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	unsigned char bin[256];
	size_t binlen;
	char b64[512];
	char *line = NULL, *p;
	int n = 1;

	slurp(path, &sb);
	for (p = sb.buf; *p; n++) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (n == lineno) {
			line = p;
			assert_int_equal(sodium_base642bin(bin, sizeof(bin), line, len, NULL, &binlen, NULL,
							   sodium_base64_VARIANT_ORIGINAL), 0);
			bin[off] ^= x;
			sodium_bin2base64(b64, sizeof(b64), bin, binlen, sodium_base64_VARIANT_ORIGINAL);
			strbuf_addstr(&out, b64);
		} else {
			strbuf_add(&out, p, len);
		}
		if (nl)
			strbuf_addch(&out, '\n');
		p += len + (nl != NULL);
	}
	assert_non_null(line);
	put(path, out.buf, out.len);
	strbuf_release(&sb);
	strbuf_release(&out);
}

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	return (int)(strchr(b64_alphabet, c) - b64_alphabet);
}

static char b64_char(int v)
{
	return b64_alphabet[v];
}

static void key_id_prints_as_minisign_does(void **state)
{
	static const unsigned char id[8] = { 0xfb, 0x55, 0xc8, 0x60, 0xc9, 0xad, 0xee, 0xc5 };
	static const unsigned char small[8] = { 0x01 };
	char hex[MINISIGN_KEY_ID_HEX];

	assert_string_equal(minisign_key_id_hex(id, hex), "C5EEADC960C855FB");
	assert_string_equal(minisign_key_id_hex(small, hex), "0000000000000001");
}

static void loads_minisign_public_keys_from_files_and_inline(void **state)
{
	struct minisign_pubkey a, b;
	char hex[MINISIGN_KEY_ID_HEX], b64[MINISIGN_PUBKEY_BASE64];
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(minisign_pubkey_load(&a, FIX "ms-plain.pub"), 0);
	assert_string_equal(minisign_key_id_hex(a.key_id, hex), "BBCA899185EA7271");
	assert_int_equal(minisign_pubkey_load(&b, "RWRxcuqFkYnKuwIKc3DOWkb3jQC6OA3+BQnKR04Bw+yiPk72gvmlxQDj"), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* Written back, it is the file minisign wrote. */
	minisign_pubkey_format(&a, &sb);
	assert_string_equal(sb.buf, "untrusted comment: minisign public key BBCA899185EA7271\n"
			    "RWRxcuqFkYnKuwIKc3DOWkb3jQC6OA3+BQnKR04Bw+yiPk72gvmlxQDj\n");
	assert_string_equal(minisign_pubkey_base64(&a, b64),
			    "RWRxcuqFkYnKuwIKc3DOWkb3jQC6OA3+BQnKR04Bw+yiPk72gvmlxQDj");
	strbuf_release(&sb);
	capture_start();
	assert_int_equal(minisign_pubkey_load(&a, T("missing.pub")), MINISIGN_ERR_IO);
	capture_expect("missing.pub': No such file or directory");
}

static void signs_byte_identically_to_minisign_with_its_unencrypted_key(void **state)
{
	struct minisign_seckey *sk;

	assert_int_equal(minisign_seckey_load(&sk, FIX "ms-plain.key", NULL), 0);
	our_sign(sk, FIX "data.txt", T("plain.minisig"), TC, UC);
	assert_same_file(T("plain.minisig"), FIX "data.txt.plain.minisig");
	minisign_seckey_free(sk);
}

static void loads_minisign_encrypted_key_with_its_password(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk, want;

	/* One derivation at minisign's own limits (1 GiB): far too slow under valgrind. */
	if (getenv("VALGRIND") && !strcmp(getenv("VALGRIND"), "1"))
		skip();
	puts_file(T("pw"), "testpass\n");
	assert_int_equal(minisign_seckey_load(&sk, FIX "ms-enc.key", T("pw")), 0);
	minisign_seckey_pubkey(sk, &pk);
	assert_int_equal(minisign_pubkey_load(&want, FIX "ms-enc.pub"), 0);
	assert_memory_equal(&pk, &want, sizeof(pk));
	our_sign(sk, FIX "data.txt", T("enc.minisig"), TC, UC);
	assert_same_file(T("enc.minisig"), FIX "data.txt.enc.minisig");
	minisign_seckey_free(sk);
}

static void verifies_signatures_minisign_made(void **state)
{
	char *tc = NULL;

	assert_int_equal(our_verify(FIX "ms-plain.pub", FIX "data.txt.plain.minisig", FIX "data.txt", &tc), 0);
	assert_string_equal(tc, TC);
	free(tc);
	assert_int_equal(our_verify(FIX "ms-enc.pub", FIX "data.txt.enc.minisig", FIX "data.txt", NULL), 0);
	capture_start();
	assert_int_equal(our_verify(FIX "ms-enc.pub", FIX "data.txt.plain.minisig", FIX "data.txt", NULL),
			 MINISIGN_ERR_VERIFY);
	capture_expect("was made by key BBCA899185EA7271, not by the expected key 43925EC1B12EE91B");
}

static void our_unencrypted_key_pair_works_with_minisign_both_ways(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk, loaded;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char b64[MINISIGN_PUBKEY_BASE64];
	char *tc = NULL;

	assert_int_equal(minisign_keygen(T("w.pub"), T("w.key"), &plain, &pk), 0);
	assert_int_equal(stat(T("w.key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(T("w.pub"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(minisign_pubkey_load(&loaded, T("w.pub")), 0);
	assert_memory_equal(&pk, &loaded, sizeof(pk));

	/* Large enough to go through the streaming hash in several pieces. */
	assert_int_equal(sh("head -c 300000 /dev/urandom >%s", T("big")), 0);
	assert_int_equal(minisign_seckey_load(&sk, T("w.key"), NULL), 0);
	our_sign(sk, T("big"), T("big.ours"), "timestamp:1\tfile:big", "from diag");
	assert_int_equal(sh("minisign -V -H -q -p %s -m %s -x %s", T("w.pub"), T("big"), T("big.ours")), 0);
	/* The inline form, printing the trusted comment only. */
	assert_int_equal(sh("minisign -V -Q -P %s -m %s -x %s >%s", minisign_pubkey_base64(&pk, b64),
			    T("big"), T("big.ours"), T("tc")), 0);
	slurp(T("tc"), &sb);
	assert_string_equal(sb.buf, "timestamp:1\tfile:big\n");
	/* minisign signing with our key writes the very same file. */
	assert_int_equal(sh("minisign -S -s %s -m %s -x %s -c 'from diag' -t \"$(printf 'timestamp:1\\tfile:big')\" >/dev/null",
			    T("w.key"), T("big"), T("big.theirs")), 0);
	assert_same_file(T("big.ours"), T("big.theirs"));
	assert_int_equal(our_verify(T("w.pub"), T("big.theirs"), T("big"), &tc), 0);
	assert_string_equal(tc, "timestamp:1\tfile:big");
	free(tc);
	minisign_seckey_free(sk);
	strbuf_release(&sb);
}

static void our_encrypted_key_works_with_minisign_given_the_password(void **state)
{
	struct minisign_keygen_opts opts = fast_enc;
	struct minisign_seckey *sk;
	struct strbuf sb = STRBUF_INIT;

	puts_file(T("pw"), "correct horse\n");
	opts.password_file = T("pw");
	assert_int_equal(minisign_keygen(T("e.pub"), T("e.key"), &opts, NULL), 0);
	slurp(T("e.key"), &sb);
	assert_non_null(strstr(sb.buf, "untrusted comment: minisign encrypted secret key\nRWRTY0Iy"));
	assert_int_equal(minisign_seckey_load(&sk, T("e.key"), T("pw")), 0);
	our_sign(sk, FIX "data.txt", T("e.ours"), TC, UC);
	assert_int_equal(sh("minisign -V -H -q -p %s -m %s -x %s", T("e.pub"), FIX "data.txt", T("e.ours")), 0);
	/* minisign reads the password on stdin when it is not a terminal. */
	assert_int_equal(sh("printf 'correct horse\\n' | minisign -S -s %s -m %s -x %s -c '" UC
			    "' -t \"$(printf 'bundle:fixture\\thost:test')\" >/dev/null 2>&1",
			    T("e.key"), FIX "data.txt", T("e.theirs")), 0);
	assert_same_file(T("e.ours"), T("e.theirs"));
	/* and refuses a wrong one, as we do */
	assert_int_not_equal(sh("printf 'wrong\\n' | minisign -S -s %s -m %s -x %s >/dev/null 2>&1",
				T("e.key"), FIX "data.txt", T("e.wrong")), 0);
	minisign_seckey_free(sk);
	strbuf_release(&sb);
}

static void minisign_made_key_pair_works_here_both_ways(void **state)
{
	struct minisign_seckey *sk;

	assert_int_equal(sh("minisign -G -W -p %s -s %s >/dev/null", T("m.pub"), T("m.key")), 0);
	assert_int_equal(minisign_seckey_load(&sk, T("m.key"), NULL), 0);
	our_sign(sk, FIX "data.txt", T("m.ours"), "one\ttwo three", NULL);
	assert_int_equal(sh("minisign -V -H -q -p %s -m %s -x %s", T("m.pub"), FIX "data.txt", T("m.ours")), 0);
	assert_int_equal(sh("minisign -S -s %s -m %s -x %s -t 'one\ttwo three' >/dev/null",
			    T("m.key"), FIX "data.txt", T("m.theirs")), 0);
	assert_same_file(T("m.ours"), T("m.theirs"));
	assert_int_equal(our_verify(T("m.pub"), T("m.theirs"), FIX "data.txt", NULL), 0);
	minisign_seckey_free(sk);
}

static void wrong_password_fails_clearly(void **state)
{
	struct minisign_keygen_opts opts = fast_enc;
	struct minisign_seckey *sk = NULL;

	puts_file(T("pw1"), "right\n");
	puts_file(T("pw2"), "wrong\n");
	opts.password_file = T("pw1");
	assert_int_equal(minisign_keygen(T("p.pub"), T("p.key"), &opts, NULL), 0);
	capture_start();
	assert_int_equal(minisign_seckey_load(&sk, T("p.key"), T("pw2")), MINISIGN_ERR_VERIFY);
	capture_expect("wrong password for the secret key '");
	assert_null(sk);
	/* A missing password file is an I/O error naming it. */
	capture_start();
	assert_int_equal(minisign_seckey_load(&sk, T("p.key"), T("nope")), MINISIGN_ERR_IO);
	capture_expect("cannot open password file '");
	/* Without a password, an encrypted key cannot be parsed. */
	capture_start();
	assert_int_equal(minisign_seckey_parse(&sk, "x", 1, "k", NULL, 0), MINISIGN_ERR_FORMAT);
	capture_expect("'k' is not a valid minisign secret key");
}

/* A fresh key pair of ours NAME.pub, NAME.key, and NAME.sig its signature of t.data (data.txt). */
static void fresh_signed(const char *name)
{
	char pub[64], key[64], sig[64];
	struct minisign_seckey *sk;

	snprintf(pub, sizeof(pub), "%s.pub", name);
	snprintf(key, sizeof(key), "%s.key", name);
	snprintf(sig, sizeof(sig), "%s.sig", name);
	assert_int_equal(sh("rm -f %s %s", T(pub), T(key)), 0);
	assert_int_equal(minisign_keygen(T(pub), T(key), &plain, NULL), 0);
	assert_int_equal(minisign_seckey_load(&sk, T(key), NULL), 0);
	assert_int_equal(sh("cp %s %s", FIX "data.txt", T("t.data")), 0);
	our_sign(sk, T("t.data"), T(sig), "trusted", NULL);
	minisign_seckey_free(sk);
}

static void changed_data_signature_or_comment_fails_here_and_in_minisign(void **state)
{
	fresh_signed("t");

	/* The data. */
	assert_int_equal(sh("printf x >>%s", T("t.data")), 0);
	capture_start();
	assert_int_equal(our_verify(T("t.pub"), T("t.sig"), T("t.data"), NULL), MINISIGN_ERR_VERIFY);
	capture_expect("signature verification failed");
	assert_int_not_equal(sh("minisign -V -q -p %s -m %s -x %s", T("t.pub"), T("t.data"), T("t.sig")), 0);

	/* A byte of the signature itself. */
	fresh_signed("t");
	tweak_b64_line(T("t.sig"), 2, 40, 0x01);
	capture_start();
	assert_int_equal(our_verify(T("t.pub"), T("t.sig"), T("t.data"), NULL), MINISIGN_ERR_VERIFY);
	capture_expect("signature verification failed");
	assert_int_not_equal(sh("minisign -V -q -p %s -m %s -x %s", T("t.pub"), T("t.data"), T("t.sig")), 0);

	/* The trusted comment. */
	fresh_signed("t");
	assert_int_equal(sh("sed -i 's/^trusted comment: trusted$/trusted comment: trustee/' %s", T("t.sig")), 0);
	capture_start();
	assert_int_equal(our_verify(T("t.pub"), T("t.sig"), T("t.data"), NULL), MINISIGN_ERR_VERIFY);
	capture_expect("comment signature verification failed");
	assert_int_not_equal(sh("minisign -V -q -p %s -m %s -x %s", T("t.pub"), T("t.data"), T("t.sig")), 0);

	/* The global signature. */
	fresh_signed("t");
	tweak_b64_line(T("t.sig"), 4, 0, 0x80);
	capture_start();
	assert_int_equal(our_verify(T("t.pub"), T("t.sig"), T("t.data"), NULL), MINISIGN_ERR_VERIFY);
	capture_expect("comment signature verification failed");
	assert_int_not_equal(sh("minisign -V -q -p %s -m %s -x %s", T("t.pub"), T("t.data"), T("t.sig")), 0);

	/* The untrusted comment is not authenticated: changing it changes nothing. */
	fresh_signed("t");
	assert_int_equal(sh("sed -i '1s/.*/untrusted comment: anything/' %s", T("t.sig")), 0);
	assert_int_equal(our_verify(T("t.pub"), T("t.sig"), T("t.data"), NULL), 0);
}

static void another_key_with_the_same_id_fails_at_the_signature(void **state)
{
	fresh_signed("t");
	fresh_signed("u");
	/* u.pub with t's key id: the ids match, the key does not. */
	assert_int_equal(sh("cp %s %s", T("u.pub"), T("v.pub")), 0);
	{
		struct minisign_pubkey t, v;
		struct strbuf sb = STRBUF_INIT;

		assert_int_equal(minisign_pubkey_load(&t, T("t.pub")), 0);
		assert_int_equal(minisign_pubkey_load(&v, T("v.pub")), 0);
		memcpy(v.key_id, t.key_id, sizeof(v.key_id));
		minisign_pubkey_format(&v, &sb);
		put(T("v.pub"), sb.buf, sb.len);
		strbuf_release(&sb);
	}
	capture_start();
	assert_int_equal(our_verify(T("v.pub"), T("t.sig"), T("t.data"), NULL), MINISIGN_ERR_VERIFY);
	capture_expect("signature verification failed");
	assert_int_not_equal(sh("minisign -V -q -p %s -m %s -x %s", T("v.pub"), T("t.data"), T("t.sig")), 0);
	/* and the plain wrong key names both ids */
	capture_start();
	assert_int_equal(our_verify(T("u.pub"), T("t.sig"), T("t.data"), NULL), MINISIGN_ERR_VERIFY);
	capture_expect("not by the expected key");
}

struct bad_case {
	const char *text;
	const char *why;
};

static void rejects_malformed_signature_files(void **state)
{
	struct strbuf good = STRBUF_INIT, t = STRBUF_INIT;
	struct minisign_sig sig = MINISIGN_SIG_INIT;
	const char *l2, *l4;
	char *lines[4];

	slurp(FIX "data.txt.plain.minisig", &good);
	/* Split the good file into its four lines (without LF). */
	lines[0] = good.buf;
	for (int i = 1; i < 4; i++) {
		lines[i] = strchr(lines[i - 1], '\n');
		*lines[i]++ = '\0';
	}
	*strchr(lines[3], '\n') = '\0';
	l2 = lines[1];
	l4 = lines[3];

#define SIG(a, b, c, d) (strbuf_reset(&t), strbuf_addf(&t, "%s%s%s%s", a, b, c, d), t.buf)
#define EXPECT(ret, text, msg) do { \
		capture_start(); \
		assert_int_equal(minisign_sig_parse(&sig, text, strlen(text), "s.minisig"), ret); \
		if (ret) capture_expect(msg); else { capture_expect(""); minisign_sig_release(&sig); } \
	} while (0)
	char u[64], tc[64], l2n[128], l4n[128];

	snprintf(u, sizeof(u), "%s\n", lines[0]);
	snprintf(tc, sizeof(tc), "%s\n", lines[2]);
	snprintf(l2n, sizeof(l2n), "%s\n", l2);
	snprintf(l4n, sizeof(l4n), "%s\n", l4);

	EXPECT(0, SIG(u, l2n, tc, l4n), "");
	EXPECT(0, SIG(u, l2n, tc, l4), "");                       /* no final LF */
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, "\n"), "wrong length");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, ""), "truncated");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, "", ""), "empty or truncated");
	EXPECT(MINISIGN_ERR_FORMAT, SIG("", "", "", ""), "empty or truncated");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, "x"), "wrong length");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(l2n, u, tc, l4n), "does not start with \"untrusted comment: \"");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, "trusted comment:x\n", l4n), "does not start with \"trusted comment: \"");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, "AAAA\n"), "wrong length");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, l4n + 1), "wrong length");
	{
		char extra[256];

		snprintf(extra, sizeof(extra), "%s\n\n", l4);
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, extra), "more after its last line");
		snprintf(extra, sizeof(extra), "%s\r\n", l4);
		EXPECT(0, SIG(u, l2n, tc, extra), "");
		snprintf(extra, sizeof(extra), "%s\r", l4);
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, extra), "stray CR");
		/* Non-canonical base64: '=' replaced by a character that decodes to padding bits. */
		snprintf(extra, sizeof(extra), "%s", l4n);
		extra[85] = b64_char((b64_value(extra[85]) & 0x30) | 0x0f); /* padding bits set */
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, tc, extra), "");
		snprintf(extra, sizeof(extra), "%s", l2n);
		extra[0] = '*';
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, extra, tc, l4n), "not valid base64");
	}
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, "trusted comment: bell\a\n", l4n), "control character");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, "trusted comment: \xc3\x28\n", l4n), "not valid UTF-8");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, "trusted comment: \xed\xa0\x80\n", l4n), "not valid UTF-8");
	EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, "trusted comment: \xe0\x80\xaf\n", l4n), "not valid UTF-8");
	EXPECT(0, SIG(u, l2n, "trusted comment: caf\xc3\xa9 \xf0\x9f\x94\x92\n", l4n), "");
	EXPECT(MINISIGN_ERR_FORMAT, SIG("untrusted comment: a\rb\n", l2n, tc, l4n), "stray CR");
	{
		/* A NUL inside a line. */
		const char text[] = "untrusted comment: a\0b\nRUQ=\n";

		capture_start();
		assert_int_equal(minisign_sig_parse(&sig, text, sizeof(text) - 1, "s.minisig"), -2);
		capture_expect("NUL");
	}
	{
		/* The legacy "Ed" form, refused with a reason. */
		unsigned char bin[74];
		char b64[128];
		size_t n;

		assert_int_equal(sodium_base642bin(bin, sizeof(bin), l2, strlen(l2), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		bin[1] = 'd';
		sodium_bin2base64(b64, sizeof(b64) - 1, bin, n, sodium_base64_VARIANT_ORIGINAL);
		b64[strlen(b64) + 1] = '\0';
		b64[strlen(b64)] = '\n';
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, b64, tc, l4n), "legacy signature");
		bin[0] = 'X';
		bin[1] = 'D';
		sodium_bin2base64(b64, sizeof(b64) - 1, bin, n, sodium_base64_VARIANT_ORIGINAL);
		b64[strlen(b64) + 1] = '\0';
		b64[strlen(b64)] = '\n';
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, b64, tc, l4n), "unsupported signature algorithm");
	}
	{
		/* Comment length limits: exactly minisign's maximum passes, one more fails. */
		struct strbuf big = STRBUF_INIT;

		strbuf_addstr(&big, "trusted comment: ");
		for (int i = 0; i < MINISIGN_TRUSTED_COMMENT_MAX + 1; i++)
			strbuf_addch(&big, 'x');
		strbuf_addch(&big, '\n');
		EXPECT(MINISIGN_ERR_FORMAT, SIG(u, l2n, big.buf, l4n), "too long");
		strbuf_reset(&big);
		strbuf_addstr(&big, "untrusted comment: ");
		for (int i = 0; i < MINISIGN_UNTRUSTED_COMMENT_MAX + 1; i++)
			strbuf_addch(&big, 'x');
		strbuf_addch(&big, '\n');
		EXPECT(MINISIGN_ERR_FORMAT, SIG(big.buf, l2n, tc, l4n), "too long");
		strbuf_release(&big);
	}
#undef SIG
#undef EXPECT
	strbuf_release(&good);
	strbuf_release(&t);
}

static void longest_trusted_comment_minisign_reads_round_trips(void **state)
{
	struct minisign_seckey *sk;
	unsigned char h[MINISIGN_HASH_BYTES];
	struct strbuf sb = STRBUF_INIT;
	char *tc = xmalloc(MINISIGN_TRUSTED_COMMENT_MAX + 2), *got = NULL;

	memset(tc, 'y', MINISIGN_TRUSTED_COMMENT_MAX + 1);
	tc[MINISIGN_TRUSTED_COMMENT_MAX + 1] = '\0';
	fresh_signed("l");
	assert_int_equal(minisign_seckey_load(&sk, T("l.key"), NULL), 0);
	assert_int_equal(minisign_hash_file(T("t.data"), h), 0);
	capture_start();
	assert_int_equal(minisign_sign(sk, h, tc, NULL, &sb), MINISIGN_ERR_FORMAT);
	capture_expect("comment is too long");
	tc[MINISIGN_TRUSTED_COMMENT_MAX] = '\0';
	assert_int_equal(minisign_sign(sk, h, tc, NULL, &sb), 0);
	put(T("l.sig"), sb.buf, sb.len);
	assert_int_equal(sh("minisign -V -q -p %s -m %s -x %s", T("l.pub"), T("t.data"), T("l.sig")), 0);
	assert_int_equal(our_verify(T("l.pub"), T("l.sig"), T("t.data"), &got), 0);
	assert_string_equal(got, tc);
	/* A newline in a comment is refused, never written. */
	strbuf_reset(&sb);
	capture_start();
	assert_int_equal(minisign_sign(sk, h, "a\nb", NULL, &sb), MINISIGN_ERR_FORMAT);
	capture_expect("control character");
	assert_int_equal(minisign_sign(sk, h, "ok", "a\nb", &sb), MINISIGN_ERR_FORMAT);
	assert_int_equal(sb.len, 0);
	free(got);
	free(tc);
	minisign_seckey_free(sk);
	strbuf_release(&sb);
}

static void crlf_key_and_signature_files_still_work(void **state)
{
	char *tc = NULL;

	assert_int_equal(sh("sed 's/$/\\r/' %s >%s", FIX "ms-plain.pub", T("crlf.pub")), 0);
	assert_int_equal(sh("sed 's/$/\\r/' %s >%s", FIX "data.txt.plain.minisig", T("crlf.sig")), 0);
	assert_int_equal(our_verify(T("crlf.pub"), T("crlf.sig"), FIX "data.txt", &tc), 0);
	assert_string_equal(tc, TC);
	free(tc);
	assert_int_equal(sh("sed 's/$/\\r/' %s >%s && chmod 600 %s", FIX "ms-plain.key", T("crlf.key"),
			    T("crlf.key")), 0);
	{
		struct minisign_seckey *sk;

		assert_int_equal(minisign_seckey_load(&sk, T("crlf.key"), NULL), 0);
		minisign_seckey_free(sk);
	}
}

static void rejects_malformed_keys(void **state)
{
	struct minisign_pubkey pk;
	struct minisign_seckey *sk = NULL;
	struct strbuf key = STRBUF_INIT;
	unsigned char raw[158];
	size_t n;
	char *line2;
	char b64[256];

	/* Public keys. */
	capture_start();
	assert_int_equal(minisign_pubkey_parse(&pk, "RWQ", 3, "k.pub"), MINISIGN_ERR_FORMAT);
	capture_expect("'k.pub' is not a valid minisign public key: a key or signature line has the wrong length");
	capture_start();
	assert_int_equal(minisign_pubkey_parse(&pk, "untrusted comment: x\n", 21, "k.pub"), MINISIGN_ERR_FORMAT);
	capture_expect("truncated");
	{
		/* A secret key is not a public key. */
		struct strbuf sb = STRBUF_INIT;

		slurp(FIX "ms-plain.key", &sb);
		capture_start();
		assert_int_equal(minisign_pubkey_parse(&pk, sb.buf, sb.len, "k"), MINISIGN_ERR_FORMAT);
		capture_expect("wrong length");
		strbuf_release(&sb);
	}

	/* Secret keys: take minisign's unencrypted key and break it field by field. */
	slurp(FIX "ms-plain.key", &key);
	line2 = strchr(key.buf, '\n') + 1;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), line2, strcspn(line2, "\n"), NULL, &n, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 158);
#define TRY(mutate, ret, msg) do { \
		unsigned char r2[158]; \
		struct strbuf t = STRBUF_INIT; \
		memcpy(r2, raw, sizeof(r2)); \
		mutate; \
		sodium_bin2base64(b64, sizeof(b64), r2, sizeof(r2), sodium_base64_VARIANT_ORIGINAL); \
		strbuf_addf(&t, "untrusted comment: k\n%s\n", b64); \
		capture_start(); \
		assert_int_equal(minisign_seckey_parse(&sk, t.buf, t.len, "k.key", NULL, 0), ret); \
		capture_expect(msg); \
		strbuf_release(&t); \
		if (!(ret)) minisign_seckey_free(sk); \
		sk = NULL; \
	} while (0)
	TRY((void)0, 0, "");
	TRY(r2[0] = 'X', MINISIGN_ERR_FORMAT, "unsupported signature algorithm");
	TRY(r2[2] = 'X', MINISIGN_ERR_FORMAT, "unsupported key derivation function");
	TRY(r2[5] = '3', MINISIGN_ERR_FORMAT, "unsupported checksum function");
	/* A corrupted secret seed: the stored public half no longer matches. */
	TRY(r2[70] ^= 1, MINISIGN_ERR_FORMAT, "its public half does not match its seed");
	/* A real checksum that does not match (a zero one is minisign -W's "none"). */
	TRY(r2[130] = 1, MINISIGN_ERR_VERIFY, "checksum does not match");
	/* Encrypted, with limits beyond minisign's, is refused before any scrypt. */
	TRY((memcpy(r2 + 2, "Sc", 2), r2[38 + 7] = 1), MINISIGN_ERR_FORMAT, "scrypt limits exceed");
	TRY((memcpy(r2 + 2, "Sc", 2), r2[46 + 5] = 1), MINISIGN_ERR_FORMAT, "scrypt limits exceed");
	TRY(memcpy(r2 + 2, "Sc", 2), MINISIGN_ERR_FORMAT, "no password was given");
#undef TRY
	/* Trailing garbage after the key line. */
	strbuf_addstr(&key, "more\n");
	capture_start();
	assert_int_equal(minisign_seckey_parse(&sk, key.buf, key.len, "k.key", NULL, 0), MINISIGN_ERR_FORMAT);
	capture_expect("more after its last line");
	strbuf_release(&key);
}

/*
 * libsodium 1.0.18's sodium_base642bin() takes bytes >= 0x80 for digits: a
 * key or signature line with one in place of a digit decodes there. Ours
 * must refuse it: there is one base64 decoder in diag, age's, and it is strict.
 */
static void rejects_base64_lines_with_bytes_outside_the_alphabet(void **state)
{
	struct minisign_pubkey pk;
	struct minisign_sig sig = MINISIGN_SIG_INIT;
	struct strbuf sb = STRBUF_INIT;
	unsigned char bin[64];
	size_t binlen;
	char *line2;

	slurp(FIX "ms-plain.pub", &sb);
	line2 = strchr(sb.buf, '\n') + 1;
	line2[10] = (char)0xc1;
	/* The lax decoder libsodium ships takes it... */
	assert_int_equal(sodium_base642bin(bin, sizeof(bin), line2, strcspn(line2, "\n"), NULL,
					   &binlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	/* ...ours does not. */
	capture_start();
	assert_int_equal(minisign_pubkey_parse(&pk, sb.buf, sb.len, "k.pub"), MINISIGN_ERR_FORMAT);
	capture_expect("not valid base64");
	strbuf_reset(&sb);

	slurp(FIX "data.txt.plain.minisig", &sb);
	line2 = strchr(sb.buf, '\n') + 1;
	line2[20] = (char)0xff;
	capture_start();
	assert_int_equal(minisign_sig_parse(&sig, sb.buf, sb.len, "x.minisig"), MINISIGN_ERR_FORMAT);
	capture_expect("not valid base64");
	strbuf_release(&sb);
}

static void keygen_never_overwrites_and_leaves_nothing_on_failure(void **state)
{
	struct stat st;
	struct minisign_keygen_opts opts = fast_enc;

	puts_file(T("exists.pub"), "keep me\n");
	capture_start();
	assert_int_equal(minisign_keygen(T("exists.pub"), T("new.key"), &plain, NULL), MINISIGN_ERR_IO);
	capture_expect("already exists; not overwriting it");
	assert_int_equal(stat(T("new.key"), &st), -1);
	puts_file(T("exists.key"), "keep me too\n");
	capture_start();
	assert_int_equal(minisign_keygen(T("new.pub"), T("exists.key"), &plain, NULL), MINISIGN_ERR_IO);
	capture_expect("already exists");
	assert_int_equal(stat(T("new.pub"), &st), -1);
	assert_int_equal(sh("grep -q 'keep me' %s && grep -q 'keep me too' %s", T("exists.pub"),
			    T("exists.key")), 0);
	/* An empty password, or a password file of two lines, is refused: no files. */
	puts_file(T("empty"), "\n");
	opts.password_file = T("empty");
	capture_start();
	assert_int_equal(minisign_keygen(T("n1.pub"), T("n1.key"), &opts, NULL), MINISIGN_ERR_FORMAT);
	capture_expect("refusing an empty password");
	puts_file(T("two"), "a\nb\n");
	opts.password_file = T("two");
	capture_start();
	assert_int_equal(minisign_keygen(T("n1.pub"), T("n1.key"), &opts, NULL), MINISIGN_ERR_IO);
	capture_expect("more than one line");
	opts.memlimit = 2ULL << 30;
	capture_start();
	assert_int_equal(minisign_keygen(T("n1.pub"), T("n1.key"), &opts, NULL), MINISIGN_ERR_FORMAT);
	capture_expect("refusing scrypt limits above minisign's");
	opts.memlimit = fast_enc.memlimit;
	assert_int_equal(stat(T("n1.pub"), &st), -1);
	assert_int_equal(stat(T("n1.key"), &st), -1);
	assert_int_equal(sh("ls -A %s | grep -q tmp", test_dir), 1); /* no temporary files left */
	/* Without a terminal and without a password file, it says what to do. */
	opts.password_file = NULL;
	{
		int fd = open("/dev/tty", O_RDWR | O_NOCTTY);

		if (fd < 0) {
			capture_start();
			assert_int_equal(minisign_keygen(T("n2.pub"), T("n2.key"), &opts, NULL), MINISIGN_ERR_IO);
			capture_expect("give a password file");
		} else {
			close(fd);
		}
	}
}

static void warns_about_a_secret_key_others_can_read(void **state)
{
	struct minisign_seckey *sk;

	assert_int_equal(sh("cp %s %s && chmod 644 %s", FIX "ms-plain.key", T("open.key"), T("open.key")), 0);
	capture_start();
	assert_int_equal(minisign_seckey_load(&sk, T("open.key"), NULL), 0);
	capture_expect("is accessible to other users");
	minisign_seckey_free(sk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_id_prints_as_minisign_does),
		cmocka_unit_test(loads_minisign_public_keys_from_files_and_inline),
		cmocka_unit_test(signs_byte_identically_to_minisign_with_its_unencrypted_key),
		cmocka_unit_test(loads_minisign_encrypted_key_with_its_password),
		cmocka_unit_test(verifies_signatures_minisign_made),
		cmocka_unit_test(our_unencrypted_key_pair_works_with_minisign_both_ways),
		cmocka_unit_test(our_encrypted_key_works_with_minisign_given_the_password),
		cmocka_unit_test(minisign_made_key_pair_works_here_both_ways),
		cmocka_unit_test(wrong_password_fails_clearly),
		cmocka_unit_test(changed_data_signature_or_comment_fails_here_and_in_minisign),
		cmocka_unit_test(another_key_with_the_same_id_fails_at_the_signature),
		cmocka_unit_test(rejects_malformed_signature_files),
		cmocka_unit_test(longest_trusted_comment_minisign_reads_round_trips),
		cmocka_unit_test(crlf_key_and_signature_files_still_work),
		cmocka_unit_test(rejects_malformed_keys),
		cmocka_unit_test(rejects_base64_lines_with_bytes_outside_the_alphabet),
		cmocka_unit_test(keygen_never_overwrites_and_leaves_nothing_on_failure),
		cmocka_unit_test(warns_about_a_secret_key_others_can_read),
	};

	return cmocka_run_group_tests_name("minisign", tests, setup, teardown);
}
