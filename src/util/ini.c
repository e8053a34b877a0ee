/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An INI reader that keeps order and line numbers. */
#include "config.h"

#include "util/ini.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/xmalloc.h"

#define INI_MAX_LINE	4096

static char *
ini_trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return (s);
}

static int
ini_word_ok(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("-_.", *s) == NULL)
			return (0);
	}
	return (1);
}

int
ini_value_ok(const char *s)
{
	return (strchr(s, '\n') == NULL && strchr(s, '\r') == NULL &&
	    strlen(s) < INI_MAX_LINE - 64);
}

char *
ini_quote(const char *s)
{
	size_t	len = strlen(s);

	if (len > 0 && (isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[len - 1]) ||
	    (len >= 2 && s[0] == '"' && s[len - 1] == '"')))
		return (xasprintf("\"%s\"", s));
	return (xstrdup(s));
}

static int
ini_add_section(struct ini *ini, char *hdr, int line, char **cause)
{
	struct ini_section	*sec;
	char			*sp, *type, *name = NULL;
	size_t			 len;

	sp = hdr;
	while (*sp != '\0' && !isspace((unsigned char)*sp))
		sp++;
	if (*sp != '\0') {
		*sp++ = '\0';
		name = ini_trim(sp, sp + strlen(sp));
		len = strlen(name);
		if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
			name[len - 1] = '\0';
			name++;
		}
	}
	type = hdr;
	if (!ini_word_ok(type) || (name != NULL && !ini_word_ok(name))) {
		*cause = xasprintf("%s:%d: bad section header", ini->file,
		    line);
		return (-1);
	}
	ini->sections = xreallocarray(ini->sections, ini->nsections + 1,
	    sizeof *ini->sections);
	sec = &ini->sections[ini->nsections++];
	sec->type = xstrdup(type);
	sec->name = name == NULL ? NULL : xstrdup(name);
	sec->line = line;
	return (0);
}

static int
ini_add_entry(struct ini *ini, char *s, char *end, int line, char **cause)
{
	struct ini_entry	*e;
	char			*eq, *key, *value;
	size_t			 len;

	if ((eq = memchr(s, '=', (size_t)(end - s))) == NULL) {
		*cause = xasprintf("%s:%d: expected 'key = value'", ini->file,
		    line);
		return (-1);
	}
	if (ini->nsections == 0) {
		*cause = xasprintf("%s:%d: key before any [section]",
		    ini->file, line);
		return (-1);
	}
	key = ini_trim(s, eq);
	value = ini_trim(eq + 1, end);
	if (!ini_word_ok(key)) {
		*cause = xasprintf("%s:%d: bad key '%s'", ini->file, line, key);
		return (-1);
	}
	len = strlen(value);
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		value[len - 1] = '\0';
		value++;
	}
	ini->entries = xreallocarray(ini->entries, ini->nentries + 1,
	    sizeof *ini->entries);
	e = &ini->entries[ini->nentries++];
	e->section = ini->nsections - 1;
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = line;
	return (0);
}

struct ini *
ini_parse(const char *text, size_t len, const char *name, char **cause)
{
	struct ini	*ini;
	const char	*p = text, *end = text + len, *nl;
	char		*buf, *s, *e;
	size_t		 linelen;
	int		 line = 0;

	ini = xcalloc(1, sizeof *ini);
	ini->file = xstrdup(name);
	buf = xmalloc(INI_MAX_LINE);
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		linelen = (size_t)(nl - p);
		if (linelen >= INI_MAX_LINE) {
			*cause = xasprintf("%s:%d: line too long", name, line);
			goto fail;
		}
		if (memchr(p, '\0', linelen) != NULL) {
			*cause = xasprintf("%s:%d: NUL byte in line", name,
			    line);
			goto fail;
		}
		memcpy(buf, p, linelen);
		buf[linelen] = '\0';
		p = nl + 1;

		s = ini_trim(buf, buf + linelen);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			e = s + strlen(s) - 1;
			if (*e != ']') {
				*cause = xasprintf("%s:%d: missing ']'", name,
				    line);
				goto fail;
			}
			s = ini_trim(s + 1, e);
			if (ini_add_section(ini, s, line, cause) != 0)
				goto fail;
			continue;
		}
		if (ini_add_entry(ini, s, s + strlen(s), line, cause) != 0)
			goto fail;
	}
	free(buf);
	return (ini);

fail:
	free(buf);
	ini_free(ini);
	return (NULL);
}

struct ini *
ini_load(const char *path, char **cause)
{
	struct ini	*ini;
	char		*text;
	size_t		 len;

	if ((text = fs_read_file(path, &len, cause)) == NULL)
		return (NULL);
	ini = ini_parse(text, len, path, cause);
	free(text);
	return (ini);
}

void
ini_free(struct ini *ini)
{
	size_t	i;

	if (ini == NULL)
		return;
	for (i = 0; i < ini->nsections; i++) {
		free(ini->sections[i].type);
		free(ini->sections[i].name);
	}
	for (i = 0; i < ini->nentries; i++) {
		free(ini->entries[i].key);
		free(ini->entries[i].value);
	}
	free(ini->sections);
	free(ini->entries);
	free(ini->file);
	free(ini);
}
