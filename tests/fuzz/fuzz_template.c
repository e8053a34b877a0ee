/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: a template file, as a user's templates folder holds them. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "images/template.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct template	*t;
	struct vm_def	*def;
	struct template_opts opt = { 0 };
	char		*cause = NULL, *text;

	t = template_load(fuzz_write_file("t.conf", data, len), &cause);
	if (t == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	def = template_to_vmdef(t, "fuzz", &opt, NULL);
	text = vmdef_format(def);
	free(text);
	vmdef_free(def);
	template_free(t);
	return (0);
}
