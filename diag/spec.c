// SPDX-License-Identifier: MIT
/*
 * spec.c - parse and validate the YAML collection spec (see spec.h)
 *
 * libyaml's document API gives every node its line and column, so every
 * error names file:line:column. Validation is strict: unknown keys,
 * duplicate keys, wrong types, relative paths and unknown placeholders are
 * errors, with a "did you mean" for near misses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "diag/collectors.h"
#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/spec.h"
#include "diag/strbuf.h"
#include "diag/util.h"

#define SPEC_MAX_BYTES (1u << 20)
#define NAME_MAX_LEN 64
#define DEFAULT_MAX_DEPTH 32

static const char *const kind_names[] = { "file", "command", "system" };

const char *spec_kind_name(enum spec_kind kind)
{
	return kind_names[kind];
}

struct parse {
	const char *name;
	yaml_document_t *doc;
	struct spec *spec;
};

PRINTF_LIKE(3, 4)
static int perr(const struct parse *p, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node)
		return error("'%s':%zu:%zu: %s", p->name, node->start_mark.line + 1,
			     node->start_mark.column + 1, msg);
	return error("'%s': %s", p->name, msg);
}

static yaml_node_t *node_at(const struct parse *p, int index)
{
	return yaml_document_get_node(p->doc, index);
}

/* Levenshtein distance, small strings only. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[32], cur[32];

	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

			cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), sub);
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

static const char *suggest(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; known[i]; i++) {
		size_t d = edit_distance(key, known[i]);

		if (d < best_d) {
			best_d = d;
			best = known[i];
		}
	}
	return best;
}

static int unknown_key(const struct parse *p, const yaml_node_t *key, const char *where,
		       const char *const *known)
{
	const char *k = (const char *)key->data.scalar.value;
	const char *s = suggest(k, known);

	if (s)
		return perr(p, key, "unknown key '%s' in %s (did you mean '%s'?)", k, where, s);
	return perr(p, key, "unknown key '%s' in %s", k, where);
}

static int want_scalar(const struct parse *p, const yaml_node_t *node, const char *what,
		       const char **out)
{
	if (node->type != YAML_SCALAR_NODE)
		return perr(p, node, "%s must be a string", what);
	if (strlen((const char *)node->data.scalar.value) != node->data.scalar.length)
		return perr(p, node, "%s contains a NUL byte", what);
	*out = (const char *)node->data.scalar.value;
	return 0;
}

static int want_nonempty(const struct parse *p, const yaml_node_t *node, const char *what,
			 const char **out)
{
	if (want_scalar(p, node, what, out) < 0)
		return -1;
	if (!**out)
		return perr(p, node, "%s is empty", what);
	return 0;
}

static int want_bool(const struct parse *p, const yaml_node_t *node, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	const char *s;

	if (want_scalar(p, node, what, &s) < 0)
		return -1;
	for (size_t i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return perr(p, node, "%s must be true or false, not '%s'", what, s);
}

static int want_size(const struct parse *p, const yaml_node_t *node, const char *what,
		     uint64_t *out)
{
	const char *s;

	if (want_scalar(p, node, what, &s) < 0)
		return -1;
	if (parse_size(s, out) < 0 || !*out)
		return perr(p, node, "%s: '%s' is not a positive size (e.g. 512K, 64M, 2G)", what, s);
	return 0;
}

int spec_parse_timeout(const char *s, int64_t *out_ms)
{
	size_t n = strlen(s);
	int64_t v;

	if (n > 2 && !strcmp(s + n - 2, "ms")) {
		char *end;
		long long ms;

		if (!isdigit((unsigned char)s[0]))
			return -1;
		errno = 0;
		ms = strtoll(s, &end, 10);
		if (errno || end != s + n - 2 || ms <= 0)
			return -1;
		*out_ms = ms;
		return 0;
	}
	if (parse_duration(s, &v) < 0 || v <= 0 || v > INT64_MAX / 1000)
		return -1;
	*out_ms = v * 1000;
	return 0;
}

static int want_timeout(const struct parse *p, const yaml_node_t *node, const char *what,
			int64_t *out_ms)
{
	const char *s;

	if (want_scalar(p, node, what, &s) < 0)
		return -1;
	if (spec_parse_timeout(s, out_ms) < 0)
		return perr(p, node, "%s: '%s' is not a duration (e.g. 500ms, 30s, 5m)", what, s);
	return 0;
}

/* Append a NULL-terminated list of strings from a scalar or a sequence of scalars. */
static int want_strings(const struct parse *p, const yaml_node_t *node, const char *what,
			bool allow_scalar, char ***out, size_t *n)
{
	size_t alloc = 0;
	const char *s;

	*out = NULL;
	*n = 0;
	if (node->type == YAML_SCALAR_NODE && allow_scalar) {
		if (want_nonempty(p, node, what, &s) < 0)
			return -1;
		*out = xcalloc(2, sizeof(char *));
		(*out)[0] = xstrdup(s);
		*n = 1;
		return 0;
	}
	if (node->type != YAML_SEQUENCE_NODE)
		return perr(p, node, "%s must be a list%s", what, allow_scalar ? " or a string" : "");
	for (yaml_node_item_t *it = node->data.sequence.items.start;
	     it < node->data.sequence.items.top; it++) {
		yaml_node_t *item = node_at(p, *it);

		if (want_nonempty(p, item, what, &s) < 0)
			return -1;
		ALLOC_GROW(*out, *n + 2, alloc);
		(*out)[(*n)++] = xstrdup(s);
		(*out)[*n] = NULL;
	}
	if (!*n)
		return perr(p, node, "%s is an empty list", what);
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_MAX_LEN || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static bool valid_env_name(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Absolute, no empty, "." or ".." components, no trailing '/'. */
static bool normalised_path(const char *s)
{
	if (s[0] != '/')
		return false;
	if (!s[1])
		return true;
	for (const char *c = s + 1;;) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

static const char *const placeholders[] = {
	"since", "since_epoch", "since_age", "until", "until_epoch", NULL,
};

static int check_placeholders(const struct parse *p, const yaml_node_t *node, const char *arg)
{
	for (const char *c = strchr(arg, '{'); c; c = strchr(c + 1, '{')) {
		const char *close = strchr(c, '}');
		bool ok = false;

		for (size_t i = 0; close && placeholders[i]; i++)
			if ((size_t)(close - c - 1) == strlen(placeholders[i]) &&
			    !strncmp(c + 1, placeholders[i], (size_t)(close - c - 1)))
				ok = true;
		if (!ok)
			return perr(p, node, "unknown placeholder in '%s' (known: {since}, {since_epoch}, "
				    "{since_age}, {until}, {until_epoch})", arg);
	}
	return 0;
}

/* Keys of an entry, by kind; NULL-terminated lists. */
static const char *const common_keys[] = { "name", "description", "file", "command", "system", NULL };
static const char *const file_keys[] = {
	"name", "description", "file", "include", "exclude", "time_window", "max_depth",
	"max_file_size", NULL,
};
static const char *const command_keys[] = {
	"name", "description", "command", "timeout", "max_output", "env", "pass_env",
	"window_args", "optional", NULL,
};
static const char *const system_keys[] = { "name", "description", "system", NULL };
static const char *const *const keys_by_kind[] = { file_keys, command_keys, system_keys };

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

struct key_ref {
	const char *s;
	size_t i;   /* position in the mapping */
};

static int key_ref_cmp(const void *pa, const void *pb)
{
	const struct key_ref *a = pa, *b = pb;
	int c = strcmp(a->s, b->s);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/*
 * Check that a mapping's keys are scalars and unique, reporting the first
 * offender in document order. Sorting keeps this O(n log n): a comparison of
 * every pair took minutes on a 1 MiB mapping.
 */
static int check_mapping(const struct parse *p, const yaml_node_t *map, const char *what)
{
	size_t n, first_bad, first_dup;
	struct key_ref *keys;

	if (map->type != YAML_MAPPING_NODE)
		return perr(p, map, "%s must be a mapping (key: value)", what);
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	first_bad = first_dup = n;
	keys = xcalloc(n ? n : 1, sizeof(*keys));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *k = node_at(p, map->data.mapping.pairs.start[i].key);

		if (k->type != YAML_SCALAR_NODE) {
			first_bad = i;
			n = i; /* keys after it do not matter */
			break;
		}
		keys[i].s = (const char *)k->data.scalar.value;
		keys[i].i = i;
	}
	qsort(keys, n, sizeof(*keys), key_ref_cmp);
	for (size_t k = 1; k < n; k++)
		if (!strcmp(keys[k].s, keys[k - 1].s) && keys[k].i < first_dup)
			first_dup = keys[k].i;
	free(keys);
	if (first_bad < first_dup)
		return perr(p, node_at(p, map->data.mapping.pairs.start[first_bad].key),
			    "keys in %s must be strings", what);
	if (first_dup < first_bad) {
		yaml_node_t *k = node_at(p, map->data.mapping.pairs.start[first_dup].key);

		return perr(p, k, "duplicate key '%s' in %s", (char *)k->data.scalar.value, what);
	}
	return 0;
}

static int parse_env(const struct parse *p, const yaml_node_t *node, struct spec_entry *e)
{
	size_t alloc = 0;

	if (check_mapping(p, node, "env") < 0)
		return -1;
	for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key), *v = node_at(p, pr->value);
		const char *name = (const char *)k->data.scalar.value, *val;

		if (!valid_env_name(name))
			return perr(p, k, "'%s' is not a valid environment variable name", name);
		if (want_scalar(p, v, "an env value", &val) < 0)
			return -1;
		ALLOC_GROW(e->env, e->nenv + 2, alloc);
		e->env[e->nenv++] = xasprintf("%s=%s", name, val);
		e->env[e->nenv] = NULL;
	}
	return 0;
}

static int parse_file_key(const struct parse *p, const char *key, const yaml_node_t *v,
			  struct spec_entry *e)
{
	if (!strcmp(key, "file")) {
		if (want_strings(p, v, "file", true, &e->paths, &e->npaths) < 0)
			return -1;
		for (size_t i = 0; i < e->npaths; i++)
			if (!normalised_path(e->paths[i]))
				return perr(p, v, "file path '%s' must be absolute and normalised "
					    "(no '.', '..', '//' or trailing '/')", e->paths[i]);
		return 0;
	}
	if (!strcmp(key, "include"))
		return want_strings(p, v, "include", true, &e->include, &e->ninclude);
	if (!strcmp(key, "exclude"))
		return want_strings(p, v, "exclude", true, &e->exclude, &e->nexclude);
	if (!strcmp(key, "time_window"))
		return want_bool(p, v, "time_window", &e->time_window);
	if (!strcmp(key, "max_file_size"))
		return want_size(p, v, "max_file_size", &e->max_file_size);
	if (!strcmp(key, "max_depth")) {
		const char *s;
		char *end;
		long d;

		if (want_scalar(p, v, "max_depth", &s) < 0)
			return -1;
		errno = 0;
		d = strtol(s, &end, 10);
		if (!isdigit((unsigned char)*s) || *end || errno || d > 64)
			return perr(p, v, "max_depth must be a number from 0 to 64, not '%s'", s);
		e->max_depth = (int)d;
		return 0;
	}
	BUG("file key '%s'", key);
}

static int parse_command_key(const struct parse *p, const char *key, const yaml_node_t *v,
			     struct spec_entry *e)
{
	if (!strcmp(key, "command")) {
		if (v->type == YAML_SCALAR_NODE)
			return perr(p, v, "command must be a list (argv), e.g. [nginx, -T]: diag never "
				    "runs a shell");
		if (want_strings(p, v, "command", false, &e->argv, &e->argc) < 0)
			return -1;
		return 0;
	}
	if (!strcmp(key, "timeout"))
		return want_timeout(p, v, "timeout", &e->timeout_ms);
	if (!strcmp(key, "max_output"))
		return want_size(p, v, "max_output", &e->max_output);
	if (!strcmp(key, "optional"))
		return want_bool(p, v, "optional", &e->optional);
	if (!strcmp(key, "env"))
		return parse_env(p, v, e);
	if (!strcmp(key, "pass_env")) {
		if (want_strings(p, v, "pass_env", true, &e->pass_env, &e->npass_env) < 0)
			return -1;
		for (size_t i = 0; i < e->npass_env; i++)
			if (!valid_env_name(e->pass_env[i]))
				return perr(p, v, "'%s' is not a valid environment variable name",
					    e->pass_env[i]);
		return 0;
	}
	if (!strcmp(key, "window_args")) {
		if (want_strings(p, v, "window_args", false, &e->window_args, &e->nwindow_args) < 0)
			return -1;
		for (size_t i = 0; i < e->nwindow_args; i++)
			if (check_placeholders(p, v, e->window_args[i]) < 0)
				return -1;
		return 0;
	}
	BUG("command key '%s'", key);
}

static int parse_entry(struct parse *p, const yaml_node_t *map, struct spec_entry *e)
{
	const yaml_node_t *kind_key = NULL;
	const char *where;
	int kind = -1;

	e->line = (int)map->start_mark.line + 1;
	e->max_depth = DEFAULT_MAX_DEPTH;
	if (check_mapping(p, map, "a collect entry") < 0)
		return -1;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key);
		const char *key = (const char *)k->data.scalar.value;

		for (int i = 0; i < 3; i++) {
			if (strcmp(key, kind_names[i]))
				continue;
			if (kind_key)
				return perr(p, k, "an entry has exactly one of 'file', 'command', 'system': "
					    "this one has '%s' and '%s'", kind_names[kind], kind_names[i]);
			kind = i;
			kind_key = k;
		}
	}
	if (kind < 0)
		return perr(p, map, "entry has none of 'file', 'command', 'system'");
	e->kind = (enum spec_kind)kind;
	where = e->kind == SPEC_FILE ? "file entry" : e->kind == SPEC_COMMAND ? "command entry" :
		"system entry";

	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key), *v = node_at(p, pr->value);
		const char *key = (const char *)k->data.scalar.value, *s;

		if (!in_list(key, keys_by_kind[kind])) {
			for (int i = 0; i < 3; i++)
				if (i != kind && in_list(key, keys_by_kind[i]) && !in_list(key, common_keys))
					return perr(p, k, "key '%s' belongs in a %s entry, not in a %s",
						    key, kind_names[i], where);
			return unknown_key(p, k, where, keys_by_kind[kind]);
		}
		if (!strcmp(key, "name")) {
			if (want_nonempty(p, v, "name", &s) < 0)
				return -1;
			if (!valid_name(s))
				return perr(p, v, "name '%s' must be 1-64 letters, digits, '.', '_' or '-', "
					    "starting with a letter or digit", s);
			e->name = xstrdup(s);
		} else if (!strcmp(key, "description")) {
			if (want_nonempty(p, v, "description", &s) < 0)
				return -1;
			e->description = xstrdup(s);
		} else if (!strcmp(key, "system")) {
			const struct system_fact *fact;

			if (want_nonempty(p, v, "system", &s) < 0)
				return -1;
			fact = collector_system_fact(s);
			if (!fact) {
				const char *names[64];
				size_t n = 0;

				for (const struct system_fact *f = collector_system.facts;
				     f->name && n < ARRAY_SIZE(names) - 1; f++)
					names[n++] = f->name;
				names[n] = NULL;
				s = suggest((const char *)v->data.scalar.value, names);
				if (s)
					return perr(p, v, "unknown system fact '%s' (did you mean '%s'?)",
						    (const char *)v->data.scalar.value, s);
				return perr(p, v, "unknown system fact '%s'", (const char *)v->data.scalar.value);
			}
			e->fact = xstrdup(fact->name);
		} else if (e->kind == SPEC_FILE) {
			if (parse_file_key(p, key, v, e) < 0)
				return -1;
		} else if (parse_command_key(p, key, v, e) < 0) {
			return -1;
		}
	}
	if (e->kind == SPEC_SYSTEM && !e->name)
		e->name = xstrdup(e->fact);
	/* set here, not at the 'system' key: a 'description' after it would replace (and leak) it */
	if (e->kind == SPEC_SYSTEM && !e->description)
		e->description = xstrdup(collector_system_fact(e->fact)->description);
	if (!e->name)
		return perr(p, map, "%s has no 'name'", where);
	if (!e->description)
		return perr(p, map, "%s '%s' has no 'description' (the reviewer reads it)", where, e->name);
	return 0;
}

