/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cloning a stopped VM: linked, full, or from one of its snapshots. */
#include "config.h"

#include "ops/clone.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "backend/qemu_img.h"
#include "core/names.h"
#include "images/cloudinit.h"
#include "images/imgcache.h"
#include "ops/vmcreate.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* A progress report at most this often (ms), and once at the end. */
#define CLONE_PROGRESS_MS	100
/* Bytes per copy_file_range() or read() call. */
#define CLONE_CHUNK		(64U << 20)

/* What happens to one disk of the source. */
enum clone_how {
	CLONE_SHARE,		/* read-only, absolute path: both use it */
	CLONE_LINK,		/* read-only: hard link (or copy) beside dst */
	CLONE_OVERLAY,		/* linked: frozen base, an overlay each */
	CLONE_COPY,		/* full: the file as it is */
	CLONE_CONVERT,		/* full: flattened and without snapshots */
	CLONE_SNAPSHOT		/* from a snapshot: copied, reverted, pruned */
};

struct clone_disk {
	const struct vm_disk	*d;
	enum clone_how		 how;
	char			*src;		/* absolute */
	char			*file;		/* dst's file, as vm.conf says */
	char			*dst;		/* absolute, in the staging folder */
	uint64_t		 size;		/* bytes to copy, for progress */
	uint64_t		 vsize;		/* qcow2: virtual size */
	char			*base;		/* linked: the frozen base */
	char			*src_new;	/* linked: src's overlay, before
						   it takes the disk's place */
	int			 based;		/* base made (a hard link) */
	int			 switched;	/* src uses its overlay */
};

struct clone_ctx {
	const struct clone_opts	*opts;
	struct strv		*notes;
	const char		*what;
	uint64_t		 last;		/* time of the last report */
	int			 cancelled;
};

/* Report progress; 1 when the caller wants to stop. */
static int
clone_progress(struct clone_ctx *ctx, uint64_t done, uint64_t total,
    int force)
{
	uint64_t	now;

	if (ctx->opts->progress == NULL || ctx->cancelled)
		return (ctx->cancelled);
	now = time_mono_ms();
	if (!force && now - ctx->last < CLONE_PROGRESS_MS)
		return (0);
	ctx->last = now;
	if (ctx->opts->progress(ctx->opts->progress_arg, ctx->what, done,
	    total) != 0)
		ctx->cancelled = 1;
	return (ctx->cancelled);
}

/* ---- qcow2 facts ---------------------------------------------------------- */

struct clone_qcow2 {
	int		backing;	/* has a backing file */
	uint32_t	nsnapshots;
	uint64_t	size;		/* virtual size, bytes */
};

static uint64_t
clone_be(const unsigned char *p, int n)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return (v);
}

/*
 * Read the qcow2 header: a linked clone must know in constant time
 * whether the disk holds snapshots, without a qemu-img run per disk.
 */
static int
clone_probe(const char *path, struct clone_qcow2 *q, char **cause)
{
	unsigned char	h[72];
	ssize_t		n;
	int		fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	n = pread(fd, h, sizeof h, 0);
	close(fd);
	if (n != (ssize_t)sizeof h || clone_be(h, 4) != 0x514649fbU) {
		*cause = xasprintf("%s is not a qcow2 image", path);
		return (-1);
	}
	q->backing = clone_be(h + 8, 8) != 0;
	q->nsnapshots = (uint32_t)clone_be(h + 60, 4);
	q->size = clone_be(h + 24, 8);
	return (0);
}

/* The snapshot tags of a qcow2 file. */
static int
clone_tags(const char *path, struct strv *tags, char **cause)
{
	struct qemu_img_info	info;
	size_t			i;

	if (qemu_img_info(path, "qcow2", 0, &info, cause) != 0)
		return (-1);
	for (i = 0; i < info.nsnaps; i++)
		strv_push(tags, info.snaps[i].name);
	qemu_img_info_clear(&info);
	return (0);
}

