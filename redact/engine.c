// SPDX-License-Identifier: MIT
/*
 * engine.c - build the immutable engine: rules, trigger prefilter, PII scanner
 *
 * Rules are indexed: built-in secret rules (enum builtin_rule), then one per
 * PII kind, then the policy's rules in their order. Every rule that can be
 * found by a literal registers its triggers; scanning a record looks for all
 * triggers in one pass over its bytes (a bit per hashed, lower-cased
 * trigram, confirmed by an exact table) and runs only the rules whose trigger
 * occurs, anchored at the trigger.
 */
#include <stdlib.h>
#include <sched.h>
#include <unistd.h>
#include <string.h>
#include <sodium.h>

#include "internal.h"

static const char *const pii_summaries[PII_KIND_COUNT] = {
	[PII_EMAIL] = "e-mail addresses (pseudonymised)",
	[PII_IPV4] = "IPv4 addresses, not version strings (pseudonymised, subnets kept together)",
	[PII_IPV6] = "IPv6 addresses (pseudonymised)",
	[PII_MAC] = "MAC addresses (pseudonymised)",
	[PII_PHONE] = "phone numbers (pseudonymised)",
	[PII_CARD] = "payment card numbers that pass the Luhn check (pseudonymised)",
	[PII_SSN] = "US social security numbers in valid ranges (pseudonymised)",
	[PII_IBAN] = "IBANs that pass the mod-97 check (pseudonymised)",
	[PII_HOSTNAME] = "host names under internal domains (pseudonymised, depth kept)",
	[PII_USERNAME] = "local user names, known or named by context (pseudonymised)",
};

