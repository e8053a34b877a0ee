/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing INI text, and rewriting an edited file with its comments kept. */
#include "config.h"

#include "util/iniwrite.h"

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* The output being built. */
struct iniwrite_out {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 rewriting;	/* a source is being rewritten */
};

void
iniwrite_init(struct iniwrite *w)
{
	memset(w, 0, sizeof *w);
}

void
iniwrite_clear(struct iniwrite *w)
{
	size_t	i;

	for (i = 0; i < w->n; i++) {
		free(w->items[i].type);
		free(w->items[i].name);
		free(w->items[i].key);
		free(w->items[i].value);
	}
	free(w->items);
	memset(w, 0, sizeof *w);
}

static void
iniwrite_push(struct iniwrite *w, const char *type, const char *name,
    const char *key, const char *value, int weak)
{
	struct iniwrite_item	*it;

	w->items = xreallocarray(w->items, w->n + 1, sizeof *w->items);
	it = &w->items[w->n++];
	it->type = xstrdup(type);
	it->name = name == NULL ? NULL : xstrdup(name);
	it->key = key == NULL ? NULL : xstrdup(key);
	it->value = value == NULL ? NULL : xstrdup(value);
	it->weak = weak;
}

void
iniwrite_section(struct iniwrite *w, const char *type, const char *name)
{
	iniwrite_push(w, type, name, NULL, NULL, 0);
}

void
iniwrite_add(struct iniwrite *w, const char *type, const char *name,
    const char *key, const char *value, int weak)
{
	iniwrite_push(w, type, name, key, value, weak);
}

static int
iniwrite_same(const char *type, const char *name, const char *type2,
    const char *name2)
{
	if (strcmp(type, type2) != 0)
		return (0);
	if (name == NULL || name2 == NULL)
		return (name == name2);
	return (strcmp(name, name2) == 0);
}

static void
iniwrite_header(struct iniwrite_out *o, const char *type, const char *name)
{
	if (name != NULL)
		str_appendf(&o->buf, &o->len, &o->cap, "[%s %s]\n", type, name);
	else
		str_appendf(&o->buf, &o->len, &o->cap, "[%s]\n", type);
}

static void
iniwrite_pair(struct iniwrite_out *o, const char *key, const char *value)
{
	char	*q = ini_quote(value);

	str_appendf(&o->buf, &o->len, &o->cap, "%s = %s\n", key, q);
	free(q);
}

/* The items of one section not yet written, in order. */
static void
iniwrite_rest(const struct iniwrite *w, const char *type, const char *name,
    char *used, struct iniwrite_out *o)
{
	size_t	i;

	for (i = 0; i < w->n; i++) {
		if (used[i] || w->items[i].key == NULL ||
		    (o->rewriting && w->items[i].weak) ||
		    !iniwrite_same(w->items[i].type, w->items[i].name, type,
		    name))
			continue;
		iniwrite_pair(o, w->items[i].key, w->items[i].value);
		used[i] = 1;
	}
}

/* Whether section type/name has items (keys, or only its declaration). */
static int
iniwrite_has(const struct iniwrite *w, const char *type, const char *name,
    int keys)
{
	size_t	i;

	for (i = 0; i < w->n; i++) {
		if (iniwrite_same(w->items[i].type, w->items[i].name, type,
		    name) && (!keys || w->items[i].key != NULL))
			return (1);
	}
	return (0);
}

/* Whether the source (NULL: none) has section type/name. */
static int
iniwrite_in_source(const struct ini *ini, const char *type, const char *name)
{
	size_t	i;

	for (i = 0; ini != NULL && i < ini->nsections; i++) {
		if (iniwrite_same(ini->sections[i].type, ini->sections[i].name,
		    type, name))
			return (1);
	}
	return (0);
}