static int
clone_qemu_img_snapshot(const char *op, const char *tag, const char *path,
    char **cause)
{
	struct strv	 args;
	const char	*p;
	char		*opts, *o;
	int		 rc;

	/* qemu-img snapshot has no -f; commas in the path are doubled. */
	o = opts = xmalloc(strlen("driver=qcow2,file.filename=") +
	    2 * strlen(path) + 1);
	o += sprintf(o, "driver=qcow2,file.filename=");
	for (p = path; *p != '\0'; p++) {
		*o++ = *p;
		if (*p == ',')
			*o++ = ',';
	}
	*o = '\0';
	strv_init(&args);
	strv_push(&args, "snapshot");
	strv_push(&args, "--image-opts");
	strv_push(&args, op);
	strv_push(&args, tag);
	strv_push(&args, opts);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	free(opts);
	return (rc);
}

/* ---- Copying -------------------------------------------------------------- */

/* Copy [off, end) with copy_file_range, else read and write. */
static int
clone_copy_range(struct clone_ctx *ctx, int in, int out, off_t off,
    off_t end, uint64_t *done, uint64_t total, int *plain, char **cause)
{
	char	*buf = NULL;
	off_t	 o_in, o_out;
	ssize_t	 n, w, k;
	size_t	 want;

	while (off < end) {
		want = (size_t)(end - off) > CLONE_CHUNK ? CLONE_CHUNK :
		    (size_t)(end - off);
		if (!*plain) {
			o_in = o_out = off;
			n = copy_file_range(in, &o_in, out, &o_out, want, 0);
			if (n == -1 && (errno == EXDEV || errno == ENOSYS ||
			    errno == EOPNOTSUPP || errno == EINVAL)) {
				*plain = 1;
				continue;
			}
		} else {
			if (buf == NULL)
				buf = xmalloc(CLONE_CHUNK);
			n = pread(in, buf, want, off);
			for (w = 0; n > 0 && w < n; ) {
				k = pwrite(out, buf + w, (size_t)(n - w),
				    off + w);
				if (k == -1 && errno == EINTR)
					continue;
				if (k <= 0) {
					n = -1;
					break;
				}
				w += k;
			}
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xstrdup(n == 0 ? "the source ended early" :
			    strerror(errno));
			free(buf);
			return (-1);
		}
		off += n;
		*done += (uint64_t)n;
		if (clone_progress(ctx, *done, total, 0)) {
			free(buf);
			*cause = xstrdup("interrupted");
			return (-1);
		}
	}
	free(buf);
	return (0);
}

/*
 * Copy a file: a reflink (FICLONE) where the filesystem shares blocks,
 * else only its data extents (SEEK_DATA/SEEK_HOLE, as cp does), in the
 * kernel with copy_file_range. *how says which, for people.
 */
static int
clone_copy_file(struct clone_ctx *ctx, const char *src, const char *dst,
    const char **how, char **cause)
{
	struct stat	 sb;
	off_t		 data, hole, size;
	uint64_t	 done = 0;
	char		*why = NULL;
	int		 in, out, plain = 0, rc = -1;

	if ((in = open(src, O_RDONLY|O_CLOEXEC)) == -1 || fstat(in,
	    &sb) != 0) {
		*cause = xasprintf("%s: %s", src, strerror(errno));
		if (in != -1)
			close(in);
		return (-1);
	}
	out = open(dst, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, (sb.st_mode &
	    0777) | 0200);
	if (out == -1) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		close(in);
		return (-1);
	}
	size = sb.st_size;
	clone_progress(ctx, 0, (uint64_t)size, 1);
	if (ioctl(out, FICLONE, in) == 0) {
		*how = "reflinked";
		clone_progress(ctx, (uint64_t)size, (uint64_t)size, 1);
		rc = 0;
		goto out;
	}
	*how = "copied";
	for (data = 0; data < size; data = hole) {
		if ((data = lseek(in, data, SEEK_DATA)) == -1) {
			if (errno == ENXIO)
				break;		/* only a hole is left */
			if (errno != EINVAL) {
				why = xstrdup(strerror(errno));
				goto fail;
			}
			data = 0;		/* no SEEK_DATA: copy it all */
			hole = size;
		} else if ((hole = lseek(in, data, SEEK_HOLE)) == -1)
			hole = size;
		if (clone_copy_range(ctx, in, out, data, hole, &done,
		    (uint64_t)size, &plain, &why) != 0)
			goto fail;
	}
	if (ftruncate(out, size) != 0) {
		why = xstrdup(strerror(errno));
		goto fail;
	}
	clone_progress(ctx, (uint64_t)size, (uint64_t)size, 1);
	rc = 0;
	goto out;

