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

/* Back to unloaded: the first n symbols, then the library. */
static void
lazy_unload(struct lazy_lib *lib, void *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		*lib->syms[i].addr = (void *)lazy_unloaded;
	dlclose(h);
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
			*cause = xasprintf("%s need %s, which this %s lacks "
			    "(Debian package %s)", lib->what,
			    lib->syms[i].name, lib->soname, lib->package);
			lazy_unload(lib, h, i);
			return (-1);
		}
		*lib->syms[i].addr = p;
	}
	lib->handle = h;
	return (0);
}
