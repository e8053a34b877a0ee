/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Index resolvers: the newest file of a distribution's index. */
#include "config.h"

#include "images/resolve.h"

#include <sys/stat.h>

#include <ctype.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "images/download.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define RESOLVE_PATH_MAX	1024	/* a name or path an index gives */
#define RESOLVE_PARTS_MAX	16	/* its components */
#define RESOLVE_JSON_DEPTH	32
#define RESOLVE_LINE_MAX	4096
#define RESOLVE_VERSION_MAX	64	/* a feed's version, shown as it is */

/* The keys of a feed's entry: the file, its hashes, its version. */
static const char *const resolve_file_keys[] = { "link", "path", "file",
	"url", NULL };

int
resolve_vercmp(const char *a, const char *b)
{
	size_t	na, nb;
	int	c;

	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (na = 0; isdigit((unsigned char)a[na]); na++)
				;
			for (nb = 0; isdigit((unsigned char)b[nb]); nb++)
				;
			if (na != nb)
				return (na < nb ? -1 : 1);
			if ((c = strncmp(a, b, na)) != 0)
				return (c < 0 ? -1 : 1);
			a += na;
			b += nb;
			continue;
		}
		if (*a != *b)
			return ((unsigned char)*a < (unsigned char)*b ? -1 : 1);
		a++;
		b++;
	}
	return (*a == *b ? 0 : *a == '\0' ? -1 : 1);
}

/* A path component an index may give: a plain file or folder name. */
static int
resolve_part_ok(const char *s, size_t n)
{
	static const char	ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~-";
	size_t			i;

	if (n == 0 || n > 255 || s[0] == '.')
		return (0);
	for (i = 0; i < n; i++) {
		if (strchr(ok, s[i]) == NULL || s[i] == '\0')
			return (0);
	}
	return (1);
}

/* A relative path of safe components ("a/b/c.iso"). */
static int
resolve_relpath_ok(const char *p)
{
	const char	*slash;
	int		 parts = 0;

	for (;;) {
		slash = strchr(p, '/');
		if (!resolve_part_ok(p, slash != NULL ? (size_t)(slash - p) :
		    strlen(p)) || ++parts > RESOLVE_PARTS_MAX)
			return (0);
		if (slash == NULL)
			return (1);
		p = slash + 1;
	}
}

/* "https://host" of a URL: the scheme and authority. */
static size_t
resolve_origin_len(const char *url)
{
	const char	*p;

	if ((p = strstr(url, "://")) == NULL)
		return (0);
	p += 3;
	return ((size_t)(p - url) + strcspn(p, "/?#"));
}

char *
resolve_join(const char *index, const char *path, const char *host)
{
	size_t	 olen, plen;
	char	*h, *dir, *url;
	int	 ok;

	if ((olen = resolve_origin_len(index)) == 0 || index[olen] != '/' ||
	    strlen(path) > RESOLVE_PATH_MAX)
		return (NULL);
	if (strstr(path, "://") != NULL) {
		/* Absolute: the index's scheme, its host or file_host. */
		plen = resolve_origin_len(path);
		if (path[plen] != '/' || !resolve_relpath_ok(path + plen + 1))
			return (NULL);
		h = template_url_host(path);
		ok = (plen == olen && strncmp(path, index, olen) == 0) ||
		    (host != NULL && strcmp(h, host) == 0 &&
		    strncmp(path, index, (size_t)(strstr(index, "://") -
		    index) + 3) == 0);
		free(h);
		return (ok ? xstrdup(path) : NULL);
	}
	if (!resolve_relpath_ok(path))
		return (NULL);
	/* Simplestreams name paths from the folder that holds streams/. */
	dir = xstrndup(index, strcspn(index, "?#"));
	if (strstr(dir + olen, "/streams/v1/") != NULL)
		strstr(dir + olen, "/streams/v1/")[1] = '\0';
	else
		strrchr(dir, '/')[1] = '\0';
	url = xasprintf("%s%s", dir, path);
	free(dir);
	return (url);
}