/* Triggers that start code rather than a pattern, each: literals, action, rule. */
static const struct {
	const char *lits;
	enum trig_action action;
	int rule;
} extra_triggers[] = {
	{ "-----BEGIN", A_PEM, R_PRIVATE_KEY },
	{ "://", A_URL, R_URL_CREDENTIALS },
	/* Go's MySQL DSN: user:PASS@tcp(host)/db, @unix(socket), and @(host) with a host's first byte */
	{ "~@tcp(|~@tcp4(|~@tcp6(|~@unix(|@([|@(0|@(1|@(2|@(3|@(4|@(5|@(6|@(7|@(8|@(9|~@(a|~@(b|~@(c|"
	  "~@(d|~@(e|~@(f|~@(g|~@(h|~@(i|~@(j|~@(k|~@(l|~@(m|~@(n|~@(o|~@(p|~@(q|~@(r|~@(s|~@(t|~@(u|"
	  "~@(v|~@(w|~@(x|~@(y|~@(z",
	  A_URL, R_URL_CREDENTIALS },
	/* ... and user:PASS@/db, at the default address */
	{ "~@/a|~@/b|~@/c|~@/d|~@/e|~@/f|~@/g|~@/h|~@/i|~@/j|~@/k|~@/l|~@/m|~@/n|~@/o|~@/p|~@/q|"
	  "~@/r|~@/s|~@/t|~@/u|~@/v|~@/w|~@/x|~@/y|~@/z|@/_|@/0|@/1|@/2|@/3|@/4|@/5|@/6|@/7|@/8|@/9",
	  A_URL, R_URL_CREDENTIALS },
	/*
	 * Some start past a word's beginning, where their first three bytes
	 * are rarer (each start the prefilter knows costs every record):
	 * "is-cli" of "redis-cli", "etx" of "setx", "-ItemProperty" of
	 * "Set-ItemProperty" (scan.c's cli_tools[] says how far), "-Lines:"
	 * of "Private-Lines:", "fied by" of "identified by".
	 */
	{ "~mysql|~mariadb|~sshpass|~curl|~is-cli|~smbclient|~rpcclient|~nssl|~keytool|~htpasswd|~ldap|~snmp",
	  A_CLI_PASS, R_PASSWORD },
	{ "~docker login|~podman login|~nerdctl login|~buildah login|~skopeo login|~helm registry login|"
	  "~az login|~ipmitool|~racadm|~sqlcmd|~bcp|~osql|~mongo|~lftp|~schtasks|~net use|~rabbitmqctl|"
	  "~net.exe use|~net.exe\" use|~sexec|~dsquery|~dsget|~dsmod|~dsadd|~dsrm|~dsmove|~etx|~eg add|~-ItemProperty|"
	  "PDO->__construct(|PDO::__construct(|createPdoConnection(|mysqli->real_connect(|"
	  "mysqli->__construct(|mysqli_connect(|mysqli_real_connect(|Login incorrect|Login OK: [|"
	  "~ConvertTo-SecureString|~sqlplus|~dgmgrl|~expdp|~impdp|~sqlldr|~exp |~imp |~rman|~userid=|~connect |~conn |~vault login|~sudo|~chpasswd|~kinit|~passwd|~smbpasswd|~adcli|~cryptsetup",
	  A_CLI_PASS, R_PASSWORD },
	{ "~bearer ", A_BEARER, R_AUTHORIZATION },
	/* AUTH LOGIN: "Username:", "Password:" in base64 (some servers write them in lower case) */
	{ "334 VXNlcm5hbWU6|334 UGFzc3dvcmQ6|334 dXNlcm5hbWU6|334 cGFzc3dvcmQ6", A_SMTP, R_CREDENTIAL },
	{ "-Lines:|-MAC:|-Hash:", A_PPK, R_PUTTY_PRIVATE_KEY },
	{ "~machine ", A_NETRC, R_PASSWORD },
	{ "~expect ", A_EXPECT, R_PASSWORD },
	{ "~fied by|~fied with|~password", A_SQL, R_PASSWORD },
	{ "~pass|~pwd|~pw=|~pw:|~pw\"|~pw'|~pw>|~pw |~pw\t|~secret|~token|~key|~cred|~auth|~cookie|~sig|~session|~sid|~encrypt=|~encrypt:|~encrypt\"|~encrypt |~salt",
	  A_ASSIGN, R_PASSWORD },
	/* password in other languages ("Passwort" and "mot de passe" have "pass") */
	{ "~kennwort|~wachtwoord|~contrase|~senha|~salasana", A_ASSIGN, R_PASSWORD },
	/* and in UTF-8 (names.c password_words[]): "ароль" is "пароль" and "Пароль" */
	{ "~has\xc5\x82o|~has\xc5\x81o|\xc5\x9fifre|\xc5\x9eifre|~l\xc3\xb6senord|~l\xc3\x96senord|"
	  "~jelsz\xc3\xb3|~jelsz\xc3\x93|\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c|"
	  "\xd0\x90\xd0\xa0\xd0\x9e\xd0\x9b\xd0\xac|\xe5\xaf\x86\xe7\xa0\x81|"
	  "\xe5\xaf\x86\xe7\xa2\xbc|\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf|"
	  "\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88",
	  A_ASSIGN, R_PASSWORD },
};

size_t builtin_total(void)
{
	return R_BUILTIN_COUNT + PII_KIND_COUNT;
}

const char *builtin_id(size_t i)
{
	if (i < R_BUILTIN_COUNT)
		return builtin_rules[i].id;
	return pii_kind_name((enum pii_kind)(i - R_BUILTIN_COUNT));
}

int builtin_index(const char *id)
{
	for (size_t i = 0; i < builtin_total(); i++)
		if (!strcmp(builtin_id(i), id))
			return (int)i;
	return -1;
}

void strv_release(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Copy n strings (or a NULL-terminated list when n is SIZE_MAX); NULL on OOM. */
static char **strv_copy(const char *const *src, size_t n, size_t *outn)
{
	char **v;

	if (n == SIZE_MAX)
		for (n = 0; src && src[n]; n++)
			;
	*outn = n;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			strv_release(v, i);
			return NULL;
		}
	}
	return v;
}

static int compile(struct rule *r, const char *pattern, uint32_t options, struct redact_err *err)
{
	int code;
	PCRE2_SIZE off;

	r->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &code, &off,
			      NULL);
	if (!r->re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		rerr_set(err, NULL, 0, 0, "rule '%s': bad pattern at offset %zu: %s", r->id,
			 (size_t)off, (char *)msg);
		return -1;
	}
	/* Without JIT (some architectures) the interpreter does the same work, slower. */
	pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	return 0;
}

static uint32_t trigram(const char *s)
{
	return (uint32_t)lower_ascii((unsigned char)s[0]) << 16 |
	       (uint32_t)lower_ascii((unsigned char)s[1]) << 8 |
	       (uint32_t)lower_ascii((unsigned char)s[2]);
}

