/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the current release of a template's image: the distribution's
 * own index (a directory listing, a checksum file naming several images,
 * a "latest" redirect, a JSON or YAML release feed) read for the newest
 * file matching the template's pattern, with its checksum from the
 * distribution; cached a day; the template's pin when the index cannot
 * be read. Every index is hostile: bounded, and a name it gives must be
 * a plain path under the index (or on file_host), never anywhere else.
 */
#ifndef VMDESK_IMAGES_RESOLVE_H
#define VMDESK_IMAGES_RESOLVE_H

#include <stddef.h>

#include "core/library.h"
#include "images/imgcache.h"
#include "images/template.h"

#define RESOLVE_CACHE_SECONDS	86400
#define RESOLVE_FILE_TOKEN	"{file}"	/* in a checksum_url: the name */
#define RESOLVE_ENTRIES_MAX	4096	/* candidates kept from one index */

/* One file an index names. */
struct resolve_entry {
	char	*path;		/* as the index gives it: name, path or URL */
	char	*hash;		/* sha256 or sha512 in hex, or NULL */
	char	*version;	/* the feed's, or NULL */
};

struct resolve_list {
	struct resolve_entry	*v;
	size_t			 n;
};

/* What a template's source resolves to. */
struct resolve_result {
	char	*url;		/* the file to fetch */
	char	*name;		/* its last path component */
	char	*version;	/* the feed's, what pattern's '*' matched, or
				   NULL */
	char	*sha256;	/* when known here */
	char	*checksum_url;	/* else the checksum file listing name */
	char	*note;		/* why the pin is used, or NULL */
	int	 pinned;	/* the template's url (no index, or fallback) */
	int	 cached;	/* from the day cache, without the network */
};

/* Ask the index even when a resolution of the day is cached. */
#define RESOLVE_FRESH	0x1
/* Fresh, and a pin's checksum file read: does it still list the pin? */
#define RESOLVE_CHECK	0x3
/* No network: the resolution of the day if cached, else the pin. */
#define RESOLVE_OFFLINE	0x4

/*
 * Resolve one source (template_source()). An unreadable index gives the
 * pin and a note; an index naming no file, or a file its checksum file
 * does not list, is -1 and *cause.
 */
int	resolve_source(const struct library *,
	    const struct template_source *, int, struct resolve_result *,
	    char **);
void	resolve_result_clear(struct resolve_result *);
/*
 * Whether the image of a template's default arch is in the image cache,
 * without the network (templates without one: 0).
 */
int	resolve_cached(const struct library *, const struct template *);
/* The image cache's source for a resolution (pointers into res and s). */
void	resolve_imgcache_source(const struct template *,
	    const struct template_source *, const struct resolve_result *,
	    struct imgcache_source *);

/*
 * The files an index's text names whose last component matches pattern
 * (an fnmatch glob), of one format; hostile text gives fewer, never
 * unsafe ones. -1 and *cause when the text is not of that format.
 */
int	resolve_parse(enum template_index, const char *, const char *,
	    struct resolve_list *, char **);
void	resolve_list_clear(struct resolve_list *);
/* The newest entry: the greatest path by resolve_vercmp. */
const struct resolve_entry *resolve_newest(const struct resolve_list *);
/* Compare as versions: runs of digits by value ("3.10" > "3.9"). */
int	resolve_vercmp(const char *, const char *);
/*
 * The URL of path (a name, a relative path or a URL) as the index at
 * url names it, or NULL when it leaves the index's folder or host
 * (host: another allowed, or NULL). Caller frees.
 */
char	*resolve_join(const char *, const char *, const char *);

#endif
