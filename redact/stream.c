// SPDX-License-Identifier: MIT
/*
 * stream.c - one file through the engine: sniffing, records, output, report
 *
 * A stream first holds up to SNIFF_MAX bytes to tell binary from text (and,
 * without a path, JSON or YAML from text). JSON and YAML documents are then
 * held whole (up to REDACT_DOC_MAX) and parsed; everything else goes line by
 * line, holding only the current partial line. Output is handed to the sink
 * in blocks of about OUT_FLUSH bytes.
 *
 * With threads (redact_config.threads > 1), lines go in chunks of about
 * chunk_size bytes, cut at line ends. Helper threads redact the chunks ahead
 * of the stream's own thread, each as if it started a file (the clean
 * state: no private key block, block scalar or quoted value open, no INI
 * section, its first line numbered by counting). The stream's thread takes
 * the results in order: a chunk whose real start state is the clean one (the
 * usual case for logs) is taken as it is; any other is redacted again from
 * the real state. The output is that of one thread, byte for byte, and so is
 * the report. Pseudonyms a chunk made are recorded when it is taken, on the
 * stream's thread, in order. At most 2 * threads chunks are held.
 */
#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "internal.h"

#define SNIFF_MAX 8000
#define OUT_FLUSH (64 * 1024)
#define LINE_BLOCK (256 * 1024)
#define CUT_WINDOW (64 * 1024)
#define PCACHE_MIN 1024   /* pseudonyms remembered per lane (direct-mapped, a power of 2)... */
#define PCACHE_MAX 16384  /* ...growing to this many when half full */
#define PCACHE_VMAX 54    /* longer values and tokens are not remembered */
#define THREADS_MAX 16 /* as engine.c caps them */

enum phase { P_SNIFF, P_LINES, P_DOC, P_BINARY, P_DONE, P_DEAD };

struct counter {
	uint64_t count;
	uint32_t *lines;
	size_t nlines, alloc;
};

/* One slot, two cache lines: value is plaintext, wiped with the cache. */
struct pcache_ent {
	uint64_t hash;
	uint32_t seq;     /* the chunk that last recorded it */
	uint8_t kind, vlen, tlen;
	char value[PCACHE_VMAX - 4], token[PCACHE_VMAX + 5];
};

struct pcache {
	struct pcache_ent *ent; /* size slots, allocated on first use, not initialised */
	uint64_t *valid;        /* a bit per slot: written, may be read */
	uint16_t *used;         /* the slots in use, to wipe */
	size_t nused, size;
};

/*
 * Where the scanner's counts and pseudonyms go: one lane per thread. The
 * stream's own lane counts into the stream and calls on_pseudonym at once;
 * a lane redacting a chunk counts into the chunk and appends to its records
 * (each value once per chunk: seq tells the chunks apart).
 */
struct lane {
	struct redact_stream *s;
	struct scanner sc;
	struct counter *cnt;
	struct rbuf *records;
	uint32_t seq;
	struct pcache pc;
	bool oom;
};

enum chunk_state { CH_PENDING, CH_RUNNING, CH_DONE };

struct chunk {
	enum chunk_state st;
	uint32_t seq;
	struct rbuf in, out, records; /* records: kind, value and token of each pseudonym */
	uint64_t lineno, end_lineno;  /* the line it starts on if the state before is clean */
	struct counter *cnt;
	struct textctx end_tc;
	struct keypath end_kp;
	bool failed;
};

/* The helper threads of a stream and the chunks in flight (a ring, oldest at head). */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t tid[THREADS_MAX];
	struct lane *lanes[THREADS_MAX];
	unsigned nthreads;
	bool quit;
	struct chunk *ring;
	size_t nring, head, count;
};

struct redact_stream {
	const struct redact_engine *e;
	redact_sink_fn sink;
	void *sink_ctx;
	enum phase phase;
	enum fmt fmt;          /* as chosen from the path (or sniffed) */
	bool xml, conf;        /* text of an XML or configuration file, by its path */
	bool shell;            /* a shell's history, a shell script or a crontab, by its path */
	bool vpn_auth;         /* an OpenVPN auth-user-pass file, by its path */
	uint8_t secret_map;    /* a file of secrets, by its name (enum secret_map) */
	char csv_sep;          /* a CSV (',') or TSV ('\t') file, by its path */
	const char *fmt_name;  /* as actually redacted, for the report */
	bool path_known;
	struct rbuf in, out;
	struct textctx tc;
	struct lane lane;      /* the stream's own thread */
	uint8_t *on;
	struct counter *cnt;
	uint64_t lineno, newlines;
	char last_byte;
	bool oom;
	bool hold;             /* keep all output in out (a document read as lines, see reread_doc()) */
	struct redact_report report;
	/* chunks (threads > 1) */
	bool par;              /* lines go in chunks */
	struct textctx clean;  /* the state a chunk is redacted from ahead of time */
	uint64_t next_lineno;  /* the line the next chunk starts on */
	uint32_t seq;
	struct pool *pool;
	struct pcache recorded; /* pseudonyms recorded lately (the values only) */
};

