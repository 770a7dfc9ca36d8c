/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the files of libredact share (not installed)
 *
 * The engine (engine.c) owns an immutable table of rules: built-in secret
 * rules (builtin.c), one rule per PII kind (pii.h), then the policy's own
 * rules (policy.c). A stream (stream.c) splits its input into records and
 * hands each one to the scanner (scan.c), which finds what to replace and
 * splices the replacements in; json.c and yaml.c walk structured documents
 * and call the scanner on their string values. names.c judges key names and
 * values (password=..., placeholders, entropy).
 *
 * Nothing here allocates with xmalloc(): out-of-memory is an error the caller
 * sees (a sticky flag in struct rbuf, checked once per record).
 */
#ifndef REDACT_INTERNAL_H
#define REDACT_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "redact/redact.h"
#include "pii.h"

/* ---- buffers (buf.c) ---- */

/*
 * A growable byte buffer; on allocation failure it sets oom and drops
 * writes. RBUF_PAD initialised bytes follow the buffer's alloc (see buf.c):
 * every subject the regular expressions see lives in one.
 */
#define RBUF_PAD 64

struct rbuf {
	char *buf;
	size_t len, alloc;
	bool oom;
};

void rbuf_grow_slow(struct rbuf *b, size_t extra);
void rbuf_addstr(struct rbuf *b, const char *s);

static inline void rbuf_grow(struct rbuf *b, size_t extra)
{
	if (b->len + extra >= b->alloc || b->oom)
		rbuf_grow_slow(b, extra);
}

static inline void rbuf_add(struct rbuf *b, const void *data, size_t len)
{
	if (!len)
		return;
	if (b->len + len < b->alloc) {
		memcpy(b->buf + b->len, data, len);
		b->len += len;
		return;
	}
	rbuf_grow_slow(b, len);
	if (!b->oom) {
		memcpy(b->buf + b->len, data, len);
		b->len += len;
	}
}

static inline void rbuf_addch(struct rbuf *b, char c)
{
	if (b->len + 1 < b->alloc) {
		b->buf[b->len++] = c;
		return;
	}
	rbuf_add(b, &c, 1);
}
/* Forget the contents, keep the allocation (rbuf_release() wipes it all). */
void rbuf_reset(struct rbuf *b);
/* Wipe and free. */
void rbuf_release(struct rbuf *b);
/* Remove the first n bytes. */
void rbuf_consume(struct rbuf *b, size_t n);
/* The number of '\n' in p[0, n). */
uint64_t count_newlines(const char *p, size_t n);

/* A small set of byte offsets (the Kubernetes Secret objects of a document). */
struct offsets {
	size_t *v;
	size_t n, alloc;
};
/* 0, or -1 on out-of-memory. */
int offsets_add(struct offsets *o, size_t off);
bool offsets_has(const struct offsets *o, size_t off);
void offsets_release(struct offsets *o);

char *rstrndup(const char *s, size_t n);
void rerr_set(struct redact_err *err, const char *file, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void rerr_vset(struct redact_err *err, const char *file, int line, int column, const char *fmt,
	       va_list ap) __attribute__((format(printf, 5, 0)));

/* ---- small helpers (names.c) ---- */

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

extern const unsigned char fold_table[256];

/* FNV-1a of len bytes from h (FNV1A_INIT, or a variant of it): for in-memory tables only. */
#define FNV1A_INIT 1469598103934665603ULL
static inline uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static inline int lower_ascii(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}
static inline bool is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool mem_ieq(const char *a, const char *b, size_t n);
const char *mem_ifind(const char *hay, size_t hlen, const char *needle, size_t nlen);
const char *mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen);

/* ---- globs (glob.c) ---- */

/*
 * Match a logical path against a glob: '*' and '?' stay within one
 * directory level, '**' crosses them, [...] is a class. Leading '/' on either
 * side is ignored, and the pattern may match the whole path or any tail of it
 * that starts after a '/' (so "var/log/x*.log" matches "files/var/log/x1.log").
 */
bool glob_match_path(const char *pattern, const char *path);
/* Does every '[' of a glob open a class that closes? (glob_match_path() reads it as a '[' else.) */
bool glob_valid(const char *pattern);

/* ---- rules ---- */

enum rule_class { RC_SECRET, RC_PII, RC_POLICY };