static int add_trigger(struct redact_engine *e, size_t *alloc, const char *lit, size_t len,
		       bool caseless, enum trig_action action, size_t rule, uint8_t back, bool word)
{
	struct trigger *t;

	if (e->ntrig == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 64;
		struct trigger *p = realloc(e->trig, n * sizeof(*p));

		if (!p)
			return -1;
		e->trig = p;
		*alloc = n;
	}
	t = &e->trig[e->ntrig];
	memset(t, 0, sizeof(*t));
	t->lit = rstrndup(lit, len);
	if (!t->lit)
		return -1;
	t->len = (uint8_t)len;
	t->caseless = caseless;
	t->action = action;
	t->rule = (uint16_t)rule;
	t->back = back;
	t->word = word;
	e->ntrig++;
	return 0;
}

/* Register '|'-separated literals ("~" prefix: caseless). */
static int add_trigger_list(struct redact_engine *e, size_t *alloc, const char *lits,
			    enum trig_action action, size_t rule, uint8_t back)
{
	while (*lits) {
		size_t n = strcspn(lits, "|");
		bool caseless = *lits == '~';

		if (add_trigger(e, alloc, lits + caseless, n - caseless, caseless, action, rule, back,
				false))
			return -1;
		lits += n + (lits[n] == '|');
	}
	return 0;
}

static int cmp_trigger(const void *a, const void *b)
{
	const struct trigger *x = a, *y = b;
	uint32_t kx = trigram(x->lit), ky = trigram(y->lit);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	/* longer literals first: "password" is tried before "pass" */
	return (int)y->len - (int)x->len;
}

/*
 * Set bits in a pair table for b0 b1 in either letter case: at b0 << 8 | b1,
 * or with host_order at the two bytes read as a uint16_t (see internal.h).
 */
static void pair_set(uint8_t *pair, int b0, int b1, uint8_t bits, bool host_order)
{
	for (int c0 = 0; c0 < 2; c0++) { /* lower and upper case of the first two bytes */
		for (int c1 = 0; c1 < 2; c1++) {
			unsigned char two[2] = { (unsigned char)lower_ascii(b0), (unsigned char)lower_ascii(b1) };
			uint16_t k;

			if (c0 && two[0] >= 'a' && two[0] <= 'z')
				two[0] -= 32;
			if (c1 && two[1] >= 'a' && two[1] <= 'z')
				two[1] -= 32;
			if (host_order)
				memcpy(&k, two, 2);
			else
				k = (uint16_t)(two[0] << 8 | two[1]);
			pair[k] |= bits;
		}
	}
}

static int build_prefilter(struct redact_engine *e)
{
	size_t distinct = 0, nslots = 16;

	qsort(e->trig, e->ntrig, sizeof(*e->trig), cmp_trigger);
	for (size_t i = 0; i < e->ntrig; i++)
		if (!i || trigram(e->trig[i].lit) != trigram(e->trig[i - 1].lit))
			distinct++;
	while (nslots < distinct * 2)
		nslots *= 2;
	e->slots = calloc(nslots, sizeof(*e->slots));
	if (!e->slots)
		return -1;
	e->slot_mask = (uint32_t)nslots - 1;
	for (size_t i = 0; i < e->ntrig;) {
		uint32_t key = trigram(e->trig[i].lit), h = trig_hash(key);
		size_t j = i;

		while (j < e->ntrig && trigram(e->trig[j].lit) == key)
			j++;
		pair_set(e->pair, (int)(key >> 16), (int)(key >> 8) & 0xff, (uint8_t)(1u << (key & 7)), false);
		pair_set(e->pair2, (int)(key >> 16), (int)(key >> 8) & 0xff, (uint8_t)(1u << (key & 7)), true);
		for (uint32_t s = h & e->slot_mask;; s = (s + 1) & e->slot_mask) {
			if (!e->slots[s].count) {
				e->slots[s].key = key;
				e->slots[s].first = (uint32_t)i;
				e->slots[s].count = (uint32_t)(j - i);
				break;
			}
		}
		i = j;
	}
	for (size_t i = 0; i < e->ntrig; i++) {
		const unsigned char *lit = (const unsigned char *)e->trig[i].lit;

		pair_set(e->pair2, lit[1], lit[2], e->trig[i].len > 3 ? (uint8_t)(1u << (lit[3] & 7)) : 0xff,
			 true);
	}
	return 0;
}

