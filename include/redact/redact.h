/* SPDX-License-Identifier: MIT */
/*
 * redact.h - the redaction engine (libredact.a)
 *
 * A library with no I/O policy of its own: it never prints, never exits,
 * keeps no global state and opens no files. Callers hand it bytes and a
 * logical path; it hands back redacted bytes through a sink callback.
 *
 * Life cycle:
 *   policy  = redact_policy_parse(yaml)            (optional; NULL = built-ins)
 *   engine  = redact_engine_new(&config)           (compiled once, immutable,
 *                                                    shared by threads)
 *   for each file:
 *     s = redact_stream_new(engine, path, sink)    (one per file, one thread)
 *     redact_stream_write(s, bytes...)             (any chunking)
 *     redact_stream_finish(s)                      (flushes the tail)
 *     report = redact_stream_report(s)             (counts per rule, lines)
 *     redact_stream_free(s)
 *
 * Memory is bounded whatever the input size: streams hold at most one record
 * (a line, or a multi-line construct up to a cap) plus, for structured files
 * parsed whole (YAML, JSON), a document up to REDACT_DOC_MAX bytes; larger
 * documents fall back to line mode.
 *
 * Fail closed: when a stream returns -1 the caller must discard everything the
 * sink received for that file; the engine never passes input through raw on
 * an internal error.
 */
#ifndef REDACT_REDACT_H
#define REDACT_REDACT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define REDACT_DOC_MAX (16u << 20)

/* What went wrong, for the caller to print. file/line/column are 0/NULL when unknown. */
struct redact_err {
	char msg[512];
	const char *file; /* borrowed: the name passed to the parser */
	int line, column; /* 1-based */
};

struct redact_policy;

/*
 * Parse a YAML policy (see samples/policy.yaml). name is used in errors.
 * On error returns -1, *out untouched, err says file, line and column.
 */
int redact_policy_parse(struct redact_policy **out, const char *yaml, size_t len,
			const char *name, struct redact_err *err);
void redact_policy_free(struct redact_policy *policy);

/* Called for each distinct pseudonym a stream produces; may be called from several threads at once. */
typedef void (*redact_pseudonym_fn)(void *ctx, const char *kind, const char *token,
				    const char *original, size_t original_len);

struct redact_config {
	const struct redact_policy *policy; /* NULL: built-in rules only */
	const unsigned char *site_key;       /* 32 bytes: keys the pseudonyms; required */
	const char *const *internal_domains; /* NULL-terminated, may be NULL: suffixes to pseudonymise */
	const char *const *usernames;        /* NULL-terminated, may be NULL: known local users */
	redact_pseudonym_fn on_pseudonym;    /* may be NULL */
	void *pseudonym_ctx;
};

struct redact_engine;

/* Compile the rules. The config's arrays and key are copied. -1 and err on failure. */
int redact_engine_new(struct redact_engine **out, const struct redact_config *config,
		      struct redact_err *err);
void redact_engine_free(struct redact_engine *engine);

/* True if the policy excludes this logical path from collection altogether. */
bool redact_path_excluded(const struct redact_engine *engine, const char *path);

/* Receives redacted bytes. Returns 0, or -1 to abort the stream. */
typedef int (*redact_sink_fn)(void *ctx, const void *buf, size_t len);

struct redact_rule_count {
	const char *rule;  /* rule id, e.g. "aws-secret-access-key", "email"; owned by the engine */
	uint64_t count;
	uint32_t *lines;   /* first REDACT_MAX_LINES line numbers (1-based), ascending */
	size_t nlines;
};
#define REDACT_MAX_LINES 1000

struct redact_report {
	struct redact_rule_count *rules; /* one per rule that fired, sorted by rule id */
	size_t nrules;
	bool binary;       /* input looked binary: nothing was passed to the sink */
	uint64_t bytes_in, bytes_out, lines;
	const char *format; /* "text", "yaml", "json", "jsonl", "env", "ini", "properties", ... */
};

struct redact_stream;

/*
 * Start redacting one file. path is the logical path (used to pick the format
 * and to scope rules); NULL means "unknown, plain text". Returns NULL on
 * out-of-memory.
 */
struct redact_stream *redact_stream_new(const struct redact_engine *engine, const char *path,
					redact_sink_fn sink, void *sink_ctx);
/* Feed bytes. -1 on error (err filled) or if the sink failed. */
int redact_stream_write(struct redact_stream *s, const void *buf, size_t len,
			struct redact_err *err);
/* End of input: flush what is held. -1 on error. */
int redact_stream_finish(struct redact_stream *s, struct redact_err *err);
/* Valid after finish, until free. */
const struct redact_report *redact_stream_report(const struct redact_stream *s);
/* Wipes buffered plaintext. */
void redact_stream_free(struct redact_stream *s);

#endif