static const char *const fmt_names[] = {
	[F_TEXT] = "text", [F_JSON] = "json", [F_JSONL] = "jsonl", [F_YAML] = "yaml",
	[F_ENV] = "env", [F_INI] = "ini", [F_PROPERTIES] = "properties", [F_NETRC] = "netrc",
	[F_PGPASS] = "pgpass",
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

static enum fmt fmt_from_path(const char *path, bool *known)
{
	const char *base = strrchr(path, '/');
	static const struct {
		const char *suffix;
		enum fmt fmt;
	} by_suffix[] = {
		{ ".json", F_JSON }, { ".jsonl", F_JSONL }, { ".ndjson", F_JSONL },
		/* JSON under other names (a document that does not parse goes as lines) */
		{ ".tfstate", F_JSON }, { ".tfstate.backup", F_JSON }, { ".jsonc", F_JSON },
		{ ".json5", F_JSON }, { ".har", F_JSON }, { ".ipynb", F_JSON }, { ".geojson", F_JSON },
		{ ".webmanifest", F_JSON }, { ".babelrc", F_JSON }, { "composer.lock", F_JSON },
		{ "Pipfile.lock", F_JSON }, { "flake.lock", F_JSON },
		{ ".yaml", F_YAML }, { ".yml", F_YAML }, { ".env", F_ENV },
		{ ".ini", F_INI }, { ".cfg", F_INI }, { ".cnf", F_INI }, { ".toml", F_INI },
		{ ".npmrc", F_INI }, { ".yarnrc", F_INI }, { ".pypirc", F_INI },
		{ ".properties", F_PROPERTIES }, { ".netrc", F_NETRC }, { "_netrc", F_NETRC },
		{ ".pgpass", F_PGPASS }, { "pgpass.conf", F_PGPASS },
	};

	base = base ? base + 1 : path;
	*known = true;
	for (size_t i = 0; i < sizeof(by_suffix) / sizeof(by_suffix[0]); i++)
		if (has_suffix(base, by_suffix[i].suffix))
			return by_suffix[i].fmt;
	if (!strncmp(base, ".env.", 5) || !strcmp(base, "environment"))
		return F_ENV;
	*known = strchr(base, '.') != NULL; /* "syslog", "messages": sniffing may help */
	return F_TEXT;
}

/*
 * An OpenVPN auth-user-pass file (a user name, then a password): under an
 * openvpn directory, named for what it holds ("auth.txt", "login.conf",
 * "credentials", "vpn.pass").
 */
/* Shell command lines by the file's name: a history, a script, a crontab. */
static bool shell_path(const char *path)
{
	static const char *const ends[] = { "_history", "/.history", ".sh", ".bash", ".zsh", ".ksh",
					    "/crontab", NULL };
	static const char *const dirs[] = { "cron.d/", "cron.daily/", "cron.hourly/", "cron.weekly/",
					    "cron.monthly/", "spool/cron/", NULL };

	for (const char *const *e = ends; *e; e++)
		if (has_suffix(path, *e))
			return true;
	for (const char *const *d = dirs; *d; d++) {
		const char *at = strstr(path, *d);

		if (at && (at == path || at[-1] == '/'))
			return true;
	}
	return !strcmp(path, "crontab") || !strcmp(path, ".history");
}

static bool vpn_auth_path(const char *path)
{
	static const char *const starts[] = { "auth", "pass", "cred", "login", "userpass", NULL };
	static const char *const ends[] = { ".auth", ".pass", ".passwd", ".creds", NULL };
	const char *base = strrchr(path, '/');

	if (!base || !(strstr(path, "openvpn/") == path || strstr(path, "/openvpn/")))
		return false;
	base++;
	for (const char *const *s = starts; *s; s++)
		if (!strncasecmp(base, *s, strlen(*s)))
			return true;
	for (const char *const *e = ends; *e; e++)
		if (has_suffix(base, *e))
			return true;
	return false;
}

/*
 * Files named for what they hold that have no suffix to tell their format:
 * msmtp's and fetchmail's "name value" directives, and files of secrets
 * with a record a line (enum secret_map): Postfix's SASL password maps
 * ("[smtp.example.com]:587 user:password", and their .db source), pppd's,
 * chrony's and ntpd's keys, rsync's, Exim's and strongSwan's/Libreswan's
 * secrets, Vault's token, Erlang's cookie, Rails' master.key, MongoDB's
 * keyFile.
 */
static const struct {
	const char *base;
	bool prefix;        /* base starts the name ("sasl_passwd.db"...) */
	enum secret_map map; /* SM_NONE: directives */
} named_files[] = {
	{ "msmtprc", false, SM_NONE }, { ".msmtprc", false, SM_NONE },
	{ "fetchmailrc", false, SM_NONE }, { ".fetchmailrc", false, SM_NONE },
	{ "sasl_passwd", true, SM_SASL }, { "sasl_password", true, SM_SASL },
	{ "smtp_sasl_passwd", true, SM_SASL }, { "relay_passwd", true, SM_SASL },
	{ "chap-secrets", false, SM_PPP }, { "pap-secrets", false, SM_PPP },
	{ "chrony.keys", false, SM_KEYS }, { "ntp.keys", false, SM_KEYS },
	{ "rsyncd.secrets", false, SM_COLON1 }, { "rsync.secrets", false, SM_COLON1 },
	{ "passwd.client", false, SM_COLON2 }, /* Exim */
	{ ".vault-token", false, SM_WHOLE }, { "ldap.secret", false, SM_WHOLE },
	{ "pam_ldap.secret", false, SM_WHOLE }, { "libnss-ldap.secret", false, SM_WHOLE },
	{ ".erlang.cookie", false, SM_WHOLE }, /* RabbitMQ's, any Erlang cluster's */
	{ "master.key", false, SM_WHOLE },     /* Rails' credentials key */
	{ "keyfile", false, SM_WHOLE }, { "mongodb-keyfile", false, SM_WHOLE }, /* MongoDB's replica set key */
	{ "mongo-keyfile", false, SM_WHOLE }, { "mongodb.keyfile", false, SM_WHOLE },
	{ "ipsec.secrets", false, SM_IPSEC },
	{ "davfs2/secrets", false, SM_DAVFS }, { ".davfs2/secrets", false, SM_DAVFS }, /* (a '/': the path's end) */
	{ "upsmon.conf", false, SM_UPSMON },
	{ "pgbouncer/userlist.txt", false, SM_PAIR },
	{ "htdigest", false, SM_DIGEST }, { ".htdigest", false, SM_DIGEST },
};

/*
 * A file that holds one secret, by its name: a container's mounted secret
 * (/run/secrets/X, not Kubernetes' service account, whose token a rule
 * finds and whose CA certificate and namespace are no secrets), or a name
 * ending in password, secret, token or pass ("db_password", "admin.secret",
 * "node-token", "root_password.txt", "server.pass"), but not the user
 * database "passwd".
 */
static bool secret_file(const char *path)
{
	static const char *const ends[] = {
		"password", "_passwd", "-passwd", "secret", "token", "_pass", ".pass", NULL,
	};
	const char *base = strrchr(path, '/');
	char name[128];
	size_t n;

	if ((strstr(path, "run/secrets/") == path || strstr(path, "/run/secrets/")) &&
	    !strstr(path, "kubernetes.io/"))
		return true;
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n >= sizeof(name))
		return false;
	memcpy(name, base, n + 1);
	if (has_suffix(name, ".txt"))
		name[n -= 4] = '\0';
	for (const char *const *e = ends; *e; e++)
		if (has_suffix(name, *e))
			return true;
	return false;
}

/*
 * A program's run-control file, of "name value" directives as .conf files
 * are: "foo.rc", a dot file ("~/.fetchmailrc"), a file under etc
 * ("/etc/msmtprc") whose name ends in "rc".
 */
static bool rc_file(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (has_suffix(base, ".rc"))
		return true;
	return strlen(base) > 2 && has_suffix(base, "rc") && !strchr(base + 1, '.') &&
	       (base[0] == '.' || !strncmp(path, "etc/", 4) || strstr(path, "/etc/"));
}

/* Is path one of named_files[]? *map says which kind. */
static bool named_file(const char *path, uint8_t *map)
{
	const char *base = strrchr(path, '/');
	size_t pl = strlen(path);

	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(named_files) / sizeof(named_files[0]); i++) {
		const char *b = named_files[i].base;
		size_t n = strlen(b);

		if (strchr(b, '/') ? pl >= n && !strcasecmp(path + pl - n, b) && (pl == n || path[pl - n - 1] == '/')
		    : named_files[i].prefix ? !strncasecmp(base, b, n) : !strcasecmp(base, b)) {
			*map = (uint8_t)named_files[i].map;
			return true;
		}
	}
	if (secret_file(path)) {
		*map = SM_WHOLE;
		return true;
	}
	return false;
}

