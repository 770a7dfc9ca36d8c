// SPDX-License-Identifier: MIT
/* test_collect.c - the runner, the file collector and the system facts, on fake roots */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "diag/collect.h"
#include "diag/collectors.h"
#include "diag/fsutil.h"
#include "diag/util.h"
#include "fake_sink.h"

#define FIXTURE "../fixtures/collect/root-basic"

static struct spec *parse(const char *yaml)
{
	struct spec *spec = spec_parse(yaml, strlen(yaml), "test.yaml");

	if (!spec)
		fail_msg("spec does not parse:\n%s", yaml);
	return spec;
}

/* Run yaml over root with opts (may be NULL), into fs (initialised here). */
static int run(const char *yaml, const char *root, struct collect_options *opts,
	       struct fake_sink *fs, struct collect_summary *sum)
{
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct spec *spec = parse(yaml);
	int r;

	if (opts)
		o = *opts;
	o.root = root;
	fake_sink_init(fs);
	r = collect_run(spec, &o, &fs->sink, sum);
	spec_free(spec);
	return r;
}

static struct fake_rec *want_item(struct fake_sink *fs, const char *path)
{
	struct fake_rec *r = fake_find(fs, path);

	if (!r)
		fail_msg("no record for '%s'", path);
	if (r->kind != FAKE_ITEM)
		fail_msg("'%s' was not collected: %s", path, r->reason ? r->reason : "?");
	assert_true(r->ended);
	return r;
}

static struct fake_rec *want_skipped(struct fake_sink *fs, const char *path, const char *why)
{
	struct fake_rec *r = fake_find(fs, path);

	if (!r)
		fail_msg("no record for '%s'", path);
	if (r->kind != FAKE_SKIPPED)
		fail_msg("'%s' was not skipped (kind %d)", path, (int)r->kind);
	if (!strstr(r->reason, why))
		fail_msg("'%s' skipped because '%s', expected '%s'", path, r->reason, why);
	return r;
}

static void want_absent(struct fake_sink *fs, const char *path)
{
	if (fake_find(fs, path))
		fail_msg("'%s' should not be mentioned at all", path);
}

/* ---- a temporary root ---- */

static char *tmp_root(void)
{
	char *dir = xstrdup("/tmp/diag-test-collect-XXXXXX");

	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755);
	return dir;
}

static void put(const char *root, const char *rel, const char *data, size_t len, int64_t mtime)
{
	char *path = xasprintf("%s/%s", root, rel), *slash = strrchr(path, '/');
	int fd;

	*slash = '\0';
	assert_int_equal(fs_mkdir_p(path, 0755), 0);
	*slash = '/';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, data, len), 0);
	close(fd);
	if (mtime) {
		struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };

		assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
	}
	free(path);
}

static void put_str(const char *root, const char *rel, const char *text, int64_t mtime)
{
	put(root, rel, text, strlen(text), mtime);
}

static void drop_root(char *root)
{
	assert_int_equal(fs_remove_tree(root), 0);
	free(root);
}

static int64_t ts(const char *rfc3339)
{
	int64_t v;

	assert_int_equal(parse_rfc3339(rfc3339, &v), 0);
	return v;
}

/* ---- files ---- */

static void collects_trees_and_never_secret_stores(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;

	assert_int_equal(run("collect:\n"
			     "  - name: etc\n    description: configuration\n    file: /etc\n"
			     "  - name: home\n    description: homes\n    file: /home\n",
			     FIXTURE, NULL, &fs, &sum), 0);
	assert_string_equal(want_item(&fs, "files/etc/os-release")->data.buf,
			    "PRETTY_NAME=\"Fakix GNU/Linux 1 (test)\"\nNAME=\"Fakix\"\nID=fakix\n"
			    "VERSION_ID=\"1\"\n");
	assert_string_equal(want_item(&fs, "files/etc/os-release")->entry, "etc");
	assert_string_equal(want_item(&fs, "files/etc/os-release")->collector, "file");
	assert_string_equal(want_item(&fs, "files/etc/os-release")->source, "/etc/os-release");
	assert_string_equal(want_item(&fs, "files/etc/os-release")->description, "configuration");
	want_item(&fs, "files/etc/app/nested/deeper/file.conf");
	want_item(&fs, "files/etc/app/cert.pem");
	want_item(&fs, "files/etc/ssh/ssh_host_ed25519_key.pub");
	want_item(&fs, "files/home/alice/notes.txt");
	want_item(&fs, "files/home/alice/.ssh/authorized_keys");
	/* PROMISE: secret stores are skipped, by name and by content, and say why */
	want_skipped(&fs, "files/etc/shadow", "password hashes");
	want_skipped(&fs, "files/etc/gshadow", "group password hashes");
	want_skipped(&fs, "files/etc/ssh/ssh_host_ed25519_key", "SSH host private key");
	want_skipped(&fs, "files/etc/ssl/private", "TLS private keys");
	want_absent(&fs, "files/etc/ssl/private/server.pem");
	want_skipped(&fs, "files/etc/app/tls.pem", "PEM private key");
	want_skipped(&fs, "files/etc/app/identity.txt", "age secret key");
	want_skipped(&fs, "files/home/alice/.ssh/id_ed25519", "SSH private key");
	want_skipped(&fs, "files/home/alice/.bash_history", "history");
	want_skipped(&fs, "files/home/alice/.gnupg", "GnuPG");
	/* symlinks inside a walked tree are recorded, not followed */
	want_skipped(&fs, "files/etc/app/link-to-config", "symbolic link to 'config.ini'");
	want_skipped(&fs, "files/etc/app/loop-a", "symbolic link to 'loop-b'");
	want_skipped(&fs, "files/etc/hostname-link", "symbolic link to '/etc/hostname'");
	for (size_t i = 0; i < fs.n; i++)
		if (fs.recs[i].kind == FAKE_ITEM && strstr(fs.recs[i].data.buf, "CANARY"))
			fail_msg("a secret leaked through '%s'", fs.recs[i].path);
	assert_int_equal(sum.failures, 0);
	assert_int_equal(sum.items, fs.n - sum.skipped);
	fake_sink_release(&fs);
}

