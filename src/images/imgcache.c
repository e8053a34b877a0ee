/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image cache: fetch, verify, unpack, convert, publish, list, prune. */
#include "config.h"

#include "images/imgcache.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "backend/qemu_img.h"
#include "images/download.h"
#include "images/imgcheck.h"
#include "images/unpack.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define IMGCACHE_PARTIAL	".partial"
#define IMGCACHE_LOCK		".lock"
#define IMGCACHE_HOLD		".hold"

/* Formats as qemu-img names them, by enum template_format. */
static const struct imgcache_format {
	const char	*name;		/* in the template */
	const char	*qemu;		/* qemu-img -f */
} imgcache_formats[] = {
	{ "qcow2", "qcow2" },
	{ "raw", "raw" },
	{ "vmdk", "vmdk" },
	{ "vhd", "vpc" },
	{ "iso", "raw" },
};

/* A fetch in progress: its files, removed unless published. */
struct imgcache_job {
	const struct library	*lib;
	imgcache_progress_cb	 cb;
	void			*arg;
	const char		*step;
	char			*url;		/* as fetched */
	char			*partial;	/* images/.partial */
	char			*part;		/* the download */
	char			*unpacked;
	char			*converted;
	char			*lockpath;
	int			 lockfd;	/* the download's lock */
	int			 local;
};

/* ---- Entries ------------------------------------------------------------- */

void
imgcache_entry_free(struct imgcache_entry *e)
{
	if (e == NULL)
		return;
	free(e->sha256);
	free(e->path);
	free(e->format);
	strv_clear(&e->sources);
	strv_clear(&e->members);
	strv_clear(&e->users);
	free(e);
}

void
imgcache_list_free(struct imgcache_entry **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		imgcache_entry_free(v[i]);
	free(v);
}

static char *
imgcache_meta_path(const struct library *lib, const char *sha)
{
	return (xasprintf("%s/%s.json", lib->images, sha));
}

/* Read SHA.json; NULL when it is missing or damaged, or its image is. */
static struct imgcache_entry *
imgcache_meta_load(const struct library *lib, const char *sha)
{
	struct imgcache_entry	*e;
	json_t			*j, *srcs, *s;
	json_error_t		 error;
	const char		*file, *format, *url, *member;
	char			*path;
	struct stat		 st;
	size_t			 i;

	path = imgcache_meta_path(lib, sha);
	j = json_load_file(path, 0, &error);
	free(path);
	if (j == NULL)
		return (NULL);
	file = json_string_value(json_object_get(j, "file"));
	format = json_string_value(json_object_get(j, "format"));
	srcs = json_object_get(j, "sources");
	if (file == NULL || format == NULL || !json_is_array(srcs) ||
	    strchr(file, '/') != NULL) {
		json_decref(j);
		return (NULL);
	}
	e = xcalloc(1, sizeof *e);
	e->sha256 = xstrdup(sha);
	e->path = fs_path_join(lib->images, file);
	e->format = xstrdup(format);
	e->vsize = (uint64_t)json_integer_value(json_object_get(j, "vsize"));
	e->fetched = json_integer_value(json_object_get(j, "fetched"));
	strv_init(&e->sources);
	strv_init(&e->members);
	strv_init(&e->users);
	json_array_foreach(srcs, i, s) {
		url = json_string_value(json_object_get(s, "url"));
		member = json_string_value(json_object_get(s, "member"));
		if (url == NULL)
			continue;
		strv_push(&e->sources, url);
		strv_push(&e->members, member != NULL ? member : "");
	}
	json_decref(j);
	if (stat(e->path, &st) != 0) {
		imgcache_entry_free(e);
		return (NULL);
	}
	e->size = (uint64_t)st.st_blocks * 512;
	if (e->vsize == 0)
		e->vsize = (uint64_t)st.st_size;
	return (e);
}

