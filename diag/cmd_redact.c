// SPDX-License-Identifier: MIT
/*
 * cmd_redact.c - diag redact: the redaction engine on files or stdin, to stdout
 *
 * The same engine, site key and pseudonym map as diag collect, to re-redact
 * anything outside a bundle. Each file is redacted whole before any of it is
 * written (held in memory, then in an unlinked temporary file once large:
 * only redacted bytes ever go there), so a file that fails to redact adds
 * nothing to the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/strbuf.h"
#include "redact/redact.h"

#define POLICY_MAX (1u << 20)
#define SPOOL_MEM (8u << 20)
#define READ_CHUNK (128 * 1024)

/*
 * Redacted output of one file, held until the file is done: in memory, then
 * in an unlinked temporary file. When standard output is a regular file (or
 * /dev/null) it is written at once instead, and cut back if the file fails.
 */
struct spool {
	struct strbuf mem;
	FILE *file;   /* once mem would pass SPOOL_MEM */
	bool direct;  /* straight to stdout, which can be truncated back to start */
	off_t start;
	int error;    /* errno of a failed write */
};

static void spool_init(struct spool *sp)
{
	struct stat st;

	memset(sp, 0, sizeof(*sp));
	strbuf_init(&sp->mem, 0);
	if (fstat(1, &st))
		return;
	if (S_ISREG(st.st_mode)) {
		int fl = fcntl(1, F_GETFL);

		sp->start = fl >= 0 && (fl & O_APPEND) ? st.st_size : lseek(1, 0, SEEK_CUR);
		sp->direct = sp->start >= 0;
	} else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3) {
		sp->direct = true; /* /dev/null */
		sp->start = -1;
	}
}

static int spool_sink(void *ctx, const void *buf, size_t len)
{
	struct spool *sp = ctx;

	if (sp->direct) {
		if (fs_write_all(1, buf, len)) {
			sp->error = errno;
			return -1;
		}
		return 0;
	}
	if (!sp->file && sp->mem.len + len > SPOOL_MEM) {
		sp->file = tmpfile();
		if (!sp->file || (sp->mem.len && fwrite(sp->mem.buf, 1, sp->mem.len, sp->file) !=
							 sp->mem.len)) {
			sp->error = errno ? errno : EIO;
			return -1;
		}
		strbuf_reset(&sp->mem);
	}
	if (sp->file) {
		if (fwrite(buf, 1, len, sp->file) != len) {
			sp->error = errno ? errno : EIO;
			return -1;
		}
		return 0;
	}
	strbuf_add(&sp->mem, buf, len);
	return 0;
}

/* The file failed: take back what went out directly. */
static int spool_abort(struct spool *sp)
{
	if (!sp->direct || sp->start < 0)
		return 0;
	if (ftruncate(1, sp->start) || lseek(1, sp->start, SEEK_SET) < 0)
		return error_errno("cannot take back the output of a failed file");
	return 0;
}

static void spool_release(struct spool *sp)
{
	strbuf_release(&sp->mem);
	if (sp->file)
		fclose(sp->file);
	sp->file = NULL;
}

static int spool_write_out(struct spool *sp)
{
	char buf[READ_CHUNK];
	size_t n;

	if (sp->direct)
		return 0;
	if (!sp->file)
		return fs_write_all(1, sp->mem.buf, sp->mem.len);
	if (fflush(sp->file) || fseek(sp->file, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), sp->file)) > 0)
		if (fs_write_all(1, buf, n))
			return -1;
	return ferror(sp->file) ? -1 : 0;
}

static void print_report(const char *name, const struct redact_report *r)
{
	if (!r->nrules) {
		fprintf(stderr, "%s: nothing redacted (%s, %llu lines)\n", name, r->format,
			(unsigned long long)r->lines);
		return;
	}
	for (size_t i = 0; i < r->nrules; i++) {
		const struct redact_rule_count *c = &r->rules[i];

		fprintf(stderr, "%s: %s: %llu (line%s", name, c->rule, (unsigned long long)c->count,
			c->nlines > 1 ? "s" : "");
		for (size_t l = 0; l < c->nlines; l++)
			fprintf(stderr, " %u", c->lines[l]);
		fprintf(stderr, "%s)\n", c->nlines == REDACT_MAX_LINES ? " ..." : "");
	}
}