static bool looks_binary(const char *p, size_t n)
{
	size_t ctrl = 0;

	if (n >= 2 && (((unsigned char)p[0] == 0xff && (unsigned char)p[1] == 0xfe) ||
		       ((unsigned char)p[0] == 0xfe && (unsigned char)p[1] == 0xff)))
		return true; /* UTF-16: the rules cannot read it */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (!c)
			return true;
		if (c < 0x20 && !strchr("\t\n\r\f\v\b\x1b", c))
			ctrl++;
	}
	return ctrl * 10 > n;
}

static enum fmt sniff(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_space((unsigned char)p[i]))
		i++;
	if (i < n && (p[i] == '{' || p[i] == '['))
		return F_JSON;
	/* (a document marker: "-----BEGIN ..." of a PEM block is none) */
	if ((n - i >= 3 && !memcmp(p + i, "---", 3) && (n - i == 3 || is_space((unsigned char)p[i + 3]))) ||
	    (n - i >= 5 && !memcmp(p + i, "%YAML", 5)) ||
	    (n - i >= 11 && !memcmp(p + i, "apiVersion:", 11)))
		return F_YAML;
	return F_TEXT;
}

/*
 * A text file (by its name) that holds one pretty-printed JSON document: it
 * opens with "{" or "[" alone on its first line, and the next non-blank
 * byte starts a member or an element. A first line that is a whole value
 * is JSON lines or a log; those stay lines.
 */
static bool json_doc_head(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_space((unsigned char)p[i]))
		i++;
	if (i == n || (p[i] != '{' && p[i] != '['))
		return false;
	for (i++; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'); i++)
		;
	if (i == n || p[i] != '\n')
		return false;
	while (i < n && is_space((unsigned char)p[i]))
		i++;
	return i < n && (p[i] == '"' || p[i] == '{' || p[i] == '[');
}

/* ---- report and pseudonyms (called by the scanner) ---- */

/* Add a line to c's: distinct, ascending, the first REDACT_MAX_LINES. false on out-of-memory. */
static bool counter_line(struct counter *c, uint32_t line)
{
	size_t i;

	if (c->nlines && c->lines[c->nlines - 1] == line)
		return true;
	for (i = c->nlines; i > 0 && c->lines[i - 1] > line; i--)
		;
	if (i < c->nlines && c->lines[i] == line)
		return true;
	if (i > 0 && c->lines[i - 1] == line)
		return true;
	if (c->nlines == REDACT_MAX_LINES) {
		if (i == c->nlines)
			return true; /* past the first REDACT_MAX_LINES lines */
		c->nlines--;
	}
	if (c->nlines == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 8;
		uint32_t *l = realloc(c->lines, n * sizeof(*l));

		if (!l)
			return false;
		c->lines = l;
		c->alloc = n;
	}
	memmove(c->lines + i + 1, c->lines + i, (c->nlines - i) * sizeof(*c->lines));
	c->lines[i] = line;
	c->nlines++;
	return true;
}

void stream_count(struct lane *l, int rule, uint64_t lineno)
{
	struct counter *c = &l->cnt[rule];

	c->count++;
	if (!counter_line(c, lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)lineno))
		l->oom = true;
}

/* Wipe the slots in use (the plaintext) and free. */
static void pcache_free(struct pcache *pc)
{
	for (size_t i = 0; i < pc->nused; i++)
		sodium_memzero(&pc->ent[pc->used[i]], sizeof(*pc->ent));
	free(pc->ent);
	free(pc->valid);
	free(pc->used);
	memset(pc, 0, sizeof(*pc));
}

/*
 * (Re)allocate pc with n slots, forgetting what it held. A slot is read only
 * once written (pc->valid says which are), so neither is the table cleared
 * (2 MiB per lane and file) nor is a page of it first mapped by a read: a
 * zero page replaced on the first write would cost every thread a TLB flush.
 */
static void pcache_alloc(struct pcache *pc, size_t n)
{
	pcache_free(pc);
	pc->ent = malloc(n * sizeof(*pc->ent));
	pc->valid = calloc((n + 63) / 64, sizeof(*pc->valid));
	pc->used = malloc(n * sizeof(*pc->used));
	if (!pc->ent || !pc->valid || !pc->used) {
		pcache_free(pc);
		return;
	}
	pc->size = n;
}

/* The hash a value is remembered under, with its kind. */
static uint64_t pcache_hash(int kind, const char *v, size_t len)
{
	return fnv1a(FNV1A_INIT ^ (uint64_t)kind, v, len);
}

static bool pcache_valid(const struct pcache *pc, size_t i)
{
	return pc->valid[i / 64] >> (i % 64) & 1;
}

/*
 * The slot of (kind, v) and whether it holds it. The cache is allocated on
 * first use, small, and grows once half full; NULL if that fails: not
 * remembering costs only time.
 */
static struct pcache_ent *pcache_find(struct pcache *pc, uint64_t h, int kind, const char *v,
				      size_t len, bool *hit)
{
	struct pcache_ent *slot;

	*hit = false;
	if (!pc->ent || (pc->nused > pc->size / 2 && pc->size < PCACHE_MAX))
		pcache_alloc(pc, pc->ent ? PCACHE_MAX : PCACHE_MIN);
	if (!pc->ent)
		return NULL;
	slot = &pc->ent[h & (pc->size - 1)];
	*hit = pcache_valid(pc, (size_t)(slot - pc->ent)) && slot->hash == h && slot->kind == kind &&
	       slot->vlen == len && !memcmp(slot->value, v, len);
	return slot;
}

/* Remember (kind, v) in slot, with its token when tok is not NULL. */
static void pcache_put(struct pcache *pc, struct pcache_ent *slot, uint64_t h, int kind,
		       const char *v, size_t len, const char *tok, size_t tlen, uint32_t seq)
{
	if (!slot || len > sizeof(slot->value) || tlen > sizeof(slot->token))
		return;
	size_t i = (size_t)(slot - pc->ent);

	if (!pcache_valid(pc, i)) {
		pc->valid[i / 64] |= (uint64_t)1 << (i % 64);
		pc->used[pc->nused++] = (uint16_t)i;
	}
	slot->hash = h;
	slot->kind = (uint8_t)kind;
	slot->vlen = (uint8_t)len;
	slot->tlen = (uint8_t)tlen;
	memcpy(slot->value, v, len);
	if (tlen)
		memcpy(slot->token, tok, tlen);
	slot->seq = seq;
}

/* A chunk's record of a pseudonym: kind, value length (2 bytes), token length (2), value, token. */
static void add_record(struct rbuf *r, int kind, const char *v, size_t len, const char *tok,
		       size_t tlen)
{
	unsigned char h[5] = { (unsigned char)kind, (unsigned char)(len >> 8), (unsigned char)len,
			       (unsigned char)(tlen >> 8), (unsigned char)tlen };

	if (len > 0xffff || tlen > 0xffff) { /* PII values are short: never */
		r->oom = true;
		return;
	}
	rbuf_add(r, h, sizeof(h));
	rbuf_add(r, v, len);
	rbuf_add(r, tok, tlen);
}

/*
 * Bring the slot of (kind, v) towards the cache: the table is larger than
 * a core's own caches, and a record's values are known before they are
 * looked up one by one (stream_pseudonym()).
 */