fail:
	*cause = xasprintf("copying %s to %s: %s", src, dst, why);
	free(why);
out:
	close(in);
	if (close(out) != 0 && rc == 0) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		rc = -1;
	}
	return (rc);
}

/* A hard link where it can (same filesystem), else a copy. */
static int
clone_link_or_copy(struct clone_ctx *ctx, const char *src, const char *dst,
    char **cause)
{
	const char	*how;

	if (link(src, dst) == 0)
		return (0);
	if (errno != EXDEV && errno != EPERM && errno != EMLINK) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		return (-1);
	}
	return (clone_copy_file(ctx, src, dst, &how, cause));
}

/* Parse the last "(12.34/100%)" qemu-img -p wrote; -1 if none. */
static double
clone_percent(const char *buf, size_t len)
{
	const char	*p;
	double		 pct = -1;
	char		*end;

	for (p = buf; p < buf + len; p++) {
		if (*p != '(')
			continue;
		pct = strtod(p + 1, &end);
		if (end == p + 1 || strncmp(end, "/100%)", 6) != 0)
			pct = -1;
	}
	return (pct);
}

/*
 * qemu-img convert with -p, its progress read as it runs: a disk with a
 * backing file is flattened, and snapshots stay behind.
 */
static int
clone_convert(struct clone_ctx *ctx, const char *src, const char *dst,
    uint64_t total, char **cause)
{
	struct pollfd	 pfd;
	struct strv	 args;
	struct proc	 p;
	char		 buf[512], *err = NULL;
	double		 pct;
	uint64_t	 done = 0;
	ssize_t		 n;
	int		 rc, killed = 0;

	strv_init(&args);
	strv_push(&args, "convert");
	strv_push(&args, "-p");
	strv_push(&args, "-f");
	strv_push(&args, "qcow2");
	strv_push(&args, "-O");
	strv_push(&args, "qcow2");
	strv_push(&args, src);
	strv_push(&args, dst);
	rc = qemu_img_start(&args, &p, cause);
	strv_clear(&args);
	if (rc != 0)
		return (-1);
	clone_progress(ctx, 0, total, 1);
	/*
	 * Progress comes on standard output until it ends; the few lines of
	 * error output wait in their pipe for qemu_img_finish().
	 */
	pfd.fd = p.out;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, CLONE_PROGRESS_MS) == -1 && errno != EINTR)
			break;
		if (pfd.revents & (POLLIN|POLLHUP)) {
			if ((n = read(p.out, buf, sizeof buf)) > 0) {
				if ((pct = clone_percent(buf, (size_t)n)) >= 0)
					done = (uint64_t)(total * pct / 100);
			} else if (n == 0 || errno != EINTR)
				break;
		}
		if (!killed && clone_progress(ctx, done, total, 0)) {
			kill(p.pid, SIGTERM);
			killed = 1;
		}
	}
	rc = qemu_img_finish(&p, NULL, &err);
	if (ctx->cancelled) {
		free(err);
		*cause = xstrdup("interrupted");
		return (-1);
	}
	if (rc == 0) {
		clone_progress(ctx, total, total, 1);
		return (0);
	}
	*cause = err;
	return (-1);
}

/* ---- Planning ------------------------------------------------------------- */

/* The file name a disk gets in the new VM's folder. Caller frees. */
static char *
clone_file_name(const struct clone_disk *disks, size_t n,
    const struct vm_disk *d)
{
	const char	*base;
	size_t		 i;

	base = strrchr(d->file, '/') != NULL ? strrchr(d->file, '/') + 1 :
	    d->file;
	for (i = 0; i < n; i++) {
		if (disks[i].file != NULL && strcmp(disks[i].file, base) == 0)
			return (xasprintf("%s-%s", d->name, base));
	}
	return (xstrdup(base));
}

static int
clone_plan_disk(const struct clone_opts *opts, const char *src,
    struct clone_disk *cd, char **cause)
{
	const struct vm_disk	*d = cd->d;
	struct clone_qcow2	 q;
	struct stat		 sb;
	char			*why = NULL;