static int
imgcache_meta_save(const struct library *lib, const struct imgcache_entry *e,
    char **cause)
{
	json_t	*j, *srcs, *s;
	char	*text, *path, *base;
	size_t	 i;
	int	 rc;

	j = json_object();
	json_object_set_new(j, "sha256", json_string(e->sha256));
	base = strrchr(e->path, '/') + 1;
	json_object_set_new(j, "file", json_string(base));
	json_object_set_new(j, "format", json_string(e->format));
	json_object_set_new(j, "vsize", json_integer((json_int_t)e->vsize));
	json_object_set_new(j, "fetched", json_integer(e->fetched));
	srcs = json_array();
	for (i = 0; i < e->sources.n; i++) {
		s = json_object();
		json_object_set_new(s, "url", json_string(e->sources.v[i]));
		if (*e->members.v[i] != '\0')
			json_object_set_new(s, "member",
			    json_string(e->members.v[i]));
		json_array_append_new(srcs, s);
	}
	json_object_set_new(j, "sources", srcs);
	text = json_dumps(j, JSON_INDENT(2)|JSON_PRESERVE_ORDER);
	json_decref(j);
	if (text == NULL)
		fatal("cannot format JSON");
	path = imgcache_meta_path(lib, e->sha256);
	rc = fs_write_atomic(path, text, strlen(text), 0644, cause);
	free(path);
	free(text);
	return (rc);
}

/* The sha256s with a SHA.json in the cache, sorted. */
static int
imgcache_shas(const struct library *lib, struct strv *shas, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 len, i, j;
	char		*t;

	if ((d = opendir(lib->images)) == NULL) {
		if (errno == ENOENT)
			return (0);
		*cause = xasprintf("%s: %s", lib->images, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len == 64 + 5 && str_has_suffix(de->d_name, ".json"))
			strv_pushf(shas, "%.64s", de->d_name);
	}
	closedir(d);
	for (i = 1; i < shas->n; i++) {
		for (j = i; j > 0 && strcmp(shas->v[j - 1], shas->v[j]) > 0;
		    j--) {
			t = shas->v[j];
			shas->v[j] = shas->v[j - 1];
			shas->v[j - 1] = t;
		}
	}
	return (0);
}

/* The URL a source is kept under: file:// for local paths. Caller frees. */
static char *
imgcache_source_url(const struct imgcache_source *src)
{
	return (download_url(src->url));
}

static int
imgcache_has_source(const struct imgcache_entry *e, const char *url,
    const char *member)
{
	size_t	i;

	for (i = 0; i < e->sources.n; i++) {
		if (strcmp(e->sources.v[i], url) == 0 &&
		    strcmp(e->members.v[i], member != NULL ? member : "") == 0)
			return (1);
	}
	return (0);
}

/* The entry holding url (and member), or NULL. */
static struct imgcache_entry *
imgcache_find_url(const struct library *lib, const char *url,
    const char *member)
{
	struct imgcache_entry	*e;
	struct strv		 shas;
	char			*cause = NULL;
	size_t			 i;

	strv_init(&shas);
	if (imgcache_shas(lib, &shas, &cause) != 0) {
		free(cause);
		return (NULL);
	}
	for (i = 0; i < shas.n; i++) {
		if ((e = imgcache_meta_load(lib, shas.v[i])) == NULL)
			continue;
		if (imgcache_has_source(e, url, member)) {
			strv_clear(&shas);
			return (e);
		}
		imgcache_entry_free(e);
	}
	strv_clear(&shas);
	return (NULL);
}

struct imgcache_entry *
imgcache_find(const struct library *lib, const struct imgcache_source *src)
{
	struct imgcache_entry	*e;
	char			*url;

	url = imgcache_source_url(src);
	e = imgcache_find_url(lib, url, src->member);
	free(url);
	if (e != NULL && src->sha256 != NULL &&
	    strcasecmp(e->sha256, src->sha256) != 0) {
		imgcache_entry_free(e);
		return (NULL);
	}
	return (e);
}

void
imgcache_template_source(const struct template *t,
    const struct template_source *s, struct imgcache_source *src)
{
	memset(src, 0, sizeof *src);
	src->url = s->url;
	src->sha256 = s->sha256;
	src->checksum_url = s->checksum_url;
	src->checksum_name = s->checksum_name;
	src->member = s->member;
	src->format = (int)t->format;
}

/* ---- Fetching ------------------------------------------------------------ */

static int
imgcache_dl_progress(void *arg, uint64_t done, uint64_t total)
{
	struct imgcache_job	*job = arg;

	if (job->cb == NULL)
		return (0);
	return (job->cb(job->arg, job->step, done, total));
}

static void
imgcache_job_clear(struct imgcache_job *job)
{
	if (job->unpacked != NULL)
		unlink(job->unpacked);
	if (job->converted != NULL)
		unlink(job->converted);
	/* No download left to resume: its lock goes too. */
	if (job->lockfd >= 0 && job->part != NULL && !fs_exists(job->part))
		unlink(job->lockpath);
	if (job->lockfd >= 0)
		close(job->lockfd);
	free(job->lockpath);
	free(job->url);
	free(job->partial);
	free(job->part);
	free(job->unpacked);
	free(job->converted);
}

