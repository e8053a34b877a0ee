/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a distribution's index (autoindex HTML, checksum file,
 * JSON or YAML feed) as the network gives it. The first byte picks the
 * format, the first line is the pattern, the rest is the index. Every
 * file kept must have a plain last component and a well-formed hash, and
 * any URL made of it must stay under the index (a feed's absolute URL:
 * on its host).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "images/resolve.h"

#define ORIGIN	"https://h.example/"
#define INDEX	ORIGIN "pub/x/"

static const enum template_index formats[] = { TEMPLATE_INDEX_HTML,
	TEMPLATE_INDEX_SUMS, TEMPLATE_INDEX_JSON, TEMPLATE_INDEX_YAML };

static void
check(const struct resolve_entry *e)
{
	const char	*base = strrchr(e->path, '/');
	char		*url;
	size_t		 n;

	base = base != NULL ? base + 1 : e->path;
	if (*base == '\0' || *base == '.' || strlen(e->path) > 1024 ||
	    strspn(base, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~-") != strlen(base))
		abort();
	if (e->version != NULL && (strlen(e->version) > 64 ||
	    strspn(e->version, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~ -") !=
	    strlen(e->version)))
		abort();
	if (e->hash != NULL) {
		n = strlen(e->hash);
		if (n != 64 && n != 128)
			abort();
		while (n-- > 0) {
			if (!isxdigit((unsigned char)e->hash[n]) ||
			    isupper((unsigned char)e->hash[n]))
				abort();
		}
	}
	url = resolve_join(INDEX, e->path, NULL);
	if (url != NULL && ((strncmp(url, INDEX, strlen(INDEX)) != 0 &&
	    (strstr(e->path, "://") == NULL ||
	    strncmp(url, ORIGIN, strlen(ORIGIN)) != 0)) ||
	    strstr(url, "/../") != NULL || strstr(url + 8, "//") != NULL))
		abort();
	free(url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct resolve_list	 l;
	char			*text, *nl, *cause = NULL;
	size_t			 i;

	if (len < 2)
		return (0);
	text = malloc(len);
	if (text == NULL)
		abort();
	memcpy(text, data + 1, len - 1);
	text[len - 1] = '\0';
	if ((nl = strchr(text, '\n')) == NULL) {
		free(text);
		return (0);
	}
	*nl = '\0';
	if (resolve_parse(formats[data[0] % 4], nl + 1, text, &l,
	    &cause) == 0) {
		if (l.n > RESOLVE_ENTRIES_MAX)
			abort();
		for (i = 0; i < l.n; i++)
			check(&l.v[i]);
		if (l.n > 0 && resolve_newest(&l) == NULL)
			abort();
	} else
		free(cause);
	resolve_list_clear(&l);
	free(text);
	return (0);
}