/* The last component of a path or URL. */
static const char *
resolve_base(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return (slash != NULL ? slash + 1 : path);
}

/* A hash in hex (a sha256 or a sha512), lowercased. Caller frees. */
static char *
resolve_hash(const char *s, size_t n)
{
	char	*h;
	size_t	 i;

	if ((n != 64 && n != 128) || s == NULL)
		return (NULL);
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return (NULL);
	}
	h = xstrndup(s, n);
	for (i = 0; i < n; i++)
		h[i] = (char)tolower((unsigned char)h[i]);
	return (h);
}

/* A feed's version, if it is short words a terminal shows as they are. */
static const char *
resolve_version_ok(const char *v)
{
	if (v == NULL || *v == '\0' || strlen(v) > RESOLVE_VERSION_MAX ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._+~ -") != strlen(v))
		return (NULL);
	return (v);
}

/* Keep a file of the index if its name matches and it could be safe. */
static void
resolve_add(struct resolve_list *l, const char *pattern, const char *path,
    size_t n, char *hash, const char *version)
{
	char	*p = NULL;
	size_t	 i;

	if (n > 0 && n <= RESOLVE_PATH_MAX && l->n < RESOLVE_ENTRIES_MAX)
		p = xstrndup(path, n);
	if (p == NULL || strlen(p) != n ||
	    fnmatch(pattern, resolve_base(p), FNM_PERIOD) != 0 ||
	    !resolve_part_ok(resolve_base(p), strlen(resolve_base(p)))) {
		free(p);
		free(hash);
		return;
	}
	version = resolve_version_ok(version);
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].path, p) == 0) {
			free(p);
			free(hash);
			return;
		}
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].path = p;
	l->v[l->n].hash = hash;
	l->v[l->n].version = version != NULL ? xstrdup(version) : NULL;
	l->n++;
}

/* Every href="..." of an autoindex page. */
static int
resolve_parse_html(const char *text, const char *pattern,
    struct resolve_list *l)
{
	const char	*p = text, *v;
	size_t		 n;
	char		 q;

	while ((p = strcasestr(p, "href")) != NULL) {
		p += 4;
		while (*p == ' ')
			p++;
		if (*p != '=')
			continue;
		for (p++; *p == ' '; p++)
			;
		q = (*p == '"' || *p == '\'') ? *p++ : '\0';
		v = p;
		n = q != '\0' ? strcspn(v, q == '"' ? "\"" : "'") :
		    strcspn(v, " \t\r\n>");
		if (q != '\0' && v[n] == '\0')
			break;
		/* "./name" is the same file; anything else stays as is. */
		if (n > 2 && v[0] == '.' && v[1] == '/') {
			v += 2;
			n -= 2;
		}
		if (memchr(v, '/', n) == NULL)
			resolve_add(l, pattern, v, n, NULL, NULL);
		p = v + n;
	}
	return (0);
}

/* One line of a checksum file: GNU "HASH  NAME", BSD "ALG (NAME) = HASH". */
static void
resolve_sums_line(const char *line, size_t len, const char *pattern,
    struct resolve_list *l)
{
	const char	*open, *close, *eq;
	size_t		 n;

	if ((n = strspn(line, "0123456789abcdefABCDEF")) == 64 || n == 128) {
		if (n + 2 > len || line[n] != ' ' ||
		    (line[n + 1] != ' ' && line[n + 1] != '*'))
			return;
		resolve_add(l, pattern, line + n + 2, len - n - 2,
		    resolve_hash(line, n), NULL);
		return;
	}
	open = memchr(line, '(', len);
	eq = open != NULL ? strstr(open, ") = ") : NULL;
	if (open == NULL || open == line || open[-1] != ' ' || eq == NULL ||
	    eq >= line + len)
		return;
	close = eq;
	n = (size_t)(line + len - (eq + 4));
	resolve_add(l, pattern, open + 1, (size_t)(close - open - 1),
	    resolve_hash(eq + 4, n), NULL);
}