/* What sha256 the source must have: pinned, from its checksum file, or
 * none (an empty string). */
static int
imgcache_expected(struct imgcache_job *job, const struct imgcache_source *src,
    char *hex, char **cause)
{
	char	*text, *name, *why = NULL;
	int	 rc;

	*hex = '\0';
	if (src->sha256 != NULL) {
		if (!download_sha256_valid(src->sha256)) {
			*cause = xasprintf("'%s' is not a sha256 (64 hex "
			    "digits)", src->sha256);
			return (-1);
		}
		for (rc = 0; rc < 65; rc++)
			hex[rc] = (char)(src->sha256[rc] >= 'A' &&
			    src->sha256[rc] <= 'F' ? src->sha256[rc] + 32 :
			    src->sha256[rc]);
		return (0);
	}
	if (src->checksum_url == NULL)
		return (0);
	job->step = "checksum file";
	if (job->cb != NULL && job->cb(job->arg, job->step, 0, 0)) {
		*cause = xstrdup("cancelled");
		return (-1);
	}
	if ((text = download_text(src->checksum_url, cause)) == NULL)
		return (-1);
	name = src->checksum_name != NULL ? xstrdup(src->checksum_name) :
	    download_url_name(job->url);
	rc = download_checksum_parse(text, name, hex, &why);
	if (rc != 0) {
		*cause = xasprintf("%s (%s)", why, src->checksum_url);
		free(why);
	}
	free(name);
	free(text);
	return (rc);
}

/*
 * Check a fetched file against the expected hash, if any: a sha256 is
 * compared with the one taken as it came; a sha512 (Debian's and
 * NetBSD's checksum files have no other) needs one more read.
 */
static int
imgcache_verify(const char *path, const char *what, const char *want,
    const char *got, int deleted, char **cause)
{
	char	 sha512[DOWNLOAD_HASH_HEX];

	if (*want == '\0')
		return (0);
	if (strlen(want) == 128) {
		if (download_sha512_file(path, sha512, cause) != 0)
			return (-1);
		got = sha512;
	}
	if (strcmp(want, got) == 0)
		return (0);
	*cause = xasprintf("checksum mismatch for %s: expected %s, got %s%s",
	    what, want, got, deleted ? "; the download is deleted" : "");
	return (-1);
}

/* Take the lock on a source's download, so two fetches never share it. */
static int
imgcache_lock_part(struct imgcache_job *job, const char *key, char **cause)
{
	job->lockpath = xasprintf("%s/%s.lock", job->partial, key);
	job->lockfd = open(job->lockpath, O_RDWR|O_CREAT|O_CLOEXEC, 0644);
	if (job->lockfd < 0) {
		*cause = xasprintf("%s: %s", job->partial, strerror(errno));
		return (-1);
	}
	if (flock(job->lockfd, LOCK_EX|LOCK_NB) != 0) {
		*cause = xasprintf("another vmdesk is fetching %s; try again "
		    "when it is done", job->url);
		return (-1);
	}
	return (0);
}

/*
 * The validator (ETag) of a partial download lives in its lock file:
 * read it before a resume, write it back after.
 */
static void
imgcache_validator(struct imgcache_job *job, struct download_opts *o,
    int save)
{
	ssize_t	n;
	size_t	len;

	if (save) {
		len = strlen(o->validator);
		if (ftruncate(job->lockfd, 0) == 0 && len > 0 &&
		    pwrite(job->lockfd, o->validator, len, 0) != (ssize_t)len)
			(void)ftruncate(job->lockfd, 0);
		return;
	}
	n = pread(job->lockfd, o->validator, sizeof o->validator - 1, 0);
	o->validator[n > 0 ? n : 0] = '\0';
}

