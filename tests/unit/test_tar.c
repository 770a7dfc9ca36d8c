// SPDX-License-Identifier: MIT
/* test_tar.c - the ustar/pax writer and the strict reader (diag/tar.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/fsutil.h"
#include "diag/tar.h"

#define FIXTURES "../fixtures/bundle/"

/* An archive in memory: members added with tar_file_header(), then the end marker. */
static void add_member(struct strbuf *ar, const char *name, const char *data)
{
	size_t len = strlen(data);

	assert_int_equal(tar_file_header(ar, name, len, 1700000000, 0600), 0);
	strbuf_add(ar, data, len);
	for (size_t i = tar_padding(len); i; i--)
		strbuf_addch(ar, 0);
}

static void add_end(struct strbuf *ar)
{
	for (int i = 0; i < TAR_END_SIZE; i++)
		strbuf_addch(ar, 0);
}

/* Read every member of buf; names and data into out as "name=data;". Returns 0, -1. */
static int read_all(const void *buf, size_t len, struct strbuf *out)
{
	struct bytesrc_mem src;
	struct tar_reader r;
	const struct tar_entry *e;
	int ret;

	bytesrc_mem_init(&src, buf, len);
	tar_reader_init(&r, &src.src, "test");
	while ((ret = tar_reader_next(&r, &e)) > 0) {
		char data[4096];
		ssize_t n;

		strbuf_addf(out, "%s=", e->name);
		if (e->type == TAR_SYMLINK)
			strbuf_addf(out, "->%s", e->linkname);
		while ((n = tar_reader_read(&r, data, sizeof(data))) > 0)
			strbuf_add(out, data, (size_t)n);
		if (n < 0) {
			ret = -1;
			break;
		}
		strbuf_addch(out, ';');
	}
	tar_reader_release(&r);
	return ret;
}

static int read_file(const char *path, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	assert_int_equal(fs_read_file(path, &sb, 1 << 20), 0);
	ret = read_all(sb.buf, sb.len, out);
	strbuf_release(&sb);
	return ret;
}

/* Recompute the checksum of the header block at h. */
static void fix_checksum(unsigned char *h)
{
	unsigned sum = 0;
	char tmp[8];

	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf(tmp, sizeof(tmp), "%06o", sum);
	memcpy(h + 148, tmp, 7);
}

static void round_trips_members_with_short_and_long_names(void **state)
{
	struct strbuf ar = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	char longdir[300], longbase[150];

	memset(longdir, 'd', 120);
	memcpy(longdir + 120, "/file.txt", 10);            /* 129: splits at the '/' */
	memset(longbase, 'b', 140);
	longbase[140] = '\0';                               /* 140 without '/': needs pax */
	add_member(&ar, "files/etc/hosts", "127.0.0.1 localhost\n");
	add_member(&ar, longdir, "split");
	add_member(&ar, longbase, "pax");
	add_member(&ar, "empty", "");
	add_end(&ar);
	assert_int_equal(ar.len % 512, 0);
	assert_int_equal(read_all(ar.buf, ar.len, &out), 0);
	strbuf_addf(&want, "files/etc/hosts=127.0.0.1 localhost\n;%s=split;%s=pax;empty=;",
		    longdir, longbase);
	assert_string_equal(out.buf, want.buf);
	strbuf_release(&ar);
	strbuf_release(&out);
	strbuf_release(&want);
}

static void stock_tar_lists_what_the_writer_writes(void **state)
{
	struct strbuf ar = STRBUF_INIT, list = STRBUF_INIT;
	char name[] = "/tmp/diag-test-tar.XXXXXX", cmd[256], longbase[150], line[512];
	int fd = mkstemp(name);
	FILE *p;

	assert_true(fd >= 0);
	memset(longbase, 'b', 140);
	longbase[140] = '\0';
	add_member(&ar, "files/etc/hosts", "127.0.0.1 localhost\n");
	add_member(&ar, longbase, "pax");
	add_end(&ar);
	assert_int_equal(fs_write_all(fd, ar.buf, ar.len), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "tar -tvf %s 2>&1", name);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		strbuf_addstr(&list, line);
	assert_int_equal(pclose(p), 0);
	unlink(name);
	assert_non_null(strstr(list.buf, "-rw------- 0/0              20 2023-11-14 22:13 files/etc/hosts\n"));
	assert_non_null(strstr(list.buf, longbase));
	strbuf_release(&ar);
	strbuf_release(&list);
}

static void huge_sizes_go_in_a_pax_record(void **state)
{
	struct strbuf ar = STRBUF_INIT;
	struct bytesrc_mem src;
	struct tar_reader r;
	const struct tar_entry *e;
	uint64_t size = (8ULL << 30) + 5;

	assert_int_equal(tar_file_header(&ar, "big", size, 0, 0600), 0);
	assert_int_equal(ar.len, 3 * 512);
	assert_non_null(memmem(ar.buf + 512, 512, "19 size=8589934597\n", 19));
	bytesrc_mem_init(&src, ar.buf, ar.len);
	tar_reader_init(&r, &src.src, "test");
	assert_int_equal(tar_reader_next(&r, &e), 1);
	assert_int_equal(e->size, size);
	assert_string_equal(e->name, "big");
	assert_int_equal(r.raw.len, ar.len);
	assert_memory_equal(r.raw.buf, ar.buf, ar.len);
	tar_reader_release(&r);
	strbuf_release(&ar);
}

