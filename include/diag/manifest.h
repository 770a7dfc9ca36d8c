/* SPDX-License-Identifier: MIT */
/*
 * manifest.h - the bundle manifest: build, serialise, parse strictly
 *
 * The manifest (manifest.json) lists every file in a bundle with its size,
 * SHA-256 and what was redacted in it, every collector that failed, whom the
 * bundle is sealed to, and (in a sealed bundle) the payload's size and hash.
 * It is plaintext and leaves the site, so it holds no collected content:
 * host-derived strings in it (paths, sources, error messages) have been
 * through the redaction engine before they get here.
 *
 * Serialisation is deterministic: one struct manifest gives one byte string
 * (fixed key order, one file per line, rules sorted, no floating point).
 * manifest_parse() accepts only what manifest_serialize() can produce:
 * known keys only, no duplicates, exact types, sane ranges, safe paths,
 * consistent totals and offsets. A caller that wants "byte for byte what
 * diag wrote" also compares manifest_serialize(parse(bytes)) with the bytes
 * (manifest_parse_canonical() does both).
 *
 * Every string is valid UTF-8 and NUL-free. The structs own their strings.
 */
#ifndef DIAG_MANIFEST_H
#define DIAG_MANIFEST_H

#include <sys/types.h>
#include "diag/common.h"
#include "diag/strbuf.h"

#define MANIFEST_FORMAT "diag-bundle"
#define MANIFEST_VERSION 1
/* The name of the manifest in the bundle and inside the payload. */
#define MANIFEST_NAME "manifest.json"
/* Largest manifest a reader accepts. */
#define MANIFEST_MAX_SIZE (64u << 20)
/* JSON integers above this lose precision in a double. */
#define MANIFEST_INT_MAX ((1ULL << 53) - 1)

struct manifest_count {
	char *rule;     /* redaction rule id: [a-z0-9._:-]+ */
	uint64_t count;
};

/*
 * What the reviewer did to a file of a stage before `diag seal`: nothing,
 * changed its content, or added it (it was not collected).
 */
enum manifest_review {
	MANIFEST_REVIEW_NONE,
	MANIFEST_REVIEW_CHANGED,
	MANIFEST_REVIEW_ADDED,
};

struct manifest_file {
	char *path;          /* inside the payload and under `diag open -o DIR`: see manifest_path_check() */
	uint64_t size;       /* bytes as sealed, after redaction */
	unsigned char sha256[32];
	char *collector;     /* the spec entry that produced it, e.g. "nginx-logs" */
	char *kind;          /* the collector kind: "file", "command", "system" */
	char *source;        /* host path or command line, redacted */
	char *description;   /* for the reviewer; may be "" */
	int64_t mtime;       /* seconds since the epoch; 0 = unknown (null) */
	struct manifest_count *redactions; /* sorted by rule, counts > 0 */
	size_t nredactions;
	uint64_t source_size; /* bytes of the source as read, before redaction */
	uint64_t duration_ms;
	bool truncated;      /* the per-file cap or the total budget cut it */
	bool time_filtered;  /* --since/--last removed entries */
	bool has_exit;       /* command items: exit_status and timed_out are meaningful */
	int exit_status;     /* -1 if killed */
	bool timed_out;
	char *error;         /* NULL, or what went wrong after collection started (redacted) */
	char *note;          /* NULL, or information for the reviewer (redacted) */
	/* Sealed from a review stage (diag seal): what the reviewer did to it. */
	enum manifest_review review;
	/* Where the file's tar header starts in the payload's gzip stream, and
	 * how many compressed bytes (header and data) it takes. Sealed bundles only. */
	bool has_offset;
	uint64_t offset, compressed_size;
};

/* A failure (collector or item) or a deliberately skipped item. */
struct manifest_failure {
	char *collector;     /* the spec entry's name */
	char *path;          /* bundle path of the item, or NULL for a whole collector */
	char *source;        /* NULL if none; redacted */
	char *reason;        /* redacted */
	uint64_t duration_ms;
};

/* A collected file the reviewer removed from a stage. */
struct manifest_removed {
	char *path;
	uint64_t size;
	unsigned char sha256[32];
};

struct manifest_digest {
	char *name;          /* file name, or "built-in" */
	unsigned char sha256[32];
};

