/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fetching a URL or a file with libcurl, hashing it as it streams. */
#include "config.h"

#include "images/download.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/lazy_crypto.h"
#include "util/lazy_curl.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

#define DOWNLOAD_TEXT_MAX	(1 << 20)
#define DOWNLOAD_BUF		(1 << 20)

/* Limits, each overridable by the environment (tests make them short). */
struct download_limits {
	long	connect_s;	/* VMDESK_CONNECT_TIMEOUT */
	long	stall_s;	/* VMDESK_STALL_TIMEOUT: the low-speed window */
	long	stall_bytes;	/* VMDESK_STALL_BYTES: the least in it */
	long	retries;	/* VMDESK_DOWNLOAD_RETRIES */
	long	delay_ms;	/* VMDESK_RETRY_DELAY_MS: first back-off */
};

/* One download in progress. */
struct download {
	const char			*url;
	const char			*path;
	struct download_opts		*o;
	char				 etag[DOWNLOAD_VALIDATOR_MAX];
	char				 modified[DOWNLOAD_VALIDATOR_MAX];
	int				 fd;
	EVP_MD_CTX			*md;
	uint64_t			 offset;	/* held before */
	uint64_t			 got;		/* this try */
	int				 checked;	/* answer seen */
	int				 werrno;	/* write failed */
	int				 cancelled;
	CURL				*c;
	const struct download_limits	*l;
	uint64_t			 mark;		/* window start, ms */
	uint64_t			 markbytes;	/* bytes then */
	uint64_t			 slow;		/* bytes if stalled */
	int				 stalled;
};

static long
download_env(const char *name, long def, long min, long max)
{
	const char	*s;
	char		*end;
	long		 l;

	if ((s = getenv(name)) == NULL || *s == '\0')
		return (def);
	errno = 0;
	l = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || l < min || l > max)
		return (def);
	return (l);
}

static void
download_limits(struct download_limits *l)
{
	l->connect_s = download_env("VMDESK_CONNECT_TIMEOUT", 20, 1, 3600);
	l->stall_s = download_env("VMDESK_STALL_TIMEOUT", 30, 1, 3600);
	l->stall_bytes = download_env("VMDESK_STALL_BYTES", 32768, 1,
	    1L << 30);
	l->retries = download_env("VMDESK_DOWNLOAD_RETRIES", 4, 0, 100);
	l->delay_ms = download_env("VMDESK_RETRY_DELAY_MS", 1000, 0, 600000);
}

/* libcurl and libcrypto, loaded on the first download or hash. */
static int
download_load(int curl, char **cause)
{
	static int	done;

	if (lazy_crypto_load(cause) != 0 ||
	    (curl && lazy_curl_load(cause) != 0))
		return (-1);
	if (curl && !done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			fatal("curl_global_init failed");
		done = 1;
	}
	return (0);
}

static void
download_hex(const unsigned char *d, unsigned int n, char *hex)
{
	static const char	digits[] = "0123456789abcdef";
	unsigned int		i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

static EVP_MD_CTX *
download_md_new_of(const EVP_MD *type)
{
	EVP_MD_CTX	*md;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, type, NULL) != 1)
		fatal("cannot start a hash");
	return (md);
}

static EVP_MD_CTX *
download_md_new(void)
{
	return (download_md_new_of(EVP_sha256()));
}

static void
download_md_final(EVP_MD_CTX *md, char *hex)
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	len;

	if (EVP_DigestFinal_ex(md, d, &len) != 1)
		fatal("cannot finish a hash");
	download_hex(d, len, hex);
}

/* Hash what an open file holds from its start; its size in *size. */
static int
download_hash_fd(int fd, EVP_MD_CTX *md, uint64_t *size, const char *path,
    char **cause)
{
	char	*buf;
	ssize_t	 n;

	buf = xmalloc(DOWNLOAD_BUF);
	*size = 0;
	while ((n = read(fd, buf, DOWNLOAD_BUF)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("%s: %s", path, strerror(errno));
			free(buf);
			return (-1);
		}
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			fatal("sha256 update failed");
		*size += (uint64_t)n;
	}
	free(buf);
	return (0);
}

/* The sha256 or sha512 of a whole file, in hex. */
static int
download_hash_file(const char *path, int bits, char *hex, char **cause)
{
	EVP_MD_CTX	*md;
	uint64_t	 size;
	int		 fd, rc;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (download_load(0, cause) != 0) {
		close(fd);
		return (-1);
	}
	md = download_md_new_of(bits == 512 ? EVP_sha512() : EVP_sha256());
	rc = download_hash_fd(fd, md, &size, path, cause);
	close(fd);
	if (rc == 0)
		download_md_final(md, hex);
	EVP_MD_CTX_free(md);
	return (rc);
}