	if (stat(cd->src, &sb) != 0) {
		*cause = xasprintf("disk %s: %s: %s", d->name, cd->src,
		    strerror(errno));
		return (-1);
	}
	cd->size = (uint64_t)sb.st_size;
	if (d->readonly) {
		cd->how = d->file[0] == '/' ? CLONE_SHARE : CLONE_LINK;
		return (0);
	}
	if (d->format != VM_FORMAT_QCOW2) {
		if (opts->mode == CLONE_LINKED && opts->snapshot == NULL) {
			*cause = xasprintf("disk %s is %s: a linked clone "
			    "needs qcow2 disks (use --full)", d->name,
			    vmdef_format_name(d->format));
			return (-1);
		}
		cd->how = CLONE_COPY;
		return (0);
	}
	if (clone_probe(cd->src, &q, &why) != 0) {
		*cause = xasprintf("disk %s: %s", d->name, why);
		free(why);
		return (-1);
	}
	cd->vsize = q.size;
	if (opts->snapshot != NULL) {
		cd->how = CLONE_SNAPSHOT;
		return (0);
	}
	if (opts->mode == CLONE_FULL) {
		cd->how = q.backing || q.nsnapshots > 0 ? CLONE_CONVERT :
		    CLONE_COPY;
		return (0);
	}
	if (q.nsnapshots > 0) {
		/*
		 * A linked clone freezes this file as the shared base and
		 * gives src an empty overlay on it: QEMU cannot load a
		 * snapshot that lives in a backing file, so src's tree
		 * would be lost.
		 */
		*cause = xasprintf("disk %s of VM %s holds %u snapshot%s: they "
		    "live inside the disk, which a linked clone freezes into "
		    "a shared base; use --full, or --from-snapshot SNAP, or "
		    "delete them first", d->name, src, q.nsnapshots,
		    q.nsnapshots == 1 ? "" : "s");
		return (-1);
	}
	cd->how = CLONE_OVERLAY;
	return (0);
}

/* A base's path: images/bases/SRC-DISK-STAMP.qcow2. Caller frees. */
static char *
clone_base_path(const struct library *lib, const char *src, const char *disk,
    char **cause)
{
	char	*dir, *path;

	dir = fs_path_join(lib->images, LIBRARY_BASES_DIR);
	if (fs_mkdir_p(dir, 0755, cause) != 0) {
		free(dir);
		return (NULL);
	}
	path = xasprintf("%s/%s-%s-%llx%lx.qcow2", dir, src, disk,
	    (unsigned long long)time_wall_ms(), (long)getpid());
	free(dir);
	return (path);
}

/* The folder of a path, for an atomic rename beside it. Caller frees. */
static char *
clone_dirname(const char *path)
{
	char	*dir, *slash;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	return (dir);
}

/* ---- Doing ---------------------------------------------------------------- */

/*
 * Two qcow2 overlays on one base, both qemu-img runs at once (each is
 * mostly process start-up). -u: the base's format and size are known
 * from its header, so qemu-img need not open it, whatever its size.
 */
static int
clone_create_overlays(const char *const *paths, const char *base,
    uint64_t size, char **cause)
{
	struct strv	 args;
	struct proc	 p[2];
	char		*why[2] = { NULL, NULL };
	int		 i, started[2] = { 0, 0 }, rc = 0;

	for (i = 0; i < 2; i++) {
		strv_init(&args);
		qemu_img_overlay_args(&args, paths[i], base, size);
		started[i] = qemu_img_start(&args, &p[i], &why[i]) == 0;
		strv_clear(&args);
	}
	for (i = 0; i < 2; i++) {
		if (started[i] && qemu_img_finish(&p[i], NULL, &why[i]) != 0)
			started[i] = 0;
		if (why[i] != NULL && rc == 0) {
			*cause = why[i];
			why[i] = NULL;
			rc = -1;
		}
		free(why[i]);
	}
	return (rc);
}

/*
 * Linked: the source's file gets a second name as the base (a hard link:
 * constant time, and until the switch the source is untouched), then an
 * overlay on it for each VM.
 */