void stream_prefetch(struct lane *l, int kind, const char *v, size_t len)
{
	const struct pcache *pc = &l->pc;
	size_t i;

	if (!pc->ent)
		return;
	i = pcache_hash(kind, v, len) & (pc->size - 1);
	__builtin_prefetch(&pc->ent[i]);
	__builtin_prefetch((const char *)&pc->ent[i] + 64);
	__builtin_prefetch(&pc->valid[i / 64]);
}

/*
 * Pseudonyms cost a keyed hash and a call into the site's map: remember the
 * recent ones. Direct-mapped: a new value takes its slot from the old one.
 */
int stream_pseudonym(struct lane *l, int kind, const char *v, size_t len, struct rbuf *out)
{
	const struct redact_engine *e = l->s->e;
	uint64_t h = pcache_hash(kind, v, len);
	bool hit;
	struct pcache_ent *slot = pcache_find(&l->pc, h, kind, v, len, &hit);
	char tok[PSEUDO_MAX];
	int n;

	if (hit) {
		rbuf_add(out, slot->token, slot->tlen);
		if (l->records && slot->seq != l->seq) {
			add_record(l->records, kind, v, len, slot->token, slot->tlen);
			slot->seq = l->seq;
		}
		return 0;
	}
	n = pseudo_token_k(e->key, (enum pii_kind)kind, v, len, tok, sizeof(tok));
	if (n < 0 || (size_t)n >= sizeof(tok))
		return -1;
	tok[n] = '\0';
	if (l->records)
		add_record(l->records, kind, v, len, tok, (size_t)n);
	else if (e->on_pseudonym)
		e->on_pseudonym(e->pseudonym_ctx, pii_kind_name((enum pii_kind)kind), tok, v, len);
	rbuf_add(out, tok, (size_t)n);
	pcache_put(&l->pc, slot, h, kind, v, len, tok, (size_t)n, l->seq);
	return 0;
}

/* ---- life cycle ---- */

static int lane_init(struct lane *l, struct redact_stream *s)
{
	l->s = s;
	l->cnt = s->cnt;
	return scanner_init(&l->sc, s->e, s->on, l);
}

static void lane_release(struct lane *l)
{
	scanner_release(&l->sc);
	pcache_free(&l->pc);
}

static void counters_free(struct counter *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		free(c[i].lines);
	free(c);
}

/*
 * Set s up for a file: what a new stream and a reset one share. The pool,
 * the lanes and their pseudonym caches, and the buffers' memory stay.
 */
static void stream_begin(struct redact_stream *s, const char *path, redact_sink_fn sink,
			 void *sink_ctx)
{
	const struct redact_engine *e = s->e;

	s->sink = sink;
	s->sink_ctx = sink_ctx;
	s->phase = P_SNIFF;
	s->fmt_name = NULL;
	s->lineno = 1;
	s->newlines = 0;
	s->last_byte = 0;
	s->oom = false;
	s->par = false;
	rbuf_reset(&s->in);
	rbuf_reset(&s->out);
	s->in.oom = s->out.oom = false;
	memset(&s->tc, 0, sizeof(s->tc));
	memset(&s->clean, 0, sizeof(s->clean));
	free(s->report.rules);
	memset(&s->report, 0, sizeof(s->report));
	for (size_t i = 0; i < e->nrules; i++) {
		const struct rule *r = &e->rules[i];
		bool on = r->enabled && !r->nglobs;

		for (size_t g = 0; r->enabled && path && g < r->nglobs && !on; g++)
			on = glob_match_path(r->globs[g], path);
		s->on[i] = on;
		s->cnt[i].count = s->cnt[i].nlines = 0;
	}
	s->path_known = false;
	s->fmt = path ? fmt_from_path(path, &s->path_known) : F_TEXT;
	s->xml = path && (has_suffix(path, ".xml") || has_suffix(path, ".config"));
	s->conf = path && (has_suffix(path, ".conf") || has_suffix(path, ".cf") ||
			   has_suffix(path, "_config") || rc_file(path));
	s->vpn_auth = path && vpn_auth_path(path);
	s->shell = path && shell_path(path);
	s->secret_map = SM_NONE;
	s->csv_sep = !path ? 0 : has_suffix(path, ".csv") ? ',' : has_suffix(path, ".tsv") ? '\t' : 0;
	if (path && named_file(path, &s->secret_map))
		s->conf = s->secret_map == SM_NONE;
	scanner_reset(&s->lane.sc);
	s->lane.oom = false;
}

struct redact_stream *redact_stream_new(const struct redact_engine *e, const char *path,
					redact_sink_fn sink, void *sink_ctx)
{
	struct redact_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->e = e;
	s->on = calloc(e->nrules, 1);
	s->cnt = calloc(e->nrules, sizeof(*s->cnt));
	if (!s->on || !s->cnt || lane_init(&s->lane, s)) {
		redact_stream_free(s);
		return NULL;
	}
	stream_begin(s, path, sink, sink_ctx);
	return s;
}

static void pool_stop(struct redact_stream *s);

void redact_stream_reset(struct redact_stream *s, const char *path, redact_sink_fn sink,
			 void *sink_ctx)
{
	if (s->phase != P_DONE)
		pool_stop(s); /* dead or unfinished: chunks may still be in flight */
	stream_begin(s, path, sink, sink_ctx);
}

void redact_stream_free(struct redact_stream *s)
{
	if (!s)
		return;
	pool_stop(s);
	rbuf_release(&s->in);
	rbuf_release(&s->out);
	lane_release(&s->lane);
	pcache_free(&s->recorded);
	counters_free(s->cnt, s->e->nrules);
	free(s->on);
	free(s->report.rules);
	sodium_memzero(&s->tc, sizeof(s->tc));
	free(s);
}

static int die_stream(struct redact_stream *s, struct redact_err *err, const char *msg)
{
	s->phase = P_DEAD;
	rbuf_reset(&s->in);
	rbuf_reset(&s->out);
	rerr_set(err, NULL, (int)MIN(s->lineno, (uint64_t)INT32_MAX), 0, "%s", msg);
	return -1;
}

static int scan_failed(struct redact_stream *s, struct redact_err *err)
{
	if (s->lane.sc.error)
		return die_stream(s, err, s->lane.sc.errmsg);
	return die_stream(s, err, "out of memory");
}

static int flush(struct redact_stream *s, struct redact_err *err, bool all)
{
	if (s->out.oom || s->oom || s->lane.oom)
		return die_stream(s, err, "out of memory");
	if (!s->out.len || (!all && (s->out.len < OUT_FLUSH || s->hold)))
		return 0;
	s->report.bytes_out += s->out.len;
	if (s->sink(s->sink_ctx, s->out.buf, s->out.len))
		return die_stream(s, err, "cannot write the redacted output");
	s->out.len = 0; /* redacted bytes: no need to wipe */
	return 0;
}

