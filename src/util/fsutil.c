/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files and folders: atomic writes, whole-file reads, recursive mkdir/rm. */
#include "config.h"

#include "util/fsutil.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/crashpoint.h"
#include "util/xmalloc.h"

char *
fs_path_join(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), slash;
	char	*p;

	/* Not xasprintf: listing 1000 VMs joins 20,000 paths. */
	slash = la > 0 && a[la - 1] == '/' ? 0 : 1;
	p = xmalloc(la + slash + lb + 1);
	memcpy(p, a, la);
	if (slash)
		p[la] = '/';
	memcpy(p + la + slash, b, lb + 1);
	return (p);
}

int
fs_exists(const char *path)
{
	struct stat	sb;

	return (lstat(path, &sb) == 0);
}

long long
fs_file_size(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) != 0)
		return (-1);
	return ((long long)sb.st_size);
}

char *
fs_abspath(const char *path)
{
	char	cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return (xstrdup(path));
	return (fs_path_join(cwd, path));
}

int
fs_sync_dir(const char *dir, char **cause)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (fsync(fd) != 0 && errno != EINVAL) {
		*cause = xasprintf("%s: fsync: %s", dir, strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

/* Files from this size on are written with holes for zero blocks. */
#define FS_SPARSE_MIN	(1u << 20)
#define FS_SPARSE_BLOCK	65536

static int
write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * Write a large file with holes where whole blocks are zeros: a UEFI
 * variable store (AAVMF's is 64 MiB, nearly all zeros), copied for each
 * VM and each snapshot, then takes what its data takes.
 */
static int
write_sparse(int fd, const void *buf, size_t len)
{
	static const char	 zero[FS_SPARSE_BLOCK];
	const char		*p = buf;
	size_t			 n, left = len;

	if (len < FS_SPARSE_MIN)
		return (write_all(fd, buf, len));
	while (left > 0) {
		n = left < sizeof zero ? left : sizeof zero;
		if (memcmp(p, zero, n) != 0) {
			if (write_all(fd, p, n) != 0)
				return (-1);
		} else if (lseek(fd, (off_t)n, SEEK_CUR) == -1)
			return (-1);
		p += n;
		left -= n;
	}
	return (ftruncate(fd, (off_t)len));
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    char **cause)
{
	char	*tmp, *dir, *slash;
	int	 fd, rc = -1;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, mode);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	if (write_sparse(fd, data, len) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	crashpoint("write temp file");
	if (fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	crashpoint("fsync temp file");
	if (close(fd) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	free(tmp);
	crashpoint("rename temp file");

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	rc = fs_sync_dir(dir, cause);
	free(dir);
	crashpoint("fsync folder");
	return (rc);
}

char *
fs_read_file(const char *path, size_t *lenp, char **cause)
{
	struct stat	 sb;
	char		*buf = NULL;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd;

	/* Non-blocking: a FIFO put in a file's place must not hang us. */
	if ((fd = open(path, O_RDONLY|O_NONBLOCK|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s: %s", path, S_ISDIR(sb.st_mode) ?
		    "is a folder" : "not a regular file");
		close(fd);
		return (NULL);
	}
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

int
fs_mkdir_p(const char *path, mode_t mode, char **cause)
{
	char	*copy, *p;

	copy = xstrdup(path);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST) {
			*cause = xasprintf("%s: %s", copy, strerror(errno));
			free(copy);
			return (-1);
		}
		*p = '/';
	}
	if (mkdir(copy, mode) != 0 && errno != EEXIST) {
		*cause = xasprintf("%s: %s", copy, strerror(errno));
		free(copy);
		return (-1);
	}
	free(copy);
	return (0);
}

int
fs_rm_rf(const char *path, char **cause)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		*child;
	int		 rc = 0;

	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return (0);
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (unlink(path) != 0 && errno != ENOENT) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			return (-1);
		}
		return (0);
	}
	if ((d = opendir(path)) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		child = fs_path_join(path, de->d_name);
		rc = fs_rm_rf(child, cause);
		free(child);
	}
	closedir(d);
	if (rc != 0)
		return (-1);
	if (rmdir(path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}
