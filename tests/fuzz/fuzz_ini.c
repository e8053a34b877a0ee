/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the INI reader. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "util/ini.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ini	*ini;
	char		*cause = NULL;
	size_t		 i;

	ini = ini_parse((const char *)data, len, "fuzz", &cause);
	if (ini == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	for (i = 0; i < ini->nentries; i++) {
		if (ini->entries[i].section >= ini->nsections)
			abort();
		(void)ini_value_ok(ini->entries[i].value);
	}
	ini_free(ini);
	return (0);
}
