/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the config file. */
#include "config.h"

#include <stdlib.h>

#include "core/settings.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct settings	 set;
	char		*cause = NULL;

	setenv("VMDESK_CONFIG", fuzz_write_file("config", data, len), 1);
	if (settings_load(&set, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	settings_clear(&set);
	return (0);
}