struct manifest {
	int version;
	char *tool;          /* "diag 1.2.3" */
	int64_t created;
	char *host;          /* the host's pseudonym */
	bool has_window;
	int64_t since, until;
	struct manifest_digest spec, policy;
	char **recipients;   /* age recipients ("age1..."), in the order given */
	size_t nrecipients;
	uint64_t file_cap, budget; /* 0 = no limit */
	struct manifest_file *files;
	size_t nfiles, files_alloc;
	struct manifest_failure *failures;
	size_t nfailures, failures_alloc;
	struct manifest_failure *skipped; /* not collected on purpose: not failures */
	size_t nskipped, skipped_alloc;
	/*
	 * Bundles sealed from a review stage (diag seal): when, and the files
	 * the reviewer removed (files[].review says which were changed or added).
	 */
	bool reviewed;
	int64_t sealed;
	struct manifest_removed *removed;
	size_t nremoved, removed_alloc;
	/* Sealed bundles' outer manifest only: the payload.age member. */
	bool has_payload;
	uint64_t payload_size, payload_compressed_size;
	unsigned char payload_sha256[32];
	struct manifest_pathset *paths; /* private: the paths in files[] */
};

/* A new, empty manifest (version, tool and created set to now). Never NULL. */
struct manifest *manifest_new(void);
void manifest_free(struct manifest *m);

/*
 * Is path safe to create under a directory? NULL if so, or why not: not
 * relative, empty or '.'/'..' components, control characters or
 * backslashes, not UTF-8, longer than TAR_NAME_MAX.
 */
const char *manifest_path_syntax(const char *path);
/*
 * Is path acceptable as a new file of m? Returns NULL if so, or why not:
 * not relative, empty or '.'/'..' components, control characters, not
 * UTF-8, too long, the reserved name manifest.json, already present, or a
 * file where another one needs a directory (and the reverse).
 */
const char *manifest_path_check(const struct manifest *m, const char *path);
/*
 * Append a file. The strings in *f now belong to m (f is copied); f->path
 * must pass manifest_path_check() (a BUG otherwise). Returns the new entry.
 */
struct manifest_file *manifest_add_file(struct manifest *m, const struct manifest_file *f);
/* Append a failure (or a skipped item); its strings now belong to m. */
void manifest_add_failure(struct manifest *m, const struct manifest_failure *f);
void manifest_add_skipped(struct manifest *m, const struct manifest_failure *f);
/* Append a removed file (reviewed manifests); path is copied. */
void manifest_add_removed(struct manifest *m, const char *path, uint64_t size,
			  const unsigned char sha256[32]);
/* "changed", "added", or NULL for MANIFEST_REVIEW_NONE. */
const char *manifest_review_name(enum manifest_review r);
/* Add n to rule's count in f (keeps the list sorted). */
void manifest_file_count(struct manifest_file *f, const char *rule, uint64_t n);
/* Release the strings of a file that was never added. */
void manifest_file_release(struct manifest_file *f);
/* Index of path in m->files, or -1. */
ssize_t manifest_find(const struct manifest *m, const char *path);

/*
 * A copy of s made valid UTF-8 (bad bytes become U+FFFD) and NUL-free, for
 * host-derived strings. Returns a new string.
 */
char *manifest_clean_string(const char *s, size_t len);
/* True if s[0, len) is valid UTF-8 (shortest forms, no surrogates). */
bool utf8_valid(const char *s, size_t len);

struct manifest_totals {
	uint64_t files, bytes, redactions, failures, skipped;
};
void manifest_totals(const struct manifest *m, struct manifest_totals *t);

/*
 * Append the JSON text of m to out. With with_payload false, the payload
 * object is left out even if m has one: that is the copy sealed inside the
 * payload.
 */
void manifest_serialize(const struct manifest *m, struct strbuf *out, bool with_payload);

/*
 * Parse and validate a manifest. name says where it comes from in errors
 * ("'site.diag': manifest.json"). On error prints one line naming name and
 * the offending field (files[3].sha256: ...), returns -1, *out untouched.
 */
int manifest_parse(struct manifest **out, const char *buf, size_t len, const char *name) WARN_UNUSED;
/* manifest_parse(), then refuse anything manifest_serialize() would not write byte for byte. */
int manifest_parse_canonical(struct manifest **out, const char *buf, size_t len,
			     const char *name) WARN_UNUSED;

#endif
