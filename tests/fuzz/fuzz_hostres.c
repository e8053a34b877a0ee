/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: /proc/meminfo and /proc/stat as ops/hostres reads them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ops/hostres.h"
#include "util/xmalloc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint64_t	 total, avail, busy, all;
	char		*text, *cause = NULL;
	int		 ncpus;

	text = xmalloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	if (hostres_parse_meminfo(text, &total, &avail, &cause) != 0)
		free(cause);
	cause = NULL;
	if (hostres_parse_stat(text, &busy, &all, &ncpus, &cause) != 0)
		free(cause);
	else if (busy > all || ncpus <= 0)
		abort();
	free(text);
	return (0);
}
