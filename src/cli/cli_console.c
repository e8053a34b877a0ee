/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk console: the serial console passed through to the terminal. */
#include "config.h"

#include "cli/cli_console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backend/serial.h"
#include "backend/vmproc.h"
#include "util/cancel.h"
#include "util/xmalloc.h"

/* Scrollback shown on attach, from serial.log. */
#define CONSOLE_TAIL		2048
/* With a pipe on stdin: after its end, wait this long for quiet output. */
#define CONSOLE_QUIET_MS	1500


static void
console_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	n = write(fd, buf, len);
	(void)n;
}

/* Write a string to the terminal (fd 2, beside the guest's output). */
static void
console_say(const char *s)
{
	/* The terminal went away: nothing left to tell. */
	console_write(STDERR_FILENO, s, strlen(s));
}

int
cli_console_run(const struct vm_paths *p, const char *name, int tty)
{
	struct termios		 saved, raw;
	struct cancel		 cancel;
	enum serial_end		 end;
	char			*cause = NULL, *tail, *msg;
	const char		*nl;
	size_t			 len;
	int			 sock, flags = 0;

	if ((sock = serial_connect(p->serial, &cause)) == -1)
		return (cli_fail_vm(name, cause));
	tty = tty && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		/* What the guest printed before we came: its log. */
		tail = serial_log_tail(p->serial_log, CONSOLE_TAIL, &len, &cause);
		if (tail != NULL) {
			console_write(STDOUT_FILENO, tail, len);
			free(tail);
		} else
			free(cause);
		msg = xasprintf("\r\n[vmdesk: attached to %s's serial console;"
		    " Ctrl-] detaches, Enter shows the prompt]\r\n", name);
		console_say(msg);
		free(msg);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	cancel_catch(&cancel, CANCEL_TERM|CANCEL_HUP);
	/* No terminal reads the output: the guest's questions to one go. */
	if (!isatty(STDOUT_FILENO))
		flags |= SERIAL_NO_QUERIES;
	end = serial_relay(sock, STDIN_FILENO, STDOUT_FILENO,
	    tty ? CLI_CONSOLE_DETACH : -1, CONSOLE_QUIET_MS, flags,
	    cancel_flag());
	cancel_release(&cancel);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	close(sock);
	/* A raw terminal needs the carriage return; a pipe does not. */
	nl = tty ? "\r\n" : "\n";
	if (end == SERIAL_ERROR) {
		/* The guest's last line may be open: the error gets its own. */
		console_say(nl);
		cli_error("console: %s", strerror(errno));
		return (CLI_FAIL);
	}
	if (end == SERIAL_CLOSED)
		msg = xasprintf("%s[vmdesk: %s's serial port closed: the VM "
		    "stopped]%s", nl, name, nl);
	else
		msg = tty ? xasprintf("\r\n[vmdesk: detached; %s keeps "
		    "running]\r\n", name) : xstrdup("");
	console_say(msg);
	free(msg);
	return (CLI_OK);
}

int
cli_console_attach(struct cli *cli, const char *name)
{
	struct vm_paths		 p;
	struct vm_status	 st;
	int			 rc;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (!library_exists(cli->lib, name)) {
		cli_error("no VM named '%s' (vmdesk list shows them)", name);
		return (CLI_FAIL);
	}
	if (cli_paths(cli, name, &p) != CLI_OK)
		return (CLI_FAIL);
	vmproc_status(&p, 0, &st);
	if (!vmstate_is_alive(st.state)) {
		cli_error("VM %s is %s: vmdesk start %s", name,
		    vmstate_name(st.state), name);
		vm_status_clear(&st);
		vm_paths_clear(&p);
		return (CLI_FAIL);
	}
	vm_status_clear(&st);
	rc = cli_console_run(&p, name, isatty(STDIN_FILENO));
	vm_paths_clear(&p);
	return (rc);
}

int
cli_console(struct cli *cli, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return (cli_usage("console"));
	return (cli_console_attach(cli, argv[1]));
}