static void follows_named_symlinks_without_leaving_the_root(void **state)
{
	struct fake_sink fs;
	struct strbuf passwd = STRBUF_INIT;
	struct fake_rec *r;

	assert_int_equal(run("collect:\n  - name: links\n    description: d\n    file:\n"
			     "      - /etc/hostname-link\n      - /etc/escape\n      - /etc/dangling\n"
			     "      - /etc/app/loop-a\n      - /etc/missing\n",
			     FIXTURE, NULL, &fs, NULL), 0);
	r = want_item(&fs, "files/etc/hostname-link");
	assert_string_equal(r->data.buf, "fakehost\n");
	assert_non_null(strstr(r->note, "symbolic link to '/etc/hostname'"));
	/* ../../../../etc/passwd from the fake root's /etc stays in the fake root */
	assert_int_equal(fs_read_file(FIXTURE "/etc/passwd", &passwd, 1 << 20), 0);
	assert_string_equal(want_item(&fs, "files/etc/escape")->data.buf, passwd.buf);
	want_skipped(&fs, "files/etc/dangling", "does not exist");
	assert_int_equal(fake_find(&fs, "files/etc/app/loop-a")->kind, FAKE_FAILED);
	assert_non_null(strstr(fake_find(&fs, "files/etc/app/loop-a")->reason, "symbolic links"));
	want_skipped(&fs, "files/etc/missing", "not present");
	strbuf_release(&passwd);
	fake_sink_release(&fs);
}

static void finds_secret_stores_behind_symlinks_and_relative_roots(void **state)
{
	char *root = tmp_root(), *link = xasprintf("%s/etc/app/innocent.conf", root);
	char *dirlink = xasprintf("%s/srv/conf", root);
	int cwd = open(".", O_RDONLY | O_DIRECTORY);
	struct fake_sink fs;

	put_str(root, "etc/shadow", "root:$6$CANARY:19000:0:99999:7:::\n", 0);
	put_str(root, "etc/hostname", "fakehost\n", 0);
	put_str(root, "etc/NetworkManager/system-connections/home.nmconnection", "psk=CANARY\n", 0);
	put_str(root, "srv/README", "x\n", 0);
	put_str(root, "etc/app/app.conf", "x\n", 0);
	assert_int_equal(symlink("/etc/shadow", link), 0);
	assert_int_equal(symlink("/etc", dirlink), 0);
	/* PROMISE: a root given as a relative path checks where links lead just the same */
	assert_true(cwd >= 0);
	assert_int_equal(chdir("/tmp"), 0);
	assert_int_equal(run("collect:\n  - name: a\n    description: d\n"
			     "    file: [/etc/app/innocent.conf, /srv/conf, \"/srv/c*/NetworkManager\"]\n",
			     strrchr(root, '/') + 1, NULL, &fs, NULL), 0);
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);
	want_skipped(&fs, "files/etc/app/innocent.conf", "password hashes");
	/* a linked directory's secret stores are found by their real path */
	want_skipped(&fs, "files/srv/conf/NetworkManager/system-connections", "Wi-Fi");
	want_skipped(&fs, "files/srv/conf/shadow", "password hashes");
	assert_string_equal(want_item(&fs, "files/srv/conf/hostname")->data.buf, "fakehost\n");
	for (size_t i = 0; i < fs.n; i++)
		if (fs.recs[i].kind == FAKE_ITEM && strstr(fs.recs[i].data.buf, "CANARY"))
			fail_msg("a secret leaked through '%s'", fs.recs[i].path);
	fake_sink_release(&fs);
	free(link);
	free(dirlink);
	drop_root(root);
}

static void globs_match_like_a_shell(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;

	assert_int_equal(run("collect:\n  - name: g\n    description: d\n    file:\n"
			     "      - /var/log/*/*.log\n      - /home/alice/*\n      - /nope/*/x\n"
			     "      - /etc/ssh/ssh_host_*\n",
			     FIXTURE, NULL, &fs, &sum), 0);
	want_item(&fs, "files/var/log/app/app.log");
	want_item(&fs, "files/var/log/app/plain.log");
	want_item(&fs, "files/var/log/nginx/access.log");
	want_item(&fs, "files/home/alice/notes.txt");
	want_absent(&fs, "files/home/alice/.bash_history"); /* '*' skips dot files */
	want_absent(&fs, "files/var/log/syslog");
	want_skipped(&fs, "/nope/*/x", "nothing matches");
	want_skipped(&fs, "files/etc/ssh/ssh_host_ed25519_key", "SSH host private key");
	want_item(&fs, "files/etc/ssh/ssh_host_ed25519_key.pub");
	assert_null(fake_find(&fs, "/nope/*/x")->path);
	fake_sink_release(&fs);
}

