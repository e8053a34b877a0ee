/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation that never returns NULL, and fatal() for bugs. */
#ifndef VMDESK_UTIL_XMALLOC_H
#define VMDESK_UTIL_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Format into a new string. Caller frees. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list)
	    __attribute__((format(printf, 1, 0)));

/* Report a bug or out of memory and exit; runs the hook first. */
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Set a function fatal() calls first (the desktop restores the terminal). */
void	 fatal_set_hook(void (*)(void));

#endif