/* Built-in secret rules, in priority order (an earlier rule labels a tie). */
enum builtin_rule {
	R_AWS_ACCESS_KEY_ID,
	R_AWS_SECRET_ACCESS_KEY,
	R_GCP_API_KEY,
	R_GCP_OAUTH_SECRET,
	R_AZURE_STORAGE_KEY,
	R_AZURE_CLIENT_SECRET,
	R_GITHUB_TOKEN,
	R_GITHUB_FINE_GRAINED_TOKEN,
	R_GITLAB_TOKEN,
	R_NPM_TOKEN,
	R_PYPI_TOKEN,
	R_DOCKER_TOKEN,
	R_SLACK_TOKEN,
	R_SLACK_WEBHOOK,
	R_DISCORD_WEBHOOK,
	R_TEAMS_WEBHOOK,
	R_STRIPE_KEY,
	R_STRIPE_WEBHOOK_SECRET,
	R_SENDGRID_API_KEY,
	R_TWILIO_API_KEY,
	R_ANTHROPIC_API_KEY,
	R_OPENAI_API_KEY,
	R_HUGGINGFACE_TOKEN,
	R_SHOPIFY_TOKEN,
	R_GOOGLE_OAUTH_TOKEN,
	R_GRAFANA_TOKEN,
	R_TAILSCALE_KEY,
	R_DIGITALOCEAN_TOKEN,
	R_ATLASSIAN_TOKEN,
	R_NUGET_API_KEY,
	R_SENTRY_DSN,
	R_DATADOG_API_KEY,
	R_VAULT_TOKEN,
	R_AGE_SECRET_KEY,
	R_JWT,
	R_PRIVATE_KEY,
	R_PUTTY_PRIVATE_KEY,
	R_KUBERNETES_SECRET,
	R_URL_CREDENTIALS,
	R_AUTHORIZATION,
	R_COOKIE,
	R_PASSWORD,
	R_SECRET,
	R_TOKEN,
	R_API_KEY,
	R_CREDENTIAL,
	R_SESSION_ID,
	R_SIGNATURE,
	R_PASSWORD_HASH,
	R_HIGH_ENTROPY,
	R_BUILTIN_COUNT
};

/* Files of secrets known by their names, a record a line (stream.c's named_files[]). */
enum secret_map {
	SM_NONE,
	SM_SASL,   /* Postfix sasl_passwd: "[host]:port user:password" */
	SM_PPP,    /* pppd's chap-secrets, pap-secrets: "client server secret [addresses]" */
	SM_KEYS,   /* chrony.keys, ntp.keys: "id type key" */
	SM_COLON1, /* rsyncd.secrets: "user:password" */
	SM_COLON2, /* Exim's passwd.client: "host:user:password" */
	SM_WHOLE,  /* the line is the secret: ~/.vault-token, /etc/ldap.secret, /run/secrets/X, db_password.txt */
	SM_DAVFS,  /* davfs2's secrets: "mount-point-or-URL user password" */
	SM_UPSMON, /* NUT's upsmon.conf: "MONITOR system power-value user password type" */
	SM_PAIR,   /* PgBouncer's userlist.txt: ""user" "password"" */
	SM_DIGEST, /* Apache's htdigest: "user:realm:hash" */
	SM_IPSEC,  /* ipsec.secrets: "selectors : PSK "secret"", EAP, XAUTH, NTLM, P12 file "pass"... */
};

/* What a trigger literal does when it is found in a record. */
enum trig_action {
	A_REGEX,     /* run the rule's anchored pattern at the hit (minus back bytes) */
	A_ASSIGN,    /* a key name: look for "name = value" around the hit */
	A_URL,       /* "://": credentials in the authority */
	A_PEM,       /* "-----BEGIN": a private key block */
	A_CLI_PASS,  /* a command's password options: mysql -pSECRET, curl -u user:SECRET (scan.c) */
	A_PPK,       /* PuTTY's "Private-Lines: N", "Private-MAC:" */
	A_SQL,       /* IDENTIFIED BY 'SECRET', PASSWORD 'SECRET', SET PASSWORD = 'SECRET' */
	A_BEARER,    /* a bare "Bearer <token>" */
	A_SMTP,      /* an SMTP server's "334 Password:" (base64): the client's next line answers */
	A_NETRC,     /* "machine h login u password p" outside a .netrc */
	A_LINE,      /* run the rule's pattern over the whole record */
	A_LITERAL,   /* the literal itself is what gets redacted */
	A_EXPECT,    /* an expect script's "expect PROMPT": the password its send answers with */
};

struct builtin_def {
	const char *id;
	const char *summary;
	const char *pattern;  /* PCRE2; NULL for rules done in C (names.c, scan.c) */
	uint32_t group;       /* capture group to replace (0: whole match) */
	const char *triggers; /* '|'-separated literals that start a match (A_REGEX) */
	uint8_t back;         /* the match starts this many bytes before the trigger */
	bool (*check)(const char *s, size_t len); /* vetoes a match when false */
	bool off;             /* off unless the policy turns it on */
	bool every;           /* no trigger: the pattern runs over every record */
};