static int
resolve_parse_sums(const char *text, const char *pattern,
    struct resolve_list *l)
{
	const char	*p = text;
	char		 line[RESOLVE_LINE_MAX];
	size_t		 len;

	while (*p != '\0') {
		len = strcspn(p, "\n");
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len < RESOLVE_LINE_MAX) {
			memcpy(line, p, len);
			line[len] = '\0';
			resolve_sums_line(line, len, pattern, l);
		}
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
	return (0);
}

/* A feed's entry: a file key, and its sha256 and version if given. */
static void
resolve_feed_entry(struct resolve_list *l, const char *pattern,
    const char *file, const char *sha256, const char *version)
{
	if (file == NULL)
		return;
	resolve_add(l, pattern, file, strlen(file), sha256 != NULL ?
	    resolve_hash(sha256, strlen(sha256)) : NULL, version);
}

static void
resolve_json_walk(json_t *j, int depth, const char *pattern,
    struct resolve_list *l)
{
	const char	*key, *file = NULL;
	json_t		*v;
	size_t		 i;

	if (depth > RESOLVE_JSON_DEPTH)
		return;
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			resolve_json_walk(v, depth + 1, pattern, l);
		return;
	}
	if (!json_is_object(j))
		return;
	for (i = 0; file == NULL && resolve_file_keys[i] != NULL; i++)
		file = json_string_value(json_object_get(j,
		    resolve_file_keys[i]));
	resolve_feed_entry(l, pattern, file,
	    json_string_value(json_object_get(j, "sha256")),
	    json_string_value(json_object_get(j, "version")));
	json_object_foreach(j, key, v)
		resolve_json_walk(v, depth + 1, pattern, l);
}

static int
resolve_parse_json(const char *text, const char *pattern,
    struct resolve_list *l, char **cause)
{
	json_error_t	 error;
	json_t		*j;

	if ((j = json_loads(text, JSON_REJECT_DUPLICATES, &error)) == NULL) {
		*cause = xasprintf("not a JSON feed: %s (line %d)", error.text,
		    error.line);
		return (-1);
	}
	resolve_json_walk(j, 0, pattern, l);
	json_decref(j);
	return (0);
}

/* The keys of the YAML entry being read. */
struct resolve_yaml {
	char	*file;
	char	*sha256;
	char	*version;
};

static void
resolve_yaml_flush(struct resolve_yaml *y, const char *pattern,
    struct resolve_list *l)
{
	resolve_feed_entry(l, pattern, y->file, y->sha256, y->version);
	free(y->file);
	free(y->sha256);
	free(y->version);
	memset(y, 0, sizeof *y);
}

/* "key: value" (value unquoted) into the entry, if a key it keeps. */
static void
resolve_yaml_pair(struct resolve_yaml *y, const char *p, size_t len)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} keys[] = {
		{ "file", offsetof(struct resolve_yaml, file) },
		{ "sha256", offsetof(struct resolve_yaml, sha256) },
		{ "version", offsetof(struct resolve_yaml, version) },
	};
	const char	*colon;
	char		**to;
	size_t		 klen, i;

	if ((colon = memchr(p, ':', len)) == NULL)
		return;
	klen = (size_t)(colon - p);
	p = colon + 1;
	len -= klen + 1;
	while (len > 0 && *p == ' ') {
		p++;
		len--;
	}
	if (len >= 2 && (*p == '"' || *p == '\'') && p[len - 1] == *p) {
		p++;
		len -= 2;
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strlen(keys[i].key) != klen ||
		    strncmp(keys[i].key, colon - klen, klen) != 0)
			continue;
		to = (char **)(void *)((char *)y + keys[i].off);
		free(*to);
		*to = xstrndup(p, len);
	}
}

