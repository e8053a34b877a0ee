/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM bundles: export a stopped VM as one .tar.zst, and import one safely. */
#include "config.h"

#include "ops/bundle.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "backend/qemu_img.h"
#include "core/names.h"
#include "core/snaptree.h"
#include "images/imgcache.h"
#include "images/imgcheck.h"
#include "images/template.h"
#include "images/unpack.h"
#include "ops/vmcreate.h"
#include "util/fsutil.h"
#include "util/lazy_archive.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* Bytes per read or write. */
#define BUNDLE_CHUNK		(1U << 20)
/* Largest manifest and vm.conf read into memory. */
#define BUNDLE_MAX_TEXT		(1U << 20)
/* Longest member name. */
#define BUNDLE_NAME_MAX		255
/* A progress report at most every this many bytes. */
#define BUNDLE_PROGRESS_STEP	(8U << 20)
/* Deepest backing chain followed. */
#define BUNDLE_MAX_CHAIN	16
/* Zeros are holes: an extracted file's blocks of zeros are not written. */
#define BUNDLE_BLOCK		4096

/* One file of a bundle. */
struct bundle_file {
	char		*member;	/* its name in the bundle */
	char		*path;		/* export: where it is read from;
					   import: where a shared base went */
	uint64_t	 size;
	char		*backing;	/* member backing this qcow2, or NULL */
	char		*backing_fmt;
	int		 seen;		/* import: extracted */
	int		 raw;		/* import: a raw disk, may be sparse */
};

struct bundle {
	struct bundle_file	*f;
	size_t			 n;
	char			*name;		/* the VM's (manifest) */
	uint64_t		 total;
	uint64_t		 done;
	uint64_t		 reported;
	bundle_progress_cb	 progress;
	void			*arg;
	uint64_t		 limit;		/* import: bytes it may write */
	uint64_t		 room;		/* free, less the margin */
	uint64_t		 written;	/* zeros aside */
	uint64_t		 archive;	/* the bundle's bytes */
	const char		*stage;
};

static void
bundle_clear(struct bundle *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		free(b->f[i].member);
		free(b->f[i].path);
		free(b->f[i].backing);
		free(b->f[i].backing_fmt);
	}
	free(b->f);
	free(b->name);
	memset(b, 0, sizeof *b);
}

static struct bundle_file *
bundle_find(struct bundle *b, const char *member)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (strcmp(b->f[i].member, member) == 0)
			return (&b->f[i]);
	}
	return (NULL);
}

static struct bundle_file *
bundle_find_path(struct bundle *b, const char *path)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (b->f[i].path != NULL && strcmp(b->f[i].path, path) == 0)
			return (&b->f[i]);
	}
	return (NULL);
}

static struct bundle_file *
bundle_add(struct bundle *b, const char *member, const char *path,
    uint64_t size)
{
	struct bundle_file	*f;

	b->f = xreallocarray(b->f, b->n + 1, sizeof *b->f);
	f = &b->f[b->n++];
	memset(f, 0, sizeof *f);
	f->member = xstrdup(member);
	f->path = path != NULL ? xstrdup(path) : NULL;
	f->size = size;
	b->total += size;
	return (f);
}

/* Whether a name is one vmdesk writes: letters, digits, '.', '-', '_'. */
static int
bundle_plain(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > BUNDLE_NAME_MAX || s[0] == '.' || s[0] == '-')
		return (0);
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '-' || s[i] == '_')
			continue;
		return (0);
	}
	return (1);
}

int
bundle_member_check(const char *name, mode_t type, const char *link,
    char **cause)
{
	const char	*p, *slash;

	if (*name == '\0') {
		*cause = xstrdup("a member has an empty name");
		return (-1);
	}
	if (name[0] == '/') {
		*cause = xasprintf("member '%s' has an absolute path", name);
		return (-1);
	}
	for (p = name; p != NULL; p = slash != NULL ? slash + 1 : NULL) {
		slash = strchr(p, '/');
		if ((slash != NULL && slash - p == 2 &&
		    strncmp(p, "..", 2) == 0) || strcmp(p, "..") == 0) {
			*cause = xasprintf("member '%s' climbs out of the "
			    "folder ('..')", name);
			return (-1);
		}
	}
	switch (type) {
	case AE_IFREG:
		if (link != NULL) {
			*cause = xasprintf("member '%s' is a hard link (to "
			    "'%s')", name, link);
			return (-1);
		}
		break;
	case AE_IFLNK:
		*cause = xasprintf("member '%s' is a symbolic link (to '%s')",
		    name, link != NULL ? link : "");
		return (-1);
	case AE_IFCHR:
	case AE_IFBLK:
		*cause = xasprintf("member '%s' is a device node", name);
		return (-1);
	case AE_IFIFO:
		*cause = xasprintf("member '%s' is a FIFO", name);
		return (-1);
	case AE_IFSOCK:
		*cause = xasprintf("member '%s' is a socket", name);
		return (-1);
	case AE_IFDIR:
		*cause = xasprintf("member '%s' is a folder", name);
		return (-1);
	default:
		*cause = xasprintf("member '%s' is not a regular file", name);
		return (-1);
	}
	if (str_has_prefix(name, "snapshots/"))
		p = name + strlen("snapshots/");
	else
		p = name;
	if (!bundle_plain(p, strlen(p))) {
		*cause = xasprintf("member '%s' is not a file name vmdesk "
		    "writes", name);
		return (-1);
	}
	return (0);
}