/* Quote a literal for PCRE2 (\Q...\E breaks on an embedded \E, so escape by hand). */
static void regex_quote(struct rbuf *b, const char *s)
{
	for (; *s; s++) {
		if (!is_alnum((unsigned char)*s) && !((unsigned char)*s & 0x80))
			rbuf_addch(b, '\\');
		rbuf_addch(b, *s);
	}
}

static bool use_as_trigger(const char *lit)
{
	size_t n = strlen(lit);

	return n >= 3 && n <= 255;
}

static int add_policy_rule(struct redact_engine *e, size_t *talloc, const struct policy_rule *pr,
			   struct redact_err *err)
{
	struct rule *r = &e->rules[e->nrules];
	size_t idx = e->nrules;
	bool all_triggers = true;

	memset(r, 0, sizeof(*r));
	r->pii = -1;
	r->cls = RC_POLICY;
	r->enabled = true;
	r->id = strdup(pr->id);
	r->group = pr->group;
	if (!r->id)
		goto oom;
	e->nrules++;
	if (pr->npaths && !(r->globs = strv_copy((const char *const *)pr->paths, pr->npaths,
						 &r->nglobs)))
		goto oom;
	if (pr->pattern) {
		r->summary = strdup("policy pattern");
		if (!r->summary || compile(r, pr->pattern, 0, err))
			goto fail;
		for (size_t i = 0; i < pr->nkeywords; i++)
			if (!use_as_trigger(pr->keywords[i]))
				all_triggers = false;
		if (!pr->nkeywords || !all_triggers) {
			r->every_record = true;
		} else {
			for (size_t i = 0; i < pr->nkeywords; i++)
				if (add_trigger(e, talloc, pr->keywords[i], strlen(pr->keywords[i]), true,
						A_LINE, idx, 0, false))
					goto oom;
		}
	} else if (pr->nliterals) {
		struct rbuf b = { 0 };

		r->summary = strdup("policy literals");
		if (!r->summary)
			goto oom;
		for (size_t i = 0; i < pr->nliterals; i++)
			if (!use_as_trigger(pr->literals[i]))
				all_triggers = false;
		if (all_triggers) {
			for (size_t i = 0; i < pr->nliterals; i++)
				if (add_trigger(e, talloc, pr->literals[i], strlen(pr->literals[i]),
						pr->ignore_case, A_LITERAL, idx, 0, true))
					goto oom;
		} else {
			/* short literals cannot be triggers: one pattern, run on every record */
			rbuf_addstr(&b, pr->ignore_case ? "(?i)(?<![A-Za-z0-9])(?:" :
							  "(?<![A-Za-z0-9])(?:");
			for (size_t i = 0; i < pr->nliterals; i++) {
				if (i)
					rbuf_addch(&b, '|');
				regex_quote(&b, pr->literals[i]);
			}
			rbuf_addstr(&b, ")(?![A-Za-z0-9])");
			rbuf_addch(&b, '\0');
			if (b.oom || compile(r, b.buf, 0, err)) {
				rbuf_release(&b);
				goto fail;
			}
			rbuf_release(&b);
			r->every_record = true;
		}
	} else {
		r->summary = strdup("policy key names and paths");
		if (!r->summary)
			goto oom;
		if (!(r->keys = strv_copy((const char *const *)pr->keys, pr->nkeys, &r->nkeys)))
			goto oom;
		e->has_keys = true;
		/* a key name is also a trigger: "customer_ref=..." in free text */
		for (size_t i = 0; i < pr->nkeys; i++) {
			const char *last = strrchr(pr->keys[i], '.');

			last = last ? last + 1 : pr->keys[i];
			if (!strchr(last, '*') && use_as_trigger(last) &&
			    add_trigger(e, talloc, last, strlen(last), true, A_ASSIGN, idx, 0, false))
				goto oom;
		}
	}
	return 0;
oom:
	rerr_set(err, NULL, 0, 0, "out of memory");
fail:
	return -1;
}

