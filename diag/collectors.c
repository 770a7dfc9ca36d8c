// SPDX-License-Identifier: MIT
/*
 * collectors.c - the static registry of collectors, one per spec kind
 *
 * Adding a kind: a diag/collectors/<kind>.c exporting one struct collector,
 * a row below, a value in enum spec_kind and its keys in spec.c.
 */
#include <string.h>

#include "diag/collectors.h"
#include "diag/error.h"

const struct collector *const collectors[] = {
	&collector_file,
	&collector_command,
	&collector_system,
	NULL,
};

const struct collector *collector_for(enum spec_kind kind)
{
	for (size_t i = 0; collectors[i]; i++)
		if (collectors[i]->kind == kind)
			return collectors[i];
	BUG("no collector for kind %d", (int)kind);
}

const struct system_fact *collector_system_fact(const char *name)
{
	for (const struct system_fact *f = collector_system.facts; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}