/* A list of mappings, as Alpine's latest-releases.yaml. */
static int
resolve_parse_yaml(const char *text, const char *pattern,
    struct resolve_list *l)
{
	struct resolve_yaml	 y;
	const char		*p = text, *s;
	size_t			 len, ind;

	memset(&y, 0, sizeof y);
	while (*p != '\0') {
		len = strcspn(p, "\n");
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		ind = strspn(p, " ");
		s = p + ind;
		if (len < RESOLVE_LINE_MAX && ind < len && *s == '-' &&
		    (ind + 1 == len || s[1] == ' ')) {
			resolve_yaml_flush(&y, pattern, l);
			s++;
			while (s < p + len && *s == ' ')
				s++;
		}
		if (len < RESOLVE_LINE_MAX && s < p + len && *s != '#')
			resolve_yaml_pair(&y, s, (size_t)(p + len - s));
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
	resolve_yaml_flush(&y, pattern, l);
	return (0);
}

int
resolve_parse(enum template_index format, const char *text,
    const char *pattern, struct resolve_list *l, char **cause)
{
	memset(l, 0, sizeof *l);
	switch (format) {
	case TEMPLATE_INDEX_HTML:
		return (resolve_parse_html(text, pattern, l));
	case TEMPLATE_INDEX_SUMS:
		return (resolve_parse_sums(text, pattern, l));
	case TEMPLATE_INDEX_JSON:
		return (resolve_parse_json(text, pattern, l, cause));
	case TEMPLATE_INDEX_YAML:
		return (resolve_parse_yaml(text, pattern, l));
	case TEMPLATE_INDEX_NONE:
	case TEMPLATE_INDEX_REDIRECT:
		break;
	}
	*cause = xasprintf("an index of format %s has no text to read",
	    template_index_name(format));
	return (-1);
}

void
resolve_list_clear(struct resolve_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].hash);
		free(l->v[i].version);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

const struct resolve_entry *
resolve_newest(const struct resolve_list *l)
{
	const struct resolve_entry	*best = NULL;
	size_t				 i;

	for (i = 0; i < l->n; i++) {
		if (best == NULL || resolve_vercmp(l->v[i].path,
		    best->path) > 0)
			best = &l->v[i];
	}
	return (best);
}

void
resolve_result_clear(struct resolve_result *r)
{
	free(r->url);
	free(r->name);
	free(r->version);
	free(r->sha256);
	free(r->checksum_url);
	free(r->note);
	memset(r, 0, sizeof *r);
}

void
resolve_imgcache_source(const struct template *t,
    const struct template_source *s, const struct resolve_result *r,
    struct imgcache_source *src)
{
	imgcache_template_source(t, s, src);
	if (r->pinned) {
		src->checksum_url = r->checksum_url;
		return;
	}
	src->url = r->url;
	src->sha256 = r->sha256;
	src->checksum_url = r->sha256 == NULL ? r->checksum_url : NULL;
	src->checksum_name = r->sha256 == NULL ? r->name : NULL;
}

/*
 * What the pattern's wildcards matched in name: between the literal text
 * before its first and after its last wildcard, or NULL. Caller frees.
 */
static char *
resolve_version(const char *pattern, const char *name)
{
	const char	*first, *last, *p;
	size_t		 pre, post, n = strlen(name);

	if ((first = strpbrk(pattern, "*?[\\")) == NULL)
		return (NULL);
	for (last = p = first; (p = strpbrk(p, "*?]")) != NULL; p++)
		last = p;
	pre = (size_t)(first - pattern);
	post = strlen(last + 1);
	if (pre + post >= n)
		return (NULL);
	return (xstrndup(name + pre, n - pre - post));
}

/*
 * A checksum file's URL for the file name: "{file}" in it stands for the
 * name (a .sha256 beside each file). Caller frees.
 */