int
bundle_entry_check(struct archive_entry *e, const char *name, char **cause)
{
	const char	*link;

	/* libarchive gives a hard link no file type, only its target. */
	if ((link = archive_entry_hardlink(e)) != NULL)
		return (bundle_member_check(name, AE_IFREG, link, cause));
	return (bundle_member_check(name, archive_entry_filetype(e),
	    archive_entry_symlink(e), cause));
}

static int
bundle_report(struct bundle *b, const char *what, uint64_t n, char **cause)
{
	b->done += n;
	if (b->progress == NULL)
		return (0);
	if (n != 0 && b->done - b->reported < BUNDLE_PROGRESS_STEP &&
	    b->done != b->total)
		return (0);
	b->reported = b->done;
	if (b->progress(b->arg, what, b->done, b->total) != 0) {
		*cause = xstrdup("interrupted");
		return (-1);
	}
	return (0);
}

/* ---- export -------------------------------------------------------------- */

/*
 * libarchive's message with the system's reason: "Write error" alone does
 * not say the disk is full. Caller frees.
 */
static char *
bundle_archive_error(struct archive *a)
{
	const char	*msg = archive_error_string(a);
	int		 e = archive_errno(a);

	if (msg == NULL)
		msg = "archive error";
	if (e > 0 && strstr(msg, strerror(e)) == NULL)
		return (xasprintf("%s: %s", msg, strerror(e)));
	return (xstrdup(msg));
}

/* A member name not used yet: base, else N-base. Caller frees. */
static char *
bundle_unique(struct bundle *b, const char *prefix, const char *path)
{
	const char	*base;
	char		*name;
	int		 i;

	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	name = xasprintf("%s%s", prefix, base);
	/* A file name vmdesk would not write gets a safe one. */
	if (!bundle_plain(name, strlen(name))) {
		free(name);
		name = xasprintf("%sfile", prefix);
	}
	for (i = 2; bundle_find(b, name) != NULL ||
	    strcmp(name, "vm.conf") == 0 ||
	    strcmp(name, BUNDLE_MANIFEST) == 0; i++) {
		free(name);
		name = xasprintf("%d-%s%s", i, prefix, base);
	}
	return (name);
}

static int
bundle_stat(const char *path, uint64_t *size, char **cause)
{
	struct stat	sb;

	if (stat(path, &sb) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		return (-1);
	}
	*size = (uint64_t)sb.st_size;
	return (0);
}

/* A qcow2 disk and the files under it, each once. */
static int
bundle_plan_chain(struct bundle *b, struct bundle_file *top, char **cause)
{
	struct qemu_img_chain	 c;
	struct bundle_file	*f = top, *base;
	char			*member;
	uint64_t		 size;
	size_t			 i, fi;
	int			 rc = 0;

	qemu_img_chain(top->path, "qcow2", 0, &c);
	if (c.broken == NULL && c.n > BUNDLE_MAX_CHAIN)
		c.broken = xasprintf("%s: backing chain deeper than %d",
		    top->path, BUNDLE_MAX_CHAIN);
	if (c.broken != NULL) {
		*cause = xstrdup(c.broken);
		qemu_img_chain_clear(&c);
		return (-1);
	}
	for (i = 1; i < c.n && f->backing == NULL; i++) {
		if ((base = bundle_find_path(b, c.v[i].path)) == NULL) {
			if ((rc = bundle_stat(c.v[i].path, &size,
			    cause)) != 0)
				break;
			member = bundle_unique(b, "base-", c.v[i].path);
			/* bundle_add may move f. */
			fi = (size_t)(f - b->f);
			base = bundle_add(b, member, c.v[i].path, size);
			f = &b->f[fi];
			free(member);
		}
		f->backing = xstrdup(base->member);
		f->backing_fmt = xstrdup(c.v[i].format);
		if (strcmp(f->backing_fmt, "qcow2") != 0 ||
		    (f = bundle_find(b, f->backing)) == NULL)
			break;
	}
	qemu_img_chain_clear(&c);
	return (rc);
}

/* Plan a file named in vm.conf: its member, and vm.conf names that. */
static int
bundle_plan_file(struct bundle *b, const char *vmdir, char **file,
    int qcow2, char **cause)
{
	struct bundle_file	*f;
	char			*path, *member;
	uint64_t		 size;
	size_t			 fi;

	path = (*file)[0] == '/' ? xstrdup(*file) : fs_path_join(vmdir, *file);
	if ((f = bundle_find_path(b, path)) == NULL) {
		if (bundle_stat(path, &size, cause) != 0) {
			free(path);
			return (-1);
		}
		member = bundle_unique(b, "", path);
		f = bundle_add(b, member, path, size);
		free(member);
		fi = (size_t)(f - b->f);
		if (qcow2 && bundle_plan_chain(b, f, cause) != 0) {
			free(path);
			return (-1);
		}
		f = &b->f[fi];
	}
	free(path);
	free(*file);
	*file = xstrdup(f->member);
	return (0);
}