static const char *const settings_keys[] = {
	"max_file_size", "max_total_size", "max_output", "timeout", "grace", "last", "prefix", NULL,
};
static const char *const top_keys[] = { "version", "description", "settings", "collect", NULL };

static const char *const prefix_keys[] = { "file", "command", "system", NULL };

static int parse_prefix(struct parse *p, const yaml_node_t *map)
{
	struct spec_settings *st = &p->spec->settings;

	if (check_mapping(p, map, "prefix") < 0)
		return -1;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key), *v = node_at(p, pr->value);
		const char *key = (const char *)k->data.scalar.value, *s;
		int i;

		for (i = 0; i < 3 && strcmp(key, kind_names[i]); i++)
			;
		if (i == 3)
			return unknown_key(p, k, "prefix", prefix_keys);
		if (want_nonempty(p, v, "a prefix", &s) < 0)
			return -1;
		if (!valid_name(s))
			return perr(p, v, "prefix '%s' must be one path component of letters, digits, "
				    "'.', '_' or '-'", s);
		free(st->prefix[i]);
		st->prefix[i] = xstrdup(s);
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(st->prefix[i], st->prefix[j]))
				return perr(p, map, "prefixes for %s and %s must differ", kind_names[j],
					    kind_names[i]);
	return 0;
}

