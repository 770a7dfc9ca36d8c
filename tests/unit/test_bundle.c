// SPDX-License-Identifier: MIT
/*
 * test_bundle.c - the bundle writer (front end + seal back end) and reader
 *
 * Bundles are made here through the collectors' sink, as `diag collect`
 * does, with a throwaway age identity, then read back: extracted, checked,
 * decrypted by hand to check the restart offsets, and damaged byte by byte.
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
#include <zlib.h>

#include "diag/bundle.h"
#include "diag/fsutil.h"
#include "diag/tar.h"

static struct age_identities ids = AGE_IDENTITIES_INIT;
static struct age_recipients rcpts = AGE_RECIPIENTS_INIT;
static struct redact_engine *engine;
static char tmp[] = "/tmp/diag-test-bundle.XXXXXX";

static const char secret_line[] = "aws_access_key_id = AKIAQCANARY7XYZ2ABCD\n";

struct item {
	const char *path, *kind, *entry;
	const char *data;
	size_t len;
	const char *stderr_text;
};

static int setup(void **state)
{
	static const unsigned char key[32];
	struct redact_config cfg = { 0 };
	struct redact_err err;
	struct age_identity *id;

	assert_true(sodium_init() >= 0);
	id = age_identity_generate();
	age_recipients_add(&rcpts, age_identity_to_recipient(id));
	age_identities_add(&ids, id);
	cfg.site_key = key;
	assert_int_equal(redact_engine_new(&engine, &cfg, &err), 0);
	assert_non_null(mkdtemp(tmp));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	assert_int_equal(system(cmd), 0);
	redact_engine_free(engine);
	age_identities_release(&ids);
	age_recipients_release(&rcpts);
	return 0;
}

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmp, name);
}

/* A text of n bytes that compresses, but not to nothing. */
static char *log_text(size_t n)
{
	char *s = xmalloc(n + 1);
	size_t i = 0;
	unsigned x = 12345;

	while (i < n) {
		char line[128];
		int k;

		x = x * 1103515245 + 12345;
		k = snprintf(line, sizeof(line), "2024-03-01T00:00:%02u app[%u]: request %u took %u ms\n",
			     x % 60, x % 997, x, (x >> 8) % 5000);
		memcpy(s + i, line, MIN((size_t)k, n - i));
		i += MIN((size_t)k, n - i);
	}
	s[n] = '\0';
	return s;
}

/* Seal items into out; returns the manifest (the caller frees it). */
static struct manifest *seal(const char *out, const struct item *items, size_t n, int threads)
{
	struct bundle_seal_options o = { .output = out, .recipients = &rcpts, .threads = threads };
	struct bundle_backend *be = bundle_seal_new(&o);
	struct manifest *m = manifest_new();
	struct bundle_writer *w;
	struct collect_sink *sink;

	assert_non_null(be);
	m->recipients = xcalloc(1, sizeof(char *));
	m->recipients[0] = age_recipient_encode(rcpts.v[0]);
	m->nrecipients = 1;
	w = bundle_writer_new(m, engine, be, false);
	sink = bundle_writer_sink(w);
	for (size_t i = 0; i < n; i++) {
		struct collect_item it = { 0 };
		struct collect_item_end end = { 0 };
		int r;

		it.path = items[i].path;
		it.collector = items[i].kind ? items[i].kind : "file";
		it.entry = items[i].entry ? items[i].entry : "test";
		it.source = items[i].path;
		it.description = "a test item";
		it.mtime = 1700000000;
		r = sink->begin(sink, &it);
		assert_true(r >= 0);
		if (r == 1)
			continue;
		/* in uneven pieces, as collectors do */
		for (size_t off = 0; off < items[i].len; ) {
			size_t k = MIN(items[i].len - off, (size_t)7777 + off % 5000);

			assert_int_equal(sink->write(sink, items[i].data + off, k), 0);
			off += k;
		}
		end.source_bytes = items[i].len;
		end.stderr_text = items[i].stderr_text;
		assert_int_equal(sink->end(sink, &end), 0);
	}
	sink->collector_failed(sink, "journal", "timed out after 30 s", 30.0);
	assert_int_equal(bundle_writer_finish(w), 0);
	bundle_writer_free(w);
	be->free(be);
	return m;
}

static int read_bundle(const char *path, bool key, const char *extract, struct bundle_read_result *res)
{
	struct bundle_read_options o = { .name = path, .ids = key ? &ids : NULL, .extract_dir = extract };
	struct bytesrc_fd src;
	int fd = open(path, O_RDONLY), ret;

	assert_true(fd >= 0);
	bytesrc_fd_init(&src, fd, path);
	ret = bundle_read(&src.src, &o, res);
	close(fd);
	return ret;
}

