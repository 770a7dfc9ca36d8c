/* SPDX-License-Identifier: MIT */
/*
 * spec.h - the collection spec: what `diag collect` gathers
 *
 * A spec is YAML (samples/linux-host.yaml is the built-in default, annotated):
 *
 *     version: 1                      # optional; only 1 exists
 *     description: nginx + PostgreSQL # optional, for the reviewer
 *     settings:                       # optional; every key optional
 *       max_file_size: 64M            # per-file cap: the NEWEST bytes are kept
 *       max_total_size: 2G            # budget for the whole bundle (raw bytes)
 *       timeout: 60s                  # default command timeout ("500ms" allowed)
 *       grace: 2s                     # SIGTERM -> SIGKILL delay after a timeout
 *       max_output: 16M               # default command output cap
 *       last: 7d                      # time window when neither --since nor --last
 *       prefix: { file: files, command: commands, system: system }
 *     collect:                        # required: a list of entries
 *       - name: nginx-logs            # required for file and command entries
 *         description: nginx logs     # required for file and command entries
 *         file: [/var/log/nginx]      # a path or glob, or a list of them
 *         include: ["*.log", "*.log.[0-9]*"]
 *         exclude: ["*.bak"]
 *         time_window: true           # logs: skip old files, trim old entries
 *       - name: nginx-config-test
 *         description: the configuration nginx really loads
 *         command: [nginx, -T]        # argv; never a shell
 *         timeout: 10s
 *       - system: memory              # a built-in fact (name, description implied)
 *
 * Entry keys: name, description, and exactly one of file/command/system.
 *   file:    include, exclude (globs on the base name, or on the whole host
 *            path when they contain '/'), time_window (bool), max_depth,
 *            max_file_size.
 *   command: timeout, max_output, env (map NAME: value), pass_env (names
 *            copied from diag's environment when set), window_args (argv
 *            appended only when a time window is set; may use {since}
 *            (RFC 3339), {since_epoch}, {since_age} ("172800s"), {until},
 *            {until_epoch}), optional (bool: an absent program is skipped,
 *            not failed).
 *   system:  the fact name (see samples/linux-host.yaml and diag.1).
 * Unknown keys are errors. Errors are printed as
 *     diag: 'x.yaml':12:5: unknown key 'tiemout' in command entry (did you mean 'timeout'?)
 *
 * Invariants of a parsed spec: every entry has a unique name matching
 * [A-Za-z0-9][A-Za-z0-9._-]*, a non-empty description, and a valid kind;
 * file paths are absolute and normalised (no "//", "." or ".." components,
 * no trailing '/'); argv has at least one element; system facts exist.
 */
#ifndef DIAG_SPEC_H
#define DIAG_SPEC_H

#include "diag/common.h"

enum spec_kind {
	SPEC_FILE,
	SPEC_COMMAND,
	SPEC_SYSTEM,
};

struct spec_entry {
	enum spec_kind kind;
	char *name;
	char *description;
	int line;               /* 1-based line in the spec text, 0 if built by code */

	/* SPEC_FILE */
	char **paths;           /* absolute paths or globs */
	size_t npaths;
	char **include, **exclude;
	size_t ninclude, nexclude;
	bool time_window;
	int max_depth;          /* directory recursion depth; default 32 */
	uint64_t max_file_size; /* 0: the settings' */

	/* SPEC_COMMAND */
	char **argv;            /* NULL-terminated */
	size_t argc;
	char **window_args;     /* NULL-terminated, may be empty */
	size_t nwindow_args;
	char **env;             /* NULL-terminated "NAME=value" */
	size_t nenv;
	char **pass_env;        /* NULL-terminated names */
	size_t npass_env;
	int64_t timeout_ms;     /* 0: the settings' */
	uint64_t max_output;    /* 0: the settings' */
	bool optional;

	/* SPEC_SYSTEM */
	char *fact;
};

struct spec_settings {
	uint64_t max_file_size;  /* default 64 MiB */
	uint64_t max_total_size; /* default 2 GiB */
	uint64_t max_output;     /* default 16 MiB */
	int64_t timeout_ms;      /* default 60 s */
	int64_t grace_ms;        /* default 2 s */
	int64_t last;            /* seconds; 0: no default time window */
	char *prefix[3];         /* indexed by enum spec_kind: "files", "commands", "system" */
};

struct spec {
	char *source;            /* the file name, or "built-in" */
	char *text;              /* the YAML as read (for the manifest), NUL-terminated */
	size_t text_len;
	char *description;       /* may be NULL */
	struct spec_settings settings;
	struct spec_entry *entries;
	size_t nentries;
};

/*
 * Parse a spec from len bytes of YAML. name is used in error messages (the
 * file name). On error, one line naming name:line:column and the problem is
 * printed and NULL is returned. The result is freed with spec_free().
 */
struct spec *spec_parse(const char *yaml, size_t len, const char *name) WARN_UNUSED;
/* Read and parse a spec file ("-" for stdin). NULL after printing an error. */
struct spec *spec_load(const char *path) WARN_UNUSED;
/* The built-in default spec for a Linux host (samples/linux-host.yaml). Never NULL. */
struct spec *spec_default(void);
/* The text of the built-in default spec. */
extern const char spec_default_text[];
/*
 * A spec collecting the given host paths (files or directories, recursively;
 * globs allowed), one file entry named "path-1", "path-2"... per path, with
 * time_window as given. Relative paths are made absolute against the current
 * directory; "." and ".." are resolved lexically. NULL after printing an
 * error (a path that cannot be made absolute).
 */
struct spec *spec_from_paths(const char *const *paths, size_t n, bool time_window) WARN_UNUSED;
void spec_free(struct spec *spec);

/* "file", "command", "system". */
const char *spec_kind_name(enum spec_kind kind);

/*
 * Parse a timeout: "500ms", or a duration parse_duration() accepts ("30s",
 * "2m", "1h30m"). Milliseconds in *out. -1 if malformed or zero.
 */
int spec_parse_timeout(const char *s, int64_t *out_ms) WARN_UNUSED;

#endif
