/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable, NULL-terminated vector of owned strings (argv and lists). */
#include "config.h"

#include "util/strv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

void
strv_init(struct strv *sv)
{
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
}

void
strv_clear(struct strv *sv)
{
	size_t	i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	strv_init(sv);
}

static void
strv_add(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap == 0 ? 8 : sv->cap * 2;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
strv_push(struct strv *sv, const char *s)
{
	strv_add(sv, xstrdup(s));
}

void
strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	strv_add(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

int
strv_find(const struct strv *sv, const char *s)
{
	size_t	i;

	for (i = 0; i < sv->n; i++) {
		if (strcmp(sv->v[i], s) == 0)
			return ((int)i);
	}
	return (-1);
}

char *
strv_join(const struct strv *sv, const char *sep)
{
	size_t	 i, len = 1, seplen = strlen(sep);
	char	*out, *p;

	for (i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + seplen;
	p = out = xmalloc(len);
	*p = '\0';
	for (i = 0; i < sv->n; i++) {
		if (i != 0) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		len = strlen(sv->v[i]);
		memcpy(p, sv->v[i], len);
		p += len;
	}
	*p = '\0';
	return (out);
}