/* Sections in first-seen order that the source does not have. */
static void
iniwrite_new_sections(const struct iniwrite *w, const struct ini *ini,
    char *used, int blank, struct iniwrite_out *o)
{
	const struct iniwrite_item	*it;
	size_t				 i, j;

	for (i = 0; i < w->n; i++) {
		it = &w->items[i];
		/* Once per section: a weak key left unwritten is no new one. */
		for (j = 0; j < i; j++) {
			if (iniwrite_same(w->items[j].type, w->items[j].name,
			    it->type, it->name))
				break;
		}
		/* An empty [vm] is left out; an empty [usb stick] is a thing. */
		if (j < i || used[i] || !iniwrite_has(w, it->type, it->name,
		    it->name == NULL) ||
		    iniwrite_in_source(ini, it->type, it->name))
			continue;
		/* One blank line between sections, even after a removed one. */
		if (blank && !(o->len >= 2 && o->buf[o->len - 2] == '\n'))
			str_appendf(&o->buf, &o->len, &o->cap, "\n");
		blank = 1;
		iniwrite_header(o, it->type, it->name);
		iniwrite_rest(w, it->type, it->name, used, o);
	}
}

/*
 * The item an entry of the source keeps: the k-th item of that key in
 * its section for the k-th such entry. -1 when the key is gone.
 */
static ssize_t
iniwrite_match(const struct iniwrite *w, const struct ini *ini, size_t e)
{
	const struct ini_entry		*en = &ini->entries[e];
	const struct ini_section	*sec = &ini->sections[en->section];
	size_t				 i, k = 0;

	for (i = 0; i < e; i++) {
		if (ini->entries[i].section == en->section &&
		    strcmp(ini->entries[i].key, en->key) == 0)
			k++;
	}
	for (i = 0; i < w->n; i++) {
		if (w->items[i].key == NULL ||
		    strcmp(w->items[i].key, en->key) != 0 ||
		    !iniwrite_same(w->items[i].type, w->items[i].name,
		    sec->type, sec->name))
			continue;
		if (k-- == 0)
			return ((ssize_t)i);
	}
	return (-1);
}

/* Where each source line starts, and how long it is. */
struct iniwrite_lines {
	const char	**start;
	size_t		 *len;
	size_t		  n;
};

static void
iniwrite_split(const char *src, size_t srclen, struct iniwrite_lines *l)
{
	const char	*p = src, *end = src + srclen, *nl;

	memset(l, 0, sizeof *l);
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		l->start = xreallocarray(l->start, l->n + 1, sizeof *l->start);
		l->len = xreallocarray(l->len, l->n + 1, sizeof *l->len);
		l->start[l->n] = p;
		l->len[l->n++] = (size_t)(nl - p);
		p = nl + 1;
	}
}

/* What each source line is: a section header, an entry, or other text. */
struct iniwrite_role {
	ssize_t	 section;	/* the section it belongs to, -1: preamble */
	ssize_t	 entry;		/* its entry, or -1 */
	int	 header;
};

static struct iniwrite_role *
iniwrite_roles(const struct ini *ini, size_t nlines)
{
	struct iniwrite_role	*r;
	size_t			 i, j;

	r = xcalloc(nlines + 1, sizeof *r);
	for (i = 0; i < nlines; i++) {
		r[i].section = -1;
		r[i].entry = -1;
	}
	for (j = 0; j < ini->nsections; j++)
		r[ini->sections[j].line - 1].header = 1;
	for (j = 0; j < ini->nentries; j++)
		r[ini->entries[j].line - 1].entry = (ssize_t)j;
	for (i = 0, j = 0; i < nlines; i++) {
		if (r[i].header)
			j++;
		r[i].section = (ssize_t)j - 1;
	}
	return (r);
}

/* The last line that is an entry of section s, or its header's line. */
static size_t
iniwrite_last_entry(const struct ini *ini, size_t s)
{
	size_t	i, last = (size_t)ini->sections[s].line - 1;

	for (i = 0; i < ini->nentries; i++) {
		if (ini->entries[i].section == s)
			last = (size_t)ini->entries[i].line - 1;
	}
	return (last);
}

static void
iniwrite_line(struct iniwrite_out *o, const struct iniwrite_lines *l,
    size_t i)
{
	str_appendf(&o->buf, &o->len, &o->cap, "%.*s\n", (int)l->len[i],
	    l->start[i]);
}

