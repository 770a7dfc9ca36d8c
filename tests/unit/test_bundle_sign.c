// SPDX-License-Identifier: MIT
/*
 * test_bundle_sign.c - signed bundles: the trusted comment, the signature
 * member written by the seal back end, its checks in the reader, and what
 * sealing reports for the ledger
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/fsutil.h"
#include "testlib.h"

static struct age_identities ids = AGE_IDENTITIES_INIT;
static struct age_recipients rcpts = AGE_RECIPIENTS_INIT;
static struct redact_engine *engine;
static struct minisign_seckey *sk, *other;
static struct minisign_pubkey pk, other_pk;

static int setup(void **state)
{
	static const unsigned char key[32];
	static const struct minisign_keygen_opts plain = { true, NULL, 0, 0 };
	struct redact_config cfg = { 0 };
	struct redact_err err;
	struct age_identity *id;

	snprintf(test_dir, sizeof(test_dir), "/tmp/diag-test-bundle-sign.XXXXXX");
	if (sodium_init() < 0 || !mkdtemp(test_dir))
		return -1;
	snprintf(capture_file, sizeof(capture_file), "%s/capture", test_dir);
	(void)sh;
	id = age_identity_generate();
	age_recipients_add(&rcpts, age_identity_to_recipient(id));
	age_identities_add(&ids, id);
	cfg.site_key = key;
	if (redact_engine_new(&engine, &cfg, &err) < 0 ||
	    minisign_keygen(T("k.pub"), T("k.key"), &plain, &pk) ||
	    minisign_seckey_load(&sk, T("k.key"), NULL) ||
	    minisign_keygen(T("o.pub"), T("o.key"), &plain, &other_pk) ||
	    minisign_seckey_load(&other, T("o.key"), NULL))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	redact_engine_free(engine);
	age_identities_release(&ids);
	age_recipients_release(&rcpts);
	minisign_seckey_free(sk);
	minisign_seckey_free(other);
	return fs_remove_tree(test_dir);
}

/* Seal two small files into path, signed by signer (may be NULL). */
static struct manifest *seal(const char *path, const struct minisign_seckey *signer,
			     struct bundle_seal_result *res)
{
	struct bundle_seal_options o = { .output = path, .recipients = &rcpts, .signer = signer,
					 .result = res };
	struct bundle_backend *be = bundle_seal_new(&o);
	struct manifest *m = manifest_new();
	struct bundle_writer *w;
	struct manifest_file f = { .path = (char *)"files/a.log", .collector = (char *)"t",
				   .kind = (char *)"file" };
	int fd;

	assert_non_null(be);
	m->recipients = xcalloc(1, sizeof(char *));
	m->recipients[0] = age_recipient_encode(rcpts.v[0]);
	m->nrecipients = 1;
	w = bundle_writer_new(m, engine, be, false);
	fd = open("/etc/hostname", O_RDONLY);
	if (fd < 0)
		fd = open("/dev/null", O_RDONLY);
	assert_int_equal(bundle_writer_add_redacted(w, &f, fd, false, NULL), 0);
	close(fd);
	f.path = (char *)"files/b.log";
	fd = open("/dev/null", O_RDONLY);
	assert_int_equal(bundle_writer_add_redacted(w, &f, fd, true, NULL), 0);
	close(fd);
	assert_int_equal(bundle_writer_finish(w), 0);
	bundle_writer_free(w);
	be->free(be);
	return m;
}

static int read_back(const char *path, const struct minisign_pubkey *signer,
		     struct bundle_read_result *res)
{
	struct bundle_read_options o = { .ids = &ids, .signer = signer, .signer_name = "k.pub" };

	return bundle_read_path(path, &o, res);
}