/* The cache's own lock, held while an entry is published. */
static int
imgcache_lock(const struct library *lib, char **cause)
{
	char	*path;
	int	 fd;

	path = fs_path_join(lib->images, IMGCACHE_LOCK);
	fd = open(path, O_RDWR|O_CREAT|O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(path);
	return (fd);
}

int
imgcache_hold(const struct library *lib, int exclusive, char **cause)
{
	char	*path;
	int	 fd;

	path = fs_path_join(lib->images, IMGCACHE_HOLD);
	fd = open(path, O_RDWR|O_CREAT|O_CLOEXEC, 0644);
	/* Exclusive never waits: a download may hold it for minutes. */
	if (fd < 0 || flock(fd, exclusive ? LOCK_EX|LOCK_NB : LOCK_SH) != 0) {
		if (fd >= 0 && errno == EWOULDBLOCK)
			*cause = xstrdup("a create, clone or import is under "
			    "way: try again when it ends");
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(path);
	return (fd);
}

void
imgcache_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- Shared bases -------------------------------------------------------- */

/* Whether the cached image images/HEX.qcow2 holds exactly these bytes. */
static char *
imgcache_same_image(const struct library *lib, const char *hex,
    const struct stat *sb)
{
	struct stat	 csb;
	char		*path, *why = NULL, chex[65];

	path = xasprintf("%s/%s.qcow2", lib->images, hex);
	if (stat(path, &csb) == 0 && S_ISREG(csb.st_mode) &&
	    csb.st_size == sb->st_size &&
	    download_sha256_file(path, chex, &why) == 0 &&
	    strcmp(chex, hex) == 0)
		return (path);
	free(why);
	free(path);
	return (NULL);
}

int
imgcache_share_base(const struct library *lib, const char *path,
    char **shared, char **cause)
{
	struct stat	 sb, dsb;
	char		*dir, *dest, hex[65];
	int		 rc = -1;

	*shared = NULL;
	dir = fs_path_join(lib->images, LIBRARY_BASES_DIR);
	if (fs_mkdir_p(dir, 0755, cause) != 0)
		goto out;
	if (stat(path, &sb) != 0 || stat(dir, &dsb) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	/* On another file system (no link): it stays where it is. */
	if (sb.st_dev != dsb.st_dev) {
		rc = 0;
		goto out;
	}
	if (download_sha256_file(path, hex, cause) != 0)
		goto out;
	if ((*shared = imgcache_same_image(lib, hex, &sb)) != NULL) {
		rc = 0;
		goto out;
	}
	dest = xasprintf("%s/%s.qcow2", dir, hex);
	/* Named by its bytes: one already there is this one. */
	if (link(path, dest) != 0 && errno != EEXIST)
		*cause = xasprintf("%s: %s", dest, strerror(errno));
	else if (fs_sync_dir(dir, cause) == 0) {
		crashpoint("import: base shared");
		*shared = dest;
		dest = NULL;
		rc = 0;
	}
	free(dest);
out:
	free(dir);
	return (rc);
}

/* The virtual size of a qcow2 imgcheck_file() has passed, in *vsize;
 * the backing file refused again, as qemu-img sees it. */
static int
imgcache_check_qcow2(const char *path, const char *what, uint64_t *vsize,
    char **cause)
{
	struct qemu_img_info	 info;
	char			*why = NULL;

	if (qemu_img_info(path, "qcow2", 0, &info, &why) != 0) {
		*cause = xasprintf("%s: not a usable qcow2 image: %s", what,
		    why);
		free(why);
		return (-1);
	}
	if (info.backing != NULL) {
		*cause = xasprintf("%s: the qcow2 image has a backing file "
		    "(%s): refused", what, info.backing);
		qemu_img_info_clear(&info);
		return (-1);
	}
	*vsize = info.virtual_size;
	qemu_img_info_clear(&info);
	return (0);
}

static int
imgcache_convert(const char *in, const char *fmt, const char *out,
    char **cause)
{
	struct strv	 args;
	char		*source;
	int		 rc;

	/* The inspected file, and only it, as fmt (never probed). */
	source = imgcheck_qemu_source(in, fmt);
	strv_init(&args);
	strv_push(&args, "convert");
	strv_push(&args, "-O");
	strv_push(&args, "qcow2");
	strv_push(&args, source);
	strv_push(&args, out);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	free(source);
	return (rc);
}

static int
imgcache_step(struct imgcache_job *job, const char *step, char **cause)
{
	job->step = step;
	if (job->cb != NULL && job->cb(job->arg, step, 0, 0)) {
		*cause = xstrdup("cancelled");
		return (-1);
	}
	return (0);
}

/*
 * From the verified download to the published entry: unpack, convert,
 * make read-only, rename, write SHA.json. Called with the cache locked.
 */
static struct imgcache_entry *
imgcache_publish(struct imgcache_job *job, const struct imgcache_source *src,
    const char *sha, char **cause)
{
	struct imgcache_entry	*e;
	enum unpack_kind	 kind;
	const char		*image;
	char			*final;
	uint64_t		 vsize = 0;
	int			 format;

	if (unpack_kind(job->part, &kind, cause) != 0)
		return (NULL);
	image = job->part;
	if (kind != UNPACK_PLAIN) {
		if (imgcache_step(job, "unpacking", cause) != 0)
			return (NULL);
		job->unpacked = xasprintf("%s/%s.%ld.unpack", job->partial, sha,
		    (long)getpid());
		if (unpack_file(job->part, job->url, src->member,
		    job->unpacked, imgcache_dl_progress, job, cause) != 0)
			return (NULL);
		image = job->unpacked;
	}
	/* Before anything opens it: no file outside may be named. */
	format = imgcheck_file(image, job->url, src->format, NULL, 0, cause);
	if (format < 0)
		return (NULL);
	if (format == TEMPLATE_FORMAT_QCOW2) {
		if (imgcache_check_qcow2(image, job->url, &vsize, cause) != 0)
			return (NULL);
	} else if (format != TEMPLATE_FORMAT_ISO) {
		if (imgcache_step(job, "converting", cause) != 0)
			return (NULL);
		job->converted = xasprintf("%s/%s.%ld.qcow2", job->partial,
		    sha, (long)getpid());
		if (imgcache_convert(image, imgcache_formats[format].qemu,
		    job->converted, cause) != 0 ||
		    imgcache_check_qcow2(job->converted, job->url, &vsize,
		    cause) != 0)
			return (NULL);
		image = job->converted;
	}
	if (imgcache_step(job, "publishing", cause) != 0)
		return (NULL);
	final = xasprintf("%s/%s.%s", job->lib->images, sha,
	    format == TEMPLATE_FORMAT_ISO ? "iso" : "qcow2");
	if (chmod(image, 0444) != 0 || rename(image, final) != 0) {
		*cause = xasprintf("%s: %s", final, strerror(errno));
		free(final);
		return (NULL);
	}
	e = xcalloc(1, sizeof *e);
	e->sha256 = xstrdup(sha);
	e->path = final;
	e->format = xstrdup(format == TEMPLATE_FORMAT_ISO ? "iso" : "qcow2");
	e->vsize = vsize;
	e->fetched = (long long)time(NULL);
	strv_init(&e->sources);
	strv_init(&e->members);
	strv_init(&e->users);
	strv_push(&e->sources, job->url);
	strv_push(&e->members, src->member != NULL ? src->member : "");
	if (imgcache_meta_save(job->lib, e, cause) != 0) {
		unlink(final);
		imgcache_entry_free(e);
		return (NULL);
	}
	return (e);
}

/* Add a source to an existing entry. */
static int
imgcache_add_source(const struct library *lib, struct imgcache_entry *e,
    const char *url, const char *member, char **cause)
{
	if (imgcache_has_source(e, url, member))
		return (0);
	strv_push(&e->sources, url);
	strv_push(&e->members, member != NULL ? member : "");
	return (imgcache_meta_save(lib, e, cause));
}

/*
 * An entry found in the cache is inspected again before it is used: it
 * may have been published before vmdesk inspected images.
 */
static int
imgcache_recheck(const struct imgcache_entry *e, char **cause)
{
	int	format;

	format = strcmp(e->format, "iso") == 0 ? TEMPLATE_FORMAT_ISO :
	    TEMPLATE_FORMAT_QCOW2;
	return (imgcheck_file(e->path, NULL, format, NULL, 0, cause) < 0 ?
	    -1 : 0);
}

static struct imgcache_entry *
imgcache_get(const struct library *lib, const struct imgcache_source *src,
    imgcache_progress_cb cb, void *arg, char **cause)
{
	struct imgcache_job	 job;
	struct imgcache_entry	*e = NULL;
	struct download_opts	 o;
	struct stat		 st;
	char			 want[DOWNLOAD_HASH_HEX];
	char			 got[DOWNLOAD_SHA256_HEX];
	char			 key[DOWNLOAD_SHA256_HEX];
	int			 lockfd = -1, rc;

	if ((e = imgcache_find(lib, src)) != NULL &&
	    strstr(src->url, "://") != NULL)
		return (e);
	imgcache_entry_free(e);
	e = NULL;
	memset(&job, 0, sizeof job);
	job.lib = lib;
	job.cb = cb;
	job.arg = arg;
	job.lockfd = -1;
	job.url = imgcache_source_url(src);
	job.local = str_has_prefix(job.url, "file://");
	if (strstr(src->url, "://") == NULL && stat(src->url, &st) != 0) {
		*cause = xasprintf("%s: %s", src->url, strerror(errno));
		goto out;
	}
	job.partial = fs_path_join(lib->images, IMGCACHE_PARTIAL);
	if (fs_mkdir_p(job.partial, 0755, cause) != 0)
		goto out;
	if (imgcache_expected(&job, src, want, cause) != 0)
		goto out;
	if (job.local && strstr(src->url, "://") == NULL) {
		/* A local file: known by its bytes, not its path. */
		if (imgcache_step(&job, "checking", cause) != 0 ||
		    download_sha256_file(src->url, got, cause) != 0 ||
		    imgcache_verify(src->url, src->url, want, got, 0,
		    cause) != 0)
			goto out;
		if ((e = imgcache_meta_load(lib, got)) != NULL) {
			if (imgcache_add_source(lib, e, job.url, src->member,
			    cause) != 0) {
				imgcache_entry_free(e);
				e = NULL;
			}
			goto out;
		}
	}
	if (download_sha256_text(job.url, key, cause) != 0)
		goto out;
	if (imgcache_lock_part(&job, key, cause) != 0)
		goto out;
	job.part = xasprintf("%s/%s.part", job.partial, key);
	/* A local file may have changed since: no resume from it. */
	if (job.local)
		unlink(job.part);
	memset(&o, 0, sizeof o);
	o.progress = imgcache_dl_progress;
	o.arg = &job;
	imgcache_validator(&job, &o, 0);
	job.step = job.local ? "copying" : "downloading";
	rc = download_file(job.url, job.part, &o, got, cause);
	imgcache_validator(&job, &o, 1);
	if (rc != 0)
		goto out;
	if (imgcache_verify(job.part, job.url, want, got, 1, cause) != 0) {
		unlink(job.part);
		goto out;
	}
	if ((lockfd = imgcache_lock(lib, cause)) < 0)
		goto out;
	if ((e = imgcache_meta_load(lib, got)) != NULL) {
		/* The same bytes came from elsewhere before. */
		if (imgcache_add_source(lib, e, job.url, src->member,
		    cause) != 0) {
			imgcache_entry_free(e);
			e = NULL;
		}
	} else
		e = imgcache_publish(&job, src, got, cause);
	/* Published or refused: either way the download is done with. */
	if (e != NULL || strcmp(*cause, "cancelled") != 0)
		unlink(job.part);
out:
	if (lockfd >= 0)
		close(lockfd);
	imgcache_job_clear(&job);
	return (e);
}

struct imgcache_entry *
imgcache_fetch(const struct library *lib, const struct imgcache_source *src,
    imgcache_progress_cb cb, void *arg, char **cause)
{
	struct imgcache_entry	*e;

	e = imgcache_get(lib, src, cb, arg, cause);
	if (e != NULL && imgcache_recheck(e, cause) != 0) {
		imgcache_entry_free(e);
		return (NULL);
	}
	return (e);
}

/* ---- Users --------------------------------------------------------------- */

/* Files VMs use, by device and inode, and who uses each. */
struct imgcache_uses {
	struct imgcache_use {
		dev_t	 dev;
		ino_t	 ino;
		char	*who;
	}		*v;
	size_t		 n;
};

static void
imgcache_uses_add(struct imgcache_uses *u, dev_t dev, ino_t ino,
    const char *who)
{
	u->v = xreallocarray(u->v, u->n + 1, sizeof *u->v);
	u->v[u->n].dev = dev;
	u->v[u->n].ino = ino;
	u->v[u->n++].who = xstrdup(who);
}

static void
imgcache_uses_clear(struct imgcache_uses *u)
{
	size_t	i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].who);
	free(u->v);
	memset(u, 0, sizeof *u);
}

/* Record a file (if it exists) as used by who. */
static void
imgcache_use(struct imgcache_uses *u, const char *path, const char *who)
{
	struct stat	sb;

	if (stat(path, &sb) == 0)
		imgcache_uses_add(u, sb.st_dev, sb.st_ino, who);
}

/*
 * Every file in a disk's backing chain. A missing link ends the walk (it
 * holds nothing of ours); one qemu-img cannot read fails when strict, as
 * what stands under it is unknown.
 */
static int
imgcache_chain(const char *path, const char *fmt, struct imgcache_uses *u,
    const char *who, int strict, char **cause)
{
	struct qemu_img_chain	c;
	size_t			i;
	int			rc = 0;

	qemu_img_chain(path, fmt, 1, &c);
	for (i = 0; i < c.n; i++) {
		if (!c.v[i].missing)
			imgcache_uses_add(u, c.v[i].dev, c.v[i].ino, who);
	}
	if (strict && c.broken != NULL && !c.v[c.n - 1].missing) {
		*cause = xasprintf("%s: %s; cannot tell which images it uses",
		    who, c.broken);
		rc = -1;
	}
	qemu_img_chain_clear(&c);
	return (rc);
}

/* The disks and ISO of one VM. */
static int
imgcache_vm_uses(const struct library *lib, const char *name,
    const struct vm_def *def, struct imgcache_uses *u, int strict,
    char **cause)
{
	char	*dir, *path;
	size_t	 j;
	int	 rc = 0;

	dir = library_vm_dir(lib, name);
	for (j = 0; j < def->ndisks && rc == 0; j++) {
		path = vmdef_disk_path(&def->disks[j], dir);
		rc = imgcache_chain(path, vmdef_format_name(
		    def->disks[j].format), u, name, strict, cause);
		free(path);
	}
	if (def->boot.iso != NULL) {
		path = *def->boot.iso == '/' ? xstrdup(def->boot.iso) :
		    fs_path_join(dir, def->boot.iso);
		imgcache_use(u, path, name);
		free(path);
	}
	free(dir);
	return (rc);
}

/* The linked-clone bases and what they stand on. */
static int
imgcache_bases_uses(const struct library *lib, struct imgcache_uses *u,
    int strict, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		*dir, *path, *who;
	int		 rc = 0;

	dir = fs_path_join(lib->images, LIBRARY_BASES_DIR);
	if ((d = opendir(dir)) != NULL) {
		while (rc == 0 && (de = readdir(d)) != NULL) {
			if (*de->d_name == '.')
				continue;
			path = fs_path_join(dir, de->d_name);
			who = xasprintf("%s/%s", LIBRARY_BASES_DIR,
			    de->d_name);
			rc = imgcache_chain(path, "qcow2", u, who, strict,
			    cause);
			free(who);
			free(path);
		}
		closedir(d);
	}
	free(dir);
	return (rc);
}

/*
 * Which files VMs and linked-clone bases use. A VM whose definition or
 * chain cannot be read fails when strict (pruning must not guess), else
 * it is passed over.
 */
static int
imgcache_users(const struct library *lib, struct imgcache_uses *u,
    int strict, char **cause)
{
	struct strv	 names;
	struct vm_def	*def;
	char		*why = NULL;
	size_t		 i;
	int		 rc = 0;

	strv_init(&names);
	if (library_list(lib, &names, cause) != 0)
		return (-1);
	for (i = 0; i < names.n && rc == 0; i++) {
		if ((def = library_load(lib, names.v[i], &why)) == NULL) {
			if (strict) {
				*cause = xasprintf("VM %s: %s; cannot tell "
				    "which images it uses", names.v[i], why);
				rc = -1;
			}
			free(why);
			why = NULL;
			continue;
		}
		rc = imgcache_vm_uses(lib, names.v[i], def, u, strict, cause);
		vmdef_free(def);
	}
	strv_clear(&names);
	if (rc == 0)
		rc = imgcache_bases_uses(lib, u, strict, cause);
	return (rc);
}

static void
imgcache_fill_users(struct imgcache_entry *e, const struct imgcache_uses *u)
{
	struct stat	sb;
	size_t		i;

	if (stat(e->path, &sb) != 0)
		return;
	for (i = 0; i < u->n; i++) {
		if (u->v[i].dev == sb.st_dev && u->v[i].ino == sb.st_ino &&
		    strv_find(&e->users, u->v[i].who) < 0 &&
		    !str_has_prefix(u->v[i].who, LIBRARY_BASES_DIR "/"))
			strv_push(&e->users, u->v[i].who);
	}
}

/* Whether a cached image is used; one that cannot be looked at is. */
static int
imgcache_used(const struct imgcache_entry *e, const struct imgcache_uses *u)
{
	struct stat	sb;
	size_t		i;

	if (stat(e->path, &sb) != 0)
		return (errno != ENOENT);
	for (i = 0; i < u->n; i++) {
		if (u->v[i].dev == sb.st_dev && u->v[i].ino == sb.st_ino)
			return (1);
	}
	return (0);
}

int
imgcache_list(const struct library *lib, struct imgcache_entry ***vp,
    size_t *np, char **cause)
{
	struct strv		 shas;
	struct imgcache_uses	 u;
	struct imgcache_entry	*e;
	size_t			 i;

	*vp = NULL;
	*np = 0;
	strv_init(&shas);
	memset(&u, 0, sizeof u);
	if (imgcache_shas(lib, &shas, cause) != 0 ||
	    imgcache_users(lib, &u, 0, cause) != 0) {
		strv_clear(&shas);
		imgcache_uses_clear(&u);
		return (-1);
	}
	for (i = 0; i < shas.n; i++) {
		if ((e = imgcache_meta_load(lib, shas.v[i])) == NULL)
			continue;
		imgcache_fill_users(e, &u);
		*vp = xreallocarray(*vp, *np + 1, sizeof **vp);
		(*vp)[(*np)++] = e;
	}
	strv_clear(&shas);
	imgcache_uses_clear(&u);
	return (0);
}

/* Whether a temporary file's process (NAME.PID.EXT) is gone. */
static int
imgcache_orphan(const char *name)
{
	const char	*dot;
	char		*end;
	long		 pid;

	if ((dot = strchr(name, '.')) == NULL)
		return (0);
	pid = strtol(dot + 1, &end, 10);
	if (end == dot + 1 || *end != '.' || pid <= 0)
		return (0);
	return (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

/*
 * Remove stale files in .partial: downloads whose lock is free (no
 * fetch is working on them) and temporary files of processes gone.
 */
static void
imgcache_prune_partial(const struct library *lib, struct strv *removed,
    uint64_t *freed)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*dir, *path, *lock;
	size_t		 len;
	int		 fd, ours;

	dir = fs_path_join(lib->images, IMGCACHE_PARTIAL);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (*de->d_name == '.')
			continue;
		path = fs_path_join(dir, de->d_name);
		len = strlen(de->d_name);
		ours = len == 64 + 5 && (str_has_suffix(de->d_name, ".part") ||
		    str_has_suffix(de->d_name, ".lock"));
		if (!ours) {
			if (imgcache_orphan(de->d_name) &&
			    stat(path, &st) == 0 && unlink(path) == 0) {
				*freed += (uint64_t)st.st_blocks * 512;
				strv_push(removed, path);
			}
			free(path);
			continue;
		}
		lock = xasprintf("%s/%.64s.lock", dir, de->d_name);
		fd = open(lock, O_RDWR|O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX|LOCK_NB) != 0) {
			close(fd);
			free(lock);
			free(path);
			continue;
		}
		if (str_has_suffix(de->d_name, ".part") &&
		    stat(path, &st) == 0 && unlink(path) == 0) {
			*freed += (uint64_t)st.st_blocks * 512;
			strv_push(removed, path);
		}
		free(path);
		path = xasprintf("%s/%.64s.part", dir, de->d_name);
		if (!fs_exists(path))
			unlink(lock);
		if (fd >= 0)
			close(fd);
		free(lock);
		free(path);
	}
	closedir(d);
	free(dir);
}

