/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing INI text from a list of items, and rewriting a file a person
 * may have edited: comments, blank lines, order and the exact text of
 * unchanged values are kept; a changed value is replaced in place, a
 * removed key or section goes, a new key ends its section.
 */
#ifndef VMDESK_UTIL_INIWRITE_H
#define VMDESK_UTIL_INIWRITE_H

#include <stddef.h>

struct iniwrite_item {
	char	*type;		/* section type: "disk" in [disk root] */
	char	*name;		/* section name, or NULL for [vm] */
	char	*key;		/* NULL: the section exists, empty or not */
	char	*value;
	int	 weak;		/* kept where the source has it, not added */
};

struct iniwrite {
	struct iniwrite_item	*items;
	size_t			 n;
};

void	 iniwrite_init(struct iniwrite *);
void	 iniwrite_clear(struct iniwrite *);
/* Declare a section (kept when a rewritten file has it, even empty). */
void	 iniwrite_section(struct iniwrite *, const char *, const char *);
/*
 * Add "key = value" to section type/name (a key may repeat: a list). A
 * weak key (a default spelled out) is written in new text and kept where
 * a rewritten source has it, but not added to a source that lacks it.
 */
void	 iniwrite_add(struct iniwrite *, const char *, const char *,
	     const char *, const char *, int);
/*
 * The text: source (may be NULL) rewritten with the items, or, without
 * a source or when it does not parse, header and the items in order.
 * Caller frees.
 */
char	*iniwrite_text(const struct iniwrite *, const char *, const char *,
	     size_t);

#endif
