/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk export, import, import-ova and ssh. */
#include "config.h"

#include "cli/cli_bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backend/vmproc.h"
#include "ops/bundle.h"
#include "ops/ova.h"
#include "ops/vmctl.h"
#include "util/cancel.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* Longest password read. */
#define CLI_PASSWORD_MAX	1024

struct cli_bundle_job {
	const char		*verb;		/* "exporting" */
	int			 tty;
	int			 shown;
	uint64_t		 t0;
	uint64_t		 bytes;
	struct cancel		 cancel;
};

/* A progress line on a terminal; a cancel after SIGINT or SIGTERM. */
static int
cli_bundle_progress(void *arg, const char *what, uint64_t done,
    uint64_t total)
{
	struct cli_bundle_job	*j = arg;
	char			*d, *t;

	j->bytes = done;
	if (cancel_signal() != 0)
		return (1);
	if (!j->tty || total == 0)
		return (0);
	d = str_size_short(done);
	t = str_size_short(total);
	fprintf(stderr, "\r%s %s: %3d%% (%s of %s)\033[K", j->verb, what,
	    (int)(done * 100 / total), d, t);
	fflush(stderr);
	j->shown = 1;
	free(d);
	free(t);
	return (0);
}

static void
cli_bundle_begin(struct cli_bundle_job *j, const char *verb)
{
	memset(j, 0, sizeof *j);
	j->verb = verb;
	j->tty = isatty(STDERR_FILENO);
	j->t0 = time_mono_ms();
	cancel_catch(&j->cancel, CANCEL_INT|CANCEL_TERM);
}

/* Restore the signals; whether the job was interrupted. */
static int
cli_bundle_end(struct cli_bundle_job *j)
{
	cancel_release(&j->cancel);
	if (j->shown)
		fprintf(stderr, "\r\033[K");
	return (cancel_signal() != 0);
}

static double
cli_bundle_rate(const struct cli_bundle_job *j, double *secs)
{
	uint64_t	ms = time_mono_ms() - j->t0;

	*secs = ms / 1000.0;
	return (ms > 0 ? j->bytes / 1048576.0 / (ms / 1000.0) : 0);
}

/* Positional arguments only: min to max of them, after "--" too. */
static int
cli_bundle_args(const char *cmd, int argc, char **argv, int min, int max)
{
	int	i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_error("%s: unknown option '%s'", cmd, argv[i]);
			return (cli_usage(cmd));
		}
	}
	if (argc - 1 < min || argc - 1 > max)
		return (cli_usage(cmd));
	return (CLI_OK);
}

int
cli_export(struct cli *cli, int argc, char **argv)
{
	struct cli_bundle_job	 j;
	char			*cause = NULL, *size;
	double			 secs, rate;
	int			 rc;

	if ((rc = cli_bundle_args("export", argc, argv, 2, 2)) != CLI_OK)
		return (rc);
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	cli_bundle_begin(&j, "exporting");
	rc = vmctl_export(cli->lib, argv[1], argv[2], cli_bundle_progress, &j,
	    &cause);
	if (cli_bundle_end(&j) && rc != 0) {
		free(cause);
		cli_error("export of VM %s interrupted: %s was not written",
		    argv[1], argv[2]);
		return (CLI_FAIL);
	}
	if (rc != 0)
		return (cli_fail(cause));
	rate = cli_bundle_rate(&j, &secs);
	size = str_size_short((uint64_t)fs_file_size(argv[2]));
	printf("Exported VM %s to %s (%s; %.1f s, %.0f MB/s read).\n",
	    argv[1], argv[2], size, secs, rate);
	free(size);
	return (CLI_OK);
}

/* vmdesk import and import-ova: FILE [NAME], with progress and Ctrl-C. */
static int
cli_import_run(struct cli *cli, int argc, char **argv, const char *cmd,
    int ova)
{
	struct cli_bundle_job	 j;
	struct strv		 notes;
	char			*cause = NULL, *name = NULL;
	const char		*want = argc > 2 ? argv[2] : NULL;
	double			 secs, rate;
	size_t			 i;
	int			 rc;

	if ((rc = cli_bundle_args(cmd, argc, argv, 1, 2)) != CLI_OK)
		return (rc);
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	strv_init(&notes);
	cli_bundle_begin(&j, "importing");
	if (ova)
		rc = ova_import(cli->lib, argv[1], want, cli_bundle_progress,
		    &j, &name, &cause);
	else
		rc = bundle_import(cli->lib, argv[1], want,
		    cli_bundle_progress, &j, &name, &notes, &cause);
	if (cli_bundle_end(&j) && rc != 0) {
		free(cause);
		strv_clear(&notes);
		cli_error("import of %s interrupted: no VM was made", argv[1]);
		return (CLI_FAIL);
	}
	if (rc != 0) {
		strv_clear(&notes);
		return (cli_fail(cause));
	}
	rate = cli_bundle_rate(&j, &secs);
	if (ova)
		printf("Imported appliance %s as VM %s (%.1f s).\n", argv[1],
		    name, secs);
	else
		printf("Imported VM %s from %s (%.1f s, %.0f MB/s written).\n",
		    name, argv[1], secs, rate);
	for (i = 0; i < notes.n; i++)
		printf("Note: %s.\n", notes.v[i]);
	strv_clear(&notes);
	free(name);
	return (CLI_OK);
}

int
cli_import(struct cli *cli, int argc, char **argv)
{
	return (cli_import_run(cli, argc, argv, "import", 0));
}

int
cli_import_ova(struct cli *cli, int argc, char **argv)
{
	return (cli_import_run(cli, argc, argv, "import-ova", 1));
}

/* ---- ssh ----------------------------------------------------------------- */

