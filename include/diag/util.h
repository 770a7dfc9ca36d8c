/* SPDX-License-Identifier: MIT */
/*
 * util.h - small parsers and formatters shared by the commands
 */
#ifndef DIAG_UTIL_H
#define DIAG_UTIL_H

#include <time.h>
#include "diag/common.h"
#include "diag/strbuf.h"

/*
 * Parse a size such as "650M", "4G", "512k", "1048576" (binary multiples:
 * k/K = 1024, M = 1024^2, G, T; an optional trailing "B" or "iB").
 * Returns 0 and sets *out, or -1 on a malformed or overflowing value (not printed).
 */
int parse_size(const char *s, uint64_t *out) WARN_UNUSED;
/* Parse a duration such as "48h", "30m", "7d", "90s", "1h30m". Seconds in *out. -1 if malformed. */
int parse_duration(const char *s, int64_t *out) WARN_UNUSED;
/*
 * Parse an RFC 3339 timestamp ("2026-11-23T04:05:06Z", "...+02:00", fractional
 * seconds allowed; a date alone "2026-11-23" means midnight UTC).
 * Seconds since the epoch in *out. -1 if malformed.
 */
int parse_rfc3339(const char *s, int64_t *out) WARN_UNUSED;
/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31). */
int64_t days_from_civil(int64_t y, int m, int d);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). Returns buf. */
char *format_rfc3339(int64_t t, char *buf, size_t len);
/* Human size: "0 B", "1.0 KiB", "12.3 MiB". Returns buf. */
char *format_size(uint64_t n, char *buf, size_t len);
/* Lower-case hex of len bytes into out (2*len+1 bytes). Returns out. */
char *hex_encode(const unsigned char *in, size_t len, char *out);

/* FNV-1a of len bytes: a hash for in-memory tables (not for anything an adversary chooses to collide). */
uint64_t hash_fnv1a(const void *p, size_t len);
/* Decode exactly 2*outlen hex digits. 0 or -1. */
int hex_decode(const char *in, unsigned char *out, size_t outlen) WARN_UNUSED;

/*
 * The state directory: $DIAG_STATE_DIR if set; /var/lib/diag for root;
 * else $XDG_STATE_HOME/diag or ~/.local/state/diag. Created 0700 when
 * create is true. Returns a newly allocated path, or NULL after printing an error.
 */
char *diag_state_dir(bool create);

/*
 * Process hardening main() does first: no core file and no ptrace attach by
 * other processes of the same user (RLIMIT_CORE 0, PR_SET_DUMPABLE 0: a
 * core_pattern pipe such as systemd-coredump ignores RLIMIT_CORE), so
 * collected plaintext and keys never land in a dump; and descriptors 0, 1
 * and 2 open (on /dev/null if closed), so that no file diag opens becomes
 * its standard output by accident.
 */
void diag_protect_process(void);

/* The current time; honours DIAG_FAKE_TIME (seconds since the epoch) for tests. */
int64_t diag_now(void);

#endif