static int parse_settings(struct parse *p, const yaml_node_t *map)
{
	struct spec_settings *st = &p->spec->settings;

	if (check_mapping(p, map, "settings") < 0)
		return -1;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key), *v = node_at(p, pr->value);
		const char *key = (const char *)k->data.scalar.value;
		int r;

		if (!strcmp(key, "max_file_size")) {
			r = want_size(p, v, key, &st->max_file_size);
		} else if (!strcmp(key, "max_total_size")) {
			r = want_size(p, v, key, &st->max_total_size);
		} else if (!strcmp(key, "max_output")) {
			r = want_size(p, v, key, &st->max_output);
		} else if (!strcmp(key, "timeout")) {
			r = want_timeout(p, v, key, &st->timeout_ms);
		} else if (!strcmp(key, "grace")) {
			r = want_timeout(p, v, key, &st->grace_ms);
		} else if (!strcmp(key, "last")) {
			const char *s;

			r = want_scalar(p, v, key, &s);
			if (!r && (parse_duration(s, &st->last) < 0 || st->last <= 0))
				r = perr(p, v, "last: '%s' is not a duration (e.g. 48h, 7d)", s);
		} else if (!strcmp(key, "prefix")) {
			r = parse_prefix(p, v);
		} else {
			r = unknown_key(p, k, "settings", settings_keys);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int parse_collect(struct parse *p, const yaml_node_t *seq)
{
	struct spec *spec = p->spec;
	size_t n;

	if (seq->type != YAML_SEQUENCE_NODE)
		return perr(p, seq, "'collect' must be a list of entries");
	n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (!n)
		return perr(p, seq, "'collect' is empty: nothing to collect");
	spec->entries = xcalloc(n, sizeof(*spec->entries));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *en = node_at(p, seq->data.sequence.items.start[i]);

		spec->nentries = i + 1;
		if (parse_entry(p, en, &spec->entries[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(spec->entries[j].name, spec->entries[i].name))
				return perr(p, en, "entry name '%s' is already used on line %d",
					    spec->entries[i].name, spec->entries[j].line);
	}
	return 0;
}

static void settings_defaults(struct spec_settings *st)
{
	st->max_file_size = 64ULL << 20;
	st->max_total_size = 2ULL << 30;
	st->max_output = 16ULL << 20;
	st->timeout_ms = 60 * 1000;
	st->grace_ms = 2000;
	st->last = 0;
	for (int i = 0; i < 3; i++)
		st->prefix[i] = xstrdup(i == SPEC_FILE ? "files" : i == SPEC_COMMAND ? "commands" : "system");
}

static struct spec *spec_new(const char *source, const char *text, size_t len)
{
	struct spec *spec = xcalloc(1, sizeof(*spec));

	spec->source = xstrdup(source);
	spec->text = xmalloc(len + 1);
	memcpy(spec->text, text, len);
	spec->text[len] = '\0';
	spec->text_len = len;
	settings_defaults(&spec->settings);
	return spec;
}

static int parse_document(struct parse *p)
{
	yaml_node_t *root = yaml_document_get_root_node(p->doc);
	const yaml_node_t *collect = NULL;

	if (!root)
		return perr(p, NULL, "the spec is empty");
	if (check_mapping(p, root, "the spec") < 0)
		return -1;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node_at(p, pr->key), *v = node_at(p, pr->value);
		const char *key = (const char *)k->data.scalar.value, *s;

		if (!strcmp(key, "version")) {
			if (want_scalar(p, v, "version", &s) < 0)
				return -1;
			if (strcmp(s, "1"))
				return perr(p, v, "unsupported spec version '%s' (this diag reads version 1)", s);
		} else if (!strcmp(key, "description")) {
			if (want_nonempty(p, v, "description", &s) < 0)
				return -1;
			p->spec->description = xstrdup(s);
		} else if (!strcmp(key, "settings")) {
			if (parse_settings(p, v) < 0)
				return -1;
		} else if (!strcmp(key, "collect")) {
			collect = v;
		} else {
			return unknown_key(p, k, "the spec", top_keys);
		}
	}
	if (!collect)
		return perr(p, root, "the spec has no 'collect' list");
	return parse_collect(p, collect);
}

struct spec *spec_parse(const char *yaml, size_t len, const char *name)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct parse p = { .name = name, .doc = &doc };
	struct spec *spec;
	int r;

	if (len > SPEC_MAX_BYTES) {
		error("'%s': spec is larger than %u bytes", name, SPEC_MAX_BYTES);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser))
		die(4, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		const yaml_mark_t *m = parser.problem_mark.line || parser.problem_mark.column ?
			&parser.problem_mark : &parser.context_mark;

		error("'%s':%zu:%zu: invalid YAML: %s%s%s", name, m->line + 1, m->column + 1,
		      parser.problem ? parser.problem : "syntax error",
		      parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	spec = spec_new(name, yaml, len);
	p.spec = spec;
	r = parse_document(&p);
	/* A second document in the same stream is a mistake worth reporting. */
	if (!r) {
		yaml_document_t next;

		if (yaml_parser_load(&parser, &next)) {
			if (yaml_document_get_root_node(&next))
				r = perr(&p, yaml_document_get_root_node(&next),
					 "a spec is one YAML document; remove the second one");
			yaml_document_delete(&next);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r < 0) {
		spec_free(spec);
		return NULL;
	}
	return spec;
}

struct spec *spec_load(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct spec *spec;

	if (fs_read_file(path, &sb, SPEC_MAX_BYTES) < 0)
		return NULL;
	spec = spec_parse(sb.buf, sb.len, strcmp(path, "-") ? path : "<stdin>");
	strbuf_release(&sb);
	return spec;
}

struct spec *spec_default(void)
{
	struct spec *spec = spec_parse(spec_default_text, strlen(spec_default_text), "built-in");

	if (!spec)
		BUG("the built-in spec does not parse");
	return spec;
}

/* Lexically normalise an absolute path into out: no "//", ".", ".."; no trailing '/'. */
static void normalise_into(struct strbuf *out, const char *abs)
{
	strbuf_reset(out);
	for (const char *c = abs; *c;) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (!n)
			break;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *slash = memrchr(out->buf, '/', out->len);

			strbuf_setlen(out, slash ? (size_t)(slash - out->buf) : 0);
		} else if (!(n == 1 && c[0] == '.')) {
			strbuf_addch(out, '/');
			strbuf_add(out, c, n);
		}
		c += n;
	}
	if (!out->len)
		strbuf_addch(out, '/');
}