/* Complete lines (p ends with '\n', or is the final tail): in blocks, flushing between. */
static int do_lines(struct redact_stream *s, const char *p, size_t n, struct redact_err *err)
{
	while (n) {
		size_t take = n;

		if (n > LINE_BLOCK) {
			const char *nl = memrchr(p, '\n', LINE_BLOCK);

			take = nl ? (size_t)(nl - p) + 1 : n;
			if (nl && lines_ready(&s->tc, p, take))
				take = lines_ready(&s->tc, p, take);
		}
		if (scan_lines(&s->lane.sc, &s->tc, p, take, &s->out, &s->lineno))
			return scan_failed(s, err);
		if (flush(s, err, false))
			return -1;
		p += take;
		n -= take;
	}
	return 0;
}

/* Where to cut a partial line longer than REDACT_LINE_MAX at p: after a separator; 0 if none. */
static size_t cut_point(const char *p)
{
	for (size_t i = REDACT_LINE_MAX; i > REDACT_LINE_MAX - CUT_WINDOW; i--) {
		char c = p[i - 1];

		if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '&' || c == '}' || c == ']' ||
		    c == '>' || c == '|')
			return i;
	}
	return 0;
}

#define NO_CUT "a line longer than 1 MiB has no separator to cut it at"

/* The partial line in s->in has outgrown REDACT_LINE_MAX: redact a head of it, cut at a separator. */
static int cut_line(struct redact_stream *s, struct redact_err *err)
{
	size_t cut = cut_point(s->in.buf);

	if (!cut)
		return die_stream(s, err, NO_CUT);
	if (do_lines(s, s->in.buf, cut, err))
		return -1;
	rbuf_consume(&s->in, cut);
	return 0;
}

/* ---- chunks on several threads ---- */

/*
 * Would a line read from state a be redacted as from state b? The fields a
 * state's lines read are set when that state is entered, so outside one
 * (TS_NONE) they do not count, nor k8s_indent outside a Secret's data.
 * Every field of struct textctx must be weighed here.
 */
static bool csv_same(const struct textctx *a, const struct textctx *b)
{
	if (a->csv_sep != b->csv_sep || a->csv_n != b->csv_n)
		return false;
	for (size_t i = 0; i < a->csv_n; i++) {
		const struct name_verdict *x = &a->csv_v[i], *y = &b->csv_v[i];

		if (a->csv_col[i] != b->csv_col[i] || x->cls != y->cls || x->rule != y->rule ||
		    x->not_paths != y->not_paths || x->paths != y->paths || x->counts != y->counts || x->modes != y->modes ||
		    x->refs != y->refs)
			return false;
	}
	return true;
}

static bool tc_same(const struct textctx *a, const struct textctx *b)
{
	if (a->fmt != b->fmt || a->state != b->state || a->netrc_secret != b->netrc_secret ||
	    a->xml != b->xml || a->conf != b->conf || a->vpn_auth != b->vpn_auth || a->shell != b->shell ||
	    a->secret_map != b->secret_map || !csv_same(a, b) ||
	    a->netrc_login != b->netrc_login || a->embedded != b->embedded ||
	    a->fixed_line != b->fixed_line || a->k8s_secret != b->k8s_secret ||
	    a->k8s_data != b->k8s_data || (a->k8s_data && a->k8s_indent != b->k8s_indent) ||
	    a->held_on != b->held_on || a->cli.tool != b->cli.tool || a->cli.part != b->cli.part ||
	    a->cli.part_len != b->cli.part_len || a->cli.next != b->cli.next ||
	    ((a->cli.tool || a->cli.part) && a->cli_col != b->cli_col) ||
	    (a->held_on && (a->held_indent != b->held_indent || a->held_col != b->held_col ||
			    a->held.cls != b->held.cls || a->held.rule != b->held.rule ||
			    a->held.not_paths != b->held.not_paths || a->held.paths != b->held.paths || a->held.counts != b->held.counts)) ||
	    a->pair.cls != b->pair.cls ||
	    (a->pair.cls != NC_NONE &&
	     (a->pair.rule != b->pair.rule || a->pair.not_paths != b->pair.not_paths || a->pair.paths != b->pair.paths ||
	      a->pair.counts != b->pair.counts || a->pair_col != b->pair_col)) ||
	    a->next_kind != b->next_kind ||
	    (a->next_kind != NX_NONE &&
	     (a->next.cls != b->next.cls || a->next.rule != b->next.rule ||
	      a->next.not_paths != b->next.not_paths || a->next.paths != b->next.paths || a->next.counts != b->next.counts ||
	      a->next_col != b->next_col)))
		return false;
	return a->state == TS_NONE ||
	       (a->rule == b->rule && a->indent == b->indent && a->quote == b->quote &&
		a->label_done == b->label_done && a->continued == b->continued &&
		a->quoted_label == b->quoted_label && a->brackets == b->brackets &&
		a->qlines == b->qlines && a->cdata == b->cdata &&
		a->pem_words == b->pem_words && a->pem_shape == b->pem_shape &&
		a->pem_key == b->pem_key && a->left == b->left &&
		(a->state != TS_XML_TAG ||
		 (a->tag.cls == b->tag.cls && a->tag.rule == b->tag.rule &&
		  a->tag.not_paths == b->tag.not_paths && a->tag.paths == b->tag.paths && a->tag.counts == b->tag.counts)));
}

/*
 * Redact chunk c on lane l, from the state (tc0, kp0; NULL: the clean one)
 * with its first line numbered lineno: its output, counts, records and end
 * state go into c.
 */
static void run_chunk(struct lane *l, struct chunk *c, const struct textctx *tc0,
		      const struct keypath *kp0, uint64_t lineno, uint32_t seq)
{
	const struct redact_stream *s = l->s;
	struct textctx tc = *tc0;
	struct keypath saved = l->sc.kp, start = { 0 };

	for (size_t i = 0; i < s->e->nrules; i++)
		c->cnt[i].count = c->cnt[i].nlines = 0;
	rbuf_reset(&c->out);
	sodium_memzero(c->records.buf, c->records.len);
	rbuf_reset(&c->records);
	c->out.oom = c->records.oom = false;
	if (kp0)
		start = *kp0; /* kp0 may be l's own */
	scanner_reset(&l->sc);
	l->sc.kp = start;
	l->cnt = c->cnt;
	l->records = s->e->on_pseudonym ? &c->records : NULL;
	l->seq = seq;
	l->oom = false;
	c->failed = scan_lines(&l->sc, &tc, c->in.buf, c->in.len, &c->out, &lineno) || l->oom ||
		    c->out.oom || c->records.oom;

	c->end_tc = tc;
	c->end_kp = l->sc.kp;
	c->end_lineno = lineno;
	l->sc.kp = saved;
	l->cnt = s->cnt;
	l->records = NULL;
	l->seq = 0;
}

/* The oldest chunk waiting for a thread (the pool's lock held), or NULL. */
static struct chunk *next_pending(struct pool *p)
{
	for (size_t i = 0; i < p->count; i++) {
		struct chunk *c = &p->ring[(p->head + i) % p->nring];

		if (c->st == CH_PENDING)
			return c;
	}
	return NULL;
}

