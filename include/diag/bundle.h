/* SPDX-License-Identifier: MIT */
/*
 * bundle.h - writing and reading diag bundles
 *
 * A bundle NAME.diag is a POSIX tar holding, in this order:
 *   manifest.json  the manifest (manifest.h), plaintext, canonical
 *   payload.age    age (X25519, to every recipient) of a gzip tar of the
 *                  redacted files, in manifest order, whose last member is
 *                  manifest.json again without its "payload" object
 * The outer manifest's "payload" object gives payload.age's size and SHA-256,
 * so that a bundle can be checked without a key (and a signature over the
 * manifest covers everything). See diag.1, BUNDLE FORMAT.
 *
 * Writing. The front end (struct bundle_writer) implements the collectors'
 * struct collect_sink: every byte of every item goes through the redaction
 * engine, is counted and hashed, and only then reaches a back end
 * (struct bundle_backend), which stores redacted files:
 *   - the seal back end (bundle_seal_new) compresses and encrypts them into
 *     a bundle;
 *   - the null back end (bundle_null_new) keeps nothing (--dry-run);
 *   - other back ends (a stage directory for review, split outputs) plug in
 *     the same way, and `diag seal` can feed the seal back end with files
 *     that are already redacted.
 *
 * Reading. bundle_read() checks a bundle from any byte source (a file, a
 * pipe, concatenated parts): the outer tar, the manifest (canonical and bound
 * to the payload by its size and hash), the age header and STREAM framing;
 * with identities, every chunk, the gzip stream, the inner tar (refusing
 * anything hostile), every file's hash and the sealed manifest copy; with an
 * extraction directory, it also writes the files there, atomically.
 */
#ifndef DIAG_BUNDLE_H
#define DIAG_BUNDLE_H

#include <stdio.h>
#include "diag/age.h"
#include "diag/bytesrc.h"
#include "diag/collector.h"
#include "diag/manifest.h"
#include "redact/redact.h"

#define BUNDLE_PAYLOAD_NAME "payload.age"
/* Member modes: the outer members are public, the inner files are not. */
#define BUNDLE_OUTER_MODE 0644
#define BUNDLE_FILE_MODE 0600

/* ------------------------------------------------------------ back ends */

/*
 * Where redacted files go. The front end calls, for each file:
 *   file_begin, file_write*, then file_end (the file is kept) or file_drop
 *   (redaction failed: nothing of it may remain anywhere);
 * then finish() once (or abort() on any fatal error), then free().
 * Files are kept in the order of their file_end() calls, which is the order
 * of m->files. Every callback returns 0, or -1 after printing an error; -1
 * is fatal for the whole run (disk full, ...).
 *
 * With BUNDLE_BACKEND_HASHES, the back end computes each kept file's SHA-256
 * itself (off the collecting thread) and sets it in m->files[] in finish();
 * the front end then passes zeros in f->sha256. Otherwise the front end
 * hashes.
 */
enum bundle_backend_flags {
	BUNDLE_BACKEND_HASHES = 1 << 0,
};

struct bundle_backend {
	unsigned flags;
	/* f->path, f->mtime are set; size and hash are not known yet. */
	int (*file_begin)(struct bundle_backend *be, const struct manifest_file *f);
	int (*file_write)(struct bundle_backend *be, const void *buf, size_t len);
	/* f->size and f->sha256 are final. */
	int (*file_end)(struct bundle_backend *be, const struct manifest_file *f);
	int (*file_drop)(struct bundle_backend *be);
	/*
	 * Every file has been given: write the result. The back end may fill
	 * fields of m (the seal back end sets the files' offsets and the payload).
	 */
	int (*finish)(struct bundle_backend *be, struct manifest *m);
	/* Give up: remove everything written so far. */
	void (*abort)(struct bundle_backend *be);
	void (*free)(struct bundle_backend *be);
};

/*
 * Where the seal back end writes the bundle, front to back, once everything
 * is known. write() and commit() return 0, or -1 after printing an error;
 * after a failure the back end calls abort(), which must leave nothing
 * behind. A split writer (media parts) or a hashing filter plugs in here.
 */
struct bundle_sink {
	int (*write)(struct bundle_sink *sink, const void *buf, size_t len);
	int (*commit)(struct bundle_sink *sink);
	void (*abort)(struct bundle_sink *sink);
	void (*free)(struct bundle_sink *sink);
};

/*
 * A file written atomically (fsutil's atomic_file: temporary file, fsync,
 * rename; never replacing an existing file), or the standard output for
 * "-". NULL after printing an error.
 */
struct bundle_sink *bundle_sink_file(const char *path);

