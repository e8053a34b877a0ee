/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running qemu-img: create disks, with its error text on failure. */
#include "config.h"

#include "backend/qemu_img.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/proc.h"
#include "util/xmalloc.h"

const char *
qemu_img_program(void)
{
	const char	*env;

	if ((env = getenv("VMDESK_QEMU_IMG")) != NULL && *env != '\0')
		return (env);
	return (QEMU_IMG_DEFAULT);
}

int
qemu_img_start(const struct strv *args, struct proc *p, char **cause)
{
	struct strv	 av;
	char		*why = NULL;
	size_t		 i;
	int		 rc;

	strv_init(&av);
	strv_push(&av, qemu_img_program());
	for (i = 0; i < args->n; i++)
		strv_push(&av, args->v[i]);
	rc = proc_start(&av, p, &why);
	strv_clear(&av);
	if (rc != 0) {
		*cause = xasprintf("%s (install qemu-utils, or set "
		    "VMDESK_QEMU_IMG)", why);
		free(why);
	}
	return (rc);
}

int
qemu_img_finish(struct proc *p, char **out, char **cause)
{
	char	*o = NULL, *e = NULL;
	size_t	 len;
	int	 status;

	status = proc_finish(p, &o, &e);
	crashpoint("qemu-img");
	if (status == 0) {
		if (out != NULL)
			*out = o;
		else
			free(o);
		free(e);
		return (0);
	}
	free(o);
	len = strlen(e);
	while (len > 0 && (e[len - 1] == '\n' || e[len - 1] == '\r'))
		e[--len] = '\0';
	if (len == 0) {
		free(e);
		e = xasprintf("qemu-img failed (exit %d) with no message",
		    status);
	}
	*cause = e;
	return (-1);
}

int
qemu_img_run(const struct strv *args, char **out, char **cause)
{
	struct proc	p;

	if (qemu_img_start(args, &p, cause) != 0)
		return (-1);
	return (qemu_img_finish(&p, out, cause));
}

static char *
qemu_img_json_str(json_t *o, const char *key)
{
	const char	*v;

	if ((v = json_string_value(json_object_get(o, key))) == NULL)
		return (NULL);
	return (xstrdup(v));
}

static uint64_t
qemu_img_json_u64(json_t *o, const char *key)
{
	json_int_t	v = json_integer_value(json_object_get(o, key));

	return (v > 0 ? (uint64_t)v : 0);
}

static void
qemu_img_info_snaps(json_t *snaps, struct qemu_img_info *info)
{
	struct qemu_img_snap	*s;
	json_t			*o;
	size_t			 i;

	json_array_foreach(snaps, i, o) {
		if (json_string_value(json_object_get(o, "name")) == NULL)
			continue;
		info->snaps = xreallocarray(info->snaps, info->nsnaps + 1,
		    sizeof *info->snaps);
		s = &info->snaps[info->nsnaps++];
		s->name = qemu_img_json_str(o, "name");
		s->date_sec = qemu_img_json_u64(o, "date-sec");
		s->vm_state_size = qemu_img_json_u64(o, "vm-state-size");
	}
}

int
qemu_img_info_parse(const char *text, struct qemu_img_info *info,
    char **cause)
{
	json_error_t	 error;
	json_t		*j, *data;

	memset(info, 0, sizeof *info);
	if ((j = json_loads(text, 0, &error)) == NULL ||
	    !json_is_object(j)) {
		*cause = xasprintf("qemu-img info printed no JSON object: %s",
		    j == NULL ? error.text : "not an object");
		json_decref(j);
		return (-1);
	}
	info->format = qemu_img_json_str(j, "format");
	info->virtual_size = qemu_img_json_u64(j, "virtual-size");
	info->actual_size = qemu_img_json_u64(j, "actual-size");
	info->backing = qemu_img_json_str(j, "backing-filename");
	info->backing_full = qemu_img_json_str(j, "full-backing-filename");
	info->backing_format = qemu_img_json_str(j, "backing-filename-format");
	data = json_object_get(json_object_get(j, "format-specific"), "data");
	info->data_file = qemu_img_json_str(data, "data-file");
	qemu_img_info_snaps(json_object_get(j, "snapshots"), info);
	json_decref(j);
	return (0);
}

void
qemu_img_info_clear(struct qemu_img_info *info)
{
	size_t	i;

	free(info->format);
	free(info->backing);
	free(info->backing_full);
	free(info->backing_format);
	free(info->data_file);
	for (i = 0; i < info->nsnaps; i++)
		free(info->snaps[i].name);
	free(info->snaps);
	memset(info, 0, sizeof *info);
}

int
qemu_img_info(const char *path, const char *format, int shared,
    struct qemu_img_info *info, char **cause)
{
	struct strv	 args;
	char		*out = NULL, *why = NULL;
	int		 rc;

	memset(info, 0, sizeof *info);
	strv_init(&args);
	strv_push(&args, "info");
	if (shared)
		strv_push(&args, "-U");
	strv_push(&args, "--output=json");
	strv_push(&args, "-f");
	strv_push(&args, format);
	strv_push(&args, path);
	rc = qemu_img_run(&args, &out, cause);
	strv_clear(&args);
	if (rc != 0)
		return (-1);
	if ((rc = qemu_img_info_parse(out, info, &why)) != 0) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
	}
	free(out);
	return (rc);
}

/* ---- Backing chains ----------------------------------------------------- */