extern const struct builtin_def builtin_rules[R_BUILTIN_COUNT];

struct rule {
	char *id;
	char *summary;
	enum rule_class cls;
	bool enabled;
	char **globs;         /* scope: NULL = every file */
	size_t nglobs;
	pcre2_code *re;       /* anchored (built-in) or free (policy) pattern */
	uint32_t group;
	bool (*check)(const char *s, size_t len);
	int pii;              /* enum pii_kind for RC_PII, else -1 */
	char **keys;          /* policy: key names and key paths whose values go */
	size_t nkeys;
	bool every_record;    /* policy pattern without keywords: run on each record */
};

struct trigger {
	char *lit;
	uint8_t len;
	bool caseless;
	uint8_t back;
	enum trig_action action;
	uint16_t rule;
	bool word;            /* A_LITERAL: must not touch letters/digits on either side */
};

/* Where a lower-cased trigram starts its probe in the exact table. */
static inline uint32_t trig_hash(uint32_t trigram)
{
	return (trigram * 0x9E3779B1u) >> 16;
}

struct redact_engine {
	struct rule *rules;
	size_t nrules;
	struct redact_rule_info *info;
	struct pseudo_key *key; /* sodium_malloc'ed */
	redact_pseudonym_fn on_pseudonym;
	void *pseudonym_ctx;
	struct pii_scanner *pii;
	int pii_rule[PII_KIND_COUNT];
	uint32_t pii_enabled; /* kinds enabled somewhere */
	/*
	 * Trigger prefilter: pair[b0 << 8 | b1] has bit (b2 & 7) set when the
	 * raw bytes b0 b1 b2 may start a trigger (either letter case: ASCII
	 * cases share their low bits), then exact slots by lower-cased trigram.
	 * pair2 is looked up at every other position only: it has the bits of
	 * pair, and for the second and third bytes b1 b2 of each trigger the
	 * bit of its fourth (all bits for a trigger of three bytes), so a
	 * trigger is seen from its first byte or from its second. Its index is
	 * the two bytes read as a uint16_t (host order: one load).
	 */
	uint8_t pair[1u << 16];
	uint8_t pair2[1u << 16];
	struct trig_slot {
		uint32_t key;     /* the lower-cased trigram; count 0 = an empty slot */
		uint32_t first;   /* index into trig, sorted by trigram */
		uint32_t count;
	} *slots;
	uint32_t slot_mask;
	struct trigger *trig;
	size_t ntrig;
	size_t *every;        /* rules run on every record */
	size_t nevery;
	bool has_keys;        /* some policy rule has key names/paths */
	unsigned threads;     /* per stream, 1 or more (see redact_config) */
	size_t chunk_size;
	char **exclude;
	size_t nexclude;
	char **allow;         /* literal values never redacted */
	size_t nallow;
};

/* ---- policy (policy.c) ---- */

struct policy_builtin {
	char *id;
	int enabled;          /* 1 on, 0 off, -1 unchanged */
	char **paths;
	size_t npaths;
};

struct policy_rule {
	char *id;
	char *pattern;
	uint32_t group;
	char **keywords, **literals, **keys, **paths;
	size_t nkeywords, nliterals, nkeys, npaths;
	bool ignore_case;
};

struct redact_policy {
	struct policy_builtin *builtins;
	size_t nbuiltins;
	struct policy_rule *rules;
	size_t nrules;
	char **exclude, **internal_domains, **usernames, **allow;
	size_t nexclude, ninternal_domains, nusernames, nallow;
};

/* Find a rule id among the built-in secret rules and PII kinds: its engine index, or -1. */
int builtin_index(const char *id);
size_t builtin_total(void);
const char *builtin_id(size_t i);
void strv_release(char **v, size_t n);

/* ---- names and values (names.c) ---- */

enum name_class {
	NC_NONE,
	NC_STRONG,   /* the value is a secret unless it is a placeholder */
	NC_WEAK,     /* a secret only if the value looks random enough */
	NC_AUTH,     /* an Authorization header: keep the scheme */
	NC_COOKIE,   /* a Cookie header: keep the names */
	NC_ALL,      /* every value goes, placeholders too (a Kubernetes Secret's data) */
};

