/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fetching a URL (http, https, ftp, file) or a local file into a file
 * with libcurl: resume, retries with back-off, connect and stall
 * timeouts, progress, cancel, and the sha256 of the bytes as they come.
 * Checksum files (GNU and BSD styles) are read here too.
 */
#ifndef VMDESK_IMAGES_DOWNLOAD_H
#define VMDESK_IMAGES_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#define DOWNLOAD_SHA256_HEX	65	/* 64 hex digits and a NUL */
#define DOWNLOAD_HASH_HEX	129	/* a sha512: 128 hex digits and a NUL */

/*
 * Progress: bytes done and total (0 when the server does not say).
 * Returning non-zero cancels the download.
 */
typedef int (*download_progress_cb)(void *, uint64_t, uint64_t);

#define DOWNLOAD_VALIDATOR_MAX	256

struct download_opts {
	download_progress_cb	 progress;	/* may be NULL */
	void			*arg;
	/*
	 * In and out: the ETag (or Last-Modified) of what the file holds,
	 * sent as If-Range on a resume so a changed source starts over;
	 * updated from each answer. Empty when unknown.
	 */
	char			 validator[DOWNLOAD_VALIDATOR_MAX];
};

/*
 * Fetch url into path, continuing what path already holds (a Range
 * request; restarted when the server ignores it). Transient failures
 * are retried with back-off; the sha256 of the whole file lands in hex.
 * On failure path stays for a later resume, unless writing it failed
 * (a full disk), when it is removed. A cancel gives "cancelled".
 */
int	download_file(const char *, const char *, struct download_opts *,
	    char *, char **);
/* Fetch a small text (a checksum file), at most 1 MiB. Caller frees. */
char	*download_text(const char *, char **);
/*
 * Where a "latest" link points: the Location of its redirect (one hop,
 * asked with HEAD), absolute. -1 and *cause when it is no redirect.
 * Caller frees.
 */
char	*download_location(const char *, char **);
/*
 * The hash for name in a checksum file's text: GNU "HASH  NAME" or
 * "HASH *NAME", BSD "SHA256 (NAME) = HASH" or "SHA512 (...)", a lone
 * hash, or the one hash of a file that lists one file. A sha256 (64 hex
 * digits) or a sha512 (128), lowercase, into hex of DOWNLOAD_HASH_HEX
 * bytes; -1 and *cause when name is not listed.
 */
int	download_checksum_parse(const char *, const char *, char *, char **);
/* Whether s is a sha256 in hex (64 hex digits). */
int	download_sha256_valid(const char *);
/* The sha256 of a whole file, in hex. */
int	download_sha256_file(const char *, char *, char **);
/* The sha512 of a whole file, in hex (DOWNLOAD_HASH_HEX bytes). */
int	download_sha512_file(const char *, char *, char **);
/* A local path or file:// URL turned into a file:// URL of an absolute
 * path; other URLs are copied. Caller frees. */
char	*download_url(const char *);
/* The sha256 of a string, in hex (65 bytes with the NUL). */
int	download_sha256_text(const char *, char *, char **);
/* The URL's last path component (no query), for checksum files. Caller
 * frees. */
char	*download_url_name(const char *);

#endif