/* The type is named, not passed: EVP_sha256 is only there once loaded. */
int
download_sha256_file(const char *path, char *hex, char **cause)
{
	return (download_hash_file(path, 256, hex, cause));
}

int
download_sha512_file(const char *path, char *hex, char **cause)
{
	return (download_hash_file(path, 512, hex, cause));
}

int
download_sha256_text(const char *s, char *hex, char **cause)
{
	EVP_MD_CTX	*md;

	if (download_load(0, cause) != 0)
		return (-1);
	md = download_md_new();
	if (EVP_DigestUpdate(md, s, strlen(s)) != 1)
		fatal("cannot hash");
	download_md_final(md, hex);
	EVP_MD_CTX_free(md);
	return (0);
}

int
download_sha256_valid(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return (0);
	}
	return (s[64] == '\0');
}

char *
download_url(const char *src)
{
	static const char	 safe[] = "/._-~+,=@";
	char			*abs, *url = NULL;
	size_t			 len = 0, cap = 0;
	const char		*p;

	if (strstr(src, "://") != NULL)
		return (xstrdup(src));
	abs = fs_abspath(src);
	str_appendf(&url, &len, &cap, "file://");
	for (p = abs; *p != '\0'; p++) {
		if (isalnum((unsigned char)*p) || strchr(safe, *p) != NULL)
			str_appendf(&url, &len, &cap, "%c", *p);
		else
			str_appendf(&url, &len, &cap, "%%%02X",
			    (unsigned char)*p);
	}
	free(abs);
	return (url);
}

/* %XX decoded, or NULL when that would give a NUL byte. Caller frees. */
static char *
download_unescape(const char *s)
{
	char		*out, *o;
	unsigned int	 c;

	out = o = xmalloc(strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2]) &&
		    sscanf(s + 1, "%2x", &c) == 1) {
			if (c == 0) {
				free(out);
				return (NULL);
			}
			*o++ = (char)c;
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return (out);
}

char *
download_url_name(const char *url)
{
	const char	*start, *end;
	char		*raw, *name;

	end = url + strcspn(url, "?#");
	for (start = end; start > url && start[-1] != '/'; start--)
		;
	raw = xasprintf("%.*s", (int)(end - start), start);
	if ((name = download_unescape(raw)) == NULL)
		return (raw);
	free(raw);
	return (name);
}

/* ---- Checksum files ------------------------------------------------------ */

/* Whether a listed name (maybe "./dir/x") stands for name. */
static int
download_name_match(const char *listed, size_t len, const char *name)
{
	const char	*base;
	size_t		 i;

	if (strlen(name) == len && memcmp(listed, name, len) == 0)
		return (1);
	for (base = listed, i = 0; i < len; i++) {
		if (listed[i] == '/')
			base = listed + i + 1;
	}
	len -= (size_t)(base - listed);
	return (strlen(name) == len && memcmp(base, name, len) == 0);
}

/* A hash's length in hex if s starts with one (64: sha256, 128: sha512). */
static size_t
download_hash_len(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len && i < 128 && isxdigit((unsigned char)s[i]); i++)
		;
	if ((i == 64 || i == 128) &&
	    (i == len || isspace((unsigned char)s[i])))
		return (i);
	return (0);
}

static void
download_hash_copy(const char *s, size_t n, char *hex)
{
	size_t	i;

	for (i = 0; i < n; i++)
		hex[i] = (char)tolower((unsigned char)s[i]);
	hex[n] = '\0';
}

/*
 * BSD: "SHA256 (NAME) = HASH" or "SHA512 (NAME) = HASH". The name's
 * start and length, and the hash's, or 0.
 */
static size_t
download_bsd_line(const char *line, size_t len, const char **name,
    size_t *namelen, const char **hash)
{
	size_t	n;

	if (len < 8 || (memcmp(line, "SHA256 (", 8) != 0 &&
	    memcmp(line, "SHA512 (", 8) != 0))
		return (0);
	n = memcmp(line, "SHA256", 6) == 0 ? 64 : 128;
	if (len < 8 + 4 + n)
		return (0);
	*hash = line + len - n;
	if (memcmp(*hash - 4, ") = ", 4) != 0 ||
	    download_hash_len(*hash, n) != n)
		return (0);
	*name = line + 8;
	*namelen = (size_t)(*hash - 4 - *name);
	return (n);
}