static struct qemu_img_link *
qemu_img_chain_add(struct qemu_img_chain *c, const char *path,
    const char *format)
{
	struct qemu_img_link	*l;
	struct stat		 sb;
	char			 real[PATH_MAX];

	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	l = &c->v[c->n++];
	memset(l, 0, sizeof *l);
	l->format = xstrdup(format);
	l->named = xstrdup(path);
	if (stat(path, &sb) != 0 || realpath(path, real) == NULL) {
		l->path = xstrdup(path);
		l->missing = 1;
		return (l);
	}
	l->path = xstrdup(real);
	l->dev = sb.st_dev;
	l->ino = sb.st_ino;
	return (l);
}

/* Whether the last link is a file met earlier: a loop. */
static int
qemu_img_chain_loops(const struct qemu_img_chain *c)
{
	const struct qemu_img_link	*l = &c->v[c->n - 1];
	size_t				 i;

	for (i = 0; i + 1 < c->n; i++) {
		if (!c->v[i].missing && c->v[i].dev == l->dev &&
		    c->v[i].ino == l->ino)
			return (1);
	}
	return (0);
}

/*
 * The format of a backing file whose overlay does not say: what QEMU
 * would probe, but only qcow2 or raw (reading as raw never follows
 * anything further).
 */
static char *
qemu_img_chain_probe(const char *path)
{
	unsigned char	 magic[4];
	int		 fd;
	ssize_t		 n = -1;

	if ((fd = open(path, O_RDONLY|O_NONBLOCK|O_CLOEXEC)) >= 0) {
		n = read(fd, magic, sizeof magic);
		close(fd);
	}
	if (n == 4 && memcmp(magic, "QFI\xfb", 4) == 0)
		return (xstrdup("qcow2"));
	return (xstrdup("raw"));
}

/* The file a backing name means: relative to the file that names it. */
static char *
qemu_img_chain_next(const char *path, const struct qemu_img_info *info)
{
	char	*dir, *slash, *next;

	if (info->backing_full != NULL)
		return (xstrdup(info->backing_full));
	if (info->backing[0] == '/')
		return (xstrdup(info->backing));
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		next = fs_path_join(*dir == '\0' ? "/" : dir, info->backing);
	} else
		next = xstrdup(info->backing);
	free(dir);
	return (next);
}

void
qemu_img_chain(const char *path, const char *format, int shared,
    struct qemu_img_chain *c)
{
	struct qemu_img_info	 info;
	struct qemu_img_link	*l;
	char			*cur, *fmt, *next, *why = NULL;
	size_t			 depth;

	memset(c, 0, sizeof *c);
	cur = xstrdup(path);
	fmt = xstrdup(format);
	for (depth = 0; c->broken == NULL; depth++) {
		l = qemu_img_chain_add(c, cur, fmt);
		if (l->missing) {
			c->broken = xasprintf("%s: no such file", cur);
			break;
		}
		if (qemu_img_chain_loops(c)) {
			c->broken = xasprintf("%s: backing chain loops", cur);
			break;
		}
		if (depth + 1 >= QEMU_IMG_MAX_CHAIN) {
			c->broken = xasprintf("%s: backing chain deeper than "
			    "%d", path, QEMU_IMG_MAX_CHAIN);
			break;
		}
		if (qemu_img_info(cur, fmt, shared, &info, &why) != 0) {
			c->broken = why;
			break;
		}
		if (info.backing == NULL) {
			qemu_img_info_clear(&info);
			break;
		}
		next = qemu_img_chain_next(cur, &info);
		free(cur);
		free(fmt);
		cur = next;
		fmt = info.backing_format != NULL ?
		    xstrdup(info.backing_format) : qemu_img_chain_probe(cur);
		qemu_img_info_clear(&info);
	}
	free(cur);
	free(fmt);
}

void
qemu_img_chain_clear(struct qemu_img_chain *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].named);
		free(c->v[i].format);
	}
	free(c->v);
	free(c->broken);
	memset(c, 0, sizeof *c);
}

int
qemu_img_chain_has(const struct qemu_img_chain *c, dev_t dev, ino_t ino)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		if (!c->v[i].missing && c->v[i].dev == dev &&
		    c->v[i].ino == ino)
			return (1);
	}
	return (0);
}

void
qemu_img_overlay_args(struct strv *args, const char *path, const char *base,
    uint64_t size)
{
	strv_push(args, "create");
	strv_push(args, "-q");
	strv_push(args, "-f");
	strv_push(args, "qcow2");
	strv_push(args, "-u");
	strv_push(args, "-b");
	strv_push(args, base);
	strv_push(args, "-F");
	strv_push(args, "qcow2");
	strv_push(args, path);
	strv_pushf(args, "%llu", (unsigned long long)size);
}

int
qemu_img_create(const char *path, uint64_t size, const char *backing,
    char **cause)
{
	struct strv	args;
	int		rc;

	strv_init(&args);
	strv_push(&args, "create");
	strv_push(&args, "-q");
	strv_push(&args, "-f");
	strv_push(&args, "qcow2");
	if (backing != NULL) {
		/* Without -F, qemu-img 7.2 refuses a backing file. */
		strv_push(&args, "-b");
		strv_push(&args, backing);
		strv_push(&args, "-F");
		strv_push(&args, "qcow2");
	}
	strv_push(&args, path);
	strv_pushf(&args, "%llu", (unsigned long long)size);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	return (rc);
}
