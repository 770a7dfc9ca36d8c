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
 *   s = redact_stream_new(engine, path, sink)      (a file, used by one thread)
 *   redact_stream_write(s, bytes...)               (any chunking)
 *   redact_stream_finish(s)                        (flushes the tail)
 *   report = redact_stream_report(s)               (counts per rule, lines)
 *   redact_stream_reset(s, path, sink)             (the next file: write...)
 *   redact_stream_free(s)
 *
 * Threads: an engine is read-only once built; any number of threads may run
 * streams on it at the same time, each stream used by one thread at a time.
 * The on_pseudonym callback may be called from all of them concurrently
 * (but for one stream, always from the thread that uses it). A policy may
 * be freed once the engine is built. With config.threads > 1, a stream
 * whose lines outgrow a chunk also redacts on threads - 1 helper threads of
 * its own (started by the stream, joined by redact_stream_free()), with the
 * same output and report as one thread.
 *
 * What is replaced: secrets by "[REDACTED:<rule-id>]" (never hashed, never
 * reversible); personal and site data (PII) by a pseudonym of the same shape,
 * keyed by the site key. Rule ids are stable: redact_engine_rules() lists
 * them.
 *
 * Formats: the logical path picks one ("*.json", "*.jsonl", "*.yaml",
 * "*.env", "*.ini", "*.properties", ".netrc", ".pgpass", else text), and the
 * first bytes refine it when the path says nothing. JSON and YAML documents up
 * to REDACT_DOC_MAX bytes are parsed whole: the output is the same document
 * with only values changed (comments, order, quoting and indentation kept;
 * still valid JSON/YAML with the same structure). Larger documents, and
 * documents that fail to parse, are redacted line by line.
 *
 * Memory is bounded whatever the input size: a stream holds at most one line
 * (lines longer than REDACT_LINE_MAX are cut at a separator) or one document
 * of up to REDACT_DOC_MAX bytes, plus the output not yet given to the sink.
 *
 * Binary input (a NUL byte, or mostly control bytes, in the first 8000 bytes)
 * is not redacted: the report says binary and the sink gets nothing.
 *
 * Fail closed: when a stream call returns -1 the caller must discard
 * everything the sink received for that file; the engine never passes input
 * through raw on an internal error.
 */
#ifndef REDACT_REDACT_H
#define REDACT_REDACT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define REDACT_DOC_MAX (8u << 20)
#define REDACT_LINE_MAX (1u << 20)

/* What went wrong, for the caller to print. file is NULL, line/column 0, when unknown. */
struct redact_err {
	char msg[512];
	const char *file; /* borrowed: the name passed to the parser */
	int line, column; /* 1-based */
};

struct redact_policy;

/*
 * Parse a YAML policy (see samples/policy.yaml for the format). name is used
 * in errors and must outlive err. On success *out is the caller's (free it
 * with redact_policy_free()). On error returns -1, *out untouched, and err
 * says the problem with its line and column (e.g. an unknown rule id, a
 * pattern PCRE2 rejects, an unknown key).
 */
int redact_policy_parse(struct redact_policy **out, const char *yaml, size_t len,
			const char *name, struct redact_err *err);
void redact_policy_free(struct redact_policy *policy);

/*
 * Called for each distinct pseudonym a stream produces (kind is a PII rule id
 * such as "email"); may be called from several threads at once. original is
 * not NUL-terminated.
 */
typedef void (*redact_pseudonym_fn)(void *ctx, const char *kind, const char *token,
				    const char *original, size_t original_len);

struct redact_config {
	const struct redact_policy *policy; /* NULL: built-in rules only */
	const unsigned char *site_key;       /* 32 bytes: keys the pseudonyms; required */
	const char *const *internal_domains; /* NULL-terminated, may be NULL: suffixes to pseudonymise */
	const char *const *usernames;        /* NULL-terminated, may be NULL: known local users */
	redact_pseudonym_fn on_pseudonym;    /* may be NULL */
	void *pseudonym_ctx;
	unsigned threads;                    /* per stream; 0 or 1: the caller's only (at most 16) */
	size_t chunk_size;                   /* bytes of lines per chunk with threads; 0: REDACT_CHUNK */
};
#define REDACT_CHUNK (512u << 10)

struct redact_engine;

/*
 * Compile the rules (the built-ins as the policy leaves them, plus the
 * policy's). The config's arrays, the key and what is needed of the policy
 * are copied. Returns 0 and *out (free with redact_engine_free()), or -1 with
 * err filled.
 */
int redact_engine_new(struct redact_engine **out, const struct redact_config *config,
		      struct redact_err *err);
void redact_engine_free(struct redact_engine *engine);

/* A good config.threads for a command that redacts: the CPUs it may run on, at most 4. */
unsigned redact_default_threads(void);

/* True if the policy excludes this logical path from collection altogether. */
bool redact_path_excluded(const struct redact_engine *engine, const char *path);

struct redact_rule_info {
	const char *id;      /* "aws-access-key-id", "password", "email", a policy rule's id */
	const char *kind;    /* "secret", "pii" or "policy" */
	const char *summary; /* one line: what it finds */
	bool enabled;        /* after the policy (scoped rules count as enabled) */
};

/* The engine's rules, built-in then policy; valid as long as the engine. */
const struct redact_rule_info *redact_engine_rules(const struct redact_engine *engine, size_t *n);

/* Receives redacted bytes. Returns 0, or -1 to abort the stream. */
typedef int (*redact_sink_fn)(void *ctx, const void *buf, size_t len);

struct redact_rule_count {
	const char *rule;  /* rule id, e.g. "aws-secret-access-key", "email"; owned by the engine */
	uint64_t count;
	uint32_t *lines;   /* distinct input line numbers (1-based), ascending, the first REDACT_MAX_LINES */
	size_t nlines;
};
#define REDACT_MAX_LINES 1000

struct redact_report {
	struct redact_rule_count *rules; /* one per rule that fired, sorted by rule id */
	size_t nrules;
	bool binary;       /* input looked binary: nothing was passed to the sink */
	uint64_t bytes_in, bytes_out, lines;
	const char *format; /* "text", "yaml", "json", "jsonl", "env", "ini", "properties", "netrc", "pgpass", "binary" */
};

struct redact_stream;

/*
 * Start redacting one file. path is the logical path (used to pick the format
 * and to scope rules); NULL means "unknown": the format is sniffed from the
 * content. The sink receives output in chunks as it is produced (and all of
 * it by the time finish returns). Returns NULL on out-of-memory.
 */
struct redact_stream *redact_stream_new(const struct redact_engine *engine, const char *path,
					redact_sink_fn sink, void *sink_ctx);
/* Feed bytes. -1 on error (err filled) or if the sink failed; the stream is then dead. */
int redact_stream_write(struct redact_stream *s, const void *buf, size_t len,
			struct redact_err *err);
/* End of input: flush what is held. -1 on error. */
int redact_stream_finish(struct redact_stream *s, struct redact_err *err);
/* Valid after a successful finish, until free. */
const struct redact_report *redact_stream_report(const struct redact_stream *s);
/*
 * Start the next file on s, as if on a new stream: the same output and
 * report. What it keeps makes files after the first faster: its helper
 * threads, its buffers, and the pseudonyms it made lately (so on_pseudonym
 * is not called again for those). Any state of s is fine; a stream that did
 * not finish first waits for its helper threads.
 */
void redact_stream_reset(struct redact_stream *s, const char *path, redact_sink_fn sink,
			 void *sink_ctx);
/* Wipes buffered plaintext and frees. NULL is fine. */
void redact_stream_free(struct redact_stream *s);

#endif