struct name_verdict {
	enum name_class cls;
	int rule;        /* engine rule index */
	bool not_paths;  /* "PWD=/home/x" is a directory: absolute paths are not secrets */
	bool counts;     /* "max_tokens=4096" counts them: a plain number is no secret */
	bool modes;      /* "password_encryption": an algorithm or a mode (see value_is_mode()) is no secret */
	bool refs;       /* "existingSecret": a Kubernetes object's or key's name (see value_is_ref_name()) is none */
	uint8_t paths;   /* a file's path is no secret: PATH_* (see value_is_path_ref()) */
};

/* How a name's value may be a reference to a file, not the secret (name_verdict.paths). */
enum {
	PATH_NONE,
	PATH_FILE,    /* GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp/sa.json, <privateKey>~/.ssh/id_rsa */
	PATH_COMMAND, /* credential_process = /usr/local/bin/aws-vault export prod: a program, its arguments */
	PATH_ID,      /* systemd's LoadCredential=ID[:PATH] */
};

/* A verdict of nothing to redact. */
#define NO_VERDICT ((struct name_verdict){ .cls = NC_NONE, .rule = -1 })

/* Judge a key name ("DB_PASSWORD", "spring.mail.password", "x-api-key") by its end, whatever its length. */
struct name_verdict name_classify(const char *name, size_t len);
/*
 * What a mapping's key says about its siblings (KR_* bits): it names a
 * name/value pair ("name", "Key", "ParameterKey"), it holds the pair's
 * value ("value", "ParameterValue"), or it holds the value of the key that
 * names the mapping ("password": {"value": ...}, "token": {"current": ...}),
 * or it types the pair ({"type": "password", "value": ...}: Keycloak's
 * credentials), which names it only when the type is a secret's name.
 */
enum { KR_NAME = 1, KR_VALUE = 2, KR_HELD = 4, KR_TYPE = 8 };
unsigned key_role(const char *key, size_t len);
/* The length of our label "[REDACTED:rule-id]" at p, or 0. */
size_t label_len(const char *p, size_t len);
/* Does p[0, len) hold a whole label of ours (not only its start)? */
bool holds_label(const char *p, size_t len);
/* Empty, or made only of our own labels: redacted already. */
bool value_is_redacted(const char *v, size_t len);
/* A placeholder that must stay ("********", "${DB_PASSWORD}", "<changeme>", "xxx", ""). */
bool value_is_placeholder(const char *v, size_t len);
/*
 * Is v the name of an algorithm or a mode ("scram-sha-256", "sha512",
 * "on_create"), in any case? What a setting about a password says
 * ("password_encryption", "update_password"), where a password would not be.
 */
bool value_is_mode(const char *v, size_t len);
/*
 * Is v a file's path as how (PATH_*) allows: absolute ("/", "~/", "${x}/",
 * "C:\\") with two parts or more, of path characters only; for PATH_COMMAND
 * arguments may follow it; for PATH_ID an ID, maybe then ':' and a path.
 */
bool value_is_path_ref(const char *v, size_t len, unsigned how);
/*
 * Is v what a key that names a secret by reference holds (Helm's
 * "existingSecret: app-db-secret", "adminPasswordKey: admin-password")? A
 * Kubernetes name: lower case, digits, '-' and '.', with a '-' or a '.' in
 * it, or letters alone ("regcred"); "hunter2" is none.
 */
bool value_is_ref_name(const char *v, size_t len);
/* An AWS resource name ("arn:aws:secretsmanager:...:secret:db-AbCdEf"): an identifier, no secret. */
bool value_is_arn(const char *v, size_t len);
/* Random-looking enough to be a key or token (for weak names and the entropy rule). */
bool value_looks_secret(const char *v, size_t len);
/* Passing checks for the built-in patterns. */
bool check_not_example(const char *s, size_t len);
bool check_token_body(const char *s, size_t len);
bool check_b64_private_key(const char *s, size_t len);
bool check_mixed_token(const char *s, size_t len);
bool check_vault_token(const char *s, size_t len);
bool check_password_hash(const char *s, size_t len);
bool check_sasl_response(const char *s, size_t len);
bool check_query_token(const char *s, size_t len);
bool check_high_entropy(const char *s, size_t len);

/* ---- scanning (scan.c) ---- */

enum repl_kind {
	RK_LABEL,    /* [REDACTED:rule] */
	RK_QLABEL,   /* "[REDACTED:rule]": a whole plain YAML value, which must stay a string */
	RK_PSEUDO,   /* a pseudonym of the value */
};

struct match {
	size_t start, end;
	uint16_t rule;
	uint8_t kind;
	uint8_t pii;
	bool shape; /* found by its shape (a pattern), not by its place (a password field) */
	bool fenced; /* a quoted literal's inside: a match from inside it goes on after it only */
};