/* The host port forwarded to the guest's port 22, or -1. */
static int
cli_ssh_port(const struct vm_def *def)
{
	size_t	i, k;

	for (i = 0; i < def->nnics; i++) {
		for (k = 0; k < def->nics[i].nforwards; k++) {
			if (!def->nics[i].forwards[k].udp &&
			    def->nics[i].forwards[k].guest_port == 22)
				return (def->nics[i].forwards[k].host_port);
		}
	}
	return (-1);
}

int
cli_ssh(struct cli *cli, int argc, char **argv)
{
	struct vm_def		*def;
	struct vm_paths		 p;
	struct vm_status	 st;
	struct strv		 av;
	const char		*name, *prog;
	char			*cause = NULL, *dir, *known;
	int			 port, alive, i;

	if (argc < 2 || argv[1][0] == '-' || (argc > 2 &&
	    strcmp(argv[2], "--") != 0))
		return (cli_usage("ssh"));
	name = argv[1];
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if ((def = library_load(cli->lib, name, &cause)) == NULL)
		return (cli_fail(cause));
	if (def->user == NULL) {
		vmdef_free(def);
		cli_error("VM %s has no user for ssh: it was not made with "
		    "cloud-init (set 'user = NAME' in its vm.conf)", name);
		return (CLI_FAIL);
	}
	if ((port = cli_ssh_port(def)) == -1) {
		vmdef_free(def);
		cli_error("VM %s forwards no host port to guest port 22 (add "
		    "'forward = tcp:PORT:22' to a [nic] of its vm.conf)", name);
		return (CLI_FAIL);
	}
	if (vmctl_paths(cli->lib, name, &p, &cause) != 0) {
		vmdef_free(def);
		return (cli_fail(cause));
	}
	vmproc_status(&p, VMPROC_QMP_QUICK, &st);
	alive = st.state == VM_RUNNING;
	vm_status_clear(&st);
	vm_paths_clear(&p);
	if (!alive) {
		vmdef_free(def);
		cli_error("VM %s is not running (vmdesk start %s)", name, name);
		return (CLI_FAIL);
	}
	/* Each VM has its own host key; keep them apart from ~/.ssh. */
	dir = library_vm_dir(cli->lib, name);
	known = fs_path_join(dir, "known_hosts");
	if ((prog = getenv("VMDESK_SSH")) == NULL || *prog == '\0')
		prog = "ssh";
	strv_init(&av);
	strv_push(&av, prog);
	strv_push(&av, "-p");
	strv_pushf(&av, "%d", port);
	strv_pushf(&av, "-oUserKnownHostsFile=%s", known);
	strv_push(&av, "-oStrictHostKeyChecking=accept-new");
	strv_pushf(&av, "-oHostKeyAlias=vmdesk-%s", name);
	strv_pushf(&av, "%s@127.0.0.1", def->user);
	for (i = 3; i < argc; i++)
		strv_push(&av, argv[i]);
	free(known);
	free(dir);
	vmdef_free(def);
	fflush(stdout);
	execvp(prog, av.v);
	cli_error("cannot run %s: %s", prog, strerror(errno));
	strv_clear(&av);
	return (CLI_FAIL);
}

/* ---- passwords ----------------------------------------------------------- */

static int
cli_password_line(FILE *f, char **out)
{
	char	*buf;
	size_t	 len;

	buf = xmalloc(CLI_PASSWORD_MAX + 2);
	if (fgets(buf, CLI_PASSWORD_MAX + 2, f) == NULL) {
		free(buf);
		return (-1);
	}
	len = strcspn(buf, "\r\n");
	if (len > CLI_PASSWORD_MAX) {
		explicit_bzero(buf, CLI_PASSWORD_MAX + 2);
		free(buf);
		return (-1);
	}
	buf[len] = '\0';
	*out = buf;
	return (0);
}

/* Ask on the terminal with echo off. */
static int
cli_password_ask(FILE *tty, const char *prompt, char **out)
{
	struct termios	old, t;
	int		rc, fd = fileno(tty);

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(fd, &old) != 0)
		return (-1);
	t = old;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &t);
	rc = cli_password_line(tty, out);
	tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return (rc);
}

int
cli_password_read(const char *file, char **out)
{
	FILE	*f;
	char	*again = NULL;
	int	 same;

	*out = NULL;
	if (file != NULL) {
		if ((f = fopen(file, "re")) == NULL) {
			cli_error("--password-file %s: %s", file,
			    strerror(errno));
			return (CLI_FAIL);
		}
		if (cli_password_line(f, out) != 0 || **out == '\0') {
			fclose(f);
			free(*out);
			*out = NULL;
			cli_error("--password-file %s: no password on its "
			    "first line (at most %d bytes)", file,
			    CLI_PASSWORD_MAX);
			return (CLI_FAIL);
		}
		fclose(f);
		return (CLI_OK);
	}
	if ((f = fopen("/dev/tty", "r+e")) == NULL) {
		cli_error("--password asks on the terminal, and there is none "
		    "(use --password-file FILE)");
		return (CLI_FAIL);
	}
	if (cli_password_ask(f, "Password for the guest user: ", out) != 0 ||
	    cli_password_ask(f, "Again: ", &again) != 0) {
		fclose(f);
		if (*out != NULL)
			explicit_bzero(*out, strlen(*out));
		free(*out);
		*out = NULL;
		cli_error("no password read from the terminal");
		return (CLI_FAIL);
	}
	fclose(f);
	same = strcmp(*out, again) == 0 && **out != '\0';
	explicit_bzero(again, strlen(again));
	free(again);
	if (!same) {
		explicit_bzero(*out, strlen(*out));
		free(*out);
		*out = NULL;
		cli_error("the passwords differ or are empty");
		return (CLI_FAIL);
	}
	return (CLI_OK);
}