static int
clone_overlay(const struct library *lib, const char *src,
    struct clone_disk *cd, char **cause)
{
	const char	*paths[2];
	char		*dir;

	if ((cd->base = clone_base_path(lib, src, cd->d->name,
	    cause)) == NULL)
		return (-1);
	if (link(cd->src, cd->base) != 0) {
		*cause = errno == EXDEV ? xasprintf("disk %s: %s and the image "
		    "cache %s are on different filesystems: a linked clone "
		    "cannot freeze it in place (use --full)", cd->d->name,
		    cd->src, lib->images) : xasprintf("%s: %s", cd->base,
		    strerror(errno));
		return (-1);
	}
	cd->based = 1;
	crashpoint("clone: base linked");
	dir = clone_dirname(cd->src);
	cd->src_new = xasprintf("%s/.%s.clone-%ld", dir, cd->d->name,
	    (long)getpid());
	free(dir);
	paths[0] = cd->dst;
	paths[1] = cd->src_new;
	return (clone_create_overlays(paths, cd->base, cd->vsize, cause));
}

static int
clone_from_snapshot(struct clone_ctx *ctx, struct clone_disk *cd,
    const char *tag, char **cause)
{
	struct strv	 tags;
	const char	*how;
	char		*why = NULL;
	size_t		 i;

	if (clone_copy_file(ctx, cd->src, cd->dst, &how, cause) != 0)
		return (-1);
	if (clone_qemu_img_snapshot("-a", tag, cd->dst, &why) != 0) {
		*cause = xasprintf("disk %s: %s", cd->d->name, why);
		free(why);
		return (-1);
	}
	strv_init(&tags);
	if (clone_tags(cd->dst, &tags, cause) != 0) {
		strv_clear(&tags);
		return (-1);
	}
	for (i = 0; i < tags.n; i++) {
		if (strcmp(tags.v[i], tag) == 0)
			continue;
		if (clone_qemu_img_snapshot("-d", tags.v[i], cd->dst,
		    &why) != 0) {
			*cause = xasprintf("disk %s: %s", cd->d->name, why);
			free(why);
			strv_clear(&tags);
			return (-1);
		}
	}
	strv_pushf(ctx->notes, "disk %s: %s, at snapshot %s (%zu other "
	    "snapshot%s left behind)", cd->d->name, how, tag, tags.n - 1,
	    tags.n == 2 ? "" : "s");
	strv_clear(&tags);
	return (0);
}

static int
clone_disk_do(const struct library *lib, const char *src,
    struct clone_ctx *ctx, struct clone_disk *cd, char **cause)
{
	const char	*how;
	char		*size;

	ctx->what = cd->d->name;
	switch (cd->how) {
	case CLONE_SHARE:
		return (0);
	case CLONE_LINK:
		return (clone_link_or_copy(ctx, cd->src, cd->dst, cause));
	case CLONE_OVERLAY:
		if (clone_overlay(lib, src, cd, cause) != 0)
			return (-1);
		strv_pushf(ctx->notes, "disk %s: an overlay on the frozen base "
		    "%s", cd->d->name, cd->base);
		return (0);
	case CLONE_COPY:
		if (clone_copy_file(ctx, cd->src, cd->dst, &how, cause) != 0)
			return (-1);
		size = str_size_short(cd->size);
		strv_pushf(ctx->notes, "disk %s: %s (%s)", cd->d->name, how,
		    size);
		free(size);
		return (0);
	case CLONE_CONVERT:
		if (clone_convert(ctx, cd->src, cd->dst, cd->size,
		    cause) != 0)
			return (-1);
		strv_pushf(ctx->notes, "disk %s: converted with qemu-img (its "
		    "backing file merged, its snapshots left behind)",
		    cd->d->name);
		return (0);
	case CLONE_SNAPSHOT:
		return (clone_from_snapshot(ctx, cd,
		    ctx->opts->snapshot->tag, cause));
	}
	return (0);
}

