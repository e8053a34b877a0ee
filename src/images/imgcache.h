/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image cache (images/ in the library): what was downloaded, kept
 * content-addressed as SHA256.qcow2 or SHA256.iso (the sha256 of the
 * fetched file), read-only and shared by every VM made from it, with
 * SHA256.json naming where it came from, so a source already fetched is
 * found without the network. Partial downloads wait in images/.partial
 * for a resume.
 */
#ifndef VMDESK_IMAGES_IMGCACHE_H
#define VMDESK_IMAGES_IMGCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/library.h"
#include "images/template.h"
#include "util/strv.h"

/* Where an image comes from and how to check it. */
struct imgcache_source {
	const char	*url;		/* URL, or a local path */
	const char	*sha256;	/* pinned, or NULL */
	const char	*checksum_url;	/* SHA256SUMS file, or NULL */
	const char	*checksum_name;	/* NULL: the URL's name */
	const char	*member;	/* archive member glob */
	int		 format;	/* template_format, -1: detect */
};

/* One cached image. */
struct imgcache_entry {
	char		*sha256;	/* of the fetched file */
	char		*path;		/* absolute */
	char		*format;	/* "qcow2" or "iso" */
	uint64_t	 size;		/* bytes on disk */
	uint64_t	 vsize;		/* virtual size */
	long long	 fetched;	/* seconds since the epoch */
	struct strv	 sources;	/* URLs or paths */
	struct strv	 members;	/* per source, "" for none */
	struct strv	 users;		/* VMs using it */
};

/*
 * Progress of a fetch: the step ("checksum file", "downloading",
 * "unpacking", "converting"), bytes done and total (0: unknown).
 * Returning non-zero cancels; the fetch then cleans up.
 */
typedef int (*imgcache_progress_cb)(void *, const char *, uint64_t,
    uint64_t);

/*
 * Make sure an image is in the cache and return its entry: found by
 * source without the network, else downloaded (resumed), verified,
 * unpacked, converted to qcow2 (ISOs stay as they are) and published in
 * one rename. A failure or cancel leaves no entry behind.
 */
struct imgcache_entry	*imgcache_fetch(const struct library *,
			     const struct imgcache_source *,
			     imgcache_progress_cb, void *, char **);
/* The entry for a source if it is cached, without the network, or NULL. */
struct imgcache_entry	*imgcache_find(const struct library *,
			     const struct imgcache_source *);
/* A template's image source for one of its sources (pointers into it). */
void			 imgcache_template_source(const struct template *,
			     const struct template_source *,
			     struct imgcache_source *);
/* Every cached image, with the VMs that use it, sorted by sha256. */
int			 imgcache_list(const struct library *,
			     struct imgcache_entry ***, size_t *, char **);
void			 imgcache_list_free(struct imgcache_entry **,
			     size_t);
void			 imgcache_entry_free(struct imgcache_entry *);
/*
 * Remove the cached images no VM uses (through its disks' backing
 * chains, its ISO, or a linked-clone base) and stale partial files.
 * Removed files are added to removed, their bytes to *freed.
 */
int			 imgcache_prune(const struct library *,
			     struct strv *, uint64_t *, char **);

/*
 * Hold the cache: shared by a create, clone or import from before it
 * looks up or adds an image until its VM folder is in place (so its
 * disks name what they stand on), exclusive by prune and doctor --fix
 * (which never wait: -1 and "under way" in *cause when it is held).
 * A file descriptor to pass to imgcache_release, or -1 and *cause.
 */
int			 imgcache_hold(const struct library *, int, char **);
void			 imgcache_release(int);
/*
 * Share a frozen base an import brought (read-only, its own backing
 * already pointing into the cache): it joins images/bases as
 * SHA256.qcow2, named by its bytes so one copy serves every import, or
 * is the cached image with those very bytes. *shared gets the path in
 * the cache (caller frees), or NULL when the cache is on another file
 * system and the base stays where it is.
 */
int			 imgcache_share_base(const struct library *,
			     const char *, char **, char **);

#endif
