/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON as jansson's JSON_INDENT(2) writes it, into one buffer written at
 * once: list --json over thousands of VMs spent a quarter of its time in
 * jansson's dump, which builds the text piece by piece through callbacks.
 */
#include "config.h"

#include "cli/cli_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

struct jout {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
jout_room(struct jout *o, size_t n)
{
	if (o->len + n <= o->cap)
		return;
	o->cap = (o->len + n) * 2;
	o->p = xrealloc(o->p, o->cap);
}

static void
jout_put(struct jout *o, const char *s, size_t n)
{
	jout_room(o, n);
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

#define JOUT_LIT(o, s)	jout_put((o), (s), sizeof (s) - 1)

static void
jout_char(struct jout *o, char c)
{
	jout_room(o, 1);
	o->p[o->len++] = c;
}

/* The escape of a byte of a string, or NULL when it goes as it is. */
static const char *
jout_escape(unsigned char c, char *buf, size_t size)
{
	switch (c) {
	case '"':
		return ("\\\"");
	case '\\':
		return ("\\\\");
	case '\n':
		return ("\\n");
	case '\t':
		return ("\\t");
	case '\r':
		return ("\\r");
	case '\b':
		return ("\\b");
	case '\f':
		return ("\\f");
	}
	if (c >= 0x20)
		return (NULL);
	snprintf(buf, size, "\\u%04X", c);
	return (buf);
}

static void
jout_string(struct jout *o, const char *s)
{
	const char	*run = s, *esc;
	char		 buf[8];

	jout_char(o, '"');
	for (; *s != '\0'; s++) {
		if ((esc = jout_escape((unsigned char)*s, buf,
		    sizeof buf)) == NULL)
			continue;
		jout_put(o, run, (size_t)(s - run));
		jout_put(o, esc, strlen(esc));
		run = s + 1;
	}
	jout_put(o, run, (size_t)(s - run));
	jout_char(o, '"');
}

static void
jout_indent(struct jout *o, int depth)
{
	jout_room(o, 1 + 2 * (size_t)depth);
	o->p[o->len++] = '\n';
	memset(o->p + o->len, ' ', 2 * (size_t)depth);
	o->len += 2 * (size_t)depth;
}

static void
jout_integer(struct jout *o, json_int_t v)
{
	char	buf[24], *p = buf + sizeof buf;
	int	neg = v < 0;
	/* The magnitude without overflow for the smallest value. */
	unsigned long long u = neg ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (neg)
		*--p = '-';
	jout_put(o, p, (size_t)(buf + sizeof buf - p));
}

/*
 * A real as jansson writes one: 17 digits, always a dot or an exponent,
 * and an exponent with no '+' and no leading zeros ("1e300", "2e-7").
 */
static void
jout_real(struct jout *o, double d)
{
	char	buf[64], *e, *p;

	snprintf(buf, sizeof buf, "%.17g", d);
	if ((e = strchr(buf, 'e')) == NULL) {
		jout_put(o, buf, strlen(buf));
		if (strchr(buf, '.') == NULL)
			JOUT_LIT(o, ".0");
		return;
	}
	*e++ = '\0';
	jout_put(o, buf, strlen(buf));
	jout_char(o, 'e');
	if (*e == '-')
		jout_char(o, *e++);
	else if (*e == '+')
		e++;
	for (p = e; *p == '0' && p[1] != '\0'; p++)
		;
	jout_put(o, p, strlen(p));
}

static void	jout_value(struct jout *, json_t *, int);

static void
jout_object(struct jout *o, json_t *j, int depth)
{
	const char	*key;
	json_t		*v;
	size_t		 i = 0, n = json_object_size(j);

	if (n == 0) {
		JOUT_LIT(o, "{}");
		return;
	}
	jout_char(o, '{');
	json_object_foreach(j, key, v) {
		jout_indent(o, depth + 1);
		jout_string(o, key);
		JOUT_LIT(o, ": ");
		jout_value(o, v, depth + 1);
		if (++i < n)
			jout_char(o, ',');
	}
	jout_indent(o, depth);
	jout_char(o, '}');
}

static void
jout_array(struct jout *o, json_t *j, int depth)
{
	json_t	*v;
	size_t	 i, n = json_array_size(j);

	if (n == 0) {
		JOUT_LIT(o, "[]");
		return;
	}
	jout_char(o, '[');
	json_array_foreach(j, i, v) {
		jout_indent(o, depth + 1);
		jout_value(o, v, depth + 1);
		if (i + 1 < n)
			jout_char(o, ',');
	}
	jout_indent(o, depth);
	jout_char(o, ']');
}

static void
jout_value(struct jout *o, json_t *j, int depth)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		jout_object(o, j, depth);
		break;
	case JSON_ARRAY:
		jout_array(o, j, depth);
		break;
	case JSON_STRING:
		jout_string(o, json_string_value(j));
		break;
	case JSON_INTEGER:
		jout_integer(o, json_integer_value(j));
		break;
	case JSON_REAL:
		jout_real(o, json_real_value(j));
		break;
	case JSON_TRUE:
		JOUT_LIT(o, "true");
		break;
	case JSON_FALSE:
		JOUT_LIT(o, "false");
		break;
	case JSON_NULL:
		JOUT_LIT(o, "null");
		break;
	}
}

void
cli_json_write(FILE *f, const json_t *j)
{
	struct jout	o;

	memset(&o, 0, sizeof o);
	/* jansson's iterators take no const; nothing here changes j. */
	jout_value(&o, (json_t *)(uintptr_t)j, 0);
	fwrite(o.p, 1, o.len, f);
	free(o.p);
}