/* A helper thread: redacts chunks ahead, from the clean state, until told to quit. */
static void *worker_main(void *arg)
{
	struct lane *l = arg;
	struct redact_stream *s = l->s;
	struct pool *p = s->pool;

	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		struct chunk *c = next_pending(p);

		if (!c) {
			pthread_cond_wait(&p->work, &p->lock);
			continue;
		}
		c->st = CH_RUNNING;
		pthread_mutex_unlock(&p->lock);
		run_chunk(l, c, &s->clean, NULL, c->lineno, c->seq);
		pthread_mutex_lock(&p->lock);
		c->st = CH_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Set up the ring and start threads - 1 helpers (fewer if they cannot start). -1 on out-of-memory. */
static int pool_start(struct redact_stream *s)
{
	unsigned n = s->e->threads;
	struct pool *p = calloc(1, sizeof(*p));
	sigset_t all, old;

	if (!p)
		return -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	s->pool = p;
	p->nring = 2 * (size_t)n;
	p->ring = calloc(p->nring, sizeof(*p->ring));
	if (!p->ring)
		return -1;
	for (size_t i = 0; i < p->nring; i++)
		if (!(p->ring[i].cnt = calloc(s->e->nrules, sizeof(*p->ring[i].cnt))))
			return -1;
	/* a file of several chunks: its pseudonym caches at full size from the start */
	if (s->lane.pc.size < PCACHE_MAX)
		pcache_alloc(&s->lane.pc, PCACHE_MAX);
	pcache_alloc(&s->recorded, PCACHE_MAX);
	/* signals stay with the caller's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i + 1 < n; i++) {
		struct lane *l = calloc(1, sizeof(*l));

		if (l)
			pcache_alloc(&l->pc, PCACHE_MAX);
		if (!l || lane_init(l, s) || pthread_create(&p->tid[i], NULL, worker_main, l)) {
			if (l)
				lane_release(l);
			free(l);
			break; /* fewer helpers: slower, the same output */
		}
		p->lanes[p->nthreads++] = l;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static void pool_stop(struct redact_stream *s)
{
	struct pool *p = s->pool;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++) {
		pthread_join(p->tid[i], NULL);
		lane_release(p->lanes[i]);
		free(p->lanes[i]);
	}
	for (size_t i = 0; p->ring && i < p->nring; i++) {
		rbuf_release(&p->ring[i].in);
		rbuf_release(&p->ring[i].out);
		rbuf_release(&p->ring[i].records);
		counters_free(p->ring[i].cnt, s->e->nrules);
	}
	free(p->ring);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
	s->pool = NULL;
}

/* Call on_pseudonym for the records of a chunk taken, but not for values recorded lately. */
static void deliver_records(struct redact_stream *s, const struct rbuf *r)
{
	const struct redact_engine *e = s->e;
	const unsigned char *q = (const unsigned char *)r->buf, *end = q + r->len;

	while (end - q >= 5) {
		int kind = q[0];
		size_t vl = (size_t)q[1] << 8 | q[2], tl = (size_t)q[3] << 8 | q[4];
		const char *v = (const char *)q + 5, *t = v + vl;
		uint64_t h = pcache_hash(kind, v, vl);
		char tok[PSEUDO_MAX];
		bool hit;
		struct pcache_ent *slot = pcache_find(&s->recorded, h, kind, v, vl, &hit);

		if (!hit && tl < sizeof(tok)) {
			memcpy(tok, t, tl);
			tok[tl] = '\0';
			e->on_pseudonym(e->pseudonym_ctx, pii_kind_name((enum pii_kind)kind), tok, v, vl);
			pcache_put(&s->recorded, slot, h, kind, v, vl, NULL, 0, 0);
		}
		q = (const unsigned char *)t + tl;
	}
}

/*
 * Take chunk c, the oldest, into the stream: as it was redacted ahead if it
 * was redacted from the real state, else again from the real state here.
 */
static int take_chunk(struct redact_stream *s, struct chunk *c, struct redact_err *err)
{
	if (c->failed || s->lineno != c->lineno || s->lane.sc.kp.section[0] || s->lane.sc.kp.depth ||
	    s->lane.sc.kp.broken || !tc_same(&s->tc, &s->clean)) {
		run_chunk(&s->lane, c, &s->tc, &s->lane.sc.kp, s->lineno, ++s->seq);
		if (c->failed)
			return scan_failed(s, err);
	}
	for (size_t i = 0; i < s->e->nrules; i++) {
		struct counter *from = &c->cnt[i], *to = &s->cnt[i];

		to->count += from->count;
		for (size_t k = 0; k < from->nlines; k++)
			if (!counter_line(to, from->lines[k]))
				s->oom = true;
	}
	if (c->records.len && s->e->on_pseudonym)
		deliver_records(s, &c->records);
	s->tc = c->end_tc;
	s->lane.sc.kp = c->end_kp;
	s->lineno = c->end_lineno;
	if (flush(s, err, true))
		return -1;
	if (c->out.len) {
		s->report.bytes_out += c->out.len;
		if (s->sink(s->sink_ctx, c->out.buf, c->out.len))
			return die_stream(s, err, "cannot write the redacted output");
	}
	return 0;
}

/*
 * Take the chunks done at the head of the ring, in order. With wait, make
 * progress first: take at least one, redacting the oldest chunk that waits
 * for a thread on this one meanwhile.
 */
