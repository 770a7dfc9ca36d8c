/* SPDX-License-Identifier: MIT */
/*
 * bundle.h - writing and reading diag bundles
 *
 * A bundle NAME.diag is a POSIX tar holding, in this order:
 *   manifest.json  the manifest (manifest.h), plaintext, canonical
 *   manifest.json.minisig
 *                  optional: a minisign signature of manifest.json, as
 *                  `minisign -S` writes it (see bundle_sig_comment())
 *   payload.age    age (X25519, to every recipient) of a gzip tar of the
 *                  redacted files, in manifest order, whose last member is
 *                  manifest.json again without its "payload" object
 * The outer manifest's "payload" object gives payload.age's size and SHA-256,
 * so that a bundle can be checked without a key (and a signature over the
 * manifest covers everything). See diag.1, BUNDLE FORMAT. A bundle may be
 * cut into media parts (split.h); the parts concatenated are the bundle.
 *
 * Writing. The front end (struct bundle_writer) implements the collectors'
 * struct collect_sink: every byte of every item goes through the redaction
 * engine, is counted and hashed, and only then reaches a back end
 * (struct bundle_backend), which stores redacted files:
 *   - the seal back end (bundle_seal_new) compresses and encrypts them into
 *     a bundle;
 *   - the null back end (bundle_null_new) keeps nothing (--dry-run);
 *   - the stage back end (bundle_stage_new) writes them into a directory
 *     for review (collect --stage); `diag seal` feeds what the reviewer
 *     left there back to the seal back end (bundle_writer_add_redacted()).
 *
 * Reading. bundle_read() checks a bundle from any byte source (a file, a
 * pipe, media parts): the outer tar, the manifest (canonical and bound to
 * the payload by its size and hash), its signature (with a signer: that
 * key made it), the age header and STREAM framing;
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
#include "diag/minisign.h"
#include "redact/redact.h"

#define BUNDLE_PAYLOAD_NAME "payload.age"
#define BUNDLE_SIG_NAME "manifest.json.minisig"
/* Largest signature member a reader accepts (minisign's comment limits and more). */
#define BUNDLE_SIG_MAX 16384
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
	unsigned parts; /* set by a split sink's commit(): the media parts written */
};

/*
 * A file written atomically (fsutil's atomic_file: temporary file, fsync,
 * rename; never replacing an existing file), or the standard output for
 * "-". NULL after printing an error.
 */
struct bundle_sink *bundle_sink_file(const char *path);
/*
 * Media parts: path.001, path.002, ... of part_size bytes each, and
 * path.sha256 (split.h), all appearing only at commit. Refused when path
 * itself exists (it would be read instead of the parts). NULL after
 * printing an error.
 */
struct bundle_sink *bundle_sink_split(const char *path, uint64_t part_size);

/* What sealing produced, for the export ledger. */
struct bundle_seal_result {
	unsigned char sha256[32];          /* of the whole bundle (its parts concatenated) */
	uint64_t size;
	unsigned char manifest_sha256[32]; /* of manifest.json as sealed */
	unsigned parts;                    /* media parts, 0 for a single file */
	bool is_signed;
	char signer[MINISIGN_KEY_ID_HEX];  /* the signing key's id, when signed */
};