static void a_pattern_through_a_symlink_loop_stops(void **state)
{
	char *root = tmp_root(), *a = xasprintf("%s/x/a", root), *b = xasprintf("%s/x/b", root);
	struct strbuf pattern = STRBUF_INIT, yaml = STRBUF_INIT;
	struct fake_sink fs;

	/* x/a and x/b lead back to x: 2^30 paths for 30 levels of '*' */
	put_str(root, "x/file", "x\n", 0);
	assert_int_equal(symlink(".", a), 0);
	assert_int_equal(symlink(".", b), 0);
	strbuf_addstr(&pattern, "/x");
	for (int i = 0; i < 30; i++)
		strbuf_addstr(&pattern, "/*");
	strbuf_addstr(&pattern, "/nothing");
	strbuf_addf(&yaml, "collect:\n  - name: a\n    description: d\n    file: \"%s\"\n", pattern.buf);
	alarm(60);
	assert_int_equal(run(yaml.buf, root, NULL, &fs, NULL), 0);
	alarm(0);
	want_skipped(&fs, pattern.buf, "symbolic link loop");
	/* one step through such a link is no loop */
	fake_sink_release(&fs);
	assert_int_equal(run("collect:\n  - name: a\n    description: d\n    file: \"/x/*/file\"\n",
			     root, NULL, &fs, NULL), 0);
	assert_string_equal(want_item(&fs, "files/x/a/file")->data.buf, "x\n");
	assert_null(fake_find(&fs, "/x/*/file"));
	fake_sink_release(&fs);
	strbuf_release(&pattern);
	strbuf_release(&yaml);
	free(a);
	free(b);
	drop_root(root);
}

static void include_exclude_and_depth_filter_the_walk(void **state)
{
	struct fake_sink fs;

	assert_int_equal(run("collect:\n  - name: a\n    description: d\n    file: /etc/app\n"
			     "    include: [\"*.ini\", \"*.conf\", \"*.pem\"]\n    exclude: [\"*.bak\", cert.pem]\n"
			     "  - name: b\n    description: d\n    file: /etc\n    max_depth: 0\n"
			     "    include: hostname\n",
			     FIXTURE, NULL, &fs, NULL), 0);
	want_item(&fs, "files/etc/app/config.ini");
	want_item(&fs, "files/etc/app/nested/deeper/file.conf");
	want_absent(&fs, "files/etc/app/config.ini.bak");
	want_absent(&fs, "files/etc/app/cert.pem");
	want_absent(&fs, "files/etc/app/link-to-config");
	want_skipped(&fs, "files/etc/app/tls.pem", "PEM private key");
	want_item(&fs, "files/etc/hostname");
	want_skipped(&fs, "files/etc/ssh", "deeper than max_depth");
	want_absent(&fs, "files/etc/os-release");
	fake_sink_release(&fs);
}

static void skips_fifos_and_sockets_without_blocking(void **state)
{
	char *root = tmp_root(), *fifo = xasprintf("%s/run/app.fifo", root);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct fake_sink fs;
	int s;

	put_str(root, "run/ok.txt", "ok\n", 0);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/run/app.sock", root);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(run("collect:\n  - name: a\n    description: d\n    file: /run\n"
			     "  - name: b\n    description: d\n    file: [/run/app.fifo, /dev/null]\n",
			     root, NULL, &fs, NULL), 0);
	want_item(&fs, "files/run/ok.txt");
	want_skipped(&fs, "files/run/app.fifo", "named pipe");
	want_skipped(&fs, "files/run/app.sock", "a socket");
	close(s);
	fake_sink_release(&fs);
	/* a device, in the walk and named directly, is not opened either */
	if (geteuid() == 0) {
		char *dev = xasprintf("%s/run/zero", root);

		assert_int_equal(mknod(dev, S_IFCHR | 0644, makedev(1, 5)), 0);
		assert_int_equal(run("collect:\n  - name: a\n    description: d\n    file: /run\n"
				     "  - name: b\n    description: d\n    file: /run/zero\n",
				     root, NULL, &fs, NULL), 0);
		want_skipped(&fs, "files/run/zero", "character device");
		assert_int_equal(fs.n, 5); /* named twice: skipped twice */
		assert_int_equal(fs.recs[4].kind, FAKE_SKIPPED);
		fake_sink_release(&fs);
		free(dev);
	}
	free(fifo);
	drop_root(root);
}

