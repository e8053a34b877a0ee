/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Taking a disk image out of what was downloaded, with libarchive: a
 * compressed single stream (xz, gz, bz2, zstd) or one member of a tar or
 * zip archive. Archives are checked as they are read: no member may
 * climb out (../, absolute), be a link or a device, or grow far beyond
 * the size it declares.
 */
#ifndef VMDESK_IMAGES_UNPACK_H
#define VMDESK_IMAGES_UNPACK_H

#include <stdint.h>

/* What a downloaded file is, from its first bytes. */
enum unpack_kind {
	UNPACK_PLAIN,		/* not compressed, not an archive */
	UNPACK_STREAM,		/* one compressed stream */
	UNPACK_ARCHIVE		/* tar (maybe compressed) or zip */
};

/* Progress of an unpack: bytes written; non-zero cancels. */
typedef int (*unpack_progress_cb)(void *, uint64_t, uint64_t);

/* A single stream may grow this many times its compressed size, and to
 * the floor whatever its size. */
#define UNPACK_RATIO_DEFAULT	1000
#define UNPACK_FLOOR		(256ULL << 20)

/*
 * What an archive of this many bytes may write: the ratio
 * (VMDESK_UNPACK_RATIO, else UNPACK_RATIO_DEFAULT) times its size, at
 * least UNPACK_FLOOR. Bundles and OVAs are bound by it too.
 */
uint64_t	unpack_limit(uint64_t);
/* Sniff a file's kind. */
int	unpack_kind(const char *, enum unpack_kind *, char **);
/*
 * Whether an archive member may be taken: a relative path that stays
 * inside, of a regular file or a folder (mode from archive_entry).
 */
int	unpack_member_check(const char *, unsigned int, int, char **);
/*
 * Write the image inside src to dst: the stream's data, or the member
 * matching glob (NULL: the one disk-like member). dst is removed on
 * failure. what names src in messages.
 */
int	unpack_file(const char *, const char *, const char *, const char *,
	    unpack_progress_cb, void *, char **);

#endif