static int pump(struct redact_stream *s, bool wait, struct redact_err *err)
{
	struct pool *p = s->pool;
	bool took = false;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct chunk *c = p->count ? &p->ring[p->head] : NULL;

		if (c && c->st == CH_DONE) {
			pthread_mutex_unlock(&p->lock);
			if (take_chunk(s, c, err))
				return -1;
			pthread_mutex_lock(&p->lock);
			p->head = (p->head + 1) % p->nring;
			p->count--;
			took = true;
			continue;
		}
		if (!wait || took || !c)
			break;
		if ((c = next_pending(p))) {
			c->st = CH_RUNNING;
			pthread_mutex_unlock(&p->lock);
			run_chunk(&s->lane, c, &s->clean, NULL, c->lineno, c->seq);
			pthread_mutex_lock(&p->lock);
			c->st = CH_DONE;
			continue;
		}
		pthread_cond_wait(&p->done, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Hand s->in[0, n) to a chunk (the rest stays in s->in). */
static int submit(struct redact_stream *s, size_t n, struct redact_err *err)
{
	struct pool *p = s->pool;
	struct chunk *c;
	struct rbuf t;

	while (p->count == p->nring)
		if (pump(s, true, err))
			return -1;
	c = &p->ring[(p->head + p->count) % p->nring]; /* free: no thread looks at it */
	t = c->in;
	c->in = s->in;
	s->in = t;
	rbuf_reset(&s->in);
	/*
	 * More is coming (a partial line follows): this buffer will grow as
	 * large as the one that goes, so at once rather than by doubling.
	 */
	if (c->in.len > n)
		rbuf_grow(&s->in, c->in.alloc - 1);
	rbuf_add(&s->in, c->in.buf + n, c->in.len - n);
	if (s->in.oom)
		return die_stream(s, err, "out of memory");
	c->in.len = n;
	c->lineno = s->next_lineno;
	s->next_lineno += count_newlines(c->in.buf, n);
	c->seq = ++s->seq;
	pthread_mutex_lock(&p->lock);
	c->st = CH_PENDING;
	p->count++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return pump(s, false, err);
}

/* Does the last line of s->in's first n bytes (whole lines) want the next? */
static bool last_wants_next(const struct redact_stream *s, size_t n)
{
	const char *nl = n >= 2 ? memrchr(s->in.buf, '\n', n - 1) : NULL;
	size_t ls = nl ? (size_t)(nl - s->in.buf) + 1 : 0;

	return line_wants_next(&s->clean, s->in.buf + ls, n - 1 - ls);
}

/*
 * Lines held in s->in go in chunks of about chunk_size bytes, each ending
 * with a line. A partial line longer than REDACT_LINE_MAX is cut where the
 * one-thread engine cuts it; with final, the rest goes too.
 */
static int chunk_lines(struct redact_stream *s, bool final, struct redact_err *err)
{
	size_t cs = s->e->chunk_size;
	const char *nl;

	if (!s->pool && pool_start(s))
		return die_stream(s, err, "out of memory");
	while (s->in.len >= cs && (nl = memchr(s->in.buf + cs - 1, '\n', s->in.len - (cs - 1)))) {
		size_t n = (size_t)(nl - s->in.buf) + 1, n0 = n;
		bool wants;

		/* a line that wants its next is not cut from it (up to HOLD_MAX bytes on) */
		while ((wants = last_wants_next(s, n)) && n - n0 <= HOLD_MAX &&
		       (nl = memchr(s->in.buf + n, '\n', s->in.len - n)))
			n = (size_t)(nl - s->in.buf) + 1;
		if (wants && n - n0 <= HOLD_MAX && !final)
			break;
		if (submit(s, n, err))
			return -1;
	}
	if (final)
		return s->in.len ? submit(s, s->in.len, err) : 0;
	nl = s->in.len ? memrchr(s->in.buf, '\n', s->in.len) : NULL;
	if (s->in.len - (nl ? (size_t)(nl - s->in.buf) + 1 : 0) <= REDACT_LINE_MAX)
		return 0;
	if (nl && submit(s, (size_t)(nl - s->in.buf) + 1, err))
		return -1;
	while (s->in.len > REDACT_LINE_MAX) {
		size_t cut = cut_point(s->in.buf);

		if (!cut)
			return die_stream(s, err, NO_CUT);
		if (submit(s, cut, err))
			return -1;
	}
	return 0;
}

/* Take every chunk in flight. */
static int drain(struct redact_stream *s, struct redact_err *err)
{
	while (s->pool && s->pool->count)
		if (pump(s, true, err))
			return -1;
	return 0;
}

/*
 * Input goes through s->in (a padded buffer: see RBUF_PAD) a block at a
 * time; complete lines are redacted, the partial last one stays.
 */
static int feed_lines(struct redact_stream *s, const char *p, size_t len, struct redact_err *err)
{
	while (len) {
		size_t take = MIN(len, (size_t)LINE_BLOCK), most = s->e->chunk_size + LINE_BLOCK;
		const char *nl;

		/*
		 * Past a block, lines held for a chunk fill this buffer up to
		 * a chunk and a block: grown to that at once, not by doubling.
		 */
		if (s->par && s->in.len >= LINE_BLOCK && s->in.len + take >= s->in.alloc && s->in.len < most)
			rbuf_grow(&s->in, most - s->in.len);
		rbuf_add(&s->in, p, take);
		if (s->in.oom)
			return die_stream(s, err, "out of memory");
		p += take;
		len -= take;
		if (s->par) { /* held until there is a chunk's worth (see redact_stream_finish()) */
			if ((s->pool || s->in.len >= s->e->chunk_size) && chunk_lines(s, false, err))
				return -1;
			continue;
		}
		nl = memrchr(s->in.buf, '\n', s->in.len);
		if (nl) {
			/* the last lines may wait for their next (see lines_ready()) */
			size_t n = lines_ready(&s->tc, s->in.buf, (size_t)(nl - s->in.buf) + 1);

			if (n && do_lines(s, s->in.buf, n, err))
				return -1;
			rbuf_consume(&s->in, n);
		}
		while (s->in.len > REDACT_LINE_MAX)
			if (cut_line(s, err))
				return -1;
	}
	return 0;
}

static void start_lines(struct redact_stream *s, enum fmt fmt)
{
	s->phase = P_LINES;
	memset(&s->tc, 0, sizeof(s->tc));
	s->tc.fmt = fmt;
	s->tc.xml = fmt == F_TEXT && s->xml;
	s->tc.conf = fmt == F_TEXT && s->conf;
	s->tc.shell = fmt == F_TEXT && s->shell;
	s->tc.vpn_auth = fmt == F_TEXT && s->vpn_auth;
	s->tc.secret_map = fmt == F_TEXT ? s->secret_map : SM_NONE;
	s->tc.csv_sep = fmt == F_TEXT ? s->csv_sep : 0;
	s->fmt_name = fmt_names[fmt];
	s->clean = s->tc;
	s->par = s->e->threads > 1;
	s->next_lineno = s->lineno;
}

/* A YAML document (up to its next "---" line) that is a Kubernetes Secret. */
static bool yaml_doc_is_secret(const char *p, size_t len)
{
	for (const char *q = p; (q = mem_find(q, len - (size_t)(q - p), "kind:", 5)); q += 5) {
		const char *v = q + 5;

		while (v < p + len && *v == ' ')
			v++;
		if ((q == p || q[-1] == ' ' || q[-1] == '\n') && p + len - v >= 6 &&
		    (!memcmp(v, "Secret", 6) || (p + len - v >= 8 && (!memcmp(v, "\"Secret\"", 8) ||
								   !memcmp(v, "'Secret'", 8)))))
			return true;
	}
	return false;
}

/*
 * Give up holding the document: redact what is held, and what follows, as
 * lines. When the whole input is held (it did not parse), each YAML
 * document is first looked through for "kind: Secret".
 */
static int doc_to_lines(struct redact_stream *s, enum fmt fmt, bool whole, struct redact_err *err)
{
	struct rbuf held = s->in;
	size_t pos = 0;
	int rc = 0;

	memset(&s->in, 0, sizeof(s->in));
	start_lines(s, fmt);
	s->tc.k8s_secret = -1;
	s->clean = s->tc;
	s->par = s->par && !whole; /* whole: a state per document, all held already */
	while (pos < held.len && !rc) {
		size_t end = held.len;

		if (fmt == F_YAML && whole) {
			const char *q = held.buf + pos;

			while ((q = mem_find(q + 1, held.len - (size_t)(q + 1 - held.buf), "\n---", 4)))
				if (q + 4 == held.buf + held.len || strchr(" \t\r\n", q[4]))
					break;
			end = q ? (size_t)(q - held.buf) + 1 : held.len;
			s->tc.k8s_secret = yaml_doc_is_secret(held.buf + pos, end - pos);
			s->tc.k8s_data = false;
			s->tc.pair.cls = NC_NONE;
			s->tc.next_kind = NX_NONE;
		}
		rc = feed_lines(s, held.buf + pos, end - pos, err);
		if (!rc && fmt == F_YAML && whole && end < held.len && s->in.len) {
			/* lines held for their next ("key:"): the document ends here, with its state */
			rc = do_lines(s, s->in.buf, s->in.len, err);
			rbuf_reset(&s->in);
		}
		pos = end;
	}
	rbuf_release(&held);
	return rc;
}

/* The sniffed head is complete (or the input ended): choose binary, document or lines. */
static int decide(struct redact_stream *s, struct redact_err *err)
{
	struct rbuf head = s->in;

	if (looks_binary(head.buf, head.len)) {
		s->phase = P_BINARY;
		rbuf_release(&s->in);
		return 0;
	}
	if (!s->path_known)
		s->fmt = s->fmt == F_TEXT ? sniff(head.buf, head.len) : s->fmt;
	else if (s->fmt == F_TEXT && json_doc_head(head.buf, head.len))
		s->fmt = F_JSON;
	if (s->fmt == F_JSON || s->fmt == F_YAML) {
		s->phase = P_DOC;
		return 0;
	}
	memset(&s->in, 0, sizeof(s->in));
	start_lines(s, s->fmt);
	if (feed_lines(s, head.buf, head.len, err)) {
		rbuf_release(&head);
		return -1;
	}
	rbuf_release(&head);
	return 0;
}

static void count_lines(struct redact_stream *s, const char *p, size_t len)
{
	s->newlines += count_newlines(p, len);
	if (len)
		s->last_byte = p[len - 1];
}

int redact_stream_write(struct redact_stream *s, const void *buf, size_t len,
			struct redact_err *err)
{
	const char *p = buf;

	if (err)
		memset(err, 0, sizeof(*err));
	if (s->phase == P_DEAD || s->phase == P_DONE) {
		rerr_set(err, NULL, 0, 0, "the stream is %s", s->phase == P_DONE ? "finished" : "dead");
		return -1;
	}
	s->report.bytes_in += len;
	if (s->phase == P_BINARY || !len)
		return 0;
	count_lines(s, p, len);
	if (s->phase == P_SNIFF) {
		size_t take = MIN(len, SNIFF_MAX - s->in.len);

		rbuf_add(&s->in, p, take);
		if (s->in.oom)
			return die_stream(s, err, "out of memory");
		p += take;
		len -= take;
		if (s->in.len < SNIFF_MAX)
			return 0;
		if (decide(s, err))
			return -1;
		if (s->phase == P_BINARY)
			return 0;
	}
	if (s->phase == P_DOC) {
		rbuf_add(&s->in, p, len);
		if (s->in.oom)
			return die_stream(s, err, "out of memory");
		if (s->in.len > REDACT_DOC_MAX)
			return doc_to_lines(s, s->fmt == F_JSON ? F_JSON : F_YAML, false, err);
		return 0;
	}
	if (feed_lines(s, p, len, err))
		return -1;
	return flush(s, err, false);
}

static int cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct redact_rule_count *)a)->rule,
		      ((const struct redact_rule_count *)b)->rule);
}