static void the_trusted_comment_says_what_minisign_shows_and_agrees_with_the_manifest(void **state)
{
	struct manifest *m = manifest_new();
	struct strbuf c = STRBUF_INIT;
	unsigned char sha[32] = { 0xab };
	char *bad;

	free(m->host);
	m->host = xstrdup("host-\tx");
	m->created = 1795000000;
	m->has_payload = true;
	m->payload_sha256[0] = 0xcd;
	bundle_sig_comment(&c, m, sha, 1795000123);
	assert_true(!strncmp(c.buf, "timestamp:1795000123\tfile:manifest.json\thashed\tdiag-bundle:1\t"
			     "host:host-?x\tcreated:2026-11-18T", 81));
	assert_non_null(strstr(c.buf, "\tfiles:0\tmanifest-sha256:ab00"));
	assert_non_null(strstr(c.buf, "\tpayload-sha256:cd00"));
	assert_null(bundle_sig_check_comment(c.buf, m, sha));
	assert_int_equal(bundle_sig_timestamp(c.buf), 1795000123);
	/* a comment without diag's fields (minisign's default) names nothing to disagree with */
	assert_null(bundle_sig_check_comment("timestamp:1\tfile:manifest.json\thashed", m, sha));
	assert_int_equal(bundle_sig_timestamp("no fields"), 0);
	assert_int_equal(bundle_sig_timestamp("timestamp:12x"), 0);
	sha[0] = 0xac;
	assert_string_equal(bundle_sig_check_comment(c.buf, m, sha),
			    "it names another manifest (manifest-sha256)");
	sha[0] = 0xab;
	m->payload_sha256[0] = 0;
	assert_non_null(strstr(bundle_sig_check_comment(c.buf, m, sha), "another payload"));
	m->payload_sha256[0] = 0xcd;
	m->created++;
	assert_non_null(strstr(bundle_sig_check_comment(c.buf, m, sha), "creation time"));
	m->created--;
	free(m->host);
	m->host = xstrdup("host-y");
	assert_non_null(strstr(bundle_sig_check_comment(c.buf, m, sha), "another host"));
	free(m->host);
	m->host = xstrdup("host-\tx");
	/* a field given twice is taken for a disagreement */
	bad = xasprintf("%s\tfiles:0", c.buf);
	assert_non_null(strstr(bundle_sig_check_comment(bad, m, sha), "number of files"));
	free(bad);
	strbuf_release(&c);
	manifest_free(m);
}

static void a_signed_bundle_verifies_with_its_key_and_no_other(void **state)
{
	struct bundle_seal_result sr;
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct manifest *m = seal(T("s.diag"), sk, &sr);
	struct strbuf all = STRBUF_INIT;
	unsigned char sha[32];
	char id[MINISIGN_KEY_ID_HEX];

	/* what sealing reports for the ledger */
	assert_int_equal(fs_read_file(T("s.diag"), &all, 1 << 24), 0);
	crypto_hash_sha256(sha, (const unsigned char *)all.buf, all.len);
	assert_memory_equal(sha, sr.sha256, 32);
	assert_int_equal(sr.size, all.len);
	assert_int_equal(sr.parts, 0);
	assert_true(sr.is_signed);
	assert_string_equal(sr.signer, minisign_key_id_hex(pk.key_id, id));
	strbuf_release(&all);

	assert_int_equal(read_back(T("s.diag"), &pk, &res), 0);
	assert_true(res.has_sig && res.sig_verified);
	crypto_hash_sha256(sha, (const unsigned char *)res.manifest_text.buf, res.manifest_text.len);
	assert_memory_equal(sha, sr.manifest_sha256, 32);
	assert_int_equal(res.files_checked, 2);
	bundle_read_result_release(&res);

	assert_int_equal(read_back(T("s.diag"), NULL, &res), 0);
	assert_true(res.has_sig && !res.sig_verified);
	bundle_read_result_release(&res);

	capture_start();
	assert_int_equal(read_back(T("s.diag"), &other_pk, &res), -1);
	capture_expect("not by 'k.pub' (key");
	assert_int_equal(res.exit_code, 5);
	bundle_read_result_release(&res);
	/* the stock tool agrees */
	assert_int_equal(sh("cd %s && tar -xf s.diag && minisign -V -q -p k.pub -m manifest.json",
			    test_dir), 0);
	assert_int_not_equal(sh("cd %s && minisign -V -q -p o.pub -m manifest.json 2>/dev/null",
				test_dir), 0);
	manifest_free(m);
}

static void an_unsigned_bundle_fails_a_signer_check(void **state)
{
	struct bundle_seal_result sr;
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct manifest *m = seal(T("u.diag"), NULL, &sr);

	assert_false(sr.is_signed);
	assert_int_equal(read_back(T("u.diag"), NULL, &res), 0);
	assert_false(res.has_sig);
	bundle_read_result_release(&res);
	capture_start();
	assert_int_equal(read_back(T("u.diag"), &pk, &res), -1);
	capture_expect("not signed (no manifest.json.minisig)");
	bundle_read_result_release(&res);
	manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_trusted_comment_says_what_minisign_shows_and_agrees_with_the_manifest),
		cmocka_unit_test(a_signed_bundle_verifies_with_its_key_and_no_other),
		cmocka_unit_test(an_unsigned_bundle_fails_a_signer_check),
	};

	return cmocka_run_group_tests_name("bundle_sign", tests, setup, teardown);
}
