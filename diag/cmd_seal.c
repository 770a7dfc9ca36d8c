// SPDX-License-Identifier: MIT
/*
 * cmd_seal.c - diag seal: seal a review stage into a bundle
 *
 * What the stage holds now is what is sealed: the files diag collect
 * --stage wrote and the reviewer kept (changed or not), and those the
 * reviewer added. Every one of them goes through the redaction engine
 * again (idempotent on what diag wrote; fail closed on anything else), so
 * nothing a reviewer changed or added leaves unredacted. The manifest is
 * the collected one (its mark proves diag wrote it), recomputed from the
 * files, with the review recorded: which files were changed, added or
 * removed, and when the stage was sealed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/export.h"
#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/stage.h"
#include "diag/util.h"

struct seal_args {
	const char *dir, *output, *policy, *root;
	struct export_opts x;
};

static int parse_args(int argc, char **argv, struct seal_args *a)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "policy", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, OPT_ROOT },
		EXPORT_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "-o:p:r:R:h", opts, NULL)) != -1) {
		const char **once = NULL;

		r = export_opt(&a->x, c, optarg);
		if (r > 1)
			return r;
		if (r == 1)
			continue;
		switch (c) {
		case 1: once = &a->dir; break;
		case 'o': once = &a->output; break;
		case 'p': once = &a->policy; break;
		case OPT_ROOT: once = &a->root; break;
		case 'h':
			return -1;
		default:
			return DIAG_EXIT_USAGE;
		}
		if (*once) {
			error(c == 1 ? "one stage at a time" : "option '%s' given twice", argv[optind - 1]);
			return DIAG_EXIT_USAGE;
		}
		*once = optarg;
	}
	if (optind < argc && !a->dir)
		a->dir = argv[optind++];
	if (!a->dir || optind < argc)
		return DIAG_EXIT_USAGE;
	if (a->output && !strcmp(a->output, "-") && isatty(1)) {
		error("not writing a bundle to a terminal: redirect the standard output, or give a file");
		return DIAG_EXIT_USAGE;
	}
	if (a->x.split && a->output && !strcmp(a->output, "-")) {
		error("--split writes files: it cannot write to the standard output");
		return DIAG_EXIT_USAGE;
	}
	return 0;
}

/* The stage must be redacted again with the policy it was collected with. */
static int check_policy(const struct manifest *m, const struct manifest_digest *d)
{
	char hex[65];

	if (!memcmp(m->policy.sha256, d->sha256, 32))
		return 0;
	hex_encode(m->policy.sha256, 32, hex);
	if (!strcmp(m->policy.name, "built-in"))
		return error("the stage was redacted with the built-in rules: seal it without -p");
	return error("the stage was redacted with the policy '%s' (sha256 %.16s...): give the same "
		     "policy with -p", m->policy.name, hex);
}

/* DIR.diag beside the stage, without the stage's trailing slashes. */
static char *default_output(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xasprintf("%.*s.diag", (int)n, dir);
}

/*
 * Seal every file of the stage through w: the collected ones with their
 * entries, the added ones as the reviewer's; mark what the reviewer did.
 */
static int seal_files(const struct stage *st, struct bundle_writer *w, struct manifest *m)
{
	int dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return error_errno("cannot open the stage '%s'", st->dir);
	for (size_t i = 0; i < st->nfiles; i++) {
		const struct stage_file *sf = &st->files[i];
		const struct manifest_file *c = sf->index >= 0 ? &st->m->files[sf->index] : NULL;
		struct manifest_file added = { 0 };
		unsigned char in_sha[32];
		size_t before = m->nfiles;
		int fd, r;

		fd = fs_open_beneath(dirfd, sf->path);
		if (fd < 0) {
			error_errno("stage '%s': cannot open '%s'", st->dir, sf->path);
			close(dirfd);
			return -1;
		}
		if (!c) {
			added.path = sf->path;
			added.collector = (char *)"review";
			added.kind = (char *)"file";
			added.source = (char *)"";
			added.description = (char *)"added by the reviewer";
		}
		/* PROMISE: nothing a reviewer changed or added leaves unredacted. */
		r = bundle_writer_add_redacted(w, c ? c : &added, fd, true, in_sha);
		close(fd);
		if (r < 0) {
			close(dirfd);
			return -1;
		}
		if (r == 0 && m->nfiles > before) {
			struct manifest_file *f = &m->files[m->nfiles - 1];

			if (!c)
				f->review = MANIFEST_REVIEW_ADDED;
			else if (memcmp(in_sha, c->sha256, 32))
				f->review = MANIFEST_REVIEW_CHANGED;
		}
	}
	close(dirfd);
	for (size_t i = 0; i < st->m->nfiles; i++)
		if (!st->present[i])
			manifest_add_removed(m, st->m->files[i].path, st->m->files[i].size,
					     st->m->files[i].sha256);
	return 0;
}

