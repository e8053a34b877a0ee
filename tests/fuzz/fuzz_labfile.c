/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a lab file, as a repository beside someone's code holds
 * one (vmdesk plan reads it before anything is trusted). Templates come
 * from $VMDESK_TEMPLATES_DIR, else the source tree's share/templates.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/library.h"
#include "fuzz.h"
#include "ops/labfile.h"

static struct library *
fuzz_library(void)
{
	static struct library	*lib;
	static char		 dir[4096];
	const char		*top = getenv("top_srcdir");
	char			*cause = NULL;

	if (lib != NULL)
		return (lib);
	setenv("VMDESK_HOME", "/tmp/vmdesk-fuzz-labfile", 0);
	snprintf(dir, sizeof dir, "%s/share/templates", top != NULL ? top :
	    ".");
	setenv("VMDESK_TEMPLATES_DIR", dir, 0);
	if ((lib = library_open(&cause)) == NULL)
		abort();
	return (lib);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct library	*lib = fuzz_library();
	struct lab	*lab;
	char		*cause = NULL;

	lab = labfile_load(lib, fuzz_write_file("t.lab", data, len), &cause);
	if (lab == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	labfile_free(lab);
	return (0);
}