/* One source line, kept, changed or dropped. */
static void
iniwrite_source_line(const struct iniwrite *w, const struct ini *ini,
    const struct iniwrite_lines *l, const struct iniwrite_role *r, size_t i,
    char *used, struct iniwrite_out *o)
{
	const struct ini_section	*sec;
	ssize_t				 m;

	if (r[i].section >= 0) {
		sec = &ini->sections[r[i].section];
		if (!iniwrite_has(w, sec->type, sec->name, 0))
			return;
	}
	if (r[i].entry < 0) {
		iniwrite_line(o, l, i);
		return;
	}
	if ((m = iniwrite_match(w, ini, (size_t)r[i].entry)) < 0)
		return;
	used[m] = 1;
	if (strcmp(w->items[m].value, ini->entries[r[i].entry].value) == 0)
		iniwrite_line(o, l, i);
	else
		iniwrite_pair(o, w->items[m].key, w->items[m].value);
}

/* Mark the declarations of sections the source has: they are written. */
static void
iniwrite_mark_sections(const struct iniwrite *w, const struct ini *ini,
    char *used)
{
	size_t	i, j;

	for (i = 0; i < w->n; i++) {
		for (j = 0; j < ini->nsections; j++) {
			if (w->items[i].key == NULL && iniwrite_same(
			    w->items[i].type, w->items[i].name,
			    ini->sections[j].type, ini->sections[j].name))
				used[i] = 1;
		}
	}
}

static void
iniwrite_rewrite(const struct iniwrite *w, const struct ini *ini,
    const char *src, size_t srclen, char *used, struct iniwrite_out *o)
{
	struct iniwrite_lines		 l;
	struct iniwrite_role		*r;
	const struct ini_section	*sec;
	size_t				 i, s;

	iniwrite_split(src, srclen, &l);
	r = iniwrite_roles(ini, l.n);
	iniwrite_mark_sections(w, ini, used);
	for (i = 0; i < l.n; i++) {
		iniwrite_source_line(w, ini, &l, r, i, used, o);
		if (r[i].section < 0)
			continue;
		s = (size_t)r[i].section;
		sec = &ini->sections[s];
		if (i == iniwrite_last_entry(ini, s) &&
		    iniwrite_has(w, sec->type, sec->name, 0))
			iniwrite_rest(w, sec->type, sec->name, used, o);
	}
	iniwrite_new_sections(w, ini, used, o->len > 0, o);
	free(r);
	free(l.start);
	free(l.len);
}

/*
 * Whether a source can be rewritten in place: a section given twice (an
 * unknown one may be) would take the same items twice (found by
 * fuzz_vmdef), so such a file is written anew instead.
 */
static int
iniwrite_rewritable(const struct ini *ini)
{
	size_t	i, j;

	for (i = 0; i < ini->nsections; i++) {
		for (j = 0; j < i; j++) {
			if (iniwrite_same(ini->sections[i].type,
			    ini->sections[i].name, ini->sections[j].type,
			    ini->sections[j].name))
				return (0);
		}
	}
	return (1);
}

char *
iniwrite_text(const struct iniwrite *w, const char *header, const char *src,
    size_t srclen)
{
	struct iniwrite_out	 o;
	struct ini		*ini = NULL;
	char			*used, *cause = NULL;

	memset(&o, 0, sizeof o);
	used = xcalloc(w->n + 1, 1);
	if (src != NULL && (ini = ini_parse(src, srclen, "source",
	    &cause)) == NULL)
		free(cause);
	if (ini != NULL && !iniwrite_rewritable(ini)) {
		ini_free(ini);
		ini = NULL;
	}
	o.rewriting = ini != NULL;
	if (ini != NULL)
		iniwrite_rewrite(w, ini, src, srclen, used, &o);
	else {
		if (header != NULL)
			str_appendf(&o.buf, &o.len, &o.cap, "%s", header);
		iniwrite_new_sections(w, NULL, used, 0, &o);
	}
	ini_free(ini);
	free(used);
	if (o.buf == NULL)
		o.buf = xstrdup("");
	return (o.buf);
}
