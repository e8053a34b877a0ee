/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing and printing numbers, sizes and durations for people. */
#ifndef VMDESK_UTIL_STRUTIL_H
#define VMDESK_UTIL_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parse a whole decimal integer within [min, max]. */
int	 str_to_long(const char *, long, long, long *, char **);
/*
 * Parse a size such as "512M", "2G", "1.5G", "4096K" or "100" (bytes when
 * no unit and defunit is 1, else defunit times the number). Units are
 * binary (K = 1024).
 */
int	 str_to_size(const char *, uint64_t, uint64_t *, char **);
/* A size as "512M", "2G", "1.5G": exact when it can be. Caller frees. */
char	*str_size_short(uint64_t);
/*
 * A size that str_to_size() reads back to the same bytes: the largest
 * unit that divides it ("6151M", "2G", "1536K", "100B"). Caller frees.
 */
char	*str_size_exact(uint64_t);
/* The index of a value in a NULL-terminated list of names, or -1. */
/*
 * A boolean as every vmdesk file and command takes it: yes/no,
 * true/false, on/off, 1/0. -1 and *cause ("'x' is not yes or no").
 */
int	 str_to_bool(const char *, int *, char **);
int	 str_choice(const char *const *, const char *);
/* "a, b or c" from a NULL-terminated list of names. Caller frees. */
char	*str_choices(const char *const *);
/* A duration in seconds as "3d 4h", "5m 02s", "12s". Caller frees. */
char	*str_duration(uint64_t);
/*
 * Append formatted text to a growing buffer (*buf of *len bytes in *cap,
 * NUL-terminated; all three start at NULL, 0, 0). Caller frees *buf.
 */
void	 str_appendf(char **, size_t *, size_t *, const char *, ...)
	     __attribute__((format(printf, 4, 5)));
/* Whether s starts with prefix. */
int	 str_has_prefix(const char *, const char *);
/* Whether s ends with suffix. */
int	 str_has_suffix(const char *, const char *);
/* Unicode code point ch as UTF-8 into b (4 bytes); how many it took. */
size_t	 str_utf8_put(uint32_t, char *);

#endif