static void writer_refuses_empty_and_control_character_names(void **state)
{
	struct strbuf ar = STRBUF_INIT;
	char big[TAR_NAME_MAX + 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tar_file_header(&ar, "", 0, 0, 0600), -1);
	assert_int_equal(tar_file_header(&ar, "a\nb", 0, 0, 0600), -1);
	assert_int_equal(tar_file_header(&ar, big, 0, 0, 0600), -1);
	assert_int_equal(ar.len, 0);
	strbuf_release(&ar);
}

static void reads_stock_gnu_posix_and_ustar_archives(void **state)
{
	static const char *const files[] = {
		FIXTURES "stock-gnu.tar", FIXTURES "stock-ustar.tar", FIXTURES "stock-posix.tar",
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct strbuf out = STRBUF_INIT;

		assert_int_equal(read_file(files[i], &out), 0);
		assert_non_null(strstr(out.buf, "./a.txt=hello\n;./empty=;./link=->a.txt;"));
		assert_non_null(strstr(out.buf, "./sub/x=xxxx"));
		if (i == 2)
			assert_non_null(strstr(out.buf, "./longlonglong"));
		strbuf_release(&out);
	}
}

static void refuses_gnu_long_name_members(void **state)
{
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(read_file(FIXTURES "stock-gnu-longname.tar", &out), -1);
	strbuf_release(&out);
}

/* One member "a" with data "hi", then the end; f mutates the first header. */
static int read_mutated(void (*f)(struct strbuf *ar))
{
	struct strbuf ar = STRBUF_INIT, out = STRBUF_INIT;
	int ret;

	add_member(&ar, "a", "hi");
	add_end(&ar);
	f(&ar);
	ret = read_all(ar.buf, ar.len, &out);
	strbuf_release(&ar);
	strbuf_release(&out);
	return ret;
}

static void flip_a_name_byte(struct strbuf *ar) { ar->buf[0] = 'b'; }
static void base256_size(struct strbuf *ar)
{
	unsigned char *h = (unsigned char *)ar->buf;

	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 2;
	fix_checksum(h);
}
static void size_with_a_bad_digit(struct strbuf *ar)
{
	memcpy(ar->buf + 124, "0000000009\0", 12);
	fix_checksum((unsigned char *)ar->buf);
}
static void size_beyond_the_data(struct strbuf *ar)
{
	memcpy(ar->buf + 124, "00000010000", 12);
	fix_checksum((unsigned char *)ar->buf);
}
static void no_magic(struct strbuf *ar)
{
	memset(ar->buf + 257, 0, 8);
	fix_checksum((unsigned char *)ar->buf);
}
static void symlink_with_data(struct strbuf *ar)
{
	ar->buf[156] = '2';
	fix_checksum((unsigned char *)ar->buf);
}
static void global_pax(struct strbuf *ar)
{
	ar->buf[156] = 'g';
	fix_checksum((unsigned char *)ar->buf);
}
static void vendor_type(struct strbuf *ar)
{
	ar->buf[156] = 'X';
	fix_checksum((unsigned char *)ar->buf);
}
static void nonzero_padding(struct strbuf *ar) { ar->buf[512 + 100] = 'z'; }
static void one_end_block(struct strbuf *ar) { strbuf_setlen(ar, ar->len - 512); }
static void no_end_blocks(struct strbuf *ar) { strbuf_setlen(ar, ar->len - 1024); }
static void truncated_data(struct strbuf *ar) { strbuf_setlen(ar, 512 + 1); }
static void truncated_header(struct strbuf *ar) { strbuf_setlen(ar, 100); }
static void garbage_after_end(struct strbuf *ar) { strbuf_addstr(ar, "trailing"); }
static void zeros_after_end(struct strbuf *ar)
{
	for (int i = 0; i < 9216; i++)
		strbuf_addch(ar, 0);
}

static void refuses_damaged_and_surprising_headers(void **state)
{
	assert_int_equal(read_mutated(flip_a_name_byte), -1);
	assert_int_equal(read_mutated(base256_size), -1);
	assert_int_equal(read_mutated(size_with_a_bad_digit), -1);
	assert_int_equal(read_mutated(size_beyond_the_data), -1);
	assert_int_equal(read_mutated(no_magic), -1);
	assert_int_equal(read_mutated(symlink_with_data), -1);
	assert_int_equal(read_mutated(global_pax), -1);
	assert_int_equal(read_mutated(vendor_type), -1);
	assert_int_equal(read_mutated(nonzero_padding), -1);
	assert_int_equal(read_mutated(one_end_block), -1);
	assert_int_equal(read_mutated(no_end_blocks), -1);
	assert_int_equal(read_mutated(truncated_data), -1);
	assert_int_equal(read_mutated(truncated_header), -1);
	assert_int_equal(read_mutated(garbage_after_end), -1);
	assert_int_equal(read_mutated(zeros_after_end), 0);
}