static void yaml_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
	strbuf_addch(sb, '"');
}

struct spec *spec_from_paths(const char *const *paths, size_t n, bool time_window)
{
	struct strbuf text = STRBUF_INIT, norm = STRBUF_INIT;
	struct spec *spec;
	char cwd[4096];
	bool have_cwd = false;

	strbuf_addstr(&text, "# built from the paths given on the command line\nversion: 1\ncollect:\n");
	for (size_t i = 0; i < n; i++) {
		char *abs;

		if (paths[i][0] == '/') {
			abs = xstrdup(paths[i]);
		} else {
			if (!have_cwd && !getcwd(cwd, sizeof(cwd))) {
				error_errno("cannot make '%s' absolute", paths[i]);
				strbuf_release(&text);
				strbuf_release(&norm);
				return NULL;
			}
			have_cwd = true;
			abs = xasprintf("%s/%s", cwd, paths[i]);
		}
		normalise_into(&norm, abs);
		free(abs);
		strbuf_addf(&text, "  - name: path-%zu\n    description: ", i + 1);
		yaml_quote(&text, paths[i]);
		strbuf_addstr(&text, "\n    file: ");
		yaml_quote(&text, norm.buf);
		strbuf_addf(&text, "\n%s", time_window ? "    time_window: true\n" : "");
	}
	strbuf_release(&norm);
	if (!n)
		strbuf_addstr(&text, "  []\n");
	spec = spec_parse(text.buf, text.len, "command line");
	strbuf_release(&text);
	return spec;
}

static void entry_release(struct spec_entry *e)
{
	free(e->name);
	free(e->description);
	strv_free(e->paths);
	strv_free(e->include);
	strv_free(e->exclude);
	strv_free(e->argv);
	strv_free(e->window_args);
	strv_free(e->env);
	strv_free(e->pass_env);
	free(e->fact);
}

void spec_free(struct spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->nentries; i++)
		entry_release(&spec->entries[i]);
	free(spec->entries);
	for (int i = 0; i < 3; i++)
		free(spec->settings.prefix[i]);
	free(spec->description);
	free(spec->source);
	free(spec->text);
	free(spec);
}