static void seals_then_opens_every_file_with_its_hash(void **state)
{
	char *big = log_text(3 << 20), *out = tmp_path("a.diag"), *dir = tmp_path("a");
	struct item items[] = {
		{ "files/etc/app.conf", NULL, NULL, secret_line, sizeof(secret_line) - 1, NULL },
		{ "files/var/log/big.log", NULL, NULL, big, 3 << 20, NULL },
		{ "files/var/log/empty.log", NULL, NULL, "", 0, NULL },
		{ "commands/ps.txt", "command", "ps", "PID CMD\n1 init\n", 15, "warning: x\n" },
	};
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct manifest *m = seal(out, items, ARRAY_SIZE(items), 2);
	struct strbuf sb = STRBUF_INIT;
	char *p;

	assert_int_equal(m->nfiles, 5);
	assert_string_equal(m->files[4].path, "commands/ps.stderr.txt");
	assert_true(m->files[0].nredactions > 0);
	assert_int_equal(m->nfailures, 1);
	assert_int_equal(read_bundle(out, true, dir, &res), 0);
	assert_int_equal(res.files_checked, 5);
	p = xasprintf("%s/files/var/log/big.log", dir);
	assert_int_equal(fs_read_file(p, &sb, 8 << 20), 0);
	assert_int_equal(sb.len, 3 << 20);
	assert_memory_equal(sb.buf, big, 3 << 20);
	free(p);
	strbuf_reset(&sb);
	p = xasprintf("%s/files/etc/app.conf", dir);
	assert_int_equal(fs_read_file(p, &sb, 1 << 20), 0);
	assert_null(strstr(sb.buf, "AKIAQCANARY7XYZ2ABCD"));
	free(p);
	strbuf_reset(&sb);
	/* the manifest is extracted too, as it was in the bundle */
	p = xasprintf("%s/manifest.json", dir);
	assert_int_equal(fs_read_file(p, &sb, 1 << 20), 0);
	assert_int_equal(sb.len, res.manifest_text.len);
	assert_memory_equal(sb.buf, res.manifest_text.buf, sb.len);
	free(p);
	strbuf_release(&sb);
	bundle_read_result_release(&res);
	manifest_free(m);
	free(big);
	free(out);
	free(dir);
}