int
imgcache_prune(const struct library *lib, struct strv *removed,
    uint64_t *freed, char **cause)
{
	struct strv		 shas;
	struct imgcache_uses	 u;
	struct imgcache_entry	*e;
	char			*meta;
	size_t			 i;
	int			 lockfd, holdfd;

	*freed = 0;
	/* Exclusive: no create, clone or import is between fetch and use. */
	if ((holdfd = imgcache_hold(lib, 1, cause)) < 0)
		return (-1);
	if ((lockfd = imgcache_lock(lib, cause)) < 0) {
		imgcache_release(holdfd);
		return (-1);
	}
	strv_init(&shas);
	memset(&u, 0, sizeof u);
	if (imgcache_shas(lib, &shas, cause) != 0 ||
	    imgcache_users(lib, &u, 1, cause) != 0) {
		strv_clear(&shas);
		imgcache_uses_clear(&u);
		close(lockfd);
		imgcache_release(holdfd);
		return (-1);
	}
	for (i = 0; i < shas.n; i++) {
		meta = imgcache_meta_path(lib, shas.v[i]);
		if ((e = imgcache_meta_load(lib, shas.v[i])) == NULL) {
			/* Its image is gone: the record is stale. */
			unlink(meta);
			free(meta);
			continue;
		}
		if (!imgcache_used(e, &u) && unlink(e->path) == 0) {
			*freed += e->size;
			strv_push(removed, e->path);
			unlink(meta);
		}
		free(meta);
		imgcache_entry_free(e);
	}
	imgcache_prune_partial(lib, removed, freed);
	strv_clear(&shas);
	imgcache_uses_clear(&u);
	close(lockfd);
	imgcache_release(holdfd);
	return (0);
}
