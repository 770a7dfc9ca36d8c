/* SPDX-License-Identifier: MIT */
/*
 * ledger.h - the export ledger: one record per bundle that left the site
 *
 * The ledger is $DIAG_STATE_DIR/ledger.jsonl (see diag_state_dir()), mode
 * 0600, and it is only ever appended to: each record is one line, written
 * by a single write() under an exclusive flock() and fsync()ed, so that
 * concurrent diag processes never interleave and a crash leaves at worst an
 * incomplete last line, which the next append keeps apart (it starts with a
 * LF) and every reader reports.
 *
 * A line is one JSON object with exactly these members, in this order:
 *
 *   {"v":1,"seq":3,"time":"2026-11-23T04:05:06Z","user":"alice",
 *    "bundle":"/srv/out/site.diag","parts":1,"sha256":"<64 hex>",
 *    "manifest_sha256":"<64 hex>","recipients":["age1..."],
 *    "signer":"C5EEADC960C855FB","files":12,"bytes":1048576,"prev":"<64 hex>"}
 *
 * plus "sudo_user" after "user" when root ran diag through sudo. seq is the
 * line number (from 1); sha256 is of the whole bundle (its parts
 * concatenated, when split); signer is the minisign key id, or null;
 * files and bytes count the payload. prev is the SHA-256 of the previous
 * line's bytes (without its LF), 64 zeros on the first line: a hash chain,
 * so that changing, removing or inserting any line breaks the link of the
 * line after it. Removing lines at the end cannot be seen from the file
 * alone: the head (the SHA-256 of the last line) is shown by `diag ledger`
 * so that it can be written down or carried in the next bundle.
 */
#ifndef DIAG_LEDGER_H
#define DIAG_LEDGER_H

#include "diag/common.h"
#include "diag/strbuf.h"

#define LEDGER_FILE "ledger.jsonl"
#define LEDGER_HEX 65 /* a SHA-256 in hex, and a NUL */

/* What the sealing code records. Pointers are borrowed. */
struct ledger_record {
	int64_t time;                  /* seconds since the epoch; 0 means now (diag_now()) */
	const char *bundle;            /* the bundle's path, as written */
	unsigned parts;                /* number of media parts; 0 or 1 when not split */
	unsigned char sha256[32];      /* of the whole bundle */
	unsigned char manifest_sha256[32];
	const char *const *recipients; /* nr_recipients non-empty strings (age recipients) */
	size_t nr_recipients;
	const char *signer;            /* minisign key id (16 upper-case hex digits), or NULL */
	uint64_t files;
	uint64_t bytes;
	const char *user;              /* NULL: the operator's login name (and SUDO_USER) */
};

/* A record read back. Everything is owned by the struct ledger holding it. */
struct ledger_entry {
	uint64_t seq;
	int64_t time;
	char *user;
	char *sudo_user;               /* NULL when absent */
	char *bundle;
	unsigned parts;
	char sha256[LEDGER_HEX];
	char manifest_sha256[LEDGER_HEX];
	char **recipients;
	size_t nr_recipients;
	char *signer;                  /* NULL: unsigned */
	uint64_t files;
	uint64_t bytes;
	char prev[LEDGER_HEX];         /* SHA-256 of the line before, as recorded */
	char *line;                    /* the line as stored, without its LF */
};

/* A line that is not a valid record, or whose link to the line before is broken. */
struct ledger_problem {
	size_t line;                   /* 1-based line number */
	char *msg;
};

struct ledger {
	struct ledger_entry *entries;  /* the records that parse, in file order (broken links included) */
	size_t nr, alloc;
	struct ledger_problem *problems;
	size_t nr_problems, alloc_problems;
	size_t lines;                  /* lines in the file, an incomplete last one included */
	char head[LEDGER_HEX];         /* SHA-256 of the last line: the next record's prev */
};
#define LEDGER_INIT { NULL, 0, 0, NULL, 0, 0, 0, { 0 } }

/* The ledger's path in the state directory (created 0700 when create is true); NULL after an error. */
char *ledger_path(bool create);

/*
 * Append rec to the ledger at path (created 0600 if missing), chained to
 * the last line. On success 0, and *seq (if not NULL) is the new record's
 * number. On error -1 after printing a message; the file is as it was.
 * Another process holding the ledger's lock is waited for FS_LOCK_WAIT_MS at
 * most.
 */
int ledger_append(const char *path, const struct ledger_record *rec, uint64_t *seq) WARN_UNUSED;

/*
 * Read and check the ledger at path into l (LEDGER_INIT or released): every
 * line is parsed strictly and its chain link checked; bad lines become
 * problems naming their line number, never silently skipped. A missing file
 * is an empty ledger. Returns 0 (even with problems), or -1 after printing
 * an error when the file cannot be read.
 */
int ledger_read(struct ledger *l, const char *path) WARN_UNUSED;

/* Check the ledger text (the file's content) into l, as ledger_read() does. */
void ledger_check(struct ledger *l, const char *text, size_t len);

/*
 * Parse one line (as stored, without its LF) into e, strictly: a JSON
 * object with exactly the members above, of the right types and forms.
 * 0, or -1 with the reason appended to why (e is then empty).
 */
int ledger_parse_line(struct ledger_entry *e, const char *line, size_t len, struct strbuf *why);
void ledger_entry_release(struct ledger_entry *e);

void ledger_release(struct ledger *l);

#endif
