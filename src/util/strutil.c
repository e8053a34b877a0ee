/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing and printing numbers, sizes and durations for people. */
#include "config.h"

#include "util/strutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

void
str_appendf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	size_t	 n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(s);
	while (*len + n + 1 > *cap) {
		*cap = *cap == 0 ? 1024 : *cap * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	free(s);
}

int
str_has_prefix(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, strlen(prefix)) == 0);
}

int
str_has_suffix(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lx = strlen(suffix);

	return (ls >= lx && strcmp(s + ls - lx, suffix) == 0);
}

size_t
str_utf8_put(uint32_t ch, char *b)
{
	if (ch < 0x80) {
		b[0] = (char)ch;
		return (1);
	}
	if (ch < 0x800) {
		b[0] = (char)(0xc0 | ch >> 6);
		b[1] = (char)(0x80 | (ch & 0x3f));
		return (2);
	}
	if (ch < 0x10000) {
		b[0] = (char)(0xe0 | ch >> 12);
		b[1] = (char)(0x80 | (ch >> 6 & 0x3f));
		b[2] = (char)(0x80 | (ch & 0x3f));
		return (3);
	}
	b[0] = (char)(0xf0 | ch >> 18);
	b[1] = (char)(0x80 | (ch >> 12 & 0x3f));
	b[2] = (char)(0x80 | (ch >> 6 & 0x3f));
	b[3] = (char)(0x80 | (ch & 0x3f));
	return (4);
}

int
str_to_long(const char *s, long min, long max, long *out, char **cause)
{
	char	*end;
	long	 v;

	if (*s == '\0' || isspace((unsigned char)*s)) {
		*cause = xasprintf("'%s' is not a number", s);
		return (-1);
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0') {
		*cause = xasprintf("'%s' is not a number", s);
		return (-1);
	}
	if (errno == ERANGE || v < min || v > max) {
		*cause = xasprintf("%s is out of range (%ld to %ld)", s, min,
		    max);
		return (-1);
	}
	*out = v;
	return (0);
}

int
str_to_size(const char *s, uint64_t defunit, uint64_t *out, char **cause)
{
	const char	*p = s;
	uint64_t	 whole = 0, unit = defunit, frac = 0, fracdiv = 1;
	int		 digits = 0;

	while (isdigit((unsigned char)*p)) {
		if (whole > (UINT64_MAX - 9) / 10)
			goto toobig;
		whole = whole * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (fracdiv < 1000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fracdiv *= 10;
			}
			p++;
			digits++;
		}
	}
	if (digits == 0)
		goto bad;
	switch (toupper((unsigned char)*p)) {
	case '\0':
		break;
	case 'B':
		unit = 1;
		p++;
		break;
	case 'K':
		unit = 1ULL << 10;
		p++;
		break;
	case 'M':
		unit = 1ULL << 20;
		p++;
		break;
	case 'G':
		unit = 1ULL << 30;
		p++;
		break;
	case 'T':
		unit = 1ULL << 40;
		p++;
		break;
	default:
		goto bad;
	}
	/* Accept "M", "MB", "MiB" alike: sizes here are always binary. */
	if (unit != 1 && (*p == 'i' || *p == 'I'))
		p++;
	if (unit != 1 && (*p == 'b' || *p == 'B'))
		p++;
	if (*p != '\0')
		goto bad;
	if (whole != 0 && unit > UINT64_MAX / whole)
		goto toobig;
	*out = whole * unit + (frac * unit) / fracdiv;
	return (0);

bad:
	*cause = xasprintf("'%s' is not a size (examples: 512M, 2G)", s);
	return (-1);
toobig:
	*cause = xasprintf("'%s' is too big", s);
	return (-1);
}

char *
str_size_short(uint64_t n)
{
	static const char	 units[] = "BKMGTP";
	int			 u = 0;
	uint64_t		 div = 1;

	while (u < 5 && n >= div * 1024)
		div *= 1024, u++;
	if (u == 0)
		return (xasprintf("%lluB", (unsigned long long)n));
	if (n % div == 0)
		return (xasprintf("%llu%c", (unsigned long long)(n / div),
		    units[u]));
	return (xasprintf("%.1f%c", (double)n / (double)div, units[u]));
}

char *
str_size_exact(uint64_t n)
{
	static const char	 units[] = "BKMGTP";
	int			 u = 0;

	while (u < 5 && n != 0 && n % 1024 == 0)
		n /= 1024, u++;
	return (xasprintf("%llu%c", (unsigned long long)n, units[u]));
}

int
str_to_bool(const char *s, int *out, char **cause)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	if (str_choice(yes, s) != -1)
		*out = 1;
	else if (str_choice(no, s) != -1)
		*out = 0;
	else {
		*cause = xasprintf("'%s' is not yes or no", s);
		return (-1);
	}
	return (0);
}

int
str_choice(const char *const *names, const char *value)
{
	int	i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], value) == 0)
			return (i);
	}
	return (-1);
}

char *
str_choices(const char *const *names)
{
	char	*s = NULL;
	size_t	 len = 0, cap = 0;
	int	 i;

	for (i = 0; names[i] != NULL; i++) {
		str_appendf(&s, &len, &cap, "%s%s", i == 0 ? "" :
		    names[i + 1] == NULL ? " or " : ", ", names[i]);
	}
	return (s != NULL ? s : xstrdup(""));
}

char *
str_duration(uint64_t s)
{
	if (s >= 86400)
		return (xasprintf("%llud %lluh", (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400) / 3600));
	if (s >= 3600)
		return (xasprintf("%lluh %02llum",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600) / 60));
	if (s >= 60)
		return (xasprintf("%llum %02llus", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60)));
	return (xasprintf("%llus", (unsigned long long)s));
}
