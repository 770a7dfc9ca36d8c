// SPDX-License-Identifier: MIT
/*
 * policy.c - parse the YAML redaction policy (see samples/policy.yaml)
 *
 *   version: 1
 *   exclude: [GLOB...]              files never collected
 *   internal_domains: [SUFFIX...]   host names under these are pseudonymised
 *   usernames: [NAME...]            user names that are pseudonymised
 *   allow: [VALUE...]               exact values never redacted
 *   builtin:                        built-in rules: on, off, or scoped
 *     RULE-ID: on | off | { enabled: BOOL, paths: [GLOB...] }
 *   rules:                          the site's own rules, each one of:
 *     - { id: ID, pattern: PCRE2, group: N, keywords: [LITERAL...], paths: [...] }
 *     - { id: ID, literals: [WORD...], ignore_case: BOOL, paths: [...] }
 *     - { id: ID, keys: [NAME or KEY.PATH...], paths: [...] }
 *
 * Every error names the line and column of the offending node; unknown keys
 * are errors, so that a typo never silently weakens the policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"

struct pctx {
	yaml_document_t *doc;
	const char *name;
	struct redact_err *err;
};

__attribute__((format(printf, 3, 4)))
static int perr(struct pctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rerr_vset(c->err, c->name, n ? (int)n->start_mark.line + 1 : 0,
		  n ? (int)n->start_mark.column + 1 : 0, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_string(struct pctx *c, const yaml_node_t *n, const char *what, char **out)
{
	const char *s = scalar(n);

	if (!s || strlen(s) != n->data.scalar.length)
		return perr(c, n, "%s must be a string", what);
	if (!*s)
		return perr(c, n, "%s must not be empty", what);
	free(*out);
	*out = strdup(s);
	if (!*out)
		return perr(c, n, "out of memory");
	return 0;
}

static int get_bool(struct pctx *c, const yaml_node_t *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	const char *s = scalar(n);

	for (size_t i = 0; s && yes[i]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return perr(c, n, "%s must be true or false (or on/off)", what);
}

static int get_list(struct pctx *c, const yaml_node_t *n, const char *what, char ***out,
		    size_t *nout)
{
	size_t cnt;
	char **v;

	if (!n || n->type != YAML_SEQUENCE_NODE)
		return perr(c, n, "%s must be a list", what);
	cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return perr(c, n, "out of memory");
	strv_release(*out, *nout);
	*out = v;
	*nout = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const yaml_node_t *item = yaml_document_get_node(c->doc, *it);

		if (get_string(c, item, what, &v[*nout]))
			return -1;
		(*nout)++;
	}
	return 0;
}

#define FOR_PAIRS(c, node, pair, k, v) \
	for (yaml_node_pair_t *pair = (node)->data.mapping.pairs.start; \
	     pair < (node)->data.mapping.pairs.top && \
	     ((k) = yaml_document_get_node((c)->doc, pair->key), \
	      (v) = yaml_document_get_node((c)->doc, pair->value), 1); \
	     pair++)

/* The i-th item of a sequence get_list() has read. */
static const yaml_node_t *item(struct pctx *c, const yaml_node_t *n, size_t i)
{
	return yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
}

static int get_globs(struct pctx *c, const yaml_node_t *n, const char *what, char ***out,
		     size_t *nout)
{
	if (get_list(c, n, what, out, nout))
		return -1;
	for (size_t i = 0; i < *nout; i++) {
		if ((*out)[i][strspn((*out)[i], "/")] == '\0')
			return perr(c, n, "%s: an empty glob matches nothing", what);
		if (!glob_valid((*out)[i]))
			return perr(c, item(c, n, i), "%s: '[' opens a class that does not close in "
				    "'%s' (write [[] for a '[')", what, (*out)[i]);
	}
	return 0;
}

/* A list that may not be empty (a rule that would find nothing, a scope of no file). */
static int get_some(struct pctx *c, const yaml_node_t *n, const char *what, char ***out,
		    size_t *nout, bool globs)
{
	if (globs ? get_globs(c, n, what, out, nout) : get_list(c, n, what, out, nout))
		return -1;
	if (!*nout)
		return perr(c, n, "%s must not be empty", what);
	return 0;
}