struct bundle_seal_options {
	const char *output;                      /* the bundle, for messages and the spool's
						    directory; never overwritten */
	struct bundle_sink *sink;                /* borrowed; NULL: bundle_sink_file(output) */
	const struct age_recipients *recipients; /* borrowed; at least one X25519 recipient */
	int level;                               /* zlib level 1..9; 0: BUNDLE_DEFAULT_LEVEL */
	int threads;                             /* compression threads; 0: one per online CPU */
	const struct minisign_seckey *signer;    /* borrowed; sign manifest.json; NULL: unsigned */
	struct bundle_seal_result *result;       /* borrowed; filled by a successful finish() */
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

/*
 * The stage back end (collect --stage DIR; stage.h): the redacted files at
 * their bundle paths under DIR, and at finish() manifest.json (without
 * payload or offsets) and its mark under key (32 bytes, copied: the site
 * key). DIR must not exist or be empty; everything is written into a new
 * directory beside it (0700, files 0600, removed on SIGINT/SIGTERM),
 * renamed to DIR only at finish(); *tmpdir is set to that directory's path
 * (valid until finish() or abort()), for the collectors to keep out of.
 * NULL after printing an error.
 */
struct bundle_backend *bundle_stage_new(const char *dir, const unsigned char key[32],
					const char **tmpdir);

/* ------------------------------------------------------------ signatures */

/*
 * The trusted comment of a bundle's signature, appended to out: one line of
 * tab-separated fields, minisign's own first (so that `minisign -V` shows
 * the familiar start), then diag's:
 *   timestamp:<signing time, Unix seconds>  file:manifest.json  hashed
 *   diag-bundle:1  host:<m->host>  created:<m->created, RFC 3339>
 *   files:<number>  manifest-sha256:<hex>  payload-sha256:<hex>
 * Characters a comment may not hold (tabs, controls) in the host become '?'.
 */
void bundle_sig_comment(struct strbuf *out, const struct manifest *m,
			const unsigned char manifest_sha256[32], int64_t now);
/*
 * Check a signature's trusted comment against the manifest it signs: every
 * diag field present must match (host, created, files, manifest-sha256,
 * payload-sha256); other fields are ignored. NULL if so, or what differs
 * (a static string).
 */
const char *bundle_sig_check_comment(const char *comment, const struct manifest *m,
				     const unsigned char manifest_sha256[32]);
/* The signing time in a trusted comment's timestamp field: 0 if there is none. */
int64_t bundle_sig_timestamp(const char *comment);

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
 * directory, and the tests): fd is read to its end; f's strings and counts
 * are copied, its size and hash are those of what is stored.
 *
 * With redact_again, the content goes through the redaction engine once
 * more, under f->path, as if it had been collected: redaction is
 * idempotent, so what diag wrote comes out unchanged, while anything a
 * reviewer wrote or added is redacted now (fail closed); the counts of
 * what fires are added to f's. Content that is binary or cannot be
 * redacted is then dropped and recorded as a failure or skipped item.
 *
 * When in_sha256 is not NULL it receives the SHA-256 of the bytes read from
 * fd (before redaction). Returns 0 (kept), 1 (dropped, recorded), or -1
 * (fatal, printed).
 */
int bundle_writer_add_redacted(struct bundle_writer *w, const struct manifest_file *f, int fd,
			       bool redact_again, unsigned char in_sha256[32]);
/* Finish: the back end writes its output. 0, or -1 (already printed). */
int bundle_writer_finish(struct bundle_writer *w) WARN_UNUSED;
/* Free the writer; if it was not finished, the back end is aborted first. */
void bundle_writer_free(struct bundle_writer *w);

/*
 * The reviewer's table of m (diag list, diag collect --dry-run): where and
 * when it was made, whom it is sealed to, every file grouped by collector
 * with its size and redactions, totals, failures and what was not collected.
 * name is the bundle's name; signature, when not NULL, what to say about
 * its signature ("none", "key ... (not checked ...)").
 */
void bundle_print_listing(FILE *out, const char *name, const struct manifest *m,
			  const char *signature);

/* ----------------------------------------------------------------- input */

struct split_set;

/*
 * A bundle to read: a file, the standard input, or a set of media parts
 * (split.h) found from any of its parts or its .sha256 (split_detect()).
 * src reads the whole from its start; files and parts also allow random
 * access (bundle_input_pread()), which salvage needs.
 */
struct bundle_input {
	struct bytesrc src;
	char *name;               /* for messages: the path, the parts' base, or "standard input" */
	int fd;                   /* a file or the standard input; -1 for parts */
	bool seekable;            /* random access is possible */
	struct split_set *split;  /* media parts, or NULL */
	uint64_t pos;             /* where src reads next */
	uint64_t size;            /* of the whole, when seekable */
};

enum bundle_input_flags {
	/*
	 * Parts that are missing or have the wrong size do not stop the
	 * opening: they keep their nominal place, reading them fails (salvage).
	 */
	BUNDLE_INPUT_LENIENT = 1 << 0,
};

/*
 * Open path ("-": the standard input). 0, or an exit code after printing
 * every problem (a missing part, ...). Release with bundle_input_close()
 * whatever the result.
 */