/* Relative boot files and the UEFI variables go along. */
static int
clone_extra_files(struct clone_ctx *ctx, struct vm_def *def,
    const char *srcdir, const char *stage, char **cause)
{
	char		**files[] = { &def->boot.kernel, &def->boot.initrd,
			    &def->boot.iso };
	char		 *from, *to, *base, *vars;
	const char	 *how;
	size_t		  i;
	int		  rc;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (*files[i] == NULL || (*files[i])[0] == '/')
			continue;
		base = strrchr(*files[i], '/') != NULL ?
		    xstrdup(strrchr(*files[i], '/') + 1) : xstrdup(*files[i]);
		from = fs_path_join(srcdir, *files[i]);
		to = fs_path_join(stage, base);
		rc = fs_exists(to) ? 0 : clone_link_or_copy(ctx, from, to,
		    cause);
		free(from);
		free(to);
		if (rc != 0) {
			free(base);
			return (-1);
		}
		free(*files[i]);
		*files[i] = base;
	}
	/* A snapshot's own copy of the variables, else the VM's. */
	vars = NULL;
	if (ctx->opts->snapshot != NULL)
		vars = snaptree_vars_path(srcdir, ctx->opts->snapshot->tag);
	if (vars == NULL || !fs_exists(vars)) {
		free(vars);
		vars = fs_path_join(srcdir, "efivars.fd");
	}
	rc = 0;
	if (fs_exists(vars)) {
		to = fs_path_join(stage, "efivars.fd");
		rc = clone_copy_file(ctx, vars, to, &how, cause);
		free(to);
	}
	free(vars);
	return (rc);
}

/* From a snapshot: the new VM keeps that snapshot as its only node. */
static int
clone_tree(struct clone_ctx *ctx, const char *srcdir, const char *stage,
    char **cause)
{
	const struct snap_node	*s = ctx->opts->snapshot;
	struct snaptree		*t;
	struct snap_node	*n;
	char			*path, *from, *to, *dir;
	const char		*how;
	unsigned		 id;
	int			 rc = -1;

	t = snaptree_create();
	if ((id = snaptree_add(t, s->name, s->kind, s->time, s->note,
	    cause)) == 0)
		goto out;
	n = snaptree_node(t, id);
	free(n->tag);
	n->tag = xstrdup(s->tag);
	snaptree_created(t, id);
	path = fs_path_join(stage, SNAPTREE_FILE);
	rc = snaptree_save(t, path, 0, cause);
	free(path);
	from = snaptree_vars_path(srcdir, s->tag);
	if (rc == 0 && from != NULL && fs_exists(from)) {
		dir = fs_path_join(stage, "snapshots");
		to = snaptree_vars_path(stage, s->tag);
		if ((rc = fs_mkdir_p(dir, 0755, cause)) == 0)
			rc = clone_copy_file(ctx, from, to, &how, cause);
		free(dir);
		free(to);
	}
	free(from);
out:
	snaptree_free(t);
	return (rc);
}

/*
 * cloud-init runs once per instance id: the clone gets a new one, and a
 * seed naming it and its own host name (user and keys stay).
 */
static int
clone_seed(struct vm_def *def, struct clone_disk *disks, size_t n,
    char **cause)
{
	size_t	i;
	int	rc = 0;

	if (def->instance_id == NULL)
		return (0);
	free(def->instance_id);
	def->instance_id = cloudinit_instance_id();
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(disks[i].d->name, CLOUDINIT_DISK) != 0 ||
		    disks[i].dst == NULL)
			continue;
		rc = cloudinit_rewrite_seed(disks[i].src, disks[i].dst,
		    def->name, def->instance_id, cause);
	}
	return (rc);
}

/* Make the overlays the source's disks: one rename each. */
static int
clone_switch(struct clone_disk *disks, size_t n, char **cause)
{
	char	*dir, *why = NULL;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (disks[i].how != CLONE_OVERLAY)
			continue;
		if (rename(disks[i].src_new, disks[i].src) != 0) {
			*cause = xasprintf("%s: %s", disks[i].src,
			    strerror(errno));
			return (-1);
		}
		disks[i].switched = 1;
		crashpoint("clone: source disk switched to its overlay");
		free(disks[i].src_new);
		disks[i].src_new = NULL;
		/* Frozen: nothing may write the base any more. */
		if (chmod(disks[i].base, 0444) != 0)
			log_debug("chmod %s: %s", disks[i].base,
			    strerror(errno));
		dir = clone_dirname(disks[i].src);
		if (fs_sync_dir(dir, &why) != 0) {
			log_debug("%s", why);
			free(why);
			why = NULL;
		}
		free(dir);
	}
	return (0);
}