/*
 * Redact one file (or "-") to stdout on *rs (made for the first, reset for
 * the next). 0 done, 1 failed (nothing written), -1 stdout broke.
 */
static int redact_one(const struct redact_engine *engine, struct redact_stream **rs,
		      const char *name, const char *as, bool report)
{
	const char *path = as ? as : strcmp(name, "-") ? name : NULL;
	struct redact_stream *s;
	struct spool sp;
	struct redact_err err;
	static char buf[READ_CHUNK];
	const struct redact_report *r;
	int fd = strcmp(name, "-") ? open(name, O_RDONLY | O_CLOEXEC) : 0;
	int ret = 1;
	ssize_t n;

	if (fd < 0) {
		error_errno("cannot open '%s'", name);
		return 1;
	}
	spool_init(&sp);
	if (path && redact_path_excluded(engine, path)) {
		warning("'%s' is excluded by the policy: left out", name);
		goto out_close;
	}
	if (*rs)
		redact_stream_reset(*rs, path, spool_sink, &sp);
	else if (!(*rs = redact_stream_new(engine, path, spool_sink, &sp))) {
		error("cannot redact '%s': out of memory", name);
		goto out_close;
	}
	s = *rs;
	while ((n = fs_read_full(fd, buf, sizeof(buf))) > 0)
		if (redact_stream_write(s, buf, (size_t)n, &err))
			break;
	if (n < 0) {
		error_errno("cannot read '%s'", name);
		goto out;
	}
	if (n > 0 || redact_stream_finish(s, &err)) {
		if (sp.direct && sp.error) {
			errno = sp.error;
			ret = -1; /* standard output broke */
		}
		else if (sp.error)
			error("cannot redact '%s': cannot hold the output: %s", name, strerror(sp.error));
		else if (err.line)
			error("cannot redact '%s' (line %d): %s", name, err.line, err.msg);
		else
			error("cannot redact '%s': %s", name, err.msg);
		goto out;
	}
	r = redact_stream_report(s);
	if (r->binary) {
		error("'%s' looks binary: left out", name);
		goto out;
	}
	if (spool_write_out(&sp)) {
		ret = -1;
		goto out;
	}
	if (report)
		print_report(name, r);
	ret = 0;
out:
	if (ret > 0 && spool_abort(&sp))
		ret = -1;
out_close:
	spool_release(&sp);
	if (fd > 0)
		close(fd);
	return ret;
}

static int load_policy(const char *file, struct redact_policy **policy)
{
	struct strbuf sb = STRBUF_INIT;
	struct redact_err err;
	int rc;

	if (fs_read_file(file, &sb, POLICY_MAX))
		return DIAG_EXIT_INPUT;
	rc = redact_policy_parse(policy, sb.buf, sb.len, file, &err);
	strbuf_release(&sb);
	if (rc) {
		error("%s:%d:%d: %s", file, err.line, err.column, err.msg);
		return DIAG_EXIT_INPUT;
	}
	return 0;
}

static void list_rules(const struct redact_engine *engine)
{
	size_t n;
	const struct redact_rule_info *info = redact_engine_rules(engine, &n);

	for (size_t i = 0; i < n; i++)
		printf("%-27s %-6s %-3s %s\n", info[i].id, info[i].kind, info[i].enabled ? "on" : "off",
		       info[i].summary);
}