/* What the text layer remembers between lines (multi-line constructs). */
enum text_state {
	TS_NONE,
	TS_PEM,      /* inside a private key block: body lines go */
	TS_BLOCK,    /* a YAML block scalar or a continued value of a secret key */
	TS_QUOTE,    /* a quoted secret value spanning lines */
	TS_XML,      /* an XML element of a secret, its text (or CDATA) on the lines below its start tag */
	TS_COUNTED,  /* a counted body (PuTTY's "Private-Lines: N"): its base64 lines go */
	TS_XML_TAG,  /* a start tag naming a secret (key="DbPassword") whose value= is on a line below */
};

enum fmt {
	F_TEXT,
	F_JSON,
	F_JSONL,
	F_YAML,
	F_ENV,
	F_INI,
	F_PROPERTIES,
	F_NETRC,
	F_PGPASS,
};

#define CSV_COLS 8

/* The state between lines. stream.c's tc_same() weighs every field: add new ones there. */
/*
 * A list that is a command line (["mysql", "-uroot", "-pX"]), item by
 * item: its command (1 + an index of scan.c's table of them, 0 if none
 * yet), or the part of a command's name seen so far ("docker", "login"),
 * how the option just seen takes the next item as its password (CO_*),
 * and how this item holds one: from off on, as how says (0: none).
 */
struct cli_items {
	uint16_t tool, part;
	uint8_t part_len, next, how;
	size_t off;
};

struct textctx {
	enum fmt fmt;
	enum text_state state;
	uint16_t rule;       /* label of the block being dropped */
	size_t indent;       /* TS_BLOCK: lines indented more than this belong to it */
	char quote;          /* TS_QUOTE */
	bool label_done;     /* the block's label line has been written */
	bool continued;      /* TS_BLOCK for a backslash-continued value */
	bool quoted_label;   /* TS_BLOCK of a plain YAML value: its label is quoted */
	uint16_t brackets;   /* TS_BLOCK of a bracket's members: how many are open ("[", "{") */
	unsigned qlines;     /* TS_QUOTE, TS_XML: lines dropped so far; TS_XML_TAG: lines read */
	bool cdata;          /* TS_XML: the text is a CDATA section, which "]]>" ends */
	unsigned left;       /* TS_COUNTED: body lines still to come */
	uint8_t pem_words;   /* TS_PEM: words before "-----BEGIN" on its line (a log line's prefix)... */
	uint32_t pem_shape;  /* ...and their shape (scan.c prefix_shape()) */
	uint32_t pem_key;    /* TS_PEM in JSON lines: the hash of the key whose value began it (0: none) */
	bool netrc_secret;   /* netrc: the next word is a password */
	bool netrc_login;    /* netrc: the next word is a user name */
	bool sasl_next;      /* a protocol log: the next line is a SASL answer ("334 UGFzc3dvcmQ6") */
	uint8_t expect;      /* expect: 1, the next line's send answers a password prompt; 2, in "expect {" */
	bool embedded;       /* a value inside JSON/YAML: no multi-line states of its own */
	bool xml;            /* text of an XML file (.xml, .config): elements span lines */
	bool conf;           /* text of a configuration file (.conf): "name value" directives */
	bool shell;          /* shell command lines (a history, a script): NAME=value ends at a blank */
	bool vpn_auth;       /* an OpenVPN auth-user-pass file: its second line is a password */
	uint8_t secret_map;  /* a file of secrets by its name (enum secret_map), or SM_NONE */
	/*
	 * A CSV or TSV file (csv_sep ',' or '\t'): the columns its header
	 * (line 1) names as secrets, and the verdicts on their names. Only
	 * the first CSV_COLS such columns are remembered.
	 */
	char csv_sep;
	uint8_t csv_n;
	uint16_t csv_col[CSV_COLS];
	struct name_verdict csv_v[CSV_COLS];
	bool fixed_line;     /* a decoded value: its lines are not input lines */
	/*
	 * YAML read as lines: is this document a Kubernetes Secret (1), not one
	 * (0), or unknown (-1: its end is not read yet)? Inside its data and
	 * stringData blocks values go (when unknown: those that look base64).
	 */
	int8_t k8s_secret;
	bool k8s_data;
	size_t k8s_indent;
	/*
	 * YAML read as lines: a key named by a plural of a secret's name
	 * ("passwords:") at column held_indent lends held to the values of
	 * its mapping's keys, at held_col (SIZE_MAX: its first key not read yet).
	 * HCL too: a "tokens {" block, or (held_default) only the default of
	 * a Terraform variable "db_password" { default = x }.
	 */
	bool held_on, held_default;
	struct name_verdict held;
	size_t held_indent, held_col;
	/* YAML read as lines: a block sequence at column cli_col that is a command line */
	struct cli_items cli;
	size_t cli_col;
	/*
	 * YAML read as lines: a key with no value on its line ("password:",
	 * at column seq_indent) judges the scalar items of a sequence below
	 * it (at seq_col; SIZE_MAX: none read yet), as the document walk does.
	 */
	bool seq_on;
	struct name_verdict seq;
	size_t seq_indent, seq_col;
	/* YAML read as lines: a pair's name ("- name: DB_PASSWORD") judges its "value:" */
	struct name_verdict pair;
	size_t pair_col;     /* the name key's column: the value key's too */
	/*
	 * A line that lends its verdict to a value on the next: a JSON key
	 * that ends it ('"password":', pretty-printed in a log), and in YAML
	 * read as lines a flag item ("- --db-password") for the next item at
	 * next_col, a complex key ("? password") for the ": value" there, in XML
	 * a name element or a secret's element for the value element below.
	 */
	enum next_kind { NX_NONE, NX_JSON, NX_ITEM, NX_KEY, NX_XML_NAME, NX_XML_PARENT } next_kind;
	struct name_verdict next;
	size_t next_col;
	struct name_verdict tag; /* TS_XML_TAG: the verdict on the name its value= goes with */
};

