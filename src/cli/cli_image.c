/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk images: the cache's contents and pruning; fetch progress. */
#include "config.h"

#include "cli/cli_image.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "images/imgcache.h"
#include "util/cancel.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

static struct cancel	cli_progress_cancel;

/* ---- Progress ------------------------------------------------------------ */

void
cli_progress_begin(struct cli_progress *p)
{
	memset(p, 0, sizeof *p);
	p->tty = isatty(STDERR_FILENO);
	cancel_catch(&cli_progress_cancel, CANCEL_INT|CANCEL_TERM|CANCEL_HUP);
}

void
cli_progress_end(struct cli_progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = 0;
	cancel_release(&cli_progress_cancel);
}

int
cli_progress_interrupted(void)
{
	return (cancel_signal() != 0);
}

static void
cli_progress_bar(struct cli_progress *p, uint64_t done, uint64_t total,
    uint64_t now)
{
	char		*d, *t, *r, bar[31];
	uint64_t	 ms = now - p->start_ms;
	int		 i, fill;

	d = str_size_short(done);
	r = str_size_short(ms > 0 ? done * 1000 / ms : 0);
	if (total > 0) {
		fill = (int)(done * 30 / total);
		for (i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		t = str_size_short(total);
		fprintf(stderr, "\r%-12s [%s] %3d%% %s/%s %s/s\033[K", p->step,
		    bar, (int)(done * 100 / total), d, t, r);
		free(t);
	} else
		fprintf(stderr, "\r%-12s %s %s/s\033[K", p->step, d, r);
	free(d);
	free(r);
	p->drawn = 1;
}

int
cli_progress_cb(void *arg, const char *step, uint64_t done, uint64_t total)
{
	struct cli_progress	*p = arg;
	uint64_t		 now = time_mono_ms();

	if (cancel_signal() != 0)
		return (1);
	/* Without a terminal the steps are noise in a log or a pipe. */
	if (!p->tty)
		return (0);
	if (p->step == NULL || strcmp(p->step, step) != 0) {
		if (p->drawn)
			fputc('\n', stderr);
		p->drawn = 0;
		p->step = step;
		p->start_ms = now;
	}
	if (now - p->last_ms >= 100 || (total > 0 && done == total)) {
		cli_progress_bar(p, done, total, now);
		p->last_ms = now;
	}
	return (0);
}

/* ---- vmdesk images ------------------------------------------------------- */

static json_t *
cli_images_json(struct imgcache_entry **v, size_t n)
{
	json_t	*arr, *j, *a;
	size_t	 i, k;

	arr = json_array();
	for (i = 0; i < n; i++) {
		j = json_object();
		json_object_set_new(j, "sha256", json_string(v[i]->sha256));
		json_object_set_new(j, "path", json_string(v[i]->path));
		json_object_set_new(j, "format", json_string(v[i]->format));
		json_object_set_new(j, "size",
		    json_integer((json_int_t)v[i]->size));
		json_object_set_new(j, "virtual_size",
		    json_integer((json_int_t)v[i]->vsize));
		json_object_set_new(j, "fetched", json_integer(v[i]->fetched));
		a = json_array();
		for (k = 0; k < v[i]->sources.n; k++)
			json_array_append_new(a,
			    json_string(v[i]->sources.v[k]));
		json_object_set_new(j, "sources", a);
		a = json_array();
		for (k = 0; k < v[i]->users.n; k++)
			json_array_append_new(a,
			    json_string(v[i]->users.v[k]));
		json_object_set_new(j, "used_by", a);
		json_array_append_new(arr, j);
	}
	return (arr);
}

static int
cli_images_list(struct cli *cli, int json)
{
	struct imgcache_entry	**v;
	char			 *cause = NULL, *size, *users;
	size_t			  n, i;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (imgcache_list(cli->lib, &v, &n, &cause) != 0)
		return (cli_fail(cause));
	if (json)
		cli_json_print(cli_images_json(v, n));
	else if (n == 0)
		printf("The image cache is empty.\n");
	else {
		printf("%-12s %7s %-6s %-16s %s\n", "SHA256", "SIZE", "FORMAT",
		    "USED BY", "SOURCE");
		for (i = 0; i < n; i++) {
			size = str_size_short(v[i]->size);
			users = v[i]->users.n > 0 ? strv_join(&v[i]->users,
			    ",") : xstrdup("-");
			printf("%-12.12s %7s %-6s %-16s %s\n", v[i]->sha256,
			    size, v[i]->format, users, v[i]->sources.n > 0 ?
			    v[i]->sources.v[0] : "-");
			free(size);
			free(users);
		}
	}
	imgcache_list_free(v, n);
	return (CLI_OK);
}

static int
cli_images_prune(struct cli *cli)
{
	struct strv	 removed;
	char		*cause = NULL, *size;
	uint64_t	 freed;
	size_t		 i;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&removed);
	if (imgcache_prune(cli->lib, &removed, &freed, &cause) != 0) {
		strv_clear(&removed);
		return (cli_fail(cause));
	}
	for (i = 0; i < removed.n; i++)
		printf("removed %s\n", removed.v[i]);
	size = str_size_short(freed);
	printf("Pruned %zu file%s, %s freed.\n", removed.n, removed.n == 1 ?
	    "" : "s", size);
	free(size);
	strv_clear(&removed);
	return (CLI_OK);
}

int
cli_images(struct cli *cli, int argc, char **argv)
{
	if (argc == 1)
		return (cli_images_list(cli, 0));
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		return (cli_images_list(cli, 1));
	if (argc == 2 && strcmp(argv[1], "prune") == 0)
		return (cli_images_prune(cli));
	return (cli_usage("images"));
}
