// SPDX-License-Identifier: MIT
/* glob.c - glob patterns on logical paths, for policy scopes and exclusions */
#include <string.h>

#include "internal.h"

/* A bracket class at p ('[' already skipped): 1 or 0, and *end set past ']'; -1 if malformed. */
static int class_match(const char *p, char c, const char **end)
{
	bool neg = false, hit = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	if (*p == ']') { /* a leading ']' is literal */
		hit = c == ']';
		p++;
	}
	while (*p && *p != ']') {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (c >= p[0] && c <= p[2])
				hit = true;
			p += 3;
		} else {
			if (c == *p)
				hit = true;
			p++;
		}
	}
	if (*p != ']')
		return -1;
	*end = p + 1;
	return hit != neg;
}

/*
 * Recursive matcher; *budget bounds the work so that a pathological pattern
 * cannot take exponential time (it then fails to match).
 */
static bool match_here(const char *pat, const char *s, int *budget)
{
	for (;;) {
		if (--*budget < 0)
			return false;
		if (pat[0] == '*' && pat[1] == '*') {
			pat += 2;
			if (*pat == '/' && match_here(pat + 1, s, budget))
				return true; /* "**" + "/" also matches no directory at all */
			for (;; s++) {
				if (match_here(pat, s, budget))
					return true;
				if (!*s)
					return false;
			}
		}
		if (*pat == '*') {
			pat++;
			for (;; s++) {
				if (match_here(pat, s, budget))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		}
		if (!*s)
			return !*pat;
		if (*pat == '?') {
			if (*s == '/')
				return false;
		} else if (*pat == '[') {
			const char *end;
			int r = class_match(pat + 1, *s, &end);

			if (r >= 0) {
				if (!r || *s == '/')
					return false;
				pat = end;
				s++;
				continue;
			}
			if (*s != '[') /* malformed class: a literal '[' */
				return false;
		} else if (*pat != *s) {
			return false;
		}
		pat++;
		s++;
	}
}

bool glob_valid(const char *pattern)
{
	const char *end;

	for (const char *p = pattern; (p = strchr(p, '[')); p = end)
		if (class_match(p + 1, 'x', &end) < 0)
			return false;
	return true;
}

bool glob_match_path(const char *pattern, const char *path)
{
	const char *p;
	int budget = 100000;

	while (*pattern == '/')
		pattern++;
	while (*path == '/')
		path++;
	if (!*pattern)
		return false;
	if (match_here(pattern, path, &budget))
		return true;
	for (p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
		if (p[1] && match_here(pattern, p + 1, &budget))
			return true;
	return false;
}
