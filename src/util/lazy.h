/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Libraries loaded on first use (dlopen) instead of at start: a command
 * that lists VMs does not pay for the loader to map and relocate libcurl,
 * libxml2, libarchive, libcrypto, libvncclient and libsixel with all they
 * pull in. Each library has a lazy_NAME module: its header includes the
 * library's own header and points the names of the functions vmdesk uses
 * at pointers that lazy_NAME_load() fills.
 */
#ifndef VMDESK_UTIL_LAZY_H
#define VMDESK_UTIL_LAZY_H

#include <stddef.h>

/* One symbol: its name and the pointer that holds its address. */
struct lazy_sym {
	const char	*name;
	void		**addr;
};

/* A library: its soname, the Debian package that has it, its symbols. */
struct lazy_lib {
	const char		*soname;
	const char		*package;
	const char		*what;		/* "downloads", for messages */
	const struct lazy_sym	*syms;
	size_t			 nsyms;
	void			*handle;	/* once loaded */
};

/*
 * Load a library and every symbol, once; later calls return at once.
 * -1 and *cause ("downloads need libcurl.so.4 (Debian package libcurl4):
 * ...") when it or a symbol is missing.
 */
int	lazy_load(struct lazy_lib *, char **);
/*
 * What every pointer holds until its library is loaded: a call is a
 * bug (a path that forgot to load), and fatal() says so.
 */
void	lazy_unloaded(void);

/* Declare, point and list the symbols of an X-macro list. */
#define LAZY_DECLARE(f)	extern __typeof__(f) *lazy_##f;
#define LAZY_DEFINE(f)	__typeof__(f) *lazy_##f = \
	(__typeof__(f) *)(void (*)(void))lazy_unloaded;
#define LAZY_ENTRY(f)	{ #f, (void **)&lazy_##f },

#endif