static char *
resolve_sum_url(const char *url, const char *name)
{
	const char	*at;

	if ((at = strstr(url, RESOLVE_FILE_TOKEN)) == NULL)
		return (xstrdup(url));
	return (xasprintf("%.*s%s%s", (int)(at - url), url, name,
	    at + strlen(RESOLVE_FILE_TOKEN)));
}

/* The template's pin, with a note saying why (NULL: no index). */
static void
resolve_pin(const struct template_source *s, char *note,
    struct resolve_result *r)
{
	resolve_result_clear(r);
	r->pinned = 1;
	r->note = note;
	if (s->url == NULL)
		return;
	r->url = xstrdup(s->url);
	r->name = s->checksum_name != NULL ? xstrdup(s->checksum_name) :
	    download_url_name(s->url);
	if (s->sha256 != NULL)
		r->sha256 = xstrdup(s->sha256);
	if (s->checksum_url != NULL)
		r->checksum_url = resolve_sum_url(s->checksum_url, r->name);
}

/* The cache file of a source's resolution. Caller frees. */
static char *
resolve_cache_path(const struct library *lib,
    const struct template_source *s)
{
	char	*key, hex[DOWNLOAD_SHA256_HEX], *why = NULL, *path = NULL;

	key = xasprintf("%s\n%s\n%s\n%s\n%s", s->index,
	    template_index_name(s->index_format), s->pattern,
	    s->file_host != NULL ? s->file_host : "",
	    s->checksum_url != NULL ? s->checksum_url : "");
	if (download_sha256_text(key, hex, &why) == 0)
		path = xasprintf("%s/cache/resolve/%s", lib->home, hex);
	free(why);
	free(key);
	return (path);
}

/* The fields of a resolution as the cache file keeps them. */
static const struct {
	const char	*key;
	size_t		 off;
} resolve_cache_keys[] = {
	{ "url", offsetof(struct resolve_result, url) },
	{ "name", offsetof(struct resolve_result, name) },
	{ "version", offsetof(struct resolve_result, version) },
	{ "sha256", offsetof(struct resolve_result, sha256) },
	{ "checksum_url", offsetof(struct resolve_result, checksum_url) },
};
#define RESOLVE_NCACHE	(sizeof resolve_cache_keys / \
	sizeof resolve_cache_keys[0])

static char **
resolve_field(struct resolve_result *r, size_t i)
{
	return ((char **)(void *)((char *)r + resolve_cache_keys[i].off));
}

/* A resolution of less than a day, or -1. */
static int
resolve_cache_read(const char *path, struct resolve_result *r)
{
	struct stat	 st;
	char		*text, *why = NULL, *line, *next, *eq;
	size_t		 i;
	time_t		 now = time(NULL);

	if (stat(path, &st) != 0 || st.st_mtime > now ||
	    now - st.st_mtime >= RESOLVE_CACHE_SECONDS ||
	    (text = fs_read_file(path, NULL, &why)) == NULL) {
		free(why);
		return (-1);
	}
	for (next = text; (line = strsep(&next, "\n")) != NULL;) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		for (i = 0; i < RESOLVE_NCACHE; i++) {
			if (strcmp(line, resolve_cache_keys[i].key) == 0) {
				free(*resolve_field(r, i));
				*resolve_field(r, i) = xstrdup(eq + 1);
			}
		}
	}
	free(text);
	if (r->url == NULL || r->name == NULL || (r->sha256 == NULL &&
	    r->checksum_url == NULL)) {
		resolve_result_clear(r);
		return (-1);
	}
	r->cached = 1;
	return (0);
}

