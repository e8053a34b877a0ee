/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk clone: a new VM from a stopped one, linked or full. */
#include "config.h"

#include "cli/cli_clone.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_vm.h"
#include "ops/clone.h"
#include "ops/vmctl.h"
#include "util/cancel.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

#define CLI_CLONE_LOCK_WAIT	30000

struct cli_clone_progress {
	int	tty;
	int	shown;
};

/* A progress line on a terminal; a cancel after SIGINT or SIGTERM. */
static int
cli_clone_progress(void *arg, const char *what, uint64_t done,
    uint64_t total)
{
	struct cli_clone_progress	*p = arg;
	char				*d, *t;

	if (cancel_signal() != 0)
		return (1);
	if (!p->tty || total == 0)
		return (0);
	d = str_size_short(done);
	t = str_size_short(total);
	fprintf(stderr, "\rcloning disk %s: %3d%% (%s of %s)\033[K", what,
	    (int)(done * 100 / total), d, t);
	fflush(stderr);
	p->shown = 1;
	free(d);
	free(t);
	return (0);
}

/* Refuse a live source: its disks change under QEMU. */
struct cli_clone_args {
	int		 linked;
	int		 full;
	const char	*snapshot;
};

static int
cli_clone_flag(int c, const char *val, void *arg)
{
	struct cli_clone_args	*a = arg;

	switch (c) {
	case 'l':
		a->linked = 1;
		return (0);
	case 'f':
		a->full = 1;
		return (0);
	case 's':
		a->snapshot = val;
		return (0);
	}
	return (-1);
}

int
cli_clone(struct cli *cli, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "linked", no_argument, NULL, 'l' },
		{ "full", no_argument, NULL, 'f' },
		{ "from-snapshot", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_clone_args		 a;
	struct cli_clone_progress	 prog;
	struct cancel			 cancel;
	enum clone_mode			 mode;
	struct strv			 notes;
	const char			*src, *dst;
	char				*cause = NULL;
	uint64_t			 t0;
	size_t				 i;
	int				 c;

	memset(&a, 0, sizeof a);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "lfs:", opts, NULL)) != -1) {
		if (c == '?' || c == ':' || cli_clone_flag(c, optarg,
		    &a) != 0) {
			cli_error("clone: unknown or incomplete option '%s'",
			    argv[optind - 1]);
			return (cli_usage("clone"));
		}
	}
	if (argc - optind != 2)
		return (cli_usage("clone"));
	src = argv[optind];
	dst = argv[optind + 1];
	if (a.linked && a.full) {
		cli_error("clone: --linked and --full exclude each other");
		return (cli_usage("clone"));
	}
	if (a.linked && a.snapshot != NULL) {
		cli_error("clone: --from-snapshot copies the disks (a snapshot "
		    "inside a qcow2 file cannot be a shared base): leave out "
		    "--linked");
		return (cli_usage("clone"));
	}
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);

	memset(&prog, 0, sizeof prog);
	prog.tty = isatty(STDERR_FILENO);
	cancel_catch(&cancel, CANCEL_INT|CANCEL_TERM);
	strv_init(&notes);
	t0 = time_mono_ms();
	mode = a.full || a.snapshot != NULL ? CLONE_FULL : CLONE_LINKED;
	c = vmctl_clone(cli->lib, src, dst, mode, a.snapshot,
	    cli_clone_progress, &prog, &notes, &cause);
	cancel_release(&cancel);
	if (prog.shown)
		fprintf(stderr, "\r\033[K");
	if (c != 0 && cancel_signal() != 0) {
		/* clone_vm removed what it had made. */
		free(cause);
		cli_error("clone of VM %s interrupted: VM %s was not made, and "
		    "%s is as it was", src, dst, src);
		strv_clear(&notes);
		return (CLI_FAIL);
	}
	if (c != 0) {
		cli_fail(cause);
		strv_clear(&notes);
		return (CLI_FAIL);
	}
	if (a.snapshot != NULL)
		printf("Cloned VM %s at snapshot %s to %s (%.2f s).\n", src,
		    a.snapshot, dst, (time_mono_ms() - t0) / 1000.0);
	else
		printf("Cloned VM %s to %s: %s (%.2f s).\n", src, dst,
		    mode == CLONE_LINKED ? "linked" : "full",
		    (time_mono_ms() - t0) / 1000.0);
	for (i = 0; i < notes.n; i++)
		printf("  %s\n", notes.v[i]);
	strv_clear(&notes);
	return (CLI_OK);
}
