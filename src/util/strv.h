/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable, NULL-terminated vector of owned strings (argv and lists). */
#ifndef VMDESK_UTIL_STRV_H
#define VMDESK_UTIL_STRV_H

#include <stddef.h>

struct strv {
	char	**v;	/* always NULL-terminated once anything is pushed */
	size_t	  n;
	size_t	  cap;
};

void	strv_init(struct strv *);
void	strv_clear(struct strv *);
/* Append a copy of a string. */
void	strv_push(struct strv *, const char *);
/* Append a formatted string. */
void	strv_pushf(struct strv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Index of a string equal to s, or -1. */
int	strv_find(const struct strv *, const char *);
/* Join with a separator. Caller frees. */
char	*strv_join(const struct strv *, const char *);

#endif