/* Keep a resolution for a day; a cache that cannot be written is none. */
static void
resolve_cache_write(const char *path, struct resolve_result *r)
{
	char	*text = NULL, *dir, *why = NULL;
	size_t	 len = 0, size = 0, i;

	for (i = 0; i < RESOLVE_NCACHE; i++) {
		if (*resolve_field(r, i) != NULL)
			str_appendf(&text, &len, &size, "%s=%s\n",
			    resolve_cache_keys[i].key, *resolve_field(r, i));
	}
	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	if (fs_mkdir_p(dir, 0755, &why) != 0 ||
	    fs_write_atomic(path, text, len, 0644, &why) != 0)
		free(why);
	free(dir);
	free(text);
}

/* The newest entry whose URL stays under the index; NULL when none. */
static const struct resolve_entry *
resolve_pick(const struct template_source *s, struct resolve_list *l,
    char **url)
{
	const struct resolve_entry	*e;
	size_t				 i;

	for (i = 0; i < l->n;) {
		*url = resolve_join(s->index, l->v[i].path, s->file_host);
		/* A listing or a checksum file names files beside it. */
		if (*url != NULL &&
		    ((s->index_format != TEMPLATE_INDEX_HTML &&
		    s->index_format != TEMPLATE_INDEX_SUMS) ||
		    strchr(l->v[i].path, '/') == NULL)) {
			free(*url);
			i++;
			continue;
		}
		free(*url);
		free(l->v[i].path);
		free(l->v[i].hash);
		free(l->v[i].version);
		l->v[i] = l->v[--l->n];
	}
	if ((e = resolve_newest(l)) == NULL)
		return (NULL);
	*url = resolve_join(s->index, e->path, s->file_host);
	return (e);
}

/*
 * The files the index names: its text parsed, or for a redirect the
 * one it points at. -1 and *cause when the index cannot be read.
 */
static int
resolve_read_index(const struct template_source *s, struct resolve_list *l,
    char **cause)
{
	char	*text;
	int	 rc;

	memset(l, 0, sizeof *l);
	if (s->index_format == TEMPLATE_INDEX_REDIRECT) {
		if ((text = download_location(s->index, cause)) == NULL)
			return (-1);
		resolve_add(l, s->pattern, text, strlen(text), NULL, NULL);
		free(text);
		return (0);
	}
	if ((text = download_text(s->index, cause)) == NULL)
		return (-1);
	rc = resolve_parse(s->index_format, text, s->pattern, l, cause);
	free(text);
	return (rc);
}

/*
 * The hash a checksum file gives name, which it must name itself (a
 * lone hash vouches for nothing resolved). Caller frees.
 */
static char *
resolve_listed(const char *url, const char *name, char **cause)
{
	struct resolve_list	 l;
	char			*text, *why = NULL, *hash = NULL;

	if ((text = download_text(url, &why)) == NULL) {
		*cause = xasprintf("no checksum for %s: %s: refused", name,
		    why);
		free(why);
		return (NULL);
	}
	memset(&l, 0, sizeof l);
	resolve_parse_sums(text, name, &l);
	free(text);
	if (l.n == 1 && l.v[0].hash != NULL && strcmp(l.v[0].path, name) == 0)
		hash = xstrdup(l.v[0].hash);
	else
		*cause = xasprintf("no checksum for %s: %s does not list it: "
		    "refused", name, url);
	resolve_list_clear(&l);
	return (hash);
}

/* The checksum of the picked file: the index's, or its checksum file's. */
static int
resolve_checksum(const struct template_source *s,
    const struct resolve_entry *e, struct resolve_result *r, char **cause)
{
	char	*hash, *url;

	if (e->hash != NULL && strlen(e->hash) == 64) {
		r->sha256 = xstrdup(e->hash);
		return (0);
	}
	if (e->hash != NULL && s->index_format == TEMPLATE_INDEX_SUMS) {
		r->checksum_url = xstrdup(s->index);
		return (0);
	}
	if (s->checksum_url == NULL) {
		*cause = xasprintf("%s gives no checksum for %s and the "
		    "template names no checksum_url: refused", s->index,
		    r->name);
		return (-1);
	}
	url = resolve_sum_url(s->checksum_url, r->name);
	if ((hash = resolve_listed(url, r->name, cause)) == NULL) {
		free(url);
		return (-1);
	}
	if (strlen(hash) == 64) {
		r->sha256 = hash;
		free(url);
	} else {
		free(hash);
		r->checksum_url = url;
	}
	return (0);
}