struct bundle_seal_options {
	const char *output;                      /* the bundle, for messages and the spool's
						    directory; never overwritten */
	struct bundle_sink *sink;                /* borrowed; NULL: bundle_sink_file(output) */
	const struct age_recipients *recipients; /* borrowed; at least one X25519 recipient */
	int level;                               /* zlib level 1..9; 0: BUNDLE_DEFAULT_LEVEL */
	int threads;                             /* compression threads; 0: one per online CPU */
};
/*
 * zlib's level 4: within 7% of gzip -6's size on logs, 40% faster, so that
 * compression keeps up with redaction on two cores.
 */
#define BUNDLE_DEFAULT_LEVEL 4

/*
 * The seal back end. Redacted data is compressed in independent blocks by
 * a pool of threads, and hashed by another, and kept, encrypted under a key
 * that never leaves this process, in an anonymous spool file next to the
 * output (O_TMPFILE: it vanishes with the process, whatever kills it).
 * finish() assembles the age-encrypted payload in a second anonymous file,
 * then writes the bundle through the sink. Fails at once if output exists.
 * NULL after printing an error.
 */
struct bundle_backend *bundle_seal_new(const struct bundle_seal_options *o);

/* A back end that keeps nothing, for --dry-run. Never NULL. */
struct bundle_backend *bundle_null_new(void);

/* ------------------------------------------------------------ front end */

struct bundle_writer;

/*
 * A writer that builds m (borrowed; its recipients, window, spec... are the
 * caller's to fill) from collected items, redacting with engine (borrowed)
 * and storing through be (borrowed). With progress, a one-line display is
 * kept up to date on stderr.
 */
struct bundle_writer *bundle_writer_new(struct manifest *m, const struct redact_engine *engine,
					struct bundle_backend *be, bool progress);
/* The sink to hand to collect_run(); valid as long as the writer. */
struct collect_sink *bundle_writer_sink(struct bundle_writer *w);
/*
 * Add one file whose content is already redacted (`diag seal` of a stage
 * directory, and the tests): fd is read to its end. f's strings are copied.
 * -1 is fatal.
 */
int bundle_writer_add_redacted(struct bundle_writer *w, const struct manifest_file *f, int fd);
/* Finish: the back end writes its output. 0, or -1 (already printed). */
int bundle_writer_finish(struct bundle_writer *w) WARN_UNUSED;
/* Free the writer; if it was not finished, the back end is aborted first. */
void bundle_writer_free(struct bundle_writer *w);

/*
 * The reviewer's table of m (diag list, diag collect --dry-run): where and
 * when it was made, whom it is sealed to, every file grouped by collector
 * with its size and redactions, totals, failures and what was not collected.
 * name is the bundle's name.
 */
void bundle_print_listing(FILE *out, const char *name, const struct manifest *m);

/* ---------------------------------------------------------------- reader */

struct bundle_read_options {
	const char *name;                    /* the bundle, for messages */
	const struct age_identities *ids;    /* NULL: checks that need no key only */
	const char *extract_dir;             /* with ids: extract here (must not exist, or be empty) */
	bool manifest_only;                  /* stop after the manifest (diag list) */
};

struct bundle_read_result {
	struct manifest *manifest;   /* the outer manifest, if it was read and valid */
	struct strbuf manifest_text; /* its bytes */
	int exit_code;               /* on failure: DIAG_EXIT_CRYPTO (the bundle is bad), DIAG_EXIT_IO */
	uint64_t files_checked, bytes_checked;
};
#define BUNDLE_READ_RESULT_INIT { NULL, STRBUF_INIT, 0, 0, 0 }

/*
 * Read and check the bundle that src yields (see above for what is checked
 * with which options). Returns 0 when everything asked for checked out;
 * otherwise -1 after printing one line, with res->exit_code set and nothing
 * left in extract_dir. res is the caller's to release.
 */
int bundle_read(struct bytesrc *src, const struct bundle_read_options *o,
		struct bundle_read_result *res) WARN_UNUSED;
void bundle_read_result_release(struct bundle_read_result *res);
/*
 * Check a decrypted payload: src yields the gzip stream (payload.age's
 * plaintext). The inner tar must hold m's files, in order, with their sizes
 * and hashes, then m's sealed copy, then nothing. What bundle_read() does
 * after decryption, for salvage and for fuzzing. 0, or -1 after printing
 * one line (res->exit_code set).
 */
int bundle_check_payload(struct bytesrc *src, const struct manifest *m, const char *name,
			 struct bundle_read_result *res) WARN_UNUSED;
/*
 * bundle_read() on the file at path ("-": the standard input); o->name is
 * set from path when NULL. The same return and res.
 */
int bundle_read_path(const char *path, struct bundle_read_options *o,
		     struct bundle_read_result *res) WARN_UNUSED;
/*
 * What `diag open` and `diag verify` share: read the n identity files
 * (age-keygen's format; a passphrase-protected one asks on the terminal),
 * then bundle_read_path() with them (o->ids is set for the call only).
 * Returns 0, or an exit code after printing one line.
 */
int bundle_read_keyed(const char *path, char *const *id_files, size_t n,
		      struct bundle_read_options *o, struct bundle_read_result *res);

#endif
