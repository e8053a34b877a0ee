/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Libraries loaded on first use: dlopen by soname, every symbol checked. */
#include "config.h"

#include "util/lazy.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "util/xmalloc.h"

void
lazy_unloaded(void)
{
	fatal("a library was used before it was loaded");
}

int
lazy_load(struct lazy_lib *lib, char **cause)
{
	void	*h, *p;
	size_t	 i;

	if (lib->handle != NULL)
		return (0);
	if ((h = dlopen(lib->soname, RTLD_NOW|RTLD_LOCAL)) == NULL) {
		*cause = xasprintf("%s need %s (Debian package %s): %s",
		    lib->what, lib->soname, lib->package, dlerror());
		return (-1);
	}
	for (i = 0; i < lib->nsyms; i++) {
		if ((p = dlsym(h, lib->syms[i].name)) == NULL) {
			*cause = xasprintf("%s need %s from %s, which this %s "
			    "lacks (Debian package %s)", lib->what,
			    lib->syms[i].name, lib->soname, lib->soname,
			    lib->package);
			dlclose(h);
			return (-1);
		}
		*lib->syms[i].addr = p;
	}
	lib->handle = h;
	return (0);
}