static void
clone_undo(struct clone_disk *disks, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (disks[i].src_new != NULL)
			unlink(disks[i].src_new);
		/* Until the switch, the base is a second name of src's disk. */
		if (disks[i].based && !disks[i].switched)
			unlink(disks[i].base);
	}
}

int
clone_vm(const struct library *lib, const char *src, const char *dst,
    const struct clone_opts *opts, struct strv *notes, char **cause)
{
	struct clone_ctx	 ctx;
	struct clone_disk	*disks = NULL;
	struct vm_def		*def;
	char			*srcdir = NULL, *stage = NULL, *conf;
	char			*why = NULL;
	size_t			 i, n = 0;
	int			 rc = -1, hold = -1;

	memset(&ctx, 0, sizeof ctx);
	ctx.opts = opts;
	ctx.notes = notes;
	if (name_check(dst, "VM", cause) != 0)
		return (-1);
	if ((def = library_load(lib, src, cause)) == NULL)
		return (-1);
	srcdir = library_vm_dir(lib, src);
	if (library_exists(lib, dst)) {
		*cause = xasprintf("a VM named '%s' already exists", dst);
		goto out;
	}

	disks = xcalloc(def->ndisks + 1, sizeof *disks);
	for (n = 0; n < def->ndisks; n++) {
		disks[n].d = &def->disks[n];
		disks[n].src = vmdef_disk_path(&def->disks[n], srcdir);
		if (clone_plan_disk(opts, src, &disks[n], &why) != 0) {
			*cause = xasprintf("VM %s: %s", src, why);
			free(why);
			n++;
			goto out;
		}
		if (disks[n].how == CLONE_SHARE)
			disks[n].file = xstrdup(def->disks[n].file);
		else
			disks[n].file = clone_file_name(disks, n,
			    &def->disks[n]);
	}

	/* Until the clone is in place, no prune or doctor takes its base. */
	if ((hold = imgcache_hold(lib, 0, cause)) < 0)
		goto out;
	if ((stage = library_create_begin(lib, dst, cause)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (disks[i].how != CLONE_SHARE)
			disks[i].dst = fs_path_join(stage, disks[i].file);
		if (clone_disk_do(lib, src, &ctx, &disks[i], &why) != 0) {
			*cause = xasprintf("VM %s: disk %s: %s", src,
			    disks[i].d->name, why);
			free(why);
			goto out;
		}
	}

	/* The new VM's definition: its own name, files and MACs. */
	free(def->name);
	def->name = xstrdup(dst);
	for (i = 0; i < n; i++) {
		free(def->disks[i].file);
		def->disks[i].file = xstrdup(disks[i].file);
	}
	for (i = 0; i < def->nnics; i++) {
		free(def->nics[i].mac);
		def->nics[i].mac = vmdef_random_mac();
	}
	/* Both VMs may run at once: each needs its own host ports. */
	if (vmcreate_new_ports(lib, def, notes, cause) != 0 ||
	    clone_seed(def, disks, n, cause) != 0)
		goto out;
	if (clone_extra_files(&ctx, def, srcdir, stage, cause) != 0)
		goto out;
	if (opts->snapshot != NULL && clone_tree(&ctx, srcdir, stage,
	    cause) != 0)
		goto out;
	if (vmdef_validate(def, stage, cause) != 0)
		goto out;
	conf = fs_path_join(stage, "vm.conf");
	rc = vmdef_save(def, conf, cause);
	free(conf);
	if (rc != 0)
		goto out;
	/* The source changes last, once everything else is in place. */
	rc = -1;
	if (clone_switch(disks, n, cause) != 0)
		goto out;
	if (library_create_commit(lib, dst, stage, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		clone_undo(disks, n);
		library_create_abort(stage);
	}
	imgcache_release(hold);
	for (i = 0; i < n; i++) {
		free(disks[i].src);
		free(disks[i].file);
		free(disks[i].dst);
		free(disks[i].base);
		free(disks[i].src_new);
	}
	free(disks);
	free(stage);
	free(srcdir);
	vmdef_free(def);
	return (rc);
}