int
download_checksum_parse(const char *text, const char *name, char *hex,
    char **cause)
{
	const char	*line, *end, *p, *hash, *only = NULL, *lone = NULL;
	size_t		 len, n, plen, named = 0, nlone = 0, onlylen = 0;
	size_t		 lonelen = 0;

	for (line = text; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		len = (size_t)(end - line);
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		while (len > 0 && isspace((unsigned char)*line)) {
			line++;
			len--;
		}
		if ((n = download_bsd_line(line, len, &p, &plen,
		    &hash)) == 0) {
			if ((n = download_hash_len(line, len)) == 0)
				continue;
			if (len == n) {
				lone = line;
				lonelen = n;
				nlone++;
				continue;
			}
			/* GNU: HASH  NAME, or HASH *NAME (binary mode). */
			hash = line;
			p = line + n;
			while (p < line + len && isspace((unsigned char)*p))
				p++;
			if (p < line + len && *p == '*')
				p++;
			plen = (size_t)(line + len - p);
		}
		named++;
		only = hash;
		onlylen = n;
		if (download_name_match(p, plen, name)) {
			download_hash_copy(hash, n, hex);
			return (0);
		}
	}
	/*
	 * A file with one hash speaks of one file, whatever it calls it:
	 * openSUSE's, Arch's and Rocky's "latest" links have checksum files
	 * that name the dated build the link points to.
	 */
	if (named == 1 && nlone == 0) {
		download_hash_copy(only, onlylen, hex);
		return (0);
	}
	if (named == 0 && nlone == 1) {
		download_hash_copy(lone, lonelen, hex);
		return (0);
	}
	*cause = xasprintf("no sha256 or sha512 for %s in the checksum file",
	    name);
	return (-1);
}

/* ---- libcurl ------------------------------------------------------------- */

static CURL *
download_easy(const char *url, const struct download_limits *l,
    char *errbuf)
{
	CURL	*c;

	if ((c = curl_easy_init()) == NULL)
		fatal("curl_easy_init failed");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	/* A redirect must never reach a local file. */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https,ftp,ftps");
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, l->connect_s);
	/* Stalls are download_window()'s: a trickle is one too. */
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
	return (c);
}

/* The response code of an HTTP transfer, 0 for other protocols. */
static long
download_code(CURL *c)
{
	long	code = 0;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	return (code);
}

static int
download_restart(struct download *d)
{
	if (ftruncate(d->fd, 0) != 0 || lseek(d->fd, 0, SEEK_SET) != 0) {
		d->werrno = errno;
		return (-1);
	}
	EVP_MD_CTX_free(d->md);
	d->md = download_md_new();
	d->offset = 0;
	d->got = 0;
	return (0);
}

static size_t
download_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct download	*d = arg;
	size_t		 len = size * nmemb, done = 0;
	ssize_t		 n;
	long		 code;

	if (!d->checked) {
		d->checked = 1;
		/* Asked for a range, given the whole file: start over. */
		code = download_code(d->c);
		if (d->offset > 0 && code == 200 && download_restart(d) != 0)
			return (0);
	}
	while (done < len) {
		n = write(d->fd, ptr + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			d->werrno = errno;
			return (0);
		}
		done += (size_t)n;
	}
	if (EVP_DigestUpdate(d->md, ptr, len) != 1)
		fatal("sha256 update failed");
	d->got += len;
	return (len);
}

/* Copy a header's value (after "Name:"), trimmed, if it fits. */
static void
download_header_value(const char *p, size_t len, char *out)
{
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
	    p[len - 1] == ' '))
		len--;
	if (len > 0 && len < DOWNLOAD_VALIDATOR_MAX) {
		memcpy(out, p, len);
		out[len] = '\0';
	}
}

/*
 * Headers: remember the ETag (a strong one: If-Range takes no weak
 * ETag) and Last-Modified of the final answer, for a later resume.
 */