/* Key names and key paths: "a.b", "**.b"; no empty part ("a..b", ".a", "a."). */
static int get_keys(struct pctx *c, const yaml_node_t *n, char ***out, size_t *nout)
{
	if (get_some(c, n, "keys", out, nout, false))
		return -1;
	for (size_t i = 0; i < *nout; i++) {
		const char *k = (*out)[i];

		if (k[0] == '.' || k[strlen(k) - 1] == '.' || strstr(k, ".."))
			return perr(c, item(c, n, i), "keys: '%s' has an empty part", k);
	}
	return 0;
}

/*
 * A key given twice in a mapping: libyaml keeps both, and one would silently
 * win over the other.
 */
static int unique_keys(struct pctx *c, const yaml_node_t *map)
{
	yaml_node_t *k, *v;

	FOR_PAIRS(c, map, pair, k, v) {
		const char *key = scalar(k);

		(void)v;
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; key && q < pair; q++) {
			const char *prev = scalar(yaml_document_get_node(c->doc, q->key));

			if (prev && !strcmp(prev, key))
				return perr(c, k, "'%s' is given twice", key);
		}
	}
	return 0;
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > 64 || !is_alnum((unsigned char)id[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)id[i]) && !strchr("-_.", id[i]))
			return false;
	return true;
}

static int parse_builtin(struct pctx *c, struct redact_policy *pol, const yaml_node_t *map)
{
	yaml_node_t *k, *v;

	if (map->type != YAML_MAPPING_NODE)
		return perr(c, map, "builtin must be a mapping of rule ids to on, off or {enabled, paths}");
	pol->builtins = calloc((size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start) + 1,
			       sizeof(*pol->builtins));
	if (!pol->builtins)
		return perr(c, map, "out of memory");
	FOR_PAIRS(c, map, pair, k, v) {
		struct policy_builtin *b = &pol->builtins[pol->nbuiltins];
		const char *id = scalar(k);
		bool on;

		if (!id || builtin_index(id) < 0)
			return perr(c, k, "unknown built-in rule '%s' (see 'diag redact --list-rules')",
				    id ? id : "?");
		for (size_t i = 0; i < pol->nbuiltins; i++)
			if (!strcmp(pol->builtins[i].id, id))
				return perr(c, k, "rule '%s' is configured twice", id);
		b->id = strdup(id);
		b->enabled = -1;
		pol->nbuiltins++;
		if (!b->id)
			return perr(c, k, "out of memory");
		if (v->type == YAML_SCALAR_NODE) {
			if (get_bool(c, v, "a built-in rule", &on))
				return -1;
			b->enabled = on;
			continue;
		}
		if (v->type != YAML_MAPPING_NODE)
			return perr(c, v, "rule '%s' must be on, off or {enabled, paths}", id);
		if (unique_keys(c, v))
			return -1;
		{
			yaml_node_t *k2, *v2;

			FOR_PAIRS(c, v, pair2, k2, v2) {
				const char *key = scalar(k2);

				if (key && !strcmp(key, "enabled")) {
					if (get_bool(c, v2, "enabled", &on))
						return -1;
					b->enabled = on;
				} else if (key && !strcmp(key, "paths")) {
					if (get_some(c, v2, "paths", &b->paths, &b->npaths, true))
						return -1;
				} else {
					return perr(c, k2, "unknown key '%s' (expected enabled or paths)",
						    key ? key : "?");
				}
			}
		}
	}
	return 0;
}

static int check_pattern(struct pctx *c, const yaml_node_t *n, struct policy_rule *r)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off,
				       NULL);
	uint32_t groups = 0;
	char msg[300];

	if (!re) {
		PCRE2_UCHAR pmsg[200];

		pcre2_get_error_message(code, pmsg, sizeof(pmsg));
		snprintf(msg, sizeof(msg), "bad pattern at offset %zu: %s", (size_t)off, (char *)pmsg);
		return perr(c, n, "%s", msg);
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	pcre2_code_free(re);
	if (r->group > groups) {
		snprintf(msg, sizeof(msg), "group %u does not exist in the pattern (it has %u)",
			 r->group, groups);
		return perr(c, n, "%s", msg);
	}
	{
		/* a pattern that matches the empty string would redact nothing but loop */
		pcre2_code *re2 = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, 0, &code,
						&off, NULL);
		pcre2_match_data *md = re2 ? pcre2_match_data_create_from_pattern(re2, NULL) : NULL;
		int rc = md ? pcre2_match(re2, (PCRE2_SPTR)"", 0, 0, 0, md, NULL) : -1;

		pcre2_match_data_free(md);
		pcre2_code_free(re2);
		if (rc >= 0)
			return perr(c, n, "the pattern matches the empty string");
	}
	return 0;
}

