/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An INI reader that keeps order and line numbers: "[type]" or
 * "[type name]" sections, "key = value" lines, "#" and ";" comments.
 * A key may repeat (a list). Errors read "file:line: message".
 */
#ifndef VMDESK_UTIL_INI_H
#define VMDESK_UTIL_INI_H

#include <stddef.h>

struct ini_section {
	char	*type;		/* "disk" in [disk data] */
	char	*name;		/* "data", or NULL for [vm] */
	int	 line;
};

struct ini_entry {
	size_t	 section;	/* index into sections; entries before any
				   section header are refused */
	char	*key;
	char	*value;
	int	 line;
};

struct ini {
	char			*file;	/* name used in messages */
	struct ini_section	*sections;
	size_t			 nsections;
	struct ini_entry	*entries;
	size_t			 nentries;
};

/* Parse text; name is used in error messages. NULL and *cause on error. */
struct ini	*ini_parse(const char *, size_t, const char *, char **);
/* Read and parse a file. */
struct ini	*ini_load(const char *, char **);
void		 ini_free(struct ini *);
/* Whether a value is a valid INI value to write back (one line, no NUL). */
int		 ini_value_ok(const char *);
/*
 * A value as it must be written to read back the same: in quotes when
 * it has spaces at an end or is itself quoted. Caller frees.
 */
char		*ini_quote(const char *);

#endif