static void reads_proc_files_whose_size_is_zero(void **state)
{
	struct fake_sink fs;
	struct fake_rec *r;
	struct stat st;

	assert_int_equal(stat("/proc/self/status", &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(run("collect:\n  - name: p\n    description: d\n"
			     "    file: [/proc/self/status, /proc/self/environ, /proc/kmsg]\n",
			     "/", NULL, &fs, NULL), 0);
	r = want_item(&fs, "files/proc/self/status");
	assert_non_null(strstr(r->data.buf, "Name:"));
	assert_non_null(strstr(r->data.buf, "VmPeak:"));
	want_skipped(&fs, "files/proc/self/environ", "process environment");
	want_skipped(&fs, "files/proc/kmsg", "takes the messages away");
	fake_sink_release(&fs);
}

static void huge_files_keep_the_newest_bytes_from_a_line_start(void **state)
{
	char *root = tmp_root();
	struct strbuf big = STRBUF_INIT;
	struct fake_sink fs;
	struct fake_rec *r;

	for (int i = 1; i <= 10000; i++)
		strbuf_addf(&big, "line %05d\n", i);
	put(root, "var/log/big.log", big.buf, big.len, 0);
	assert_int_equal(run("collect:\n  - name: l\n    description: d\n    file: /var/log\n"
			     "    max_file_size: 1000\n",
			     root, NULL, &fs, NULL), 0);
	r = want_item(&fs, "files/var/log/big.log");
	assert_true(r->truncated);
	assert_int_equal(r->source_bytes, big.len);
	assert_true(r->data.len <= 1000 && r->data.len > 980);
	assert_int_equal(strncmp(r->data.buf, "line ", 5), 0);
	assert_int_equal(r->data.len % 11, 0);
	assert_string_equal(r->data.buf + r->data.len - 11, "line 10000\n");
	assert_non_null(strstr(r->note, "kept the newest"));
	fake_sink_release(&fs);
	strbuf_release(&big);
	drop_root(root);
}

static void the_total_budget_cuts_then_skips(void **state)
{
	char *root = tmp_root();
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct fake_sink fs;
	char block[10000];

	memset(block, 'x', sizeof(block));
	for (int i = 0; i < 100; i++)
		block[99 + 100 * i] = '\n';
	put(root, "d/a", block, sizeof(block), 0);
	put(root, "d/b", block, sizeof(block), 0);
	put(root, "d/c", block, sizeof(block), 0);
	put(root, "d/d", "tiny\n", 5, 0);
	put(root, "proc/cpuinfo", block, sizeof(block), 0);
	o.max_total_size = 15000;
	assert_int_equal(run("collect:\n  - name: l\n    description: d\n    file: /d\n"
			     "  - name: echo\n    description: d\n    command: [echo, hi]\n"
			     "  - system: cpu\n",
			     root, &o, &fs, &sum), 0);
	assert_int_equal(want_item(&fs, "files/d/a")->data.len, 10000);
	/* the newest 5000 bytes, from the next line start */
	assert_true(want_item(&fs, "files/d/b")->truncated);
	assert_int_equal(want_item(&fs, "files/d/b")->data.len, 4900);
	assert_non_null(strstr(want_item(&fs, "files/d/b")->note, "total budget"));
	/* 100 bytes left: too few for a useful slice of c, enough for d */
	want_skipped(&fs, "files/d/c", "budget");
	assert_string_equal(want_item(&fs, "files/d/d")->data.buf, "tiny\n");
	want_skipped(&fs, "commands/echo.txt", "budget");
	want_skipped(&fs, "system/cpu.txt", "budget");
	assert_true(sum.budget_exhausted);
	assert_int_equal(sum.bytes, 14905);
	fake_sink_release(&fs);
	/* a system fact larger than what is left is cut */
	o.max_total_size = 6000;
	assert_int_equal(run("collect:\n  - system: cpu\n", root, &o, &fs, &sum), 0);
	assert_true(want_item(&fs, "system/cpu.txt")->truncated);
	assert_int_equal(want_item(&fs, "system/cpu.txt")->data.len, 6000);
	assert_non_null(strstr(want_item(&fs, "system/cpu.txt")->note, "total budget"));
	assert_int_equal(sum.bytes, 6000);
	assert_true(sum.budget_exhausted);
	fake_sink_release(&fs);
	drop_root(root);
}

/* Sink hooks that change the file being read, after its first write. */
static const char *hook_path;
static int hook_mode;

static int hooked_write(struct collect_sink *s, const void *buf, size_t len)
{
	struct fake_sink *fs = s->ctx;

	if (!fs->writes++ && hook_path) {
		if (hook_mode == 0) { /* grow */
			int fd = open(hook_path, O_WRONLY | O_APPEND);

			assert_int_equal(fs_write_all(fd, "appended later\n", 15), 0);
			close(fd);
		} else if (hook_mode == 1) { /* truncate */
			assert_int_equal(truncate(hook_path, 10), 0);
		} else { /* rotate: rename, and a new file in its place */
			char *old = xasprintf("%s.1", hook_path);

			assert_int_equal(rename(hook_path, old), 0);
			put_str("/", hook_path + 1, "new file\n", 0);
			free(old);
		}
	}
	strbuf_add(&fs->recs[fs->n - 1].data, buf, len);
	return 0;
}

static void notices_files_growing_shrinking_or_rotated_while_read(void **state)
{
	static const char *const want[] = { "grew by 15 bytes", "shrank during the read",
					    "replaced or removed during the read" };
	char *root = tmp_root(), *path = xasprintf("%s/var/log/live.log", root);
	struct strbuf content = STRBUF_INIT;
	struct spec *spec = parse("collect:\n  - name: l\n    description: d\n"
				  "    file: /var/log/live.log\n");

	while (content.len < 200000)
		strbuf_addstr(&content, "2024-03-01T00:00:00Z a line of log text\n");
	for (hook_mode = 0; hook_mode < 3; hook_mode++) {
		struct collect_options o = COLLECT_OPTIONS_INIT;
		struct fake_sink fs;
		struct fake_rec *r;

		put(root, "var/log/live.log", content.buf, content.len, 0);
		fake_sink_init(&fs);
		fs.sink.write = hooked_write;
		hook_path = path;
		o.root = root;
		assert_int_equal(collect_run(spec, &o, &fs.sink, NULL), 0);
		r = want_item(&fs, "files/var/log/live.log");
		if (!r->note || !strstr(r->note, want[hook_mode]))
			fail_msg("mode %d: note '%s'", hook_mode, r->note ? r->note : "(none)");
		assert_int_equal(r->source_bytes, content.len);
		if (hook_mode != 1)
			assert_int_equal(r->data.len, content.len); /* as seen at open */
		fake_sink_release(&fs);
	}
	hook_path = NULL;
	spec_free(spec);
	strbuf_release(&content);
	free(path);
	drop_root(root);
}

static void trims_logs_to_the_window_across_formats(void **state)
{
	char *root = tmp_root();
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct fake_sink fs;
	struct fake_rec *r;
	struct strbuf sb = STRBUF_INIT;
	int64_t mtime = ts("2024-03-01T12:00:00Z");
	static const char *const logs[] = {
		"var/log/syslog", "var/log/app/app.log", "var/log/nginx/access.log",
		"var/log/app/plain.log",
	};

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		char *src = xasprintf(FIXTURE "/%s", logs[i]);

		strbuf_reset(&sb);
		assert_int_equal(fs_read_file(src, &sb, 1 << 20), 0);
		put(root, logs[i], sb.buf, sb.len, mtime);
		free(src);
	}
	put_str(root, "var/log/old.log", "2024-01-01T00:00:00Z ancient\n", ts("2024-01-02T00:00:00Z"));
	put_str(root, "etc/app.conf", "# 2019-01-01 12:00:00 config, not a log\n", ts("2019-01-01T00:00:00Z"));
	o.since = ts("2024-03-01T00:00:00Z");
	assert_int_equal(run("collect:\n  - name: logs\n    description: d\n    file: /var/log\n"
			     "    time_window: true\n"
			     "  - name: conf\n    description: d\n    file: /etc/app.conf\n",
			     root, &o, &fs, NULL), 0);
	r = want_item(&fs, "files/var/log/syslog");
	assert_string_equal(r->data.buf,
			    "Mar  1 00:00:01 fakehost systemd[1]: Starting daily apt upgrade...\n"
			    "Mar  1 10:00:00 fakehost app[42]: request failed\n"
			    " continuation of the failed request\n"
			    "Mar  1 12:00:00 fakehost app[42]: all good\n");
	assert_true(r->time_filtered);
	assert_non_null(strstr(r->note, "time window kept 4 of 5 lines (syslog timestamps)"));
	r = want_item(&fs, "files/var/log/app/app.log");
	assert_string_equal(r->data.buf,
			    "2024-03-01 09:30:00,456 ERROR [main] com.example.App - new failure\n"
			    "java.lang.IllegalStateException: new\n"
			    "\tat com.example.App.run(App.java:12)\n"
			    "2024-03-01 09:31:00,000 INFO [main] com.example.App - recovered\n");
	r = want_item(&fs, "files/var/log/nginx/access.log");
	assert_null(strstr(r->data.buf, "/old"));
	assert_non_null(strstr(r->data.buf, "/new"));
	r = want_item(&fs, "files/var/log/app/plain.log");
	assert_string_equal(r->data.buf, "no timestamps here\njust text\n");
	assert_false(r->time_filtered);
	assert_non_null(strstr(r->note, "no recognisable timestamps: kept whole"));
	want_skipped(&fs, "files/var/log/old.log", "before the time window");
	/* not a log entry: neither skipped for its age nor trimmed */
	assert_string_equal(want_item(&fs, "files/etc/app.conf")->data.buf,
			    "# 2019-01-01 12:00:00 config, not a log\n");
	fake_sink_release(&fs);
	strbuf_release(&sb);
	drop_root(root);
}

static void put_gzip(const char *root, const char *rel, const char *const *members, size_t n)
{
	char *path = xasprintf("%s/%s", root, rel);

	put_str(root, rel, "", 0);
	for (size_t i = 0; i < n; i++) {
		gzFile gz = gzopen(path, "ab");

		assert_non_null(gz);
		assert_int_equal(gzputs(gz, members[i]), (int)strlen(members[i]));
		assert_int_equal(gzclose(gz), Z_OK);
	}
	free(path);
}

static void stores_gzip_logs_decompressed_and_skips_other_compressions(void **state)
{
	static const char *const members[] = { "first member\n", "second member\n" };
	char *root = tmp_root();
	struct fake_sink fs;
	struct fake_rec *r;

	static const char *const key[] = { "-----BEGIN EC PRIVATE KEY-----\nCANARY\n" };

	put_gzip(root, "var/log/syslog.2.gz", members, 2);
	put_gzip(root, "backup/key.pem.gz", key, 1);
	put(root, "var/log/syslog.3.xz", "\xfd" "7zXZ\0garbage", 12, 0);
	put(root, "var/log/broken.gz", "\x1f\x8b\x08\0\0\0\0\0\0\3garbage", 18, 0);
	assert_int_equal(run("collect:\n  - name: l\n    description: d\n    file: [/var/log, /backup]\n",
			     root, NULL, &fs, NULL), 0);
	r = want_item(&fs, "files/var/log/syslog.2");
	assert_string_equal(r->data.buf, "first member\nsecond member\n");
	assert_string_equal(r->source, "/var/log/syslog.2.gz");
	assert_non_null(strstr(r->note, "gzip"));
	want_skipped(&fs, "files/var/log/syslog.3.xz", "compressed with xz");
	want_skipped(&fs, "files/backup/key.pem.gz", "PEM private key (inside the gzip data)");
	assert_int_equal(fake_find(&fs, "files/var/log/broken.gz")->kind, FAKE_FAILED);
	fake_sink_release(&fs);
	drop_root(root);
}

static void collects_each_bundle_path_once(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;

	assert_int_equal(run("collect:\n  - name: a\n    description: d\n    file: /etc/hostname\n"
			     "  - name: b\n    description: d\n    file: [/etc/hostname, /etc/os-release]\n",
			     FIXTURE, NULL, &fs, &sum), 0);
	assert_int_equal(fs.n, 3);
	assert_string_equal(fs.recs[0].entry, "a");
	assert_int_equal(fs.recs[1].kind, FAKE_SKIPPED);
	assert_non_null(strstr(fs.recs[1].reason, "already collected"));
	assert_string_equal(fs.recs[2].path, "files/etc/os-release");
	assert_int_equal(sum.items, 2);
	assert_int_equal(sum.skipped, 1);
	fake_sink_release(&fs);
}

static void never_collects_its_own_state_or_output(void **state)
{
	char *root = tmp_root(), *statedir = xasprintf("%s/var/lib/diag", root);
	char *out = xasprintf("%s/tmp/out.diag", root), *link = xasprintf("%s/var/log/map", root);
	const char *skip[] = { out, NULL };
	char *old = getenv("DIAG_STATE_DIR") ? xstrdup(getenv("DIAG_STATE_DIR")) : NULL;
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct fake_sink fs;

	put_str(root, "var/lib/diag/site.key", "CANARY-SITE-KEY", 0);
	put_str(root, "var/lib/diag/pseudonyms.map", "240.1.1.1\tipv4\tCANARY-ORIGINAL\n", 0);
	put_str(root, "var/lib/other/data", "fine\n", 0);
	put_str(root, "tmp/out.diag", "CANARY-OUTPUT", 0);
	put_str(root, "var/log/app.log", "fine\n", 0);
	assert_int_equal(symlink("/var/lib/diag/pseudonyms.map", link), 0);
	setenv("DIAG_STATE_DIR", statedir, 1);
	o.skip_paths = skip;
	assert_int_equal(run("collect:\n  - name: a\n    description: d\n    file: [/var/lib, /tmp]\n"
			     "  - name: b\n    description: d\n    file: [/var/lib/diag/site.key, "
			     "\"/var/lib/*/pseudonyms.map\", /var/log/map]\n",
			     root, &o, &fs, NULL), 0);
	want_item(&fs, "files/var/lib/other/data");
	/* PROMISE: the state directory (site key, pseudonym map) is never collected */
	want_skipped(&fs, "files/var/lib/diag", "diag's own state");
	want_skipped(&fs, "files/tmp/out.diag", "diag's own state or output");
	/* not even a file in it named directly, matched by a glob or reached by a link */
	want_skipped(&fs, "files/var/lib/diag/site.key", ""); /* *.key: a secret by its name first */
	want_skipped(&fs, "files/var/lib/diag/pseudonyms.map", "diag's own state");
	want_skipped(&fs, "files/var/log/map", "diag's own state");
	for (size_t i = 0; i < fs.n; i++)
		if (fs.recs[i].kind == FAKE_ITEM && strstr(fs.recs[i].data.buf, "CANARY"))
			fail_msg("diag's own state leaked through '%s'", fs.recs[i].path);
	if (old)
		setenv("DIAG_STATE_DIR", old, 1);
	else
		unsetenv("DIAG_STATE_DIR");
	fake_sink_release(&fs);
	free(old);
	free(out);
	free(link);
	free(statedir);
	drop_root(root);
}

static void a_declining_sink_skips_and_a_failing_sink_stops_the_run(void **state)
{
	struct spec *spec = parse("collect:\n  - name: a\n    description: d\n    file: /etc/app\n"
				  "  - name: b\n    description: d\n    file: /etc/hostname\n");
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct fake_sink fs;

	o.root = FIXTURE;
	fake_sink_init(&fs);
	fs.decline = "config.ini";
	assert_int_equal(collect_run(spec, &o, &fs.sink, &sum), 0);
	assert_int_equal(fake_find(&fs, "files/etc/app/config.ini")->kind, FAKE_DECLINED);
	want_item(&fs, "files/etc/hostname");
	fake_sink_release(&fs);

	fake_sink_init(&fs);
	fs.fail_writes_after = 1;
	assert_int_equal(collect_run(spec, &o, &fs.sink, &sum), -1);
	assert_null(fake_find(&fs, "files/etc/hostname")); /* stopped before entry b */
	assert_int_equal(sum.items, 1);
	fake_sink_release(&fs);
	spec_free(spec);
}

/*
 * Permission failures. Root reads everything, so when the tests run as root
 * (they usually do, in CI) a child drops to "nobody" first; it reports
 * through its exit status because cmocka must not run in two processes.
 */
static int unreadable_in_child(const char *root)
{
	struct spec *spec = parse("collect:\n  - name: a\n    description: d\n"
				  "    file: [/d/secret.txt, /d/ok.txt, /locked]\n");
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct fake_sink fs;
	struct fake_rec *r;
	int bad = 0;

	o.root = root;
	fake_sink_init(&fs);
	if (collect_run(spec, &o, &fs.sink, &sum) < 0)
		bad |= 1;
	r = fake_find(&fs, "files/d/secret.txt");
	if (!r || r->kind != FAKE_FAILED || !strstr(r->reason, "Permission denied"))
		bad |= 2;
	r = fake_find(&fs, "files/d/ok.txt");
	if (!r || r->kind != FAKE_ITEM)
		bad |= 4;
	r = fake_find(&fs, "files/locked");
	if (!r || r->kind != FAKE_FAILED || !strstr(r->reason, "cannot open directory"))
		bad |= 8;
	if (sum.failures != 2)
		bad |= 16;
	fake_sink_release(&fs);
	spec_free(spec);
	return bad;
}

static void records_unreadable_files_as_failures(void **state)
{
	char *root = tmp_root(), *secret = xasprintf("%s/d/secret.txt", root);
	char *locked = xasprintf("%s/locked", root);
	int status;
	pid_t pid;

	put_str(root, "d/secret.txt", "private\n", 0);
	put_str(root, "d/ok.txt", "public\n", 0);
	put_str(root, "locked/inside", "x\n", 0);
	assert_int_equal(chmod(secret, 0), 0);
	assert_int_equal(chmod(locked, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(unreadable_in_child(root), 0);
	} else {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int code = 100;

			free(secret);
			free(locked);
			if (setgid(65534) == 0 && setuid(65534) == 0)
				code = unreadable_in_child(root);
			free(root);
			_exit(code);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	chmod(locked, 0755);
	free(secret);
	free(locked);
	drop_root(root);
}

static void confines_symlinks_to_the_root_without_openat2(void **state)
{
	int rootfd = open(FIXTURE, O_PATH | O_DIRECTORY);
	struct stat st, want;
	char buf[64];
	int fd;
	ssize_t n;

	assert_true(rootfd >= 0);
	/* relative and absolute links resolve inside the root */
	fd = collect_open_confined(rootfd, "etc/escape", O_RDONLY, true);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(stat(FIXTURE "/etc/passwd", &want), 0);
	assert_true(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
	close(fd);
	fd = collect_open_confined(rootfd, "etc/hostname-link", O_RDONLY, true);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	assert_int_equal(n, 9);
	assert_memory_equal(buf, "fakehost\n", 9);
	close(fd);
	fd = collect_open_confined(rootfd, "../../../../etc/../etc/hostname", O_RDONLY, true);
	assert_true(fd >= 0);
	close(fd);
	/* not following the last link gives the link itself */
	fd = collect_open_confined(rootfd, "etc/hostname-link", O_PATH, false);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	close(fd);
	assert_int_equal(collect_open_confined(rootfd, "etc/app/loop-a", O_RDONLY, true), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(collect_open_confined(rootfd, "etc/dangling", O_RDONLY, true), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(collect_open_confined(rootfd, "etc/os-release/x", O_RDONLY, true), -1);
	assert_int_equal(errno, ENOTDIR);
	fd = collect_open_confined(rootfd, ".", O_RDONLY | O_DIRECTORY, true);
	assert_true(fd >= 0);
	close(fd);
	close(rootfd);
}

/* ---- system facts ---- */

static void system_facts_read_the_fake_root(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;
	const char *t;

	assert_int_equal(run("collect:\n  - system: os\n  - system: uptime\n  - system: memory\n"
			     "  - system: cpu\n  - system: processes\n  - system: routes\n"
			     "  - system: sockets\n  - system: mounts\n  - system: packages\n"
			     "  - system: services\n  - system: kernel-log\n  - system: disks\n"
			     "  - system: network\n  - system: clock\n  - system: kernel-modules\n",
			     FIXTURE, NULL, &fs, &sum), 0);
	t = want_item(&fs, "system/os.txt")->data.buf;
	assert_non_null(strstr(t, "hostname: fakehost"));
	assert_non_null(strstr(t, "PRETTY_NAME=\"Fakix GNU/Linux 1 (test)\""));
	assert_non_null(strstr(t, "booted: 2024-03-01T00:00:00Z"));
	t = want_item(&fs, "system/uptime.txt")->data.buf;
	assert_non_null(strstr(t, "up 1 days, 01:01:01"));
	assert_non_null(strstr(t, "0.50 0.40 0.30 2/123 4567"));
	t = want_item(&fs, "system/memory.txt")->data.buf;
	assert_non_null(strstr(t, "MemTotal         2.0 GiB"));
	assert_non_null(strstr(t, "MemAvailable     1000.0 MiB"));
	t = want_item(&fs, "system/cpu.txt")->data.buf;
	assert_non_null(strstr(t, "processors: 2\n"));
	assert_non_null(strstr(t, "model: Fake CPU @ 1GHz\n"));
	t = want_item(&fs, "system/processes.txt")->data.buf;
	assert_non_null(strstr(t, "      1       0 root         S"));
	assert_non_null(strstr(t, "/sbin/init splash\n"));
	assert_non_null(strstr(t, "     42       1 alice        R"));
	assert_non_null(strstr(t, "/opt/app/bin/app --password=CANARYCMDLINE\n"));
	t = want_item(&fs, "system/routes.txt")->data.buf;
	assert_non_null(strstr(t, "default            10.0.2.1         eth0"));
	assert_non_null(strstr(t, "10.0.2.0/24        -                eth0"));
	t = want_item(&fs, "system/sockets.txt")->data.buf;
	assert_non_null(strstr(t, "tcp   0.0.0.0:22"));
	t = want_item(&fs, "system/mounts.txt")->data.buf;
	assert_non_null(strstr(t, "/mnt/with space"));
	assert_non_null(strstr(t, "usage: not available (only on the live host"));
	t = want_item(&fs, "system/packages.txt")->data.buf;
	assert_non_null(strstr(t, "2 packages installed (from /var/lib/dpkg/status)"));
	assert_non_null(strstr(t, "bash                                     5.2.15-2"));
	assert_null(strstr(t, "removed-pkg"));
	t = want_item(&fs, "system/services.txt")->data.buf;
	assert_non_null(strstr(t, "multi-user.target:\n  ssh.service\n"));
	assert_non_null(strstr(t, "masked units ==\n  apt-daily.service\n"));
	t = want_item(&fs, "system/kernel-log.txt")->data.buf;
	assert_non_null(strstr(t, "not available"));
	assert_string_equal(want_item(&fs, "system/memory.txt")->collector, "system");
	/* no /proc/modules in the fixture: a kernel without modules, said, not failed */
	t = want_item(&fs, "system/kernel-modules.txt")->data.buf;
	assert_non_null(strstr(t, "no loadable modules"));
	assert_int_equal(sum.failures, 0);
	fake_sink_release(&fs);
}

static void system_facts_survive_odd_proc_content(void **state)
{
	char *root = tmp_root();
	struct fake_sink fs;

	/* truncated or malformed, as a fake root (or a hostile image) may have them */
	put_str(root, "proc/7/stat", "7 (x)", 0);
	put_str(root, "proc/8/stat", "8 (a) b) c", 0);
	put_str(root, "proc/9/stat", "9 x", 0);
	put_str(root, "proc/7/status", "Uid:", 0);
	put_str(root, "proc/stat", "btime", 0);
	put_str(root, "proc/meminfo", "MemTotal:\nMemFree: x kB\nSwapFree:", 0);
	put_str(root, "proc/cpuinfo", "processor\nmodel name\nflags:", 0);
	put_str(root, "proc/net/tcp", "header\n0: 1\n", 0);
	put_str(root, "proc/net/route", "h\neth0 0\n", 0);
	put_str(root, "proc/self/mounts", "/dev/x\n\\0 /\\04 t o 0 0\n", 0);
	put_str(root, "var/lib/dpkg/status", "Package:\nStatus: ok installed\n\nVersion:", 0);
	put_str(root, "etc/passwd", "x\n:\n::\nroot:x:", 0);
	assert_int_equal(run("collect:\n  - system: processes\n  - system: uptime\n"
			     "  - system: memory\n  - system: cpu\n  - system: sockets\n"
			     "  - system: routes\n  - system: mounts\n  - system: packages\n",
			     root, NULL, &fs, NULL), 0);
	assert_non_null(strstr(want_item(&fs, "system/processes.txt")->data.buf, "      7 "));
	fake_sink_release(&fs);
	drop_root(root);
}

static void system_facts_describe_this_host(void **state)
{
	struct fake_sink fs;

	assert_int_equal(run("collect:\n  - system: processes\n  - system: mounts\n"
			     "  - system: clock\n  - system: network\n",
			     "/", NULL, &fs, NULL), 0);
	assert_non_null(strstr(want_item(&fs, "system/processes.txt")->data.buf, "test_collect"));
	assert_non_null(strstr(want_item(&fs, "system/mounts.txt")->data.buf, " proc "));
	assert_non_null(strstr(want_item(&fs, "system/clock.txt")->data.buf, "system clock (UTC)"));
	assert_non_null(strstr(want_item(&fs, "system/network.txt")->data.buf, "lo "));
	fake_sink_release(&fs);
}

static void the_default_spec_runs_on_a_fake_root(void **state)
{
	struct spec *spec = spec_default();
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct fake_sink fs;

	o.root = FIXTURE;
	o.since = ts("2024-02-29T00:00:00Z");
	fake_sink_init(&fs);
	assert_int_equal(collect_run(spec, &o, &fs.sink, &sum), 0);
	want_item(&fs, "system/os.txt");
	want_item(&fs, "files/etc/os-release");
	want_item(&fs, "files/var/log/syslog");
	want_skipped(&fs, "files/etc/redhat-release", "not present");
	/* commands would describe this host, not the root's: not run */
	want_skipped(&fs, "commands/systemctl-failed.txt", "--root");
	assert_int_equal(sum.since, o.since);
	for (size_t i = 0; i < fs.n; i++)
		if (fs.recs[i].kind == FAKE_ITEM && strstr(fs.recs[i].data.buf, "CANARY") &&
		    strcmp(fs.recs[i].path, "system/processes.txt"))
			fail_msg("a secret leaked through '%s'", fs.recs[i].path);
	fake_sink_release(&fs);
	spec_free(spec);
}

static int progress_calls;

static void count_progress(void *ctx, const struct collect_progress *p)
{
	assert_true(p->entry_index < p->entry_count);
	assert_non_null(p->entry);
	progress_calls++;
}

static int64_t fixed_clock(void *ctx)
{
	return ts("2024-03-01T12:00:00Z");
}

static void reports_progress_and_uses_the_spec_window_and_clock(void **state)
{
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct fake_sink fs;

	o.progress = count_progress;
	o.clock = fixed_clock;
	progress_calls = 0;
	assert_int_equal(run("settings:\n  last: 1d\ncollect:\n  - name: a\n    description: d\n"
			     "    file: /etc/app\n", FIXTURE, &o, &fs, &sum), 0);
	assert_true(progress_calls > 3);
	assert_int_equal(sum.since, ts("2024-02-29T12:00:00Z"));
	assert_int_equal(sum.until, 0);
	fake_sink_release(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(collects_trees_and_never_secret_stores),
		cmocka_unit_test(follows_named_symlinks_without_leaving_the_root),
		cmocka_unit_test(finds_secret_stores_behind_symlinks_and_relative_roots),
		cmocka_unit_test(globs_match_like_a_shell),
		cmocka_unit_test(a_pattern_through_a_symlink_loop_stops),
		cmocka_unit_test(include_exclude_and_depth_filter_the_walk),
		cmocka_unit_test(skips_fifos_and_sockets_without_blocking),
		cmocka_unit_test(reads_proc_files_whose_size_is_zero),
		cmocka_unit_test(huge_files_keep_the_newest_bytes_from_a_line_start),
		cmocka_unit_test(the_total_budget_cuts_then_skips),
		cmocka_unit_test(notices_files_growing_shrinking_or_rotated_while_read),
		cmocka_unit_test(trims_logs_to_the_window_across_formats),
		cmocka_unit_test(stores_gzip_logs_decompressed_and_skips_other_compressions),
		cmocka_unit_test(collects_each_bundle_path_once),
		cmocka_unit_test(never_collects_its_own_state_or_output),
		cmocka_unit_test(a_declining_sink_skips_and_a_failing_sink_stops_the_run),
		cmocka_unit_test(records_unreadable_files_as_failures),
		cmocka_unit_test(confines_symlinks_to_the_root_without_openat2),
		cmocka_unit_test(system_facts_read_the_fake_root),
		cmocka_unit_test(system_facts_survive_odd_proc_content),
		cmocka_unit_test(system_facts_describe_this_host),
		cmocka_unit_test(the_default_spec_runs_on_a_fake_root),
		cmocka_unit_test(reports_progress_and_uses_the_spec_window_and_clock),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	setenv("DIAG_STATE_DIR", "/nonexistent/diag-test-state", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
