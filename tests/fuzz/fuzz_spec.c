// SPDX-License-Identifier: MIT
/*
 * fuzz_spec.c - the YAML spec parser on arbitrary bytes
 *
 * Whatever the input, spec_parse() returns a spec or NULL (with one error
 * line on stderr), never crashes or leaks; a parsed spec keeps its
 * invariants (see spec.h), checked here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *spec = spec_parse((const char *)data, size, "fuzz.yaml");

	if (!spec)
		return 0;
	if (!spec->nentries || spec->text_len != size)
		abort();
	for (size_t i = 0; i < spec->nentries; i++) {
		const struct spec_entry *e = &spec->entries[i];

		if (!e->name || !*e->name || !e->description || !*e->description)
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(spec->entries[j].name, e->name))
				abort();
		if (e->kind == SPEC_FILE) {
			if (!e->npaths)
				abort();
			for (size_t j = 0; j < e->npaths; j++)
				if (e->paths[j][0] != '/' || strstr(e->paths[j], "/../") ||
				    strstr(e->paths[j], "//"))
					abort();
		} else if (e->kind == SPEC_COMMAND) {
			if (!e->argc || !e->argv[0] || e->argv[e->argc])
				abort();
		} else if (!e->fact) {
			abort();
		}
	}
	spec_free(spec);
	return 0;
}