static int cmd_redact_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "as", required_argument, NULL, 'a' },
		{ "root", required_argument, NULL, 'r' },
		{ "report", no_argument, NULL, 'R' },
		{ "list-rules", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const unsigned char no_key[32];
	const char *policy_file = NULL, *as = NULL, *root = "/";
	struct redact_policy *policy = NULL;
	struct redact_engine *engine = NULL;
	struct redact_stream *stream = NULL;
	struct redact_config cfg = { 0 };
	struct redact_err err;
	struct site *site = NULL;
	char **domains = NULL, **users = NULL;
	bool report = false, list = false;
	int c, ret = DIAG_EXIT_OK, failed = 0;

	while ((c = getopt_long(argc, argv, "+p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (policy_file)
				return cmd_usage(&cmd_redact, 0);
			policy_file = optarg;
			break;
		case 'a':
			as = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'R':
			report = true;
			break;
		case 'L':
			list = true;
			break;
		case 'h':
			return cmd_usage(&cmd_redact, 1);
		default:
			return cmd_usage(&cmd_redact, 0);
		}
	}
	argc -= optind;
	argv += optind;
	if (list && argc)
		return cmd_usage(&cmd_redact, 0);
	if (as && argc > 1) {
		error("--as names one input, not %d", argc);
		return DIAG_EXIT_USAGE;
	}
	if (policy_file && (ret = load_policy(policy_file, &policy)))
		return ret;
	if (list) {
		cfg.site_key = no_key; /* listing pseudonymises nothing */
	} else {
		if (site_open(&site, true) < 0) {
			ret = errno == ENOENT ? DIAG_EXIT_IO : DIAG_EXIT_CRYPTO;
			goto out;
		}
		domains = site_internal_domains(root);
		users = site_usernames(root);
		cfg.site_key = site_key(site);
		cfg.internal_domains = (const char *const *)domains;
		cfg.usernames = (const char *const *)users;
		cfg.on_pseudonym = site_record_pseudonym;
		cfg.pseudonym_ctx = site;
	}
	cfg.policy = policy;
	cfg.threads = redact_default_threads(); /* large files on several cores */
	if (redact_engine_new(&engine, &cfg, &err)) {
		error("%s%s%s", policy_file ? policy_file : "", policy_file ? ": " : "", err.msg);
		ret = DIAG_EXIT_INPUT;
		goto out;
	}
	if (list) {
		list_rules(engine);
		goto out;
	}
	for (int i = 0; i < (argc ? argc : 1); i++) {
		int r = redact_one(engine, &stream, argc ? argv[i] : "-", as, report);

		if (r < 0) {
			error_errno("cannot write to standard output");
			ret = DIAG_EXIT_IO;
			break;
		}
		failed += r;
	}
	if (site_flush(site) && !ret)
		ret = DIAG_EXIT_IO;
	if (!ret && failed)
		ret = DIAG_EXIT_PARTIAL;
out:
	redact_stream_free(stream);
	redact_engine_free(engine);
	redact_policy_free(policy);
	strv_free(domains);
	strv_free(users);
	site_close(site);
	return ret;
}

const struct diag_cmd cmd_redact = {
	.name = "redact",
	.fn = cmd_redact_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "redact secrets and personal data in files, to standard output",
	.usage = "diag redact [-p POLICY] [--as PATH] [--root DIR] [--report] [FILE ...]\n"
		 "diag redact --list-rules [-p POLICY]",
	.help = "Redacts each FILE (standard input when none, or '-') with the same engine\n"
		"as diag collect and writes the result to standard output: secrets become\n"
		"[REDACTED:<rule>], personal data a pseudonym from this site's key (see\n"
		"diag lookup). A file that cannot be redacted, or looks binary, adds nothing\n"
		"to the output; the exit status is then 1.\n\n"
		"Options:\n"
		"  -p, --policy POLICY  the redaction policy (YAML; see samples/policy.yaml)\n"
		"  --as PATH            redact standard input as if it were the file PATH\n"
		"                       (the path picks the format and the rules' scope)\n"
		"  --root DIR           read the host's names and users under DIR (default /)\n"
		"  --report             say on standard error what was redacted, where\n"
		"  --list-rules         list the rules: id, kind, on/off, what they find\n",
};