static size_t
download_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct download	*d = arg;
	size_t		 len = size * nmemb;
	long		 code;

	if (d->o == NULL)
		return (len);
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		*d->etag = '\0';
		*d->modified = '\0';
	} else if (len > 5 && strncasecmp(p, "ETag:", 5) == 0)
		download_header_value(p + 5, len - 5, d->etag);
	else if (len > 14 && strncasecmp(p, "Last-Modified:", 14) == 0)
		download_header_value(p + 14, len - 14, d->modified);
	else if ((len == 2 && p[0] == '\r') || (len == 1 && p[0] == '\n')) {
		code = download_code(d->c);
		if (code != 200 && code != 206)
			return (len);
		if (*d->etag != '\0' && strncmp(d->etag, "W/", 2) != 0)
			strcpy(d->o->validator, d->etag);
		else if (*d->modified != '\0')
			strcpy(d->o->validator, d->modified);
		else if (code == 200)
			*d->o->validator = '\0';
	}
	return (len);
}

/*
 * The low-speed window: fewer than stall_bytes in stall_s seconds is a
 * stall, whether the server is silent or sends 2 bytes a second (curl's
 * own check is a speed, which a trickle can keep above any floor low
 * enough for real mirrors). now is the bytes of this transfer.
 */
static int
download_window(struct download *d, uint64_t now)
{
	uint64_t	t = time_mono_ms() + 1;

	if (d->mark == 0 || now < d->markbytes) {
		d->mark = t;
		d->markbytes = now;
		return (0);
	}
	if (t - d->mark < (uint64_t)d->l->stall_s * 1000)
		return (0);
	if (now - d->markbytes < (uint64_t)d->l->stall_bytes) {
		d->slow = now - d->markbytes;
		d->stalled = 1;
		return (-1);
	}
	d->mark = t;
	d->markbytes = now;
	return (0);
}

static int
download_xferinfo(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct download	*d = arg;
	uint64_t	 total = 0;

	(void)ultotal;
	(void)ulnow;
	if (download_window(d, dlnow > 0 ? (uint64_t)dlnow : 0) != 0)
		return (1);
	if (d->o == NULL || d->o->progress == NULL)
		return (0);
	if (dltotal > 0)
		total = d->offset + (uint64_t)dltotal;
	if (d->o->progress(d->o->arg, d->offset + (uint64_t)dlnow, total)) {
		d->cancelled = 1;
		return (1);
	}
	return (0);
}

/* Whether a failed try is worth another. */
static int
download_transient(CURLcode rc, long code)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return (1);
	case CURLE_HTTP_RETURNED_ERROR:
		return (code == 408 || code == 429 || code >= 500);
	default:
		return (0);
	}
}

/* The host a URL names, or the URL when it names none. Caller frees. */
static char *
download_host(const char *url)
{
	CURLU	*u;
	char	*part = NULL, *host;

	if ((u = curl_url()) == NULL)
		fatal("curl_url failed");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &part, 0) == CURLUE_OK &&
	    *part != '\0')
		host = xstrdup(part);
	else
		host = xstrdup(url);
	curl_free(part);
	curl_url_cleanup(u);
	return (host);
}

/* Why a try failed, for people. Caller frees. */
static char *
download_why(struct download *d, CURLcode rc, const char *errbuf,
    const struct download_limits *l)
{
	double		 connect = 0;
	curl_off_t	 total = -1;
	long		 code = download_code(d->c);
	char		*host, *why;

	if (d->stalled) {
		host = download_host(d->url);
		why = xasprintf("%s: stalled: %llu bytes in the last %ld s "
		    "from %s (less than %ld)", d->url,
		    (unsigned long long)d->slow, d->l->stall_s, host,
		    d->l->stall_bytes);
		free(host);
		return (why);
	}
	switch (rc) {
	case CURLE_HTTP_RETURNED_ERROR:
		return (xasprintf("HTTP %ld from %s", code, d->url));
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(d->c, CURLINFO_CONNECT_TIME, &connect);
		if (connect <= 0)
			return (xasprintf("%s: no connection within %ld s",
			    d->url, l->connect_s));
		return (xasprintf("%s: the server stalled (no data for %ld s "
		    "after %llu bytes)", d->url, l->stall_s,
		    (unsigned long long)(d->offset + d->got)));
	case CURLE_PARTIAL_FILE:
		curl_easy_getinfo(d->c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
		    &total);
		if (total > 0)
			return (xasprintf("%s: the transfer ended early, after "
			    "%llu of %llu bytes", d->url,
			    (unsigned long long)(d->offset + d->got),
			    (unsigned long long)(d->offset +
			    (uint64_t)total)));
		return (xasprintf("%s: the transfer ended early", d->url));
	case CURLE_WRITE_ERROR:
		if (d->werrno != 0)
			return (xasprintf("%s: %s", d->path,
			    strerror(d->werrno)));
		break;
	default:
		break;
	}
	return (xasprintf("%s: %s", d->url, *errbuf != '\0' ? errbuf :
	    curl_easy_strerror(rc)));
}

