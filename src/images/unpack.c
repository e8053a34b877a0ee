/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Taking a disk image out of a compressed file or an archive, safely. */
#include "config.h"

#include "images/unpack.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/lazy_archive.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

#define UNPACK_BLOCK	(64 * 1024)

/* First bytes of what libarchive must open: compressors and archives. */
static const struct unpack_magic {
	size_t		 off;
	const char	*bytes;
	size_t		 len;
} unpack_magics[] = {
	{ 0, "\xfd" "7zXZ\0", 6 },	/* xz */
	{ 0, "\x1f\x8b", 2 },		/* gzip */
	{ 0, "BZh", 3 },		/* bzip2 */
	{ 0, "\x28\xb5\x2f\xfd", 4 },	/* zstd */
	{ 0, "PK\x03\x04", 4 },		/* zip */
	{ 257, "ustar", 5 },		/* tar */
};

/* What names a disk image inside an archive. */
static const char *const unpack_disk_suffixes[] = {
	".qcow2", ".img", ".raw", ".vmdk", ".vhd", ".vhdx", ".iso", NULL
};

int
unpack_kind(const char *path, enum unpack_kind *kind, char **cause)
{
	unsigned char	buf[512];
	ssize_t		n;
	size_t		i;
	int		fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	*kind = UNPACK_PLAIN;
	for (i = 0; i < sizeof unpack_magics / sizeof unpack_magics[0]; i++) {
		if ((size_t)n >= unpack_magics[i].off + unpack_magics[i].len &&
		    memcmp(buf + unpack_magics[i].off, unpack_magics[i].bytes,
		    unpack_magics[i].len) == 0) {
			*kind = i >= 4 ? UNPACK_ARCHIVE : UNPACK_STREAM;
			break;
		}
	}
	return (0);
}

int
unpack_member_check(const char *path, unsigned int type, int linked,
    char **cause)
{
	const char	*p, *end;
	size_t		 len;

	if (path == NULL || *path == '\0') {
		*cause = xstrdup("a member has no name");
		return (-1);
	}
	if (*path == '/') {
		*cause = xasprintf("member '%s' has an absolute path", path);
		return (-1);
	}
	for (p = path; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, "/\\");
		len = (size_t)(end - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			*cause = xasprintf("member '%s' climbs out of the "
			    "archive (..)", path);
			return (-1);
		}
	}
	if (linked || type == AE_IFLNK) {
		*cause = xasprintf("member '%s' is a link", path);
		return (-1);
	}
	if (type != AE_IFREG && type != AE_IFDIR) {
		*cause = xasprintf("member '%s' is a %s", path,
		    type == AE_IFCHR ? "character device" : type == AE_IFBLK ?
		    "block device" : type == AE_IFIFO ? "FIFO" : type ==
		    AE_IFSOCK ? "socket" : "special file");
		return (-1);
	}
	return (0);
}

/* Whether a member is the one wanted: glob on its path or base name. */
static int
unpack_wanted(const char *path, const char *glob)
{
	const char	*base;
	size_t		 i;

	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (glob != NULL)
		return (fnmatch(glob, path, 0) == 0 ||
		    fnmatch(glob, base, 0) == 0);
	for (i = 0; unpack_disk_suffixes[i] != NULL; i++) {
		if (str_has_suffix(base, unpack_disk_suffixes[i]))
			return (1);
	}
	return (0);
}

static int
unpack_zero(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (p[i] != 0)
			return (0);
	}
	return (1);
}

/* Write len bytes, leaving holes where whole blocks are zeros. */
static int
unpack_write(int fd, const char *buf, size_t len)
{
	size_t	chunk, done;
	ssize_t	n;

	while (len > 0) {
		chunk = len > UNPACK_BLOCK ? UNPACK_BLOCK : len;
		if (chunk == UNPACK_BLOCK && unpack_zero(buf, chunk)) {
			if (lseek(fd, (off_t)chunk, SEEK_CUR) < 0)
				return (-1);
		} else {
			for (done = 0; done < chunk; done += (size_t)n) {
				n = write(fd, buf + done, chunk - done);
				if (n < 0 && errno == EINTR) {
					n = 0;
					continue;
				}
				if (n < 0)
					return (-1);
			}
		}
		buf += chunk;
		len -= chunk;
	}
	return (0);
}

/* Copy the current entry's data to fd, up to limit bytes. */
static int
unpack_data(struct archive *a, int fd, const char *dst, const char *what,
    const char *member, uint64_t limit, const char *declared,
    unpack_progress_cb cb, void *arg, char **cause)
{
	char		*buf, *sz;
	la_ssize_t	 n;
	uint64_t	 total = 0;
	off_t		 end;

	buf = xmalloc(1 << 20);
	for (;;) {
		n = archive_read_data(a, buf, 1 << 20);
		if (n == 0)
			break;
		if (n < 0) {
			*cause = xasprintf("%s: %s", what,
			    archive_error_string(a));
			goto fail;
		}
		total += (uint64_t)n;
		if (total > limit) {
			sz = str_size_short(limit);
			*cause = xasprintf("%s: %s unpacks to more than %s "
			    "(%s): refused as a decompression bomb", what,
			    member, sz, declared);
			free(sz);
			goto fail;
		}
		if (unpack_write(fd, buf, (size_t)n) != 0) {
			*cause = xasprintf("%s: %s", dst, strerror(errno));
			goto fail;
		}
		if (cb != NULL && cb(arg, total, 0)) {
			*cause = xstrdup("cancelled");
			goto fail;
		}
	}
	free(buf);
	if ((end = lseek(fd, 0, SEEK_CUR)) < 0 || ftruncate(fd, end) != 0 ||
	    fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		return (-1);
	}
	return (0);
fail:
	free(buf);
	return (-1);
}