struct lane; /* stream.c: where a scanner's counts and pseudonyms go */

/*
 * Where a line of a file read as lines stands, for the policy's key paths:
 * in INI the section, in YAML the keys (and sequence items, "*") of the
 * lines above whose blocks hold it, each with its column. broken: deeper
 * than this holds, no path until the top level.
 */
#define KEYPATH_DEPTH 32
struct keypath {
	char section[128];
	uint8_t depth;
	bool broken;
	uint32_t items;              /* bit i: component i is a sequence's item */
	uint16_t col[KEYPATH_DEPTH];
	uint16_t end[KEYPATH_DEPTH]; /* where each component ends in path */
	char path[256];
};

/* Verdicts on key names lately judged: the same keys come back on every line. */
#define NAME_MEMO_SLOTS 128
#define NAME_MEMO_MAX 40
struct name_memo {
	uint64_t hash;   /* 0: empty */
	uint8_t len;
	char name[NAME_MEMO_MAX];
	struct name_verdict v;
};

struct scanner {
	const struct redact_engine *e;
	struct name_memo *memo;      /* NAME_MEMO_SLOTS */
	const uint8_t *on;           /* rules enabled for this stream */
	struct lane *lane;           /* for the report and pseudonyms */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	struct pii_scratch *pii;
	struct pii_match *pm;
	size_t pm_alloc;
	struct rbuf pii_text;        /* a record with its secrets blanked, for the PII scanner */
	struct match *m;
	size_t nm, m_alloc;
	uint8_t *line_rules;         /* rules whose keyword a record holds (A_LINE) */
	uint16_t *line_list;
	size_t nline;
	struct keypath kp;           /* INI's section, YAML's keys above: key paths of lines */
	struct jwalk *jw[4];         /* JSON work areas, one per nesting (JSON in a JSON string) */
	int jnest;
	bool no_triggers;            /* the record holds no trigger: only PII and patterns run */
	struct offsets hits;         /* where the JSON line's triggers start... */
	const char *hits_base;       /* ...in the line here (NULL: not noted) */
	size_t hits_len;
	bool no_assign;              /* SR_NO_ASSIGN for the record being scanned */
	size_t yaml_colon;           /* YAML read as lines: the ':' after the line's key (or SIZE_MAX) */
	bool colon_fields;           /* the record is ':'-separated fields (a file of secrets): no PII holds a ':' */
	char field_sep;              /* the record is fields (':', a CSV header's ','): a value read by its name ends with its field */
	/* scan_lines(): the line after the one being read, in the same block (NULL: none) */
	const char *ahead;
	size_t ahead_len;
	/*
	 * JSON lines (container logs) inside a private key that a value of
	 * an earlier line began: pem_key is the hash of that value's key
	 * (0: none), pem_body that a value under it was a body line. Set
	 * by scan.c's one_line() around json_redact_doc().
	 */
	uint32_t pem_key;
	uint32_t pem_began;          /* a value of this line began one (the hash of its key) */
	bool pem_body;
	struct jentry {
		uint64_t line;
		uint16_t rule;
	} *journal;
	size_t njournal, ajournal;
	int journal_depth;
	/* PII found over a whole document, used for the values that lie in it */
	struct prescan {
		const char *base;
		size_t len;
		struct pii_match *m;
		size_t n, alloc;
		bool on;
	} pre[4];
	int npre;
	size_t probed_start, probed_end;  /* the last assignment probed */
	uint64_t reveals;            /* labels written, pseudonyms glued to a word: a line to read again */
	struct rbuf fix;             /* scan.c line_fixed(): a line's output redacted again */
	int fixing;                  /* line_fixed() calls under way */
	bool json_whole;             /* one_line() redacted the line as a JSON document */
	int error;                   /* -1 after an internal error (message in errmsg) */
	char errmsg[256];
};

