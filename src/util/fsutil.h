/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files and folders: atomic writes, whole-file reads, recursive mkdir/rm. */
#ifndef VMDESK_UTIL_FSUTIL_H
#define VMDESK_UTIL_FSUTIL_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Write a file atomically: temp file, fsync, rename, fsync the folder.
 * From 1 MiB on, blocks of zeros become holes.
 */
int	 fs_write_atomic(const char *, const void *, size_t, mode_t, char **);
/*
 * Read a whole regular file (anything else is refused, never waited on),
 * NUL-terminated; length in *lenp if not NULL. Caller frees.
 */
char	*fs_read_file(const char *, size_t *, char **);
/* Create a folder and its parents with a mode; existing ones are fine. */
int	 fs_mkdir_p(const char *, mode_t, char **);
/* Remove a file or a folder tree; a missing path is fine. */
int	 fs_rm_rf(const char *, char **);
/* fsync a folder so a rename or unlink in it is durable. */
int	 fs_sync_dir(const char *, char **);
/* Join two path parts with one slash. Caller frees. */
char	*fs_path_join(const char *, const char *);
/* Whether a path exists (any type). */
int	 fs_exists(const char *);
/* Size in bytes of a file, or -1. */
long long fs_file_size(const char *);
/* Absolute form of a path (not resolving links). Caller frees. */
char	*fs_abspath(const char *);

#endif