static int parse_rule(struct pctx *c, struct redact_policy *pol, const yaml_node_t *n)
{
	struct policy_rule *r = &pol->rules[pol->nrules];
	const yaml_node_t *pattern_node = NULL, *group_node = NULL;
	yaml_node_t *k, *v;
	int kinds = 0;

	if (n->type != YAML_MAPPING_NODE)
		return perr(c, n, "a rule must be a mapping with an id and a pattern, literals or keys");
	pol->nrules++;
	if (unique_keys(c, n))
		return -1;
	FOR_PAIRS(c, n, pair, k, v) {
		const char *key = scalar(k);

		if (!key)
			return perr(c, k, "rule keys must be strings");
		if (!strcmp(key, "id")) {
			if (get_string(c, v, "id", &r->id))
				return -1;
			if (!valid_id(r->id))
				return perr(c, v, "rule id '%s' must be letters, digits, '-', '_', '.' "
					    "(at most 64)", r->id);
			if (builtin_index(r->id) >= 0)
				return perr(c, v, "rule id '%s' is a built-in rule's", r->id);
		} else if (!strcmp(key, "pattern")) {
			if (get_string(c, v, "pattern", &r->pattern))
				return -1;
			pattern_node = v;
			kinds++;
		} else if (!strcmp(key, "literals")) {
			if (get_some(c, v, "literals", &r->literals, &r->nliterals, false))
				return -1;
			kinds++;
		} else if (!strcmp(key, "keys")) {
			if (get_keys(c, v, &r->keys, &r->nkeys))
				return -1;
			kinds++;
		} else if (!strcmp(key, "keywords")) {
			if (get_list(c, v, "keywords", &r->keywords, &r->nkeywords))
				return -1;
		} else if (!strcmp(key, "paths")) {
			if (get_some(c, v, "paths", &r->paths, &r->npaths, true))
				return -1;
		} else if (!strcmp(key, "ignore_case")) {
			if (get_bool(c, v, "ignore_case", &r->ignore_case))
				return -1;
		} else if (!strcmp(key, "group")) {
			const char *s = scalar(v);
			char *end;
			unsigned long g = s ? strtoul(s, &end, 10) : 0;

			if (!s || !*s || *end || g > 99)
				return perr(c, v, "group must be a number from 0 to 99");
			r->group = (uint32_t)g;
			group_node = v;
		} else {
			return perr(c, k, "unknown rule key '%s' (expected id, pattern, group, keywords, "
				    "literals, ignore_case, keys or paths)", key);
		}
	}
	if (!r->id)
		return perr(c, n, "a rule needs an id");
	for (size_t i = 0; i + 1 < pol->nrules; i++)
		if (!strcmp(pol->rules[i].id, r->id))
			return perr(c, n, "rule id '%s' is used twice", r->id);
	if (kinds != 1)
		return perr(c, n, "rule '%s' needs exactly one of pattern, literals or keys", r->id);
	if ((r->nkeywords || group_node) && !r->pattern)
		return perr(c, n, "rule '%s': keywords and group go with a pattern", r->id);
	if (r->ignore_case && !r->nliterals)
		return perr(c, n, "rule '%s': ignore_case goes with literals (use (?i) in a pattern)",
			    r->id);
	if (r->pattern && check_pattern(c, pattern_node, r))
		return -1;
	return 0;
}