int scanner_init(struct scanner *sc, const struct redact_engine *e, const uint8_t *on,
		 struct lane *lane);
void scanner_reset(struct scanner *sc);
void scanner_release(struct scanner *sc);

/* Record flags for scan_record(). */
enum {
	SR_LINE_KV = 1 << 0,    /* "name = rest of line" at the start is an assignment */
	SR_NO_PII = 1 << 1,
	SR_NO_ASSIGN = 1 << 2,  /* no "name = value" probes (YAML structure between values) */
};

/*
 * Redact one record (a line without its newline, or one decoded value) and
 * append the result to out. lineno is used for the report. Returns 0, or -1
 * on an internal error (sc->errmsg) or out-of-memory.
 */
int scan_record(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
		struct rbuf *out, uint64_t lineno, unsigned flags);
/*
 * Redact text made of lines (a block of lines or one multi-line value),
 * keeping multi-line state in tc. Each line's newline is kept. lineno is the
 * line of p[0] and is advanced.
 */
int scan_lines(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
	       struct rbuf *out, uint64_t *lineno);
/*
 * Lines read with the next (scan_lines() reads them together when it has
 * both): a CRI log's partial record, an XML tag whose value= comes before
 * its key= on the next line, a YAML "- value: x" before its "name:".
 * HOLD_MAX bytes of them at most are held back for their next line.
 */
#define HOLD_MAX (64 * 1024)
bool line_wants_next(const struct textctx *tc, const char *p, size_t len);
/*
 * How much of p[0, n) (whole lines) to redact now: its last lines that want
 * their next one are held back, up to HOLD_MAX bytes (0: all are held).
 */
size_t lines_ready(const struct textctx *tc, const char *p, size_t n);
/*
 * The value of a key as a whole: when the key (name, or key path) makes the
 * value secret, append its replacement text (unquoted) to out and return the
 * rule index; return -1 when the value must be scanned as text instead.
 * For an Authorization value the scheme is kept ("Bearer [REDACTED:...]").
 */
int scan_keyed_value(struct scanner *sc, const char *key, size_t klen, const char *path,
		     const char *v, size_t vlen, struct rbuf *out, uint64_t lineno);
/* Append the pseudonym of v (of PII kind) to out, remembering it for the site. 0 or -1. */
int stream_pseudonym(struct lane *lane, int kind, const char *v, size_t len, struct rbuf *out);
void stream_prefetch(struct lane *lane, int kind, const char *v, size_t len);
/* A line inside a PEM body: base64, a header ("Proc-Type: ..."), or empty. */
bool pem_body_line(const char *p, size_t len);
/* The hash of a key for textctx.pem_key: never 0. */
static inline uint32_t pem_key_hash(const char *k, size_t n)
{
	return (uint32_t)fnv1a(FNV1A_INIT, k, n) | 1;
}
/* Append "[REDACTED:<id>]". */
void put_label(struct scanner *sc, struct rbuf *out, int rule);
/* Count a redaction by rule on a line (in the journal while one is open). */
void report_hit(struct scanner *sc, int rule, uint64_t lineno);
/* Count it in the stream's report (stream.c). */
void stream_count(struct lane *lane, int rule, uint64_t lineno);
/*
 * Hold counts back while redacting something that may turn out not to parse
 * (and be redacted again another way): begin returns a mark for end, which
 * keeps (commit) or drops what was counted since.
 */
size_t journal_begin(struct scanner *sc);
void journal_end(struct scanner *sc, size_t mark, bool commit);
/* Does a policy key rule name this key or key path? Its rule index, or -1. */
int policy_key_rule(const struct scanner *sc, const char *key, size_t klen, const char *path);