uint64_t
unpack_limit(uint64_t compressed)
{
	const char	*env;
	uint64_t	 ratio = UNPACK_RATIO_DEFAULT;

	if ((env = getenv("VMDESK_UNPACK_RATIO")) != NULL && atol(env) > 0)
		ratio = (uint64_t)atol(env);
	/*
	 * An empty file system compresses beyond any ratio (a 32M ext2
	 * image is 2K as bzip2): below the floor nothing is a bomb.
	 */
	if (compressed > UINT64_MAX / ratio)
		return (UINT64_MAX);
	if (compressed * ratio < UNPACK_FLOOR)
		return (UNPACK_FLOOR);
	return (compressed * ratio);
}

/* The limit for a single stream, from its compressed size. */
static uint64_t
unpack_stream_limit(const char *src)
{
	struct stat	 st;

	if (stat(src, &st) != 0)
		return (UINT64_MAX);
	return (unpack_limit((uint64_t)st.st_size));
}

/*
 * Whether a compressed stream holds a tar or zip archive: a peek at its
 * first decompressed bytes. (libarchive's own tar bidder takes a stream
 * of zeros for an empty tar, and would hide a bomb.)
 */
static int
unpack_inner_archive(const char *src)
{
	struct archive		*a;
	struct archive_entry	*e;
	char			 buf[512];
	la_ssize_t		 n, got = 0;

	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, src, 1 << 16) == ARCHIVE_OK &&
	    archive_read_next_header(a, &e) == ARCHIVE_OK) {
		while (got < (la_ssize_t)sizeof buf && (n = archive_read_data(a,
		    buf + got, sizeof buf - (size_t)got)) > 0)
			got += n;
	}
	archive_read_free(a);
	return ((got >= 262 && memcmp(buf + 257, "ustar", 5) == 0) ||
	    (got >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0));
}

int
unpack_file(const char *src, const char *what, const char *glob,
    const char *dst, unpack_progress_cb cb, void *arg, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	enum unpack_kind	 kind;
	const char		*path;
	char			*why = NULL, *chosen = NULL, *declared;
	uint64_t		 limit;
	int			 fd = -1, rc, stream, ret = -1;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	if (unpack_kind(src, &kind, cause) != 0)
		return (-1);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	if (kind == UNPACK_ARCHIVE || unpack_inner_archive(src)) {
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
		archive_read_support_format_zip(a);
	} else
		archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, src, 1 << 20) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", what, archive_error_string(a));
		archive_read_free(a);
		return (-1);
	}
	if ((fd = open(dst, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644)) < 0) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		archive_read_free(a);
		return (-1);
	}
	for (;;) {
		rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			*cause = xasprintf("%s: %s", what,
			    archive_error_string(a));
			goto out;
		}
		stream = archive_format(a) == ARCHIVE_FORMAT_RAW;
		if (stream) {
			limit = unpack_stream_limit(src);
			if (unpack_data(a, fd, dst, what, "the stream", limit,
			    "far beyond its compressed size", cb, arg,
			    cause) != 0)
				goto out;
			chosen = xstrdup("data");
			break;
		}
		path = archive_entry_pathname(e);
		if (unpack_member_check(path, archive_entry_filetype(e),
		    archive_entry_hardlink(e) != NULL ||
		    archive_entry_symlink(e) != NULL, &why) != 0) {
			*cause = xasprintf("%s: %s: refused", what, why);
			free(why);
			goto out;
		}
		if (archive_entry_filetype(e) != AE_IFREG ||
		    !unpack_wanted(path, glob))
			continue;
		if (chosen != NULL) {
			*cause = xasprintf("%s: both %s and %s are disk "
			    "images; the template's member= must choose",
			    what, chosen, path);
			goto out;
		}
		chosen = xstrdup(path);
		if (archive_entry_size_is_set(e)) {
			/* Slack for formats that round, never a multiple. */
			limit = (uint64_t)archive_entry_size(e) + (1 << 20);
			declared = xasprintf("it declares %lld bytes",
			    (long long)archive_entry_size(e));
		} else {
			limit = unpack_stream_limit(src);
			declared = xstrdup("it declares no size");
		}
		rc = unpack_data(a, fd, dst, what, path, limit, declared, cb,
		    arg, cause);
		free(declared);
		if (rc != 0)
			goto out;
	}
	if (chosen == NULL) {
		*cause = glob != NULL ? xasprintf("%s: no member matches '%s'",
		    what, glob) : xasprintf("%s: no disk image inside (a "
		    "member named *.qcow2, *.img, *.raw, *.vmdk, *.vhd or "
		    "*.iso)", what);
		goto out;
	}
	ret = 0;
out:
	free(chosen);
	archive_read_free(a);
	if (close(fd) != 0 && ret == 0) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		ret = -1;
	}
	if (ret != 0)
		unlink(dst);
	return (ret);
}