/* Read the index; 1 when it cannot be (r holds the pin and a note). */
static int
resolve_index(const struct template_source *s, struct resolve_result *r,
    char **cause)
{
	const struct resolve_entry	*e;
	struct resolve_list		 l;
	char				*why = NULL, *url = NULL;
	int				 rc;

	if (resolve_read_index(s, &l, &why) != 0) {
		resolve_pin(s, xasprintf("%s cannot be read (%s): using the "
		    "pinned %s", s->index, why, s->url), r);
		free(why);
		resolve_list_clear(&l);
		return (1);
	}
	if ((e = resolve_pick(s, &l, &url)) == NULL) {
		resolve_pin(s, xasprintf("%s names no file matching %s: using "
		    "the pinned %s", s->index, s->pattern, s->url), r);
		resolve_list_clear(&l);
		return (1);
	}
	r->url = url;
	r->name = xstrdup(resolve_base(url));
	r->version = e->version != NULL ? xstrdup(e->version) :
	    resolve_version(s->pattern, r->name);
	rc = resolve_checksum(s, e, r, cause);
	resolve_list_clear(&l);
	return (rc);
}

/* Whether the pin's checksum file still lists it (a file that moved). */
static int
resolve_pin_listed(struct resolve_result *r, char **cause)
{
	char	*text, hex[DOWNLOAD_HASH_HEX], *why = NULL;

	if ((text = download_text(r->checksum_url, &why)) == NULL ||
	    download_checksum_parse(text, r->name, hex, &why) != 0) {
		*cause = xasprintf("pinned %s: %s", r->name, why);
		free(why);
		free(text);
		return (-1);
	}
	free(text);
	return (0);
}

int
resolve_source(const struct library *lib, const struct template_source *s,
    int flags, struct resolve_result *r, char **cause)
{
	char	*cache = NULL;
	int	 rc;

	memset(r, 0, sizeof *r);
	if (s->index == NULL) {
		resolve_pin(s, NULL, r);
		if ((flags & RESOLVE_CHECK) != RESOLVE_CHECK ||
		    s->checksum_url == NULL || s->url == NULL)
			return (0);
		if (resolve_pin_listed(r, cause) != 0) {
			resolve_result_clear(r);
			return (-1);
		}
		return (0);
	}
	if (lib != NULL)
		cache = resolve_cache_path(lib, s);
	if (cache != NULL && !(flags & RESOLVE_FRESH) &&
	    resolve_cache_read(cache, r) == 0) {
		free(cache);
		return (0);
	}
	if (flags & RESOLVE_OFFLINE) {
		free(cache);
		resolve_pin(s, NULL, r);
		return (0);
	}
	rc = resolve_index(s, r, cause);
	if (rc == 0 && cache != NULL)
		resolve_cache_write(cache, r);
	free(cache);
	if (rc < 0)
		resolve_result_clear(r);
	return (rc < 0 ? -1 : 0);
}

int
resolve_cached(const struct library *lib, const struct template *t)
{
	struct template_source	 s;
	struct resolve_result	 r;
	struct imgcache_source	 src;
	struct imgcache_entry	*e = NULL;
	char			*cause = NULL;
	int			 found;

	template_source(t, NULL, &s);
	if (s.url == NULL)
		return (0);
	if (resolve_source(lib, &s, RESOLVE_OFFLINE, &r, &cause) != 0) {
		free(cause);
		return (0);
	}
	resolve_imgcache_source(t, &s, &r, &src);
	e = imgcache_find(lib, &src);
	found = e != NULL;
	resolve_result_clear(&r);
	imgcache_entry_free(e);
	return (found);
}