static int build_report(struct redact_stream *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->e->nrules; i++)
		n += s->cnt[i].count > 0;
	s->report.rules = calloc(n ? n : 1, sizeof(*s->report.rules));
	if (!s->report.rules)
		return -1;
	for (size_t i = 0; i < s->e->nrules; i++) {
		struct redact_rule_count *rc;

		if (!s->cnt[i].count)
			continue;
		rc = &s->report.rules[s->report.nrules++];
		rc->rule = s->e->rules[i].id;
		rc->count = s->cnt[i].count;
		rc->lines = s->cnt[i].lines;
		rc->nlines = s->cnt[i].nlines;
	}
	qsort(s->report.rules, s->report.nrules, sizeof(*s->report.rules), cmp_count);
	s->report.lines = s->newlines + (s->report.bytes_in && s->last_byte != '\n');
	s->report.binary = s->phase == P_BINARY;
	s->report.format = s->report.binary ? "binary" : s->fmt_name ? s->fmt_name : "text";
	return 0;
}

/*
 * A JSON or YAML document that did not parse was redacted as lines, its
 * output held whole in s->out. If that output parses (a label replaced the
 * byte the parser refused), it is redacted again as the document it now
 * is: what the document walk finds there goes now, not when someone
 * redacts the output again. Its counts are kept only if it changed the
 * output.
 */
static int reread_doc(struct redact_stream *s, struct redact_err *err)
{
	struct rbuf again = { 0 };
	size_t mark = journal_begin(&s->lane.sc);
	bool take;
	int rc;

	s->hold = false;
	rc = s->fmt == F_JSON ? json_redact_doc(&s->lane.sc, s->out.buf, s->out.len, &again, 1) :
				yaml_redact_doc(&s->lane.sc, s->out.buf, s->out.len, &again);
	take = rc > 0 && !again.oom &&
	       (again.len != s->out.len || (again.len && memcmp(again.buf, s->out.buf, again.len)));
	journal_end(&s->lane.sc, mark, take);
	if (take) {
		rbuf_release(&s->out);
		s->out = again;
		return 0;
	}
	rbuf_release(&again);
	return rc < 0 ? scan_failed(s, err) : 0;
}

int redact_stream_finish(struct redact_stream *s, struct redact_err *err)
{
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	if (s->phase == P_DEAD || s->phase == P_DONE) {
		rerr_set(err, NULL, 0, 0, "the stream is %s", s->phase == P_DONE ? "finished" : "dead");
		return -1;
	}
	if (s->phase == P_SNIFF && decide(s, err))
		return -1;
	if (s->phase == P_DOC) {
		uint64_t line = 1;

		s->fmt_name = fmt_names[s->fmt];
		rc = s->fmt == F_JSON ? json_redact_doc(&s->lane.sc, s->in.buf, s->in.len, &s->out, line) :
					yaml_redact_doc(&s->lane.sc, s->in.buf, s->in.len, &s->out);
		if (rc < 0)
			return scan_failed(s, err);
		if (rc == 0) { /* it did not parse: redacted as text (s->in holds a last line without '\n') */
			s->hold = true;
			if (doc_to_lines(s, s->fmt == F_JSON ? F_TEXT : F_YAML, true, err))
				return -1;
			s->fmt_name = "text";
		} else {
			rbuf_reset(&s->in);
		}
	}
	if (s->phase == P_LINES && s->pool) {
		if (chunk_lines(s, true, err) || drain(s, err))
			return -1;
	} else if (s->phase == P_LINES && s->in.len) {
		if (do_lines(s, s->in.buf, s->in.len, err))
			return -1;
		rbuf_reset(&s->in);
	}
	if (s->hold && reread_doc(s, err))
		return -1;
	if (flush(s, err, true))
		return -1;
	if (build_report(s))
		return die_stream(s, err, "out of memory");
	s->phase = P_DONE;
	return 0;
}

const struct redact_report *redact_stream_report(const struct redact_stream *s)
{
	return s->phase == P_DONE ? &s->report : NULL;
}