int bundle_input_open(struct bundle_input *in, const char *path, unsigned flags) WARN_UNUSED;
void bundle_input_close(struct bundle_input *in);
/* Read up to len bytes at off of the whole: the count (short only at the end), or -1 (printed). */
ssize_t bundle_input_pread(struct bundle_input *in, void *buf, size_t len, uint64_t off);
/*
 * Where offset off of the whole is, for messages: "'b.diag.002' at offset
 * 12 (offset 1036 of the whole)", or "offset 1036 of 'b.diag'". The
 * caller's, free().
 */
char *bundle_input_where(const struct bundle_input *in, uint64_t off);

/* ---------------------------------------------------------------- reader */

struct bundle_read_options {
	const char *name;                    /* the bundle, for messages */
	const struct age_identities *ids;    /* NULL: checks that need no key only */
	const char *extract_dir;             /* with ids: extract here (must not exist, or be empty) */
	bool manifest_only;                  /* stop after the manifest and signature (diag list) */
	const struct minisign_pubkey *signer; /* the bundle must be signed by this key */
	const char *signer_name;             /* how to name it in messages (its file) */
	const struct bundle_input *input;    /* to say where damage is (part, offset); may be NULL */
};

struct bundle_read_result {
	struct manifest *manifest;   /* the outer manifest, if it was read and valid */
	struct strbuf manifest_text; /* its bytes */
	int exit_code;               /* on failure: DIAG_EXIT_CRYPTO (the bundle is bad), DIAG_EXIT_IO */
	uint64_t files_checked, bytes_checked;
	bool has_sig;                /* there is a manifest.json.minisig member, well formed */
	bool sig_verified;           /* ...and it verified with o->signer */
	struct minisign_sig sig;
	uint64_t payload_offset;     /* where payload.age's data starts in the bundle */
	char *name;                  /* bundle_read_path(): the bundle's name in messages */
};
#define BUNDLE_READ_RESULT_INIT \
	{ NULL, STRBUF_INIT, 0, 0, 0, false, false, MINISIGN_SIG_INIT, 0, NULL }

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
 * bundle_read() on the bundle at path (bundle_input_open(): a file, media
 * parts, "-" for the standard input), named o->name or, when that is NULL,
 * after the input ("standard input", the parts' base). The same return and
 * res; res->name is the name used.
 */
int bundle_read_path(const char *path, struct bundle_read_options *o,
		     struct bundle_read_result *res) WARN_UNUSED;
/*
 * Read the n identity files (age-keygen's format; a passphrase-protected
 * one asks on the terminal) into ids. 0, or an exit code after printing
 * one line.
 */
int bundle_load_identities(struct age_identities *ids, char *const *id_files, size_t n);
/*
 * Load --signer's public key: a .pub file, or the key line itself. 0, or an
 * exit code after printing one line.
 */
int bundle_load_signer(struct minisign_pubkey *pk, const char *arg);
/*
 * What `diag open` and `diag verify` share: bundle_load_identities(), then
 * bundle_read_path() with them (o->ids is set for the call only).
 * Returns 0, or an exit code after printing one line.
 */
int bundle_read_keyed(const char *path, char *const *id_files, size_t n,
		      struct bundle_read_options *o, struct bundle_read_result *res);

/* ---------------------------------------------------------------- salvage */

/*
 * Recover what damaged media still hold, by random access: the outer
 * manifest (which must be intact: it says where each file's compressed
 * bytes are) and the signature are read and checked as bundle_read() does;
 * then every age chunk of the payload is authenticated on its own, and each
 * file whose chunks all authenticate is inflated from its recorded offset
 * (a fresh deflate start), its tar header, size and hash checked, and, with
 * extract_dir, written there. With extract_dir NULL nothing is written (a
 * damage report, for diag verify). Every damaged chunk is reported with
 * where it lies (part and offset) and the files it holds; every lost file
 * is named. Then extract_dir gets manifest.json too and appears (renamed
 * from a temporary directory) even though files are missing.
 */
struct bundle_salvage_result {
	uint64_t files_recovered, files_lost, bytes_recovered;
	uint64_t chunks, chunks_damaged;
	int exit_code;               /* when -1 is returned */
};

/*
 * Returns 0 when the salvage ran (res says what was lost), or -1 after
 * printing why nothing could be recovered (res->exit_code set). o->name,
 * o->ids (required), o->signer and o->extract_dir are used; in must be
 * seekable.
 */
int bundle_salvage(struct bundle_input *in, const struct bundle_read_options *o,
		   struct bundle_salvage_result *res) WARN_UNUSED;

#endif