static int apply_policy_builtins(struct redact_engine *e, const struct redact_policy *pol,
				 struct redact_err *err)
{
	for (size_t i = 0; i < pol->nbuiltins; i++) {
		const struct policy_builtin *pb = &pol->builtins[i];
		int idx = builtin_index(pb->id);
		struct rule *r;

		if (idx < 0) {
			rerr_set(err, NULL, 0, 0, "unknown built-in rule '%s'", pb->id);
			return -1;
		}
		r = &e->rules[idx];
		if (pb->enabled >= 0)
			r->enabled = pb->enabled;
		if (pb->npaths) {
			strv_release(r->globs, r->nglobs);
			r->globs = strv_copy((const char *const *)pb->paths, pb->npaths, &r->nglobs);
			if (!r->globs) {
				rerr_set(err, NULL, 0, 0, "out of memory");
				return -1;
			}
		}
	}
	return 0;
}

/* Merge two string lists (config's NULL-terminated one and the policy's). */
static const char **merge_lists(const char *const *a, char **b, size_t nb)
{
	size_t na = 0;
	const char **v;

	while (a && a[na])
		na++;
	v = calloc(na + nb + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < na; i++)
		v[i] = a[i];
	for (size_t i = 0; i < nb; i++)
		v[na + i] = b[i];
	return v;
}

static int build_pii(struct redact_engine *e, const struct redact_config *cfg, struct redact_err *err)
{
	const struct redact_policy *pol = cfg->policy;
	struct pii_options opts = { 0 };
	const char **domains, **users;
	char msg[256] = "";
	int rc;

	for (int k = 0; k < PII_KIND_COUNT; k++)
		if (e->rules[e->pii_rule[k]].enabled)
			opts.enabled |= 1u << k;
	e->pii_enabled = opts.enabled;
	if (!opts.enabled)
		return 0;
	domains = merge_lists(cfg->internal_domains, pol ? pol->internal_domains : NULL,
			      pol ? pol->ninternal_domains : 0);
	users = merge_lists(cfg->usernames, pol ? pol->usernames : NULL, pol ? pol->nusernames : 0);
	if (!domains || !users) {
		free(domains);
		free(users);
		rerr_set(err, NULL, 0, 0, "out of memory");
		return -1;
	}
	opts.internal_domains = domains;
	opts.usernames = users;
	rc = pii_scanner_new(&e->pii, &opts, msg, sizeof(msg));
	free(domains);
	free(users);
	if (rc) {
		rerr_set(err, NULL, 0, 0, "cannot build the PII scanner: %s", msg);
		return -1;
	}
	return 0;
}

static int build_info(struct redact_engine *e)
{
	e->info = calloc(e->nrules, sizeof(*e->info));
	if (!e->info)
		return -1;
	for (size_t i = 0; i < e->nrules; i++) {
		const struct rule *r = &e->rules[i];

		e->info[i].id = r->id;
		e->info[i].kind = r->cls == RC_SECRET ? "secret" : r->cls == RC_PII ? "pii" : "policy";
		e->info[i].summary = r->summary;
		e->info[i].enabled = r->enabled;
	}
	return 0;
}

int redact_engine_new(struct redact_engine **out, const struct redact_config *cfg,
		      struct redact_err *err)
{
	const struct redact_policy *pol = cfg->policy;
	struct redact_engine *e;
	size_t nrules = builtin_total() + (pol ? pol->nrules : 0), talloc = 0;

