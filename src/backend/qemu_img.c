/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running qemu-img: create disks, with its error text on failure. */
#include "config.h"

#include "backend/qemu_img.h"

#include <stdlib.h>
#include <string.h>

#include "util/crashpoint.h"
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

json_t *
qemu_img_info(const char *path, const char *format, int shared, char **cause)
{
	struct strv	 args;
	json_error_t	 error;
	json_t		*info;
	char		*out = NULL;
	int		 rc;

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
		return (NULL);
	if ((info = json_loads(out, 0, &error)) == NULL)
		*cause = xasprintf("%s: qemu-img info printed no JSON: %s",
		    path, error.text);
	free(out);
	return (info);
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