/* Snapshot tree, UEFI variables: kept under the names they have. */
static int
bundle_plan_extras(struct bundle *b, const char *vmdir, char **cause)
{
	static const char *const	 names[] = { SNAPTREE_FILE,
					     "efivars.fd" };
	struct dirent			*de;
	DIR				*d;
	char				*path, *member;
	uint64_t			 size;
	size_t				 i;
	int				 rc = 0;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		path = fs_path_join(vmdir, names[i]);
		if (fs_exists(path)) {
			if (bundle_stat(path, &size, cause) != 0) {
				free(path);
				return (-1);
			}
			bundle_add(b, names[i], path, size);
		}
		free(path);
	}
	path = fs_path_join(vmdir, "snapshots");
	if ((d = opendir(path)) == NULL) {
		free(path);
		return (0);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!bundle_plain(de->d_name, strlen(de->d_name)))
			continue;
		member = xasprintf("snapshots/%s", de->d_name);
		free(path);
		path = fs_path_join(vmdir, member);
		if ((rc = bundle_stat(path, &size, cause)) == 0)
			bundle_add(b, member, path, size);
		free(member);
	}
	closedir(d);
	free(path);
	return (rc);
}

static char *
bundle_manifest(const struct bundle *b, size_t conflen)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, i;

	str_appendf(&buf, &len, &cap, "%s %d\nname %s\nfile vm.conf %zu\n",
	    BUNDLE_MANIFEST, BUNDLE_VERSION, b->name, conflen);
	for (i = 0; i < b->n; i++)
		str_appendf(&buf, &len, &cap, "file %s %llu\n",
		    b->f[i].member, (unsigned long long)b->f[i].size);
	for (i = 0; i < b->n; i++) {
		if (b->f[i].backing != NULL)
			str_appendf(&buf, &len, &cap, "backing %s %s %s\n",
			    b->f[i].member, b->f[i].backing,
			    b->f[i].backing_fmt);
	}
	return (buf);
}

static int
bundle_header(struct archive *a, const char *member, uint64_t size,
    mode_t perm, char **cause)
{
	struct archive_entry	*e;
	char			*why;
	int			 rc = 0;

	e = archive_entry_new();
	archive_entry_set_pathname(e, member);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, perm);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		why = bundle_archive_error(a);
		*cause = xasprintf("%s: %s", member, why);
		free(why);
		rc = -1;
	}
	archive_entry_free(e);
	return (rc);
}

static int
bundle_write_text(struct archive *a, const char *member, const char *text,
    char **cause)
{
	size_t	len = strlen(text);

	if (bundle_header(a, member, len, 0644, cause) != 0)
		return (-1);
	if (archive_write_data(a, text, len) != (la_ssize_t)len) {
		*cause = bundle_archive_error(a);
		return (-1);
	}
	return (0);
}