/* Sleep ms, asking the progress callback about a cancel every 100 ms. */
static int
download_backoff(struct download *d, long ms)
{
	struct timespec	ts;
	long		step;

	while (ms > 0) {
		step = ms > 100 ? 100 : ms;
		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
		if (d->o != NULL && d->o->progress != NULL &&
		    d->o->progress(d->o->arg, d->offset + d->got, 0)) {
			d->cancelled = 1;
			return (-1);
		}
	}
	return (0);
}

int
download_file(const char *url, const char *path, struct download_opts *o,
    char *hex, char **cause)
{
	struct download_limits	 l;
	struct download		 d;
	char			 errbuf[CURL_ERROR_SIZE];
	char			*why = NULL, *range = NULL, *ifrange = NULL;
	struct curl_slist	*hdrs = NULL;
	struct stat		 st;
	CURLcode		 rc = CURLE_OK;
	long			 attempt, delay;
	uint64_t		 held;
	int			 ret = -1, drop;

	if (download_load(1, cause) != 0)
		return (-1);
	download_limits(&l);
	memset(&d, 0, sizeof d);
	d.url = url;
	d.path = path;
	d.o = o;
	d.l = &l;
	if ((d.fd = open(path, O_RDWR|O_CREAT|O_CLOEXEC, 0644)) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	d.md = download_md_new();
	if (download_hash_fd(d.fd, d.md, &held, path, cause) != 0)
		goto out;
	d.offset = held;
	delay = l.delay_ms;
	for (attempt = 0; ; attempt++) {
		errbuf[0] = '\0';
		d.got = 0;
		d.checked = 0;
		d.mark = 0;
		d.stalled = 0;
		d.c = download_easy(url, &l, errbuf);
		curl_easy_setopt(d.c, CURLOPT_WRITEFUNCTION, download_write);
		curl_easy_setopt(d.c, CURLOPT_WRITEDATA, &d);
		curl_easy_setopt(d.c, CURLOPT_XFERINFOFUNCTION,
		    download_xferinfo);
		curl_easy_setopt(d.c, CURLOPT_XFERINFODATA, &d);
		curl_easy_setopt(d.c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(d.c, CURLOPT_HEADERFUNCTION, download_header);
		curl_easy_setopt(d.c, CURLOPT_HEADERDATA, &d);
		/*
		 * A Range of our own, not CURLOPT_RESUME_FROM: curl fails
		 * a 200 answer to that, where the whole file (a server
		 * without ranges, or a source changed under If-Range) is
		 * simply a new start.
		 */
		if (d.offset > 0) {
			range = xasprintf("%llu-",
			    (unsigned long long)d.offset);
			curl_easy_setopt(d.c, CURLOPT_RANGE, range);
			if (o != NULL && *o->validator != '\0') {
				ifrange = xasprintf("If-Range: %s",
				    o->validator);
				hdrs = curl_slist_append(NULL, ifrange);
				curl_easy_setopt(d.c, CURLOPT_HTTPHEADER,
				    hdrs);
			}
		}
		rc = curl_easy_perform(d.c);
		curl_slist_free_all(hdrs);
		hdrs = NULL;
		free(range);
		range = NULL;
		free(ifrange);
		ifrange = NULL;
		if (rc == CURLE_OK)
			break;
		free(why);
		if (d.stalled)
			rc = CURLE_OPERATION_TIMEDOUT;
		if (d.cancelled || rc == CURLE_ABORTED_BY_CALLBACK) {
			why = xstrdup("cancelled");
			d.cancelled = 1;
		} else
			why = download_why(&d, rc, errbuf, &l);
		if (((rc == CURLE_HTTP_RETURNED_ERROR &&
		    download_code(d.c) == 416) || rc == CURLE_RANGE_ERROR) &&
		    d.offset > 0 && attempt < l.retries + 1) {
			/*
			 * What we hold is not a prefix (416), or the server
			 * cannot send a part (curl refuses a 200 answer to
			 * a Range request): start over.
			 */
			curl_easy_cleanup(d.c);
			d.c = NULL;
			if (download_restart(&d) != 0)
				break;
			continue;
		}
		if (d.cancelled || d.werrno != 0 ||
		    !download_transient(rc, download_code(d.c)) ||
		    attempt >= l.retries)
			break;
		curl_easy_cleanup(d.c);
		d.c = NULL;
		d.offset += d.got;
		if (download_backoff(&d, delay) != 0) {
			free(why);
			why = xstrdup("cancelled");
			break;
		}
		delay = delay * 2 > 60000 ? 60000 : delay * 2;
	}
	if (d.c != NULL)
		curl_easy_cleanup(d.c);
	if (rc != CURLE_OK || d.cancelled || d.werrno != 0) {
		if (d.werrno != 0) {
			free(why);
			why = xasprintf("%s: %s", path, strerror(d.werrno));
		}
		*cause = why != NULL ? why : xstrdup("download failed");
		why = NULL;
		goto out;
	}
	if (fsync(d.fd) != 0) {
		d.werrno = errno;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	download_md_final(d.md, hex);
	ret = 0;
out:
	free(why);
	EVP_MD_CTX_free(d.md);
	/*
	 * A part that could not be written, or where nothing came, is of
	 * no use for a resume.
	 */
	drop = d.werrno != 0 || (fstat(d.fd, &st) == 0 && st.st_size == 0);
	if (close(d.fd) != 0 && ret == 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		drop = 1;
		ret = -1;
	}
	if (ret != 0 && drop)
		unlink(path);
	return (ret);
}

/* ---- Small texts --------------------------------------------------------- */

struct download_mem {
	char	*buf;
	size_t	 len;
	int	 toobig;
};

static size_t
download_mem_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct download_mem	*m = arg;
	size_t			 len = size * nmemb;

	if (m->len + len > DOWNLOAD_TEXT_MAX) {
		m->toobig = 1;
		return (0);
	}
	m->buf = xrealloc(m->buf, m->len + len + 1);
	memcpy(m->buf + m->len, ptr, len);
	m->len += len;
	m->buf[m->len] = '\0';
	return (len);
}

/* A transfer into memory (at most DOWNLOAD_TEXT_MAX), set up in d. */
static void
download_mem_begin(struct download *d, const char *url,
    struct download_limits *l, struct download_mem *m, char *errbuf)
{
	download_limits(l);
	memset(m, 0, sizeof *m);
	memset(d, 0, sizeof *d);
	d->url = url;
	d->path = url;
	d->l = l;
	errbuf[0] = '\0';
	d->c = download_easy(url, l, errbuf);
	curl_easy_setopt(d->c, CURLOPT_WRITEFUNCTION, download_mem_write);
	curl_easy_setopt(d->c, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(d->c, CURLOPT_XFERINFOFUNCTION, download_xferinfo);
	curl_easy_setopt(d->c, CURLOPT_XFERINFODATA, d);
	curl_easy_setopt(d->c, CURLOPT_NOPROGRESS, 0L);
}

char *
download_text(const char *url, char **cause)
{
	struct download_limits	 l;
	struct download_mem	 m;
	struct download		 d;
	char			 errbuf[CURL_ERROR_SIZE];
	CURLcode		 rc;

	if (download_load(1, cause) != 0)
		return (NULL);
	download_mem_begin(&d, url, &l, &m, errbuf);
	rc = curl_easy_perform(d.c);
	if (rc != CURLE_OK) {
		if (m.toobig)
			*cause = xasprintf("%s: more than 1 MiB, not a "
			    "checksum file", url);
		else
			*cause = download_why(&d, rc, errbuf, &l);
		curl_easy_cleanup(d.c);
		free(m.buf);
		return (NULL);
	}
	curl_easy_cleanup(d.c);
	if (m.buf == NULL)
		m.buf = xstrdup("");
	return (m.buf);
}

char *
download_location(const char *url, char **cause)
{
	struct download_limits	 l;
	struct download_mem	 m;
	struct download		 d;
	char			 errbuf[CURL_ERROR_SIZE], *to = NULL;
	char			*loc = NULL;
	CURLcode		 rc;

	if (download_load(1, cause) != 0)
		return (NULL);
	download_mem_begin(&d, url, &l, &m, errbuf);
	curl_easy_setopt(d.c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(d.c, CURLOPT_NOBODY, 1L);
	rc = curl_easy_perform(d.c);
	if (rc != CURLE_OK)
		*cause = download_why(&d, rc, errbuf, &l);
	else if (curl_easy_getinfo(d.c, CURLINFO_REDIRECT_URL, &to) !=
	    CURLE_OK || to == NULL)
		*cause = xasprintf("%s: not a redirect (HTTP %ld)", url,
		    download_code(d.c));
	else
		loc = xstrdup(to);
	curl_easy_cleanup(d.c);
	free(m.buf);
	return (loc);
}