static int to_strbuf(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

/* The payload.age member of a bundle, decrypted: the gzip stream. */
static void decrypt_payload(const char *bundle, struct strbuf *plain)
{
	struct strbuf raw = STRBUF_INIT;
	struct age_decryptor *d = age_decryptor_new(&ids, AGE_DEC_BINARY, to_strbuf, plain);
	struct age_err err;
	struct bytesrc_mem src;
	struct tar_reader t;
	const struct tar_entry *e;
	char buf[65536];
	ssize_t n;

	assert_int_equal(fs_read_file(bundle, &raw, 64 << 20), 0);
	bytesrc_mem_init(&src, raw.buf, raw.len);
	tar_reader_init(&t, &src.src, "test");
	assert_int_equal(tar_reader_next(&t, &e), 1);
	assert_int_equal(tar_reader_next(&t, &e), 1);
	assert_string_equal(e->name, "payload.age");
	while ((n = tar_reader_read(&t, buf, sizeof(buf))) > 0)
		assert_int_equal(age_decryptor_update(d, buf, (size_t)n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(age_decryptor_finish(d, &err), 0);
	age_decryptor_free(d);
	tar_reader_release(&t);
	strbuf_release(&raw);
}

/* Raw-inflate the stream from off: the first 512 bytes must be path's tar header. */
static void assert_restarts_at(const struct strbuf *gz, uint64_t off, const char *path)
{
	unsigned char out[512];
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, -15), Z_OK);
	z.next_in = (unsigned char *)gz->buf + off;
	z.avail_in = (uInt)(gz->len - off);
	z.next_out = out;
	z.avail_out = sizeof(out);
	while (z.avail_out) {
		int r = inflate(&z, Z_SYNC_FLUSH);

		assert_true(r == Z_OK || r == Z_STREAM_END);
		if (r == Z_STREAM_END)
			break;
	}
	inflateEnd(&z);
	assert_int_equal(z.avail_out, 0);
	assert_memory_equal(out + 257, "ustar", 6);
	if (strlen(path) <= 100)
		assert_string_equal((char *)out, path);
}

static void decoding_restarts_at_every_file_offset(void **state)
{
	char *big = log_text(700000), *out = tmp_path("b.diag");
	struct item items[] = {
		{ "files/a.log", NULL, NULL, big, 700000, NULL },
		{ "files/b.log", NULL, NULL, big, 1000, NULL },
		{ "files/empty", NULL, NULL, "", 0, NULL },
		{ "files/c.log", NULL, NULL, big + 5, 300000, NULL },
	};
	struct manifest *m = seal(out, items, ARRAY_SIZE(items), 3);
	struct strbuf gz = STRBUF_INIT;

	decrypt_payload(out, &gz);
	assert_int_equal(gz.len, m->payload_compressed_size);
	assert_int_equal(m->files[0].offset, 10);
	for (size_t i = 0; i < m->nfiles; i++)
		assert_restarts_at(&gz, m->files[i].offset, m->files[i].path);
	strbuf_release(&gz);
	manifest_free(m);
	free(big);
	free(out);
}

/* The gzip stream does not depend on the number of threads. */
static void threads_do_not_change_the_payload(void **state)
{
	char *big = log_text((3 << 18) + 777);
	char *out1 = tmp_path("t1.diag"), *out4 = tmp_path("t4.diag");
	struct item items[] = {
		/* exactly one block, exactly two blocks, and a bit more: the look-ahead */
		{ "files/one-block", NULL, NULL, big, 1 << 18, NULL },
		{ "files/two-blocks", NULL, NULL, big, 2 << 18, NULL },
		{ "files/more", NULL, NULL, big, (3 << 18) + 777, NULL },
		{ "files/small", NULL, NULL, "small\n", 6, NULL },
	};
	struct manifest *m1 = seal(out1, items, ARRAY_SIZE(items), 1);
	struct manifest *m4 = seal(out4, items, ARRAY_SIZE(items), 4);
	struct strbuf gz1 = STRBUF_INIT, gz4 = STRBUF_INIT;
	unsigned char want[32];

	decrypt_payload(out1, &gz1);
	decrypt_payload(out4, &gz4);
	/* the sealed manifests differ only in their creation times, if at all */
	assert_int_equal(m1->nfiles, 4);
	for (size_t i = 0; i < m1->nfiles; i++) {
		assert_int_equal(m1->files[i].offset, m4->files[i].offset);
		assert_int_equal(m1->files[i].compressed_size, m4->files[i].compressed_size);
		assert_memory_equal(m1->files[i].sha256, m4->files[i].sha256, 32);
	}
	assert_int_equal(m1->files[3].offset + m1->files[3].compressed_size <= gz1.len, 1);
	assert_memory_equal(gz1.buf, gz4.buf, m1->files[3].offset + m1->files[3].compressed_size);
	crypto_hash_sha256(want, (const unsigned char *)big, 2 << 18);
	assert_memory_equal(m1->files[1].sha256, want, 32);
	strbuf_release(&gz1);
	strbuf_release(&gz4);
	manifest_free(m1);
	manifest_free(m4);
	free(big);
	free(out1);
	free(out4);
}

/* Binary data and paths that cannot be stored are not collected; the rest is. */
static void withholds_what_it_cannot_redact_or_store(void **state)
{
	static const char binary[] = "\x7f" "ELF\0\0\0\x02\x01\0\0\0\0\0\xff\xfe\0\0";
	char *out = tmp_path("w.diag"), *bin = xmalloc(65536);
	struct item items[] = {
		{ "files/bin", NULL, NULL, bin, 65536, NULL },
		{ "files/a", NULL, NULL, "text\n", 5, NULL },
		{ "files/a", NULL, NULL, "again\n", 6, NULL },
		{ "files/a/b", NULL, NULL, "under a file\n", 13, NULL },
		{ "manifest.json", NULL, NULL, "{}\n", 3, NULL },
		{ "files/../../etc/passwd", NULL, NULL, "root\n", 5, NULL },
	};
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct manifest *m;

	for (size_t i = 0; i < 65536; i += sizeof(binary))
		memcpy(bin + i, binary, MIN(sizeof(binary), 65536 - i));
	m = seal(out, items, ARRAY_SIZE(items), 2);
	assert_int_equal(m->nfiles, 1);
	assert_string_equal(m->files[0].path, "files/a");
	assert_int_equal(m->nskipped, 1);
	assert_string_equal(m->skipped[0].path, "files/bin");
	assert_non_null(strstr(m->skipped[0].reason, "binary"));
	/* four refusals, and the collector that failed */
	assert_int_equal(m->nfailures, 5);
	assert_non_null(strstr(m->failures[0].reason, "duplicate path"));
	assert_non_null(strstr(m->failures[1].reason, "inside another file"));
	assert_non_null(strstr(m->failures[2].reason, "reserved name"));
	assert_non_null(strstr(m->failures[3].reason, "'..'"));
	assert_int_equal(read_bundle(out, true, NULL, &res), 0);
	assert_int_equal(res.files_checked, 1);
	bundle_read_result_release(&res);
	manifest_free(m);
	free(bin);
	free(out);
}

/* A back end that fails makes the whole run fail, and the writer abort it. */
static int failing_write(struct bundle_backend *be, const void *buf, size_t len)
{
	return -1;
}

static void a_back_end_failure_stops_the_run(void **state)
{
	struct bundle_backend *be = bundle_null_new();
	struct manifest *m = manifest_new();
	struct bundle_writer *w;
	struct collect_sink *sink;
	struct collect_item it = { .path = "files/x", .collector = "file", .entry = "e", .source = "/x" };

	be->file_write = failing_write;
	w = bundle_writer_new(m, engine, be, false);
	sink = bundle_writer_sink(w);
	assert_int_equal(sink->begin(sink, &it), 0);
	assert_int_equal(sink->write(sink, "some text\n", 10) < 0 ||
			 sink->end(sink, &(struct collect_item_end){ 0 }) < 0, 1);
	assert_int_equal(bundle_writer_finish(w), -1);
	bundle_writer_free(w);
	be->free(be);
	manifest_free(m);
}

/* What reaches the manifest is redacted like the content. */
static void redacts_what_reaches_the_manifest(void **state)
{
	struct bundle_backend *be = bundle_null_new();
	struct manifest *m = manifest_new();
	struct bundle_writer *w = bundle_writer_new(m, engine, be, false);
	struct collect_sink *sink = bundle_writer_sink(w);
	struct collect_item it = {
		.path = "files/x.conf", .collector = "file", .entry = "e",
		.source = "/srv/x.conf", .description = "a config",
	};
	struct collect_item_end end = {
		.error = "cannot reread 'password=CanaryPw-991' after it changed",
	};

	assert_int_equal(sink->begin(sink, &it), 0);
	assert_int_equal(sink->write(sink, "token = ghp_CANARYtoken0123456789abcdefghijklmno\n", 48), 0);
	assert_int_equal(sink->end(sink, &end), 0);
	sink->item_failed(sink, &it, "cannot open 'password=CanaryPw-992': Permission denied");
	assert_int_equal(bundle_writer_finish(w), 0);
	assert_int_equal(m->nfiles, 1);
	assert_null(strstr(m->files[0].error, "CanaryPw-991"));
	assert_non_null(strstr(m->files[0].error, "cannot reread '"));
	assert_null(strstr(m->failures[0].reason, "CanaryPw-992"));
	assert_non_null(strstr(m->failures[0].reason, "': Permission denied"));
	assert_true(m->files[0].nredactions >= 2);
	bundle_writer_free(w);
	be->free(be);
	manifest_free(m);
}

/* Without an output file in place, nothing is left behind. */
static void an_abandoned_writer_leaves_nothing(void **state)
{
	struct bundle_seal_options o = { .output = NULL, .recipients = &rcpts };
	char *out = tmp_path("gone.diag"), *dir = tmp_path("gone");
	struct bundle_backend *be;
	struct manifest *m = manifest_new();
	struct bundle_writer *w;
	struct collect_sink *sink;
	struct collect_item it = { .path = "files/x", .collector = "file", .entry = "e", .source = "/x" };
	char cmd[256];

	assert_int_equal(mkdir(dir, 0700), 0);
	free(out);
	out = xasprintf("%s/b.diag", dir);
	o.output = out;
	be = bundle_seal_new(&o);
	w = bundle_writer_new(m, engine, be, false);
	sink = bundle_writer_sink(w);
	assert_int_equal(sink->begin(sink, &it), 0);
	assert_int_equal(sink->write(sink, "data\n", 5), 0);
	bundle_writer_free(w);
	be->free(be);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s)\"", dir);
	assert_int_equal(system(cmd), 0);
	manifest_free(m);
	free(out);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seals_then_opens_every_file_with_its_hash),
		cmocka_unit_test(decoding_restarts_at_every_file_offset),
		cmocka_unit_test(threads_do_not_change_the_payload),
		cmocka_unit_test(withholds_what_it_cannot_redact_or_store),
		cmocka_unit_test(a_back_end_failure_stops_the_run),
		cmocka_unit_test(redacts_what_reaches_the_manifest),
		cmocka_unit_test(an_abandoned_writer_leaves_nothing),
	};
	return cmocka_run_group_tests_name("bundle", tests, setup, teardown);
}