/* A pax header with the given records, then member "a" ("hi"), then the end. */
static int read_with_pax(const char *records)
{
	struct strbuf ar = STRBUF_INIT, out = STRBUF_INIT, hdr = STRBUF_INIT;
	size_t len = strlen(records);
	int ret;

	/* borrow the writer's block layout, then turn it into an 'x' header */
	assert_int_equal(tar_file_header(&hdr, "PaxHeaders/a", len, 0, 0644), 0);
	hdr.buf[156] = 'x';
	fix_checksum((unsigned char *)hdr.buf);
	strbuf_add(&ar, hdr.buf, hdr.len);
	strbuf_add(&ar, records, len);
	for (size_t i = tar_padding(len); i; i--)
		strbuf_addch(&ar, 0);
	add_member(&ar, "a", "hi");
	add_end(&ar);
	ret = read_all(ar.buf, ar.len, &out);
	if (ret == 0 && strstr(records, "path=long"))
		assert_string_equal(out.buf, "long/name=hi;");
	strbuf_release(&ar);
	strbuf_release(&out);
	strbuf_release(&hdr);
	return ret;
}

static void parses_pax_records_strictly(void **state)
{
	assert_int_equal(read_with_pax("18 path=long/name\n"), 0);
	assert_int_equal(read_with_pax("30 mtime=1700000000.123456789\n"), 0);
	assert_int_equal(read_with_pax("19 path=long/name\n"), -1);      /* length off by one */
	assert_int_equal(read_with_pax("018 path=long/name\n"), -1);     /* leading zero */
	assert_int_equal(read_with_pax("18 path=long/name"), -1);        /* no newline */
	assert_int_equal(read_with_pax("16 GNU.sparse=1\n"), -1);        /* vendor keyword */
	assert_int_equal(read_with_pax("9 size=x\n"), -1);               /* not a number */
	assert_int_equal(read_with_pax("9 path=\n"), -1);                 /* empty path */
	assert_int_equal(read_with_pax("18 path=long/name\n18 path=long/name\n"), -1); /* duplicate */
	assert_int_equal(read_with_pax("12 size=999\n"), -1);            /* size beyond the data */
	assert_int_equal(read_with_pax("6 =ab\n"), -1);                   /* empty keyword */
	assert_int_equal(read_with_pax("12 mtime=1.\n"), -1);
	assert_int_equal(read_with_pax("13 uid=-1234\n"), -1);
}

/* gzip -c of "hello\n" (from stock gzip -n). */
static const unsigned char hello_gz[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9,
	0xc9, 0xe7, 0x02, 0x00, 0x20, 0x30, 0x3a, 0x36, 0x06, 0x00, 0x00, 0x00,
};

static ssize_t gunzip_all(const void *buf, size_t len, char *out, size_t outlen)
{
	struct bytesrc_mem src;
	struct bytesrc_gunzip gz;
	ssize_t n;

	bytesrc_mem_init(&src, buf, len);
	assert_int_equal(bytesrc_gunzip_init(&gz, &src.src, "test"), 0);
	n = bytesrc_read_full(&gz.src, out, outlen);
	bytesrc_gunzip_release(&gz);
	return n;
}

static void gunzip_takes_one_member_and_nothing_after_it(void **state)
{
	unsigned char buf[64];
	char out[64];

	assert_int_equal(gunzip_all(hello_gz, sizeof(hello_gz), out, sizeof(out)), 6);
	assert_memory_equal(out, "hello\n", 6);
	/* trailing garbage, a second member, a truncated stream, a flipped CRC */
	memcpy(buf, hello_gz, sizeof(hello_gz));
	buf[sizeof(hello_gz)] = 'x';
	assert_int_equal(gunzip_all(buf, sizeof(hello_gz) + 1, out, sizeof(out)), -1);
	memcpy(buf + sizeof(hello_gz), hello_gz, sizeof(hello_gz));
	assert_int_equal(gunzip_all(buf, 2 * sizeof(hello_gz), out, sizeof(out)), -1);
	assert_int_equal(gunzip_all(hello_gz, sizeof(hello_gz) - 3, out, sizeof(out)), -1);
	memcpy(buf, hello_gz, sizeof(hello_gz));
	buf[sizeof(hello_gz) - 6] ^= 1;
	assert_int_equal(gunzip_all(buf, sizeof(hello_gz), out, sizeof(out)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips_members_with_short_and_long_names),
		cmocka_unit_test(stock_tar_lists_what_the_writer_writes),
		cmocka_unit_test(huge_sizes_go_in_a_pax_record),
		cmocka_unit_test(writer_refuses_empty_and_control_character_names),
		cmocka_unit_test(reads_stock_gnu_posix_and_ustar_archives),
		cmocka_unit_test(refuses_gnu_long_name_members),
		cmocka_unit_test(refuses_damaged_and_surprising_headers),
		cmocka_unit_test(parses_pax_records_strictly),
		cmocka_unit_test(gunzip_takes_one_member_and_nothing_after_it),
	};
	return cmocka_run_group_tests_name("tar", tests, NULL, NULL);
}