static int cmd_seal_fn(int argc, char **argv)
{
	struct seal_args a = { 0 };
	struct export x = EXPORT_INIT;
	struct export_engine e = { 0 };
	struct stage st = STAGE_INIT;
	struct manifest_digest policy = { 0 };
	struct bundle_backend *be = NULL;
	struct bundle_writer *w = NULL;
	struct manifest *m = NULL;
	struct manifest_totals t;
	size_t changed = 0, added = 0;
	char *output = NULL, size[32];
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret) {
		ret = ret < 0 ? cmd_usage(&cmd_seal, 1) : cmd_usage(&cmd_seal, 0);
		goto out;
	}
	ret = export_engine_open(&e, a.policy, a.root, &policy);
	if (ret)
		goto out;
	ret = stage_open(&st, a.dir, site_key(e.site), 0);
	if (ret)
		goto out;
	if (check_policy(st.m, &policy) < 0) {
		ret = DIAG_EXIT_USAGE;
		goto out;
	}
	m = stage_manifest_base(st.m, diag_now());
	ret = export_prepare(&x, &a.x, m);
	if (ret)
		goto out;
	output = a.output ? xstrdup(a.output) : default_output(a.dir);
	be = export_backend(&x, &a.x, output);
	if (!be) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	w = bundle_writer_new(m, e.engine, be, isatty(2) && diag_verbosity >= 0);
	if (seal_files(&st, w, m) < 0 || site_flush(e.site) < 0 || bundle_writer_finish(w) < 0) {
		error("nothing was sealed");
		ret = DIAG_EXIT_IO;
		goto out;
	}
	manifest_totals(m, &t);
	for (size_t i = 0; i < m->nfiles; i++) {
		changed += m->files[i].review == MANIFEST_REVIEW_CHANGED;
		added += m->files[i].review == MANIFEST_REVIEW_ADDED;
	}
	note("wrote '%s': %llu files, %s; the reviewer changed %zu, added %zu, removed %zu",
	     output, (unsigned long long)t.files, format_size(t.bytes, size, sizeof(size)), changed,
	     added, m->nremoved);
	ret = m->nfailures ? DIAG_EXIT_PARTIAL : DIAG_EXIT_OK;
	if (export_record(&x, output, m))
		ret = DIAG_EXIT_IO;
	note("the stage '%s' still holds the redacted files: remove it when it is no longer needed",
	     a.dir);
out:
	bundle_writer_free(w);
	if (be)
		be->free(be);
	export_release(&x);
	export_engine_close(&e);
	stage_release(&st);
	manifest_free(m);
	free(policy.name);
	free(output);
	export_opts_release(&a.x);
	return ret;
}

const struct diag_cmd cmd_seal = {
	.name = "seal",
	.fn = cmd_seal_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "seal a reviewed stage (collect --stage) into a bundle",
	.usage = "diag seal DIR [-r RECIPIENT]... [-R FILE]... [-o OUT.diag] [--sign KEY] "
		 "[--split SIZE]",
	.help =
		"  DIR                     a stage made by 'diag collect --stage DIR', reviewed\n"
		"  -r, --recipient AGE1..  seal to this age public key; repeatable (default: the\n"
		"                          recipients built in and in $DIAG_CONFIG/recipients)\n"
		"  -R, --recipients-file F seal to every recipient in file F; repeatable\n"
		"  -o, --output OUT.diag   the bundle (default DIR.diag), never overwritten;\n"
		"                          '-' for the standard output\n"
		"  -p, --policy POLICY     the redaction policy the stage was collected with\n"
		"      --sign KEY          sign manifest.json with this minisign secret key\n"
		"      --passphrase-file F the password of the --sign key (default: asked)\n"
		"      --split SIZE        write OUT.diag.001, .002, ... of SIZE bytes (650M, 4G)\n"
		"                          and OUT.diag.sha256, for removable media\n"
		"      --level N           compression: 1 (fastest) to 9 (smallest), default 4\n"
		"      --root DIR          the host files --root named when collecting\n"
		"\n"
		"Seals what DIR holds now. Every file is redacted again, so that nothing the\n"
		"reviewer changed or added leaves unredacted; the manifest records which\n"
		"files were changed, added or removed. manifest.json in DIR must not be\n"
		"edited. The bundle is recorded in the export ledger.\n",
};