	memset(err, 0, sizeof(*err));
	if (!cfg->site_key) {
		rerr_set(err, NULL, 0, 0, "no site key");
		return -1;
	}
	if (nrules > UINT16_MAX) {
		rerr_set(err, NULL, 0, 0, "too many rules");
		return -1;
	}
	/* libsodium's own one-time set-up (idempotent, thread-safe): sodium_malloc needs it */
	if (sodium_init() < 0) {
		rerr_set(err, NULL, 0, 0, "cannot initialise libsodium");
		return -1;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto oom;
	e->rules = calloc(nrules, sizeof(*e->rules));
	e->key = sodium_malloc(sizeof(*e->key));
	if (!e->rules || !e->key)
		goto oom;
	pseudo_key_init(e->key, cfg->site_key);
	e->on_pseudonym = cfg->on_pseudonym;
	e->pseudonym_ctx = cfg->pseudonym_ctx;
	e->threads = cfg->threads ? MIN(cfg->threads, 16u) : 1;
	e->chunk_size = cfg->chunk_size ? MIN(cfg->chunk_size, (size_t)REDACT_LINE_MAX) : REDACT_CHUNK;

	for (size_t i = 0; i < R_BUILTIN_COUNT; i++) {
		const struct builtin_def *d = &builtin_rules[i];
		struct rule *r = &e->rules[i];

		r->pii = -1;
		r->cls = RC_SECRET;
		r->enabled = !d->off;
		r->group = d->group;
		r->check = d->check;
		r->every_record = d->every;
		r->id = strdup(d->id);
		r->summary = strdup(d->summary);
		e->nrules++;
		if (!r->id || !r->summary)
			goto oom;
		if (d->pattern && compile(r, d->pattern, d->every ? 0 : PCRE2_ANCHORED, err))
			goto fail;
		if (d->triggers && add_trigger_list(e, &talloc, d->triggers, A_REGEX, i, d->back))
			goto oom;
	}
	for (int k = 0; k < PII_KIND_COUNT; k++) {
		struct rule *r = &e->rules[e->nrules];

		r->pii = k;
		r->cls = RC_PII;
		r->enabled = true;
		r->id = strdup(pii_kind_name((enum pii_kind)k));
		r->summary = strdup(pii_summaries[k] ? pii_summaries[k] : "personal data");
		e->pii_rule[k] = (int)e->nrules;
		e->nrules++;
		if (!r->id || !r->summary)
			goto oom;
	}
	for (size_t i = 0; i < sizeof(extra_triggers) / sizeof(extra_triggers[0]); i++)
		if (add_trigger_list(e, &talloc, extra_triggers[i].lits, extra_triggers[i].action,
				     (size_t)extra_triggers[i].rule, 0))
			goto oom;
	if (pol) {
		if (apply_policy_builtins(e, pol, err))
			goto fail;
		for (size_t i = 0; i < pol->nrules; i++)
			if (add_policy_rule(e, &talloc, &pol->rules[i], err))
				goto fail;
		if ((pol->nexclude && !(e->exclude = strv_copy((const char *const *)pol->exclude,
							       pol->nexclude, &e->nexclude))) ||
		    (pol->nallow && !(e->allow = strv_copy((const char *const *)pol->allow,
							   pol->nallow, &e->nallow))))
			goto oom;
	}
	e->every = calloc(e->nrules, sizeof(*e->every));
	if (!e->every)
		goto oom;
	for (size_t i = 0; i < e->nrules; i++)
		if (e->rules[i].every_record && e->rules[i].re)
			e->every[e->nevery++] = i;
	if (build_prefilter(e) || build_info(e))
		goto oom;
	if (build_pii(e, cfg, err))
		goto fail;
	*out = e;
	return 0;
oom:
	rerr_set(err, NULL, 0, 0, "out of memory");
fail:
	redact_engine_free(e);
	return -1;
}

void redact_engine_free(struct redact_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nrules; i++) {
		struct rule *r = &e->rules[i];

		free(r->id);
		free(r->summary);
		strv_release(r->globs, r->nglobs);
		strv_release(r->keys, r->nkeys);
		pcre2_code_free(r->re);
	}
	free(e->rules);
	for (size_t i = 0; i < e->ntrig; i++)
		free(e->trig[i].lit);
	free(e->trig);
	free(e->slots);
	free(e->every);
	free(e->info);
	strv_release(e->exclude, e->nexclude);
	strv_release(e->allow, e->nallow);
	if (e->pii)
		pii_scanner_free(e->pii);
	if (e->key)
		sodium_free(e->key);
	free(e);
}

bool redact_path_excluded(const struct redact_engine *e, const char *path)
{
	if (!path)
		return false;
	for (size_t i = 0; i < e->nexclude; i++)
		if (glob_match_path(e->exclude[i], path))
			return true;
	return false;
}

const struct redact_rule_info *redact_engine_rules(const struct redact_engine *e, size_t *n)
{
	*n = e->nrules;
	return e->info;
}

unsigned redact_default_threads(void)
{
	cpu_set_t set;
	long n;

	/* The CPUs this process may run on (taskset, a container's cpuset), else those online. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}