/*
 * Look for PII once over a whole document (a JSON line, a YAML file): the
 * scanner then sees each value with its key ("username": "jdoe"), and
 * records inside [p, p + len) take their PII from it. Pair with
 * pii_prescan_end(). -1 on an internal error.
 */
int pii_prescan(struct scanner *sc, const char *p, size_t len);
void pii_prescan_end(struct scanner *sc);

/* ---- structured documents (json.c, yaml.c) ---- */

/*
 * Where a JSON or YAML walk stands in one mapping or sequence. The key path
 * so far (keys joined by '.', '*' for a sequence's items) is kept in one
 * buffer; each frame remembers its part of it.
 */
struct node_frame {
	bool map;
	bool secret_map;         /* a mapping with "kind: Secret" */
	bool secret_data;        /* at or under a Secret's data or stringData */
	bool tf_random;          /* under a Terraform random_password's instances or values (see node_value()) */
	uint8_t key_role;        /* KR_* of the current key (a mapping's) */
	size_t path_len;         /* the path's length before this frame's key (or "*") */
	size_t key_off, key_len; /* the key that names this frame's values, within the path */
	size_t held_off, held_len; /* the key that names this mapping, within the path */
	size_t start;            /* where the collection starts: its identity among the Secrets */
	/*
	 * Verdicts lent by a sibling: a mapping's pair name ("name:
	 * DB_PASSWORD") for its value key; in a sequence, a flag naming a
	 * secret ("--db-password") for the next item, and for this one.
	 */
	struct name_verdict pair, next, item;
	struct cli_items cli;     /* a sequence that is a command line */
};

/*
 * Enter a collection below parent (NULL at the top). secrets, if not NULL,
 * lists the starts of the Secret mappings (and of Terraform state's
 * random_password and random_string resources). 0, or -1 on out-of-memory.
 */
int node_enter(struct node_frame *f, struct node_frame *parent, struct rbuf *path, bool map,
	       size_t start, const struct offsets *secrets);
/* The key of a mapping's next value: the path becomes the frame's prefix, '.', the key. */
void node_set_key(struct node_frame *f, struct rbuf *path, const char *key, size_t len);
/*
 * A pair's name ("DB_PASSWORD", "/prod/db/password"), judged as a key
 * name: NC_NONE when it does not make its value secret, or is no name.
 */
struct name_verdict node_name_verdict(struct scanner *sc, const char *v, size_t len);
/*
 * Note a scalar value of frame f for its siblings, before it is judged: a
 * pair's name, or a sequence's item (a flag, or the value after one).
 */
void node_note(struct scanner *sc, struct node_frame *f, const char *v, size_t vlen);
/*
 * A scalar value in frame f (NULL at the top): when a Secret, its key or a
 * verdict lent by a sibling (see node_frame) makes it go whole, append the
 * replacement to out and return the rule; -1 when it is to be redacted as
 * text (or on error: sc->error).
 */
int node_value(struct scanner *sc, const struct node_frame *f, struct rbuf *path, const char *v,
	       size_t vlen, struct rbuf *out, uint64_t lineno);
bool value_unchanged(struct scanner *sc, const struct node_frame *f, const char *key, size_t klen,
		     const char *v, size_t vlen);

/*
 * Redact a whole JSON document (or one JSON line). Returns 1 if p was valid
 * JSON and its redaction was appended to out, 0 if it is not JSON (out
 * untouched), -1 on an internal error.
 */
int json_redact_doc(struct scanner *sc, const char *p, size_t len, struct rbuf *out,
		    uint64_t lineno);
/*
 * Redact one line of JSON text without parsing the document (for documents
 * too large to hold): string values by their key, numbers after secret keys.
 */
int json_redact_line(struct scanner *sc, struct textctx *ltc, const char *p, size_t len, struct rbuf *out,
		     uint64_t lineno);
/* Same contract as json_redact_doc(), for a YAML stream. */
int yaml_redact_doc(struct scanner *sc, const char *p, size_t len, struct rbuf *out);

/*
 * Text with a JSON object in it (a log line's tail): the quoted name at
 * [ns, ne) is the value of a pair's name member ("name": "DB_PASSWORD").
 * Find the pair's value member in the same object, before or after it, and
 * set [*vs, *ve) to its bytes (a string's without its quotes). False when
 * there is none, or what is around is no JSON object.
 */
bool json_pair_value(const char *p, size_t len, size_t ns, size_t ne, size_t *vs, size_t *ve);
/* Free the scanner's JSON work areas (wiping them). */
void json_release(struct scanner *sc);
/* Append v as the body of a JSON string (escaped, without the quotes). */
void json_escape(struct rbuf *out, const char *v, size_t len);

#endif