static int
bundle_write_file(struct bundle *b, struct archive *a,
    const struct bundle_file *f, char *buf, char **cause)
{
	uint64_t	left = f->size;
	ssize_t		n;
	int		fd, rc = -1;

	if ((fd = open(f->path, O_RDONLY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", f->path, strerror(errno));
		return (-1);
	}
	if (bundle_header(a, f->member, f->size, 0644, cause) != 0)
		goto out;
	while (left > 0) {
		n = read(fd, buf, left < BUNDLE_CHUNK ? left : BUNDLE_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf("%s: %s", f->path, strerror(errno));
			goto out;
		}
		if (n == 0) {
			*cause = xasprintf("%s: shrank while it was exported",
			    f->path);
			goto out;
		}
		if (archive_write_data(a, buf, (size_t)n) != n) {
			*cause = bundle_archive_error(a);
			goto out;
		}
		left -= (uint64_t)n;
		if (bundle_report(b, f->member, (uint64_t)n, cause) != 0)
			goto out;
	}
	rc = 0;
out:
	close(fd);
	return (rc);
}

/* Whether fd is still the file at path (no one replaced it). */
static int
bundle_same_file(int fd, const char *path)
{
	struct stat	a, b;

	return (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/*
 * Create the partial file an export writes, locked while it is written.
 * One left by a killed export holds no lock: it is removed and made
 * again; one whose lock is held is another export's.
 */
static int
bundle_open_part(const char *tmp, const char *file, char **cause)
{
	int	fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = open(tmp, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,
		    0644);
		if (fd != -1 && flock(fd, LOCK_EX|LOCK_NB) == 0 &&
		    bundle_same_file(fd, tmp))
			return (fd);
		if (fd != -1) {
			close(fd);
			break;
		}
		if (errno != EEXIST) {
			*cause = xasprintf("%s: %s", tmp, strerror(errno));
			return (-1);
		}
		fd = open(tmp, O_WRONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC);
		if (fd == -1 || flock(fd, LOCK_EX|LOCK_NB) != 0 ||
		    !bundle_same_file(fd, tmp)) {
			if (fd != -1)
				close(fd);
			break;
		}
		/* Its export was killed: nobody holds it. */
		unlink(tmp);
		close(fd);
	}
	*cause = xasprintf("%s exists: another export is writing %s", tmp,
	    file);
	return (-1);
}

int
bundle_export(const struct library *lib, const char *name, const char *file,
    bundle_progress_cb progress, void *arg, char **cause)
{
	struct bundle	 b;
	struct vm_def	*def;
	struct archive	*a = NULL;
	char		*vmdir, *conf = NULL, *manifest = NULL, *tmp;
	char		*buf = NULL;
	char		**boot[3], *why = NULL;
	size_t		 i;
	int		 fd = -1, rc = -1, made = 0;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	memset(&b, 0, sizeof b);
	b.progress = progress;
	b.arg = arg;
	if ((def = library_load(lib, name, cause)) == NULL)
		return (-1);
	b.name = xstrdup(name);
	vmdir = library_vm_dir(lib, name);
	tmp = xasprintf("%s.vmdesk-part", file);

	for (i = 0; i < def->ndisks; i++) {
		if (bundle_plan_file(&b, vmdir, &def->disks[i].file,
		    def->disks[i].format == VM_FORMAT_QCOW2, &why) != 0)
			goto fail;
	}
	/* USB sticks from image files travel with the VM (raw images). */
	for (i = 0; i < def->nusbs; i++) {
		if (def->usbs[i].file != NULL && bundle_plan_file(&b, vmdir,
		    &def->usbs[i].file, 0, &why) != 0)
			goto fail;
	}
	boot[0] = &def->boot.kernel;
	boot[1] = &def->boot.initrd;
	boot[2] = &def->boot.iso;
	for (i = 0; i < 3; i++) {
		if (*boot[i] != NULL &&
		    bundle_plan_file(&b, vmdir, boot[i], 0, &why) != 0)
			goto fail;
	}
	if (bundle_plan_extras(&b, vmdir, &why) != 0)
		goto fail;
	conf = vmdef_format(def);
	manifest = bundle_manifest(&b, strlen(conf));

	if (fs_exists(file)) {
		*cause = xasprintf("%s already exists", file);
		goto out;
	}
	if ((fd = bundle_open_part(tmp, file, cause)) == -1)
		goto out;
	made = 1;
	a = archive_write_new();
	if (archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		why = bundle_archive_error(a);
		goto fail;
	}
	if (bundle_write_text(a, BUNDLE_MANIFEST, manifest, &why) != 0 ||
	    bundle_write_text(a, "vm.conf", conf, &why) != 0)
		goto fail;
	buf = xmalloc(BUNDLE_CHUNK);
	for (i = 0; i < b.n; i++) {
		if (bundle_write_file(&b, a, &b.f[i], buf, &why) != 0)
			goto fail;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		why = bundle_archive_error(a);
		goto fail;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		why = xstrdup(strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, file) != 0) {
		why = xstrdup(strerror(errno));
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("export of VM %s: %s", name,
	    why != NULL ? why : "failed");
out:
	if (a != NULL)
		archive_write_free(a);
	if (fd != -1)
		close(fd);
	if (rc != 0 && made)
		unlink(tmp);
	free(why);
	free(buf);
	free(tmp);
	free(conf);
	free(manifest);
	free(vmdir);
	vmdef_free(def);
	bundle_clear(&b);
	return (rc);
}

/* ---- import -------------------------------------------------------------- */

/* Read the manifest: every member, its size and its backing file. */
static int
bundle_parse_manifest(struct bundle *b, char *text, char **cause)
{
	struct bundle_file	*f;
	char			*line, *next, *w[4], *end;
	unsigned long long	 size;
	int			 n, lineno = 0;

	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (n = 0; n < 4 && (w[n] = strsep(&line, " ")) != NULL; n++)
			;
		if (line != NULL)
			n = -1;
		if (lineno == 1) {
			if (n != 2 || strcmp(w[0], BUNDLE_MANIFEST) != 0 ||
			    strcmp(w[1], "1") != 0)
				goto bad;
		} else if (n == 2 && strcmp(w[0], "name") == 0) {
			free(b->name);
			b->name = xstrdup(w[1]);
		} else if (n == 3 && strcmp(w[0], "file") == 0) {
			errno = 0;
			size = strtoull(w[2], &end, 10);
			if (errno != 0 || *end != '\0' || w[2][0] == '-' ||
			    bundle_member_check(w[1], AE_IFREG, NULL,
			    cause) != 0)
				goto bad;
			if (bundle_find(b, w[1]) != NULL) {
				*cause = xasprintf("member '%s' is listed "
				    "twice", w[1]);
				goto bad;
			}
			if (b->total + size < b->total) {
				*cause = xstrdup("sizes overflow");
				goto bad;
			}
			bundle_add(b, w[1], NULL, size);
		} else if (n == 4 && strcmp(w[0], "backing") == 0) {
			if ((f = bundle_find(b, w[1])) == NULL ||
			    bundle_find(b, w[2]) == NULL ||
			    f->backing != NULL || strcmp(w[1], w[2]) == 0 ||
			    (strcmp(w[3], "qcow2") != 0 &&
			    strcmp(w[3], "raw") != 0))
				goto bad;
			f->backing = xstrdup(w[2]);
			f->backing_fmt = xstrdup(w[3]);
		} else
			goto bad;
	}
	if (b->name == NULL || bundle_find(b, "vm.conf") == NULL) {
		*cause = xstrdup("its manifest lacks the VM's name or vm.conf");
		return (-1);
	}
	return (0);
bad:
	if (*cause == NULL)
		*cause = xasprintf("its manifest is damaged (line %d)",
		    lineno);
	else {
		char	*c = *cause;

		*cause = xasprintf("manifest line %d: %s", lineno, c);
		free(c);
	}
	return (-1);
}

int
bundle_manifest_parse(const char *text, size_t len, size_t *nfiles,
    uint64_t *total, char **cause)
{
	struct bundle	 b;
	char		*copy;
	int		 rc;

	memset(&b, 0, sizeof b);
	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	rc = bundle_parse_manifest(&b, copy, cause);
	free(copy);
	*nfiles = b.n;
	*total = b.total;
	bundle_clear(&b);
	return (rc);
}

/* Read the first member, which must be the manifest. */
static int
bundle_read_manifest(struct archive *a, struct bundle *b, char **cause)
{
	struct archive_entry	*e;
	char			*text;
	la_int64_t		 size;
	int			 rc;

	if ((rc = archive_read_next_header(a, &e)) != ARCHIVE_OK) {
		*cause = xasprintf("not a vmdesk bundle (%s)",
		    rc == ARCHIVE_EOF ? "empty" : archive_error_string(a));
		return (-1);
	}
	size = archive_entry_size(e);
	if (strcmp(archive_entry_pathname(e), BUNDLE_MANIFEST) != 0 ||
	    archive_entry_filetype(e) != AE_IFREG || size <= 0 ||
	    size > BUNDLE_MAX_TEXT) {
		*cause = xasprintf("not a vmdesk bundle (its first member is "
		    "'%s', not %s)", archive_entry_pathname(e),
		    BUNDLE_MANIFEST);
		return (-1);
	}
	text = xmalloc((size_t)size + 1);
	if (archive_read_data(a, text, (size_t)size) != size) {
		*cause = xasprintf("its manifest cannot be read: %s",
		    archive_error_string(a));
		free(text);
		return (-1);
	}
	text[size] = '\0';
	rc = bundle_parse_manifest(b, text, cause);
	free(text);
	return (rc);
}

int
bundle_bounds(const char *file, const char *dir, uint64_t *size,
    uint64_t *limit, uint64_t *room, char **cause)
{
	struct stat	sb;
	struct statvfs	sv;
	uint64_t	avail, margin;

	if (stat(file, &sb) != 0) {
		*cause = xasprintf("%s: %s", file, strerror(errno));
		return (-1);
	}
	*size = (uint64_t)sb.st_size;
	*limit = unpack_limit(*size);
	*room = UINT64_MAX;
	if (statvfs(dir, &sv) == 0) {
		avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		margin = (uint64_t)sv.f_blocks * sv.f_frsize /
		    BUNDLE_MARGIN_SHARE;
		if (margin > BUNDLE_MARGIN_MAX)
			margin = BUNDLE_MARGIN_MAX;
		*room = avail > margin ? avail - margin : 0;
	}
	return (0);
}

/* What an import may not go past: why, in words. Caller frees. */
static char *
bundle_too_much(const struct bundle *b, uint64_t need, int declared)
{
	const char	*verb = declared ? "its files declare" :
			    "it would write more than";
	char		*n, *l, *z, *why;

	n = str_size_short(need);
	z = str_size_short(b->archive);
	if (declared ? need > b->limit : need == b->limit) {
		l = str_size_short(b->limit);
		why = xasprintf("%s %s (zeros of raw disks aside) in a "
		    "bundle of %s, more than the %s an archive of that size "
		    "may hold (a decompression bomb?): refused", verb, n, z,
		    l);
	} else {
		l = str_size_short(b->room);
		why = xasprintf("%s %s and only %s is free in %s (less the "
		    "margin an import leaves free)", verb, n, l, b->stage);
	}
	free(l);
	free(n);
	free(z);
	return (why);
}

/*
 * Once vm.conf is in: raw disks and raw bases may be sparse (an export
 * writes a raw disk's zeros, which compress to nothing), so they count
 * by the bytes they really hold as they come; every other member by the
 * size it declares, which must fit the archive's ratio and free space.
 */
static int
bundle_bound(struct bundle *b, const struct vm_def *def, char **cause)
{
	struct bundle_file	*f;
	uint64_t		 dense = 0;
	size_t			 i;

	for (i = 0; i < def->ndisks; i++) {
		if (def->disks[i].format == VM_FORMAT_RAW &&
		    (f = bundle_find(b, def->disks[i].file)) != NULL)
			f->raw = 1;
	}
	for (i = 0; i < b->n; i++) {
		if (b->f[i].backing != NULL &&
		    strcmp(b->f[i].backing_fmt, "raw") == 0 &&
		    (f = bundle_find(b, b->f[i].backing)) != NULL)
			f->raw = 1;
	}
	for (i = 0; i < b->n; i++) {
		if (!b->f[i].raw)
			dense += b->f[i].size;
	}
	if (dense > b->limit || dense > b->room) {
		*cause = bundle_too_much(b, dense, 1);
		return (-1);
	}
	return (0);
}

/*
 * Write a chunk of a member, its blocks of zeros as holes, counting
 * what is written against the import's bounds.
 */
static int
bundle_write_sparse(struct bundle *b, int fd, const char *path,
    const char *buf, size_t n, char **cause)
{
	static const char	zero[BUNDLE_BLOCK];
	size_t			off, len, done;
	ssize_t			w;

	for (off = 0; off < n; off += len) {
		len = n - off < BUNDLE_BLOCK ? n - off : BUNDLE_BLOCK;
		if (memcmp(buf + off, zero, len) == 0) {
			if (lseek(fd, (off_t)len, SEEK_CUR) == -1)
				goto fail;
			continue;
		}
		b->written += len;
		if (b->written > b->limit || b->written > b->room) {
			*cause = xstrdup("");
			return (1);
		}
		for (done = 0; done < len; done += (size_t)w) {
			w = write(fd, buf + off + done, len - done);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				goto fail;
		}
	}
	return (0);
fail:
	*cause = xasprintf("%s: %s", path, strerror(errno));
	return (-1);
}

/* Extract one member: exactly its declared size, never more. */
static int
bundle_extract(struct bundle *b, struct archive *a, struct bundle_file *f,
    const char *stage, char *buf, char **cause)
{
	char		*path, *dir;
	uint64_t	 got = 0;
	la_ssize_t	 n;
	int		 fd, w, rc = -1;

	if (str_has_prefix(f->member, "snapshots/")) {
		dir = fs_path_join(stage, "snapshots");
		rc = fs_mkdir_p(dir, 0755, cause);
		free(dir);
		if (rc != 0)
			return (-1);
		rc = -1;
	}
	path = fs_path_join(stage, f->member);
	fd = open(path, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0644);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return (-1);
	}
	for (;;) {
		n = archive_read_data(a, buf, BUNDLE_CHUNK);
		if (n == 0)
			break;
		if (n < 0) {
			*cause = xasprintf("member '%s': %s", f->member,
			    archive_error_string(a));
			goto out;
		}
		got += (uint64_t)n;
		if (got > f->size) {
			*cause = xasprintf("member '%s' holds more than the "
			    "%llu bytes its manifest declares", f->member,
			    (unsigned long long)f->size);
			goto out;
		}
		if ((w = bundle_write_sparse(b, fd, path, buf, (size_t)n,
		    cause)) == 1) {
			free(*cause);
			*cause = bundle_too_much(b, b->limit < b->room ?
			    b->limit : b->room, 0);
			goto out;
		}
		if (w != 0)
			goto out;
		if (bundle_report(b, f->member, (uint64_t)n, cause) != 0)
			goto out;
	}
	if (got != f->size) {
		*cause = xasprintf("member '%s' holds %llu bytes, its manifest "
		    "declares %llu", f->member, (unsigned long long)got,
		    (unsigned long long)f->size);
		goto out;
	}
	/* A trailing hole is the file's length too. */
	if (ftruncate(fd, (off_t)got) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	f->seen = 1;
	rc = 0;
out:
	if (close(fd) != 0 && rc == 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return (rc);
}

/*
 * What only the exporting machine had: its folders (shares), its USB
 * devices, its bridges. A bundle from someone else must not give a guest
 * a folder of this machine, so they are left out, each with a note.
 */
static void
bundle_drop_host_items(struct vm_def *def, struct strv *notes)
{
	struct vm_nic	*n;
	const char	*br;
	size_t		 i;

	while (def->nshares > 0) {
		strv_pushf(notes, "share %s (host folder %s where the bundle "
		    "was made) was left out: vmdesk share add %s FOLDER gives "
		    "one of this machine", def->shares[0].name,
		    def->shares[0].path != NULL ? def->shares[0].path : "none",
		    def->name);
		vmdef_remove_item(def, "share", def->shares[0].name);
	}
	for (i = 0; i < def->nusbs; i++) {
		if (def->usbs[i].host == NULL)
			continue;
		strv_pushf(notes, "USB device %s (host device %s) was left "
		    "out: vmdesk usb add %s --host VENDOR:PRODUCT passes one "
		    "of this machine", def->usbs[i].name, def->usbs[i].host,
		    def->name);
		vmdef_remove_item(def, "usb", def->usbs[i--].name);
	}
	for (i = 0; i < def->nnics; i++) {
		n = &def->nics[i];
		if (vmdef_nic_net(n, &br) != VM_NET_BRIDGE)
			continue;
		strv_pushf(notes, "NIC %s was on host bridge %s; it is on user "
		    "networking now (vmdesk set %s nic.%s.net=%s puts it back)",
		    n->name, br, def->name, n->name, n->net);
		free(n->net);
		n->net = xstrdup("user");
	}
}

/* Every file vm.conf names must be one the bundle brought. */
static int
bundle_check_def(struct bundle *b, const struct vm_def *def, char **cause)
{
	const char	*files[3] = { def->boot.kernel, def->boot.initrd,
			    def->boot.iso };
	size_t		 i;

	for (i = 0; i < def->ndisks; i++) {
		if (bundle_find(b, def->disks[i].file) == NULL) {
			*cause = xasprintf("its vm.conf names disk file '%s', "
			    "which the bundle does not hold",
			    def->disks[i].file);
			return (-1);
		}
	}
	for (i = 0; i < 3; i++) {
		if (files[i] != NULL && bundle_find(b, files[i]) == NULL) {
			*cause = xasprintf("its vm.conf names boot file '%s', "
			    "which the bundle does not hold", files[i]);
			return (-1);
		}
	}
	for (i = 0; i < def->nusbs; i++) {
		if (def->usbs[i].file != NULL &&
		    bundle_find(b, def->usbs[i].file) == NULL) {
			*cause = xasprintf("its vm.conf names USB stick file "
			    "'%s', which the bundle does not hold",
			    def->usbs[i].file);
			return (-1);
		}
	}
	return (0);
}

/*
 * One member the VM opens as an image, inspected as format before
 * qemu-img or QEMU opens it. Before the rebase, a qcow2 the manifest
 * gives a base may name any backing file (the rebase replaces the name
 * unread); after it, only that base.
 */
static int
bundle_check_image(struct bundle *b, const char *stage, const char *member,
    int format, int rebased, char **cause)
{
	struct bundle_file	*f, *base;
	const char		*backing = NULL;
	char			*path, *what;
	int			 flags = 0, rc;

	if ((f = bundle_find(b, member)) == NULL)
		return (0);
	/* After the rebase a base may have joined the cache (f->path). */
	if (f->backing != NULL && rebased) {
		base = bundle_find(b, f->backing);
		backing = base != NULL && base->path != NULL ? base->path :
		    f->backing;
	} else if (f->backing != NULL)
		flags = IMGCHECK_BACKING_ANY;
	path = rebased && f->path != NULL ? xstrdup(f->path) :
	    fs_path_join(stage, member);
	what = xasprintf("member '%s'", member);
	rc = imgcheck_file(path, what, format, backing, flags, cause);
	free(what);
	free(path);
	return (rc < 0 ? -1 : 0);
}

/*
 * Every image the VM opens (its disks, their bases, its ISO) names no
 * file but the members the manifest says it stands on.
 */
static int
bundle_check_images(struct bundle *b, const struct vm_def *def,
    const char *stage, int rebased, char **cause)
{
	size_t	i;
	int	format;

	for (i = 0; i < def->ndisks; i++) {
		format = def->disks[i].format == VM_FORMAT_QCOW2 ?
		    TEMPLATE_FORMAT_QCOW2 : TEMPLATE_FORMAT_RAW;
		if (bundle_check_image(b, stage, def->disks[i].file, format,
		    rebased, cause) != 0)
			return (-1);
	}
	for (i = 0; i < b->n; i++) {
		if (b->f[i].backing == NULL)
			continue;
		format = strcmp(b->f[i].backing_fmt, "qcow2") == 0 ?
		    TEMPLATE_FORMAT_QCOW2 : TEMPLATE_FORMAT_RAW;
		if (bundle_check_image(b, stage, b->f[i].backing, format,
		    rebased, cause) != 0)
			return (-1);
	}
	for (i = 0; i < def->nusbs; i++) {
		if (def->usbs[i].file != NULL && bundle_check_image(b, stage,
		    def->usbs[i].file, TEMPLATE_FORMAT_RAW, rebased,
		    cause) != 0)
			return (-1);
	}
	if (def->boot.iso != NULL)
		return (bundle_check_image(b, stage, def->boot.iso,
		    TEMPLATE_FORMAT_ISO, rebased, cause));
	return (0);
}

/* Whether a member is a base: some file stands on it, no disk is it. */
static int
bundle_is_base(const struct bundle *b, const struct vm_def *def,
    const char *member)
{
	size_t	i, based = 0;

	for (i = 0; i < def->ndisks; i++) {
		if (strcmp(def->disks[i].file, member) == 0)
			return (0);
	}
	for (i = 0; i < b->n; i++) {
		if (b->f[i].backing != NULL &&
		    strcmp(b->f[i].backing, member) == 0)
			based = 1;
	}
	return (based);
}

/* Point a file at its base: in the staging folder, or in the cache. */
static int
bundle_rebase_one(const struct bundle_file *f, const struct bundle_file *base,
    const char *stage, char **cause)
{
	struct strv	 args;
	char		*path;
	int		 rc;

	path = fs_path_join(stage, f->member);
	strv_init(&args);
	strv_push(&args, "rebase");
	strv_push(&args, "-u");
	strv_push(&args, "-f");
	strv_push(&args, "qcow2");
	strv_push(&args, "-b");
	strv_push(&args, base->path != NULL ? base->path : base->member);
	strv_push(&args, "-F");
	strv_push(&args, f->backing_fmt);
	strv_push(&args, path);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	free(path);
	return (rc);
}

/* A base, read-only, joins the image cache when it can. */
static int
bundle_share(const struct library *lib, struct bundle_file *f,
    const char *stage, char **cause)
{
	char	*path;
	int	 rc;

	path = fs_path_join(stage, f->member);
	chmod(path, 0444);
	rc = imgcache_share_base(lib, path, &f->path, cause);
	if (rc == 0 && f->path != NULL)
		unlink(path);
	free(path);
	return (rc);
}

/*
 * Point each overlay at its base, bases first: each base, once it
 * stands on what is under it, joins the image cache (or stays in the
 * new folder, read-only) before the files above are pointed at it.
 */
static int
bundle_rebase(struct bundle *b, const struct library *lib,
    const struct vm_def *def, const char *stage, char **cause)
{
	struct bundle_file	*f, *base;
	size_t			 i, left = b->n, was;

	for (i = 0; i < b->n; i++)
		b->f[i].seen = 0;
	while (left > 0) {
		was = left;
		for (i = 0; i < b->n; i++) {
			f = &b->f[i];
			base = f->backing != NULL ? bundle_find(b,
			    f->backing) : NULL;
			if (f->seen || (base != NULL && !base->seen))
				continue;
			if (base != NULL && bundle_rebase_one(f, base, stage,
			    cause) != 0)
				return (-1);
			if (bundle_is_base(b, def, f->member) &&
			    bundle_share(lib, f, stage, cause) != 0)
				return (-1);
			f->seen = 1;
			left--;
		}
		if (left == was) {
			*cause = xstrdup("its disks' backing files form a "
			    "loop");
			return (-1);
		}
	}
	return (0);
}

/* Whether an archive entry may be extracted as its manifest's member. */
static struct bundle_file *
bundle_entry(struct bundle *b, struct archive_entry *e, int first,
    char **cause)
{
	struct bundle_file	*f;
	const char		*member;

	if ((member = archive_entry_pathname(e)) == NULL)
		member = "";
	if (bundle_entry_check(e, member, cause) != 0)
		return (NULL);
	if ((f = bundle_find(b, member)) == NULL)
		*cause = xasprintf("member '%s' is unknown (not in its "
		    "manifest)", member);
	else if (f->seen)
		*cause = xasprintf("member '%s' comes twice", member);
	else if (archive_entry_size_is_set(e) &&
	    (uint64_t)archive_entry_size(e) != f->size)
		*cause = xasprintf("member '%s' is %llu bytes, its manifest "
		    "declares %llu", member,
		    (unsigned long long)archive_entry_size(e),
		    (unsigned long long)f->size);
	/* vm.conf says which disks are raw: it comes before any disk. */
	else if (first && (strcmp(member, "vm.conf") != 0 ||
	    f->size > BUNDLE_MAX_TEXT))
		*cause = xasprintf("member '%s' comes where vm.conf (of 1M "
		    "at most) must, right after the manifest", member);
	else
		return (f);
	return (NULL);
}

/*
 * Extract every member within the import's bounds; vm.conf, first, is
 * read to bound the rest. Its definition, or NULL and *cause.
 */
static struct vm_def *
bundle_extract_all(struct bundle *b, struct archive *a, const char *stage,
    char **cause)
{
	struct archive_entry	*e;
	struct bundle_file	*f;
	struct vm_def		*def = NULL;
	char			*buf, *conf;
	size_t			 i;
	int			 r;

	buf = xmalloc(BUNDLE_CHUNK);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if ((f = bundle_entry(b, e, def == NULL, cause)) == NULL ||
		    bundle_extract(b, a, f, stage, buf, cause) != 0)
			goto fail;
		if (def != NULL)
			continue;
		conf = fs_path_join(stage, "vm.conf");
		def = vmdef_load(conf, cause);
		free(conf);
		if (def == NULL || bundle_bound(b, def, cause) != 0)
			goto fail;
	}
	if (r != ARCHIVE_EOF) {
		*cause = xasprintf("%s", archive_error_string(a));
		goto fail;
	}
	for (i = 0; i < b->n; i++) {
		if (!b->f[i].seen) {
			*cause = xasprintf("member '%s' is missing (a "
			    "truncated bundle?)", b->f[i].member);
			goto fail;
		}
	}
	free(buf);
	return (def);
fail:
	free(buf);
	vmdef_free(def);
	return (NULL);
}

int
bundle_import(const struct library *lib, const char *file, const char *name,
    bundle_progress_cb progress, void *arg, char **namep, struct strv *notes,
    char **cause)
{
	struct bundle		 b;
	struct archive		*a;
	struct vm_def		*def = NULL;
	char			*stage = NULL, *why = NULL, *conf;
	int			 rc = -1, hold = -1;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	memset(&b, 0, sizeof b);
	b.progress = progress;
	b.arg = arg;
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, file, BUNDLE_CHUNK) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", file, archive_error_string(a));
		archive_read_free(a);
		return (-1);
	}
	if (bundle_read_manifest(a, &b, &why) != 0)
		goto fail;
	if (name == NULL)
		name = b.name;
	if (name_check(name, "VM", &why) != 0)
		goto fail;
	if (library_exists(lib, name)) {
		*cause = xasprintf("a VM named '%s' already exists (give "
		    "another name: vmdesk import FILE NAME)", name);
		goto out;
	}
	/* Until the VM is in place, no prune or doctor takes its bases. */
	if ((hold = imgcache_hold(lib, 0, cause)) < 0)
		goto out;
	if ((stage = library_create_begin(lib, name, cause)) == NULL)
		goto out;
	b.stage = stage;
	if (bundle_bounds(file, stage, &b.archive, &b.limit, &b.room,
	    &why) != 0 ||
	    (def = bundle_extract_all(&b, a, stage, &why)) == NULL)
		goto fail;
	conf = fs_path_join(stage, "vm.conf");
	free(def->name);
	def->name = xstrdup(name);
	bundle_drop_host_items(def, notes);
	/* Imported beside its original: the host ports must differ. */
	if (vmcreate_port_taken(lib, def) &&
	    vmcreate_new_ports(lib, def, NULL, &why) != 0) {
		vmdef_free(def);
		def = NULL;
	}
	if (def == NULL || bundle_check_def(&b, def, &why) != 0 ||
	    bundle_check_images(&b, def, stage, 0, &why) != 0 ||
	    bundle_rebase(&b, lib, def, stage, &why) != 0 ||
	    bundle_check_images(&b, def, stage, 1, &why) != 0 ||
	    vmdef_validate(def, stage, &why) != 0 ||
	    vmdef_save(def, conf, &why) != 0) {
		free(conf);
		goto fail;
	}
	free(conf);
	if (library_create_commit(lib, name, stage, cause) != 0)
		goto out;
	if (namep != NULL)
		*namep = xstrdup(name);
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("import of %s: %s", file,
	    why != NULL ? why : "failed");
out:
	if (rc != 0 && stage != NULL)
		library_create_abort(stage);
	imgcache_release(hold);
	archive_read_free(a);
	free(why);
	free(stage);
	vmdef_free(def);
	bundle_clear(&b);
	return (rc);
}