static int parse_root(struct pctx *c, struct redact_policy *pol, const yaml_node_t *root)
{
	yaml_node_t *k, *v;

	if (root->type != YAML_MAPPING_NODE)
		return perr(c, root, "a policy is a mapping (see samples/policy.yaml)");
	if (unique_keys(c, root))
		return -1;
	FOR_PAIRS(c, root, pair, k, v) {
		const char *key = scalar(k);

		if (!key)
			return perr(c, k, "policy keys must be strings");
		if (!strcmp(key, "version")) {
			const char *s = scalar(v);

			if (!s || strcmp(s, "1"))
				return perr(c, v, "unsupported policy version '%s' (this diag reads 1)",
					    s ? s : "?");
		} else if (!strcmp(key, "exclude")) {
			if (get_globs(c, v, "exclude", &pol->exclude, &pol->nexclude))
				return -1;
		} else if (!strcmp(key, "internal_domains")) {
			if (get_list(c, v, "internal_domains", &pol->internal_domains,
				     &pol->ninternal_domains))
				return -1;
		} else if (!strcmp(key, "usernames")) {
			if (get_list(c, v, "usernames", &pol->usernames, &pol->nusernames))
				return -1;
		} else if (!strcmp(key, "allow")) {
			if (get_list(c, v, "allow", &pol->allow, &pol->nallow))
				return -1;
		} else if (!strcmp(key, "builtin")) {
			if (parse_builtin(c, pol, v))
				return -1;
		} else if (!strcmp(key, "rules")) {
			size_t n;

			if (v->type != YAML_SEQUENCE_NODE)
				return perr(c, v, "rules must be a list");
			n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
			pol->rules = calloc(n + 1, sizeof(*pol->rules));
			if (!pol->rules)
				return perr(c, v, "out of memory");
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++)
				if (parse_rule(c, pol, yaml_document_get_node(c->doc, *it)))
					return -1;
		} else {
			return perr(c, k, "unknown policy key '%s' (expected version, exclude, "
				    "internal_domains, usernames, allow, builtin or rules)", key);
		}
	}
	return 0;
}

int redact_policy_parse(struct redact_policy **out, const char *yaml, size_t len,
			const char *name, struct redact_err *err)
{
	struct redact_policy *pol = calloc(1, sizeof(*pol));
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct pctx c = { &doc, name, err };
	yaml_node_t *root;
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (!pol) {
		rerr_set(err, name, 0, 0, "out of memory");
		return -1;
	}
	if (memchr(yaml, '\0', len)) {
		rerr_set(err, name, 0, 0, "a policy is text: it holds a NUL byte");
		free(pol);
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rerr_set(err, name, (int)parser.problem_mark.line + 1,
			 (int)parser.problem_mark.column + 1, "%s%s%s",
			 parser.problem ? parser.problem : "invalid YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		free(pol);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root)
		rc = parse_root(&c, pol, root);
	else
		rc = 0; /* an empty policy: the built-ins as they are */
	if (!rc) {
		if (!yaml_parser_load(&parser, &extra)) {
			rerr_set(err, name, (int)parser.problem_mark.line + 1,
				 (int)parser.problem_mark.column + 1, "%s",
				 parser.problem ? parser.problem : "invalid YAML");
			rc = -1;
		} else {
			if (yaml_document_get_root_node(&extra)) {
				rerr_set(err, name, (int)extra.start_mark.line + 1,
					 (int)extra.start_mark.column + 1,
					 "a policy is one YAML document, not several");
				rc = -1;
			}
			yaml_document_delete(&extra);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc) {
		redact_policy_free(pol);
		return -1;
	}
	*out = pol;
	return 0;
}

void redact_policy_free(struct redact_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->nbuiltins; i++) {
		free(pol->builtins[i].id);
		strv_release(pol->builtins[i].paths, pol->builtins[i].npaths);
	}
	free(pol->builtins);
	for (size_t i = 0; i < pol->nrules; i++) {
		struct policy_rule *r = &pol->rules[i];

		free(r->id);
		free(r->pattern);
		strv_release(r->keywords, r->nkeywords);
		strv_release(r->literals, r->nliterals);
		strv_release(r->keys, r->nkeys);
		strv_release(r->paths, r->npaths);
	}
	free(pol->rules);
	strv_release(pol->exclude, pol->nexclude);
	strv_release(pol->internal_domains, pol->ninternal_domains);
	strv_release(pol->usernames, pol->nusernames);
	strv_release(pol->allow, pol->nallow);
	free(pol);
}
